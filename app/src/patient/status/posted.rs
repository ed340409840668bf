//! The status answer's posts (with or without JavaScript): `POST /status`
//! (the look-up, with the documents received for a request going on),
//! `POST /status/calendar` (the appointment's calendar file), `POST
//! /status/paper` (a paper to print) and `POST /status/form-link` (the
//! request form's one-time link, e-mailed). Each repeats the reference and date
//! of birth, posted, never in an address, within the look-up's limits.

use std::net::IpAddr;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;
use sqlx::AnyPool;

use super::{Milestone, StatusPage, Step};
use crate::error::AppError;
use crate::http::limits::AttemptLimiter;
use crate::http::{Client, Form, Head, Site};
use crate::patient::api::{CaseStatus, StatusQuery, look_up_status};
use crate::patient::papers::{Paper, StatusPaper};

/// What the status page and its buttons post.
#[derive(Debug, serde::Deserialize)]
pub struct Asked {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    date_of_birth: String,
    /// The paper asked for (`POST /status/paper`).
    #[serde(default)]
    paper: String,
}

impl Asked {
    fn query(&self) -> StatusQuery {
        StatusQuery {
            reference: self.reference.clone(),
            date_of_birth: self.date_of_birth.clone(),
        }
    }
}

/// `POST /status`: the status look-up without JavaScript.
pub async fn post_status(
    State(site): State<Site>,
    Head(head): Head,
    Client(client): Client,
    Form(asked): Form<Asked>,
) -> Response {
    let (page, status) = status(&site, client, asked.query()).await;
    site.render_route(head, move || provide_context(page.clone()), status)
        .await
}

/// `POST /status/calendar`: the appointment as an `.ics` file to open in
/// a calendar, for the reference and date of birth the status page holds.
pub async fn post_calendar(
    State(site): State<Site>,
    Head(head): Head,
    Client(client): Client,
    Form(asked): Form<Asked>,
) -> Response {
    let file = calendar_file(&site.pool, &site.limiter, client, &site.mail, asked.query()).await;
    match file {
        Ok(file) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"second-opinion.ics\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            file,
        )
            .into_response(),
        Err((page, status)) => {
            site.render_route(head, move || provide_context(page.clone()), status)
                .await
        }
    }
}

/// `POST /status/paper`: a paper to print, for the reference and date of
/// birth the status page holds (the status look-up's limits apply).
pub async fn post_paper(
    State(site): State<Site>,
    Head(head): Head,
    Client(client): Client,
    Form(asked): Form<Asked>,
) -> Response {
    match paper(
        &site.pool,
        &site.limiter,
        client,
        asked.query(),
        &asked.paper,
    )
    .await
    {
        Ok(paper) => {
            site.render_route(head, move || provide_context(paper.clone()), StatusCode::OK)
                .await
        }
        Err((page, status)) => {
            site.render_route(head, move || provide_context(page.clone()), status)
                .await
        }
    }
}

/// `POST /status/form-link`: the status answer again, and the one-time
/// link to the request form written to the request's confirmed address
/// (or why not).
pub async fn post_form_link(
    State(site): State<Site>,
    Head(head): Head,
    Client(client): Client,
    Form(asked): Form<Asked>,
) -> Response {
    let (mut page, status) = status(&site, client, asked.query()).await;
    let reference = domain::reference::Reference::parse(&asked.reference);
    if let (Some(Ok(_)), Some(reference)) = (&page.outcome, reference) {
        let from = client.to_string();
        let now = crate::clock::now();
        let answer =
            crate::patient::store::ask_form_link(&site.pool, &site.mail, &reference, &from, now)
                .await
                .unwrap_or_else(|error| {
                    let _ = AppError::from(error);
                    crate::message::FormLinkAnswer::Busy
                });
        page.form_link = Some(answer);
    }
    site.render_route(head, move || provide_context(page.clone()), status)
        .await
}

/// `POST /status`: the same lookup, limit and answers as `find_status`.
async fn status(site: &Site, client: IpAddr, query: StatusQuery) -> (StatusPage, StatusCode) {
    let pool = &site.pool;
    let outcome = look_up_status(pool, &site.limiter, client, &query).await;
    let status = outcome
        .as_ref()
        .err()
        .map_or(StatusCode::OK, AppError::status);
    // Which documents have arrived, so that nobody calls to ask whether a
    // FAX came: for a request still going on.
    let going_on = matches!(
        outcome,
        Ok(CaseStatus::Received { .. }
            | CaseStatus::UnderReview { .. }
            | CaseStatus::Scheduled { .. }
            | CaseStatus::ContactReception)
    );
    let reference = domain::reference::Reference::parse(&query.reference);
    let documents = match &reference {
        Some(reference) if going_on => crate::patient::store::documents_received(pool, reference)
            .await
            .unwrap_or_else(|error| {
                let _ = AppError::from(error);
                Vec::new()
            }),
        _ => Vec::new(),
    };
    // The days the steps still to come are expected on, from the
    // hospital's recent cases (or its rules).
    let expected = match &reference {
        Some(reference) if going_on => {
            let today = crate::clock::now_in_japan().date();
            site.history
                .forecast(pool, reference, today)
                .await
                .unwrap_or_else(|error| {
                    let _ = AppError::from(error);
                    Vec::new()
                })
        }
        _ => Vec::new(),
    };
    let course = match &reference {
        Some(reference) if outcome.is_ok() => crate::patient::store::course(pool, reference)
            .await
            .unwrap_or_else(|error| {
                let _ = AppError::from(error);
                None
            })
            .map(|row| milestones(row, &expected))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    // Whether the e-mail address given is confirmed yet, for a request
    // going on.
    let address = match &reference {
        Some(reference) if going_on => address_of(pool, reference).await,
        _ => None,
    };
    (
        StatusPage {
            query,
            outcome: Some(outcome),
            documents,
            documents_expected: expected
                .iter()
                .find(|e| e.stage == domain::forecast::Stage::Documents)
                .copied(),
            course,
            address,
            form_link: None,
        },
        status,
    )
}

/// `POST /status/calendar`: the appointment's calendar file, for the same
/// reference and date of birth as the status (and within the same
/// limits); without a current appointment, the status page says why.
async fn calendar_file(
    pool: &AnyPool,
    limiter: &AttemptLimiter,
    client: IpAddr,
    mail: &crate::mail::MailSetup,
    query: StatusQuery,
) -> Result<String, (StatusPage, StatusCode)> {
    let outcome = look_up_status(pool, limiter, client, &query).await;
    let file = match (
        &outcome,
        domain::reference::Reference::parse(&query.reference),
    ) {
        (Ok(CaseStatus::Scheduled { .. }), Some(reference)) => {
            crate::patient::store::calendar_file(pool, &reference, mail, crate::clock::now())
                .await
                .map_err(AppError::from)
        }
        _ => Ok(None),
    };
    match file {
        Ok(Some(file)) => Ok(file),
        Ok(None) => {
            let status = outcome
                .as_ref()
                .err()
                .map_or(StatusCode::OK, AppError::status);
            Err((
                StatusPage {
                    query,
                    outcome: Some(outcome),
                    documents: Vec::new(),
                    documents_expected: None,
                    course: Vec::new(),
                    address: None,
                    form_link: None,
                },
                status,
            ))
        }
        Err(error) => Err(failed(query, error)),
    }
}

/// The status page that says why `query` found nothing to show, with the
/// error's status.
fn failed(query: StatusQuery, error: AppError) -> (StatusPage, StatusCode) {
    let status = error.status();
    let page = StatusPage {
        query,
        outcome: Some(Err(error)),
        ..StatusPage::default()
    };
    (page, status)
}

/// Where the case's e-mail address stands (a fault: as if none).
async fn address_of(
    pool: &AnyPool,
    reference: &domain::reference::Reference,
) -> Option<crate::patient::api::AddressState> {
    crate::patient::store::address_state(pool, reference)
        .await
        .unwrap_or_else(|error| {
            let _ = AppError::from(error);
            None
        })
}

/// A paper printed from the status answer, in the audit trail with the
/// client's address (the reference and date of birth are on the letter:
/// its holder can print it, and the hospital can see who did).
async fn record_paper(
    pool: &AnyPool,
    reference: &domain::reference::Reference,
    paper: Paper,
    client: IpAddr,
) -> Result<(), AppError> {
    let case_id = crate::patient::store::case_id(pool, reference).await?;
    let address = client.to_string();
    let entry = crate::audit::chain::Entry {
        address: Some(&address),
        case_id,
        after: Some(paper.code()),
        ..crate::audit::chain::Entry::of(crate::audit::AuditAction::StatusPaperPrinted)
    };
    crate::audit::chain::record(pool, crate::clock::now(), entry).await?;
    Ok(())
}

/// `POST /status/paper`: the paper asked for, for the same reference and
/// date of birth as the status (and within the same limits); otherwise
/// the status page, saying why.
async fn paper(
    pool: &AnyPool,
    limiter: &AttemptLimiter,
    client: IpAddr,
    query: StatusQuery,
    paper: &str,
) -> Result<StatusPaper, (StatusPage, StatusCode)> {
    let outcome = look_up_status(pool, limiter, client, &query).await;
    let found = match (
        &outcome,
        domain::reference::Reference::parse(&query.reference),
    ) {
        (Ok(_), Some(reference)) => crate::patient::api::summary_of(pool, &reference).await,
        _ => Ok(None),
    };
    // Only the papers that hold no more than the letter does: asked for
    // another, the status answer again.
    let paper = Paper::from_code(paper).filter(|paper| paper.opens_from_status());
    match (found, paper) {
        (Ok(Some(summary)), Some(paper)) => {
            if let Err(error) = record_paper(pool, &summary.reference, paper, client).await {
                return Err(failed(query, error));
            }
            Ok(StatusPaper { summary, paper })
        }
        (Err(error), _) => Err(failed(query, error)),
        _ => {
            let status = outcome
                .as_ref()
                .err()
                .map_or(StatusCode::NOT_FOUND, AppError::status);
            Err((
                StatusPage {
                    query,
                    outcome: Some(outcome),
                    documents: Vec::new(),
                    documents_expected: None,
                    course: Vec::new(),
                    address: None,
                    form_link: None,
                },
                status,
            ))
        }
    }
}

/// The steps of the case's course (received, under review, booked,
/// consultation held, report sent), each with its day once reached. A
/// case going on lists the steps still to come too; a closed one only
/// those it reached.
fn milestones(
    row: crate::patient::store::CourseRow,
    expected: &[domain::forecast::Expected],
) -> Vec<Milestone> {
    use domain::case::CaseStatus;
    use domain::forecast::Stage;

    let day_of = |stored: &str| {
        chrono::DateTime::parse_from_rfc3339(stored)
            .ok()
            .map(|moment| domain::japan_time(&moment).date())
    };
    let Some(status) = CaseStatus::from_code(&row.status) else {
        return Vec::new();
    };
    // How far the case went; a closed case reached what has a day.
    let reached = match status {
        CaseStatus::Received => Some(0),
        CaseStatus::UnderReview => Some(1),
        CaseStatus::Scheduled => Some(2),
        CaseStatus::Seen | CaseStatus::Completed => Some(3),
        CaseStatus::Reported => Some(4),
        CaseStatus::Declined | CaseStatus::Cancelled | CaseStatus::NoShow => None,
    };
    let held = row.held_on.and_then(|day| day.parse().ok());
    let booked = match status {
        CaseStatus::Scheduled | CaseStatus::Seen | CaseStatus::Reported => {
            row.booked_day.and_then(|day| day.parse().ok())
        }
        _ => None,
    };
    let steps = [
        (Step::Received, day_of(&row.received_at), None),
        (
            Step::UnderReview,
            row.reviewed_at.as_deref().and_then(day_of),
            None,
        ),
        (Step::Booked, booked, booked.and(row.booked_start)),
        (Step::Held, held, None),
        (
            Step::ReportSent,
            row.sent_on.and_then(|day| day.parse().ok()),
            None,
        ),
    ];
    steps
        .into_iter()
        .enumerate()
        .map(|(rank, (step, day, time))| {
            let reached = reached.map_or(day.is_some(), |reached| rank <= reached);
            let stage = match step {
                Step::Received => None,
                Step::UnderReview => Some(Stage::Review),
                Step::Booked => Some(Stage::Booking),
                Step::Held => Some(Stage::Visit),
                Step::ReportSent => Some(Stage::Report),
            };
            Milestone {
                step,
                day,
                time,
                reached,
                expected: expected
                    .iter()
                    .find(|e| !reached && Some(e.stage) == stage)
                    .copied(),
            }
        })
        .filter(|milestone| reached.is_some() || milestone.reached)
        .collect()
}
