//! The forms posted without JavaScript. The `server` crate reads the body
//! and calls these; the answer is either a redirect or the page rendered
//! again from the posted values, so that nothing typed is lost.

use std::net::IpAddr;

use domain::form::RequestForm;
use leptos::server_fn::http_export::StatusCode;
use sqlx::SqlitePool;

use super::api::{
    CaseStatus, StatusQuery, SubmitRequestInput, accept_request, is_submission_id, look_up_status,
};
use super::request::{FormPage, KEEP_NOTHING, Stage, check_answers, new_submission_id};
use super::status::StatusPage;
use crate::error::AppError;
use crate::ssr::{AttemptLimiter, status_of};

/// What to answer a post with.
#[derive(Debug)]
pub enum Answer<Page> {
    /// Render the page from this state, with this status.
    Render(Page, StatusCode),
    /// Go to this path on the site (303 See Other).
    Redirect(String),
    /// The request was stored: go to its confirmation, with the cookie (of
    /// this token) that lets this browser show it.
    Sent(domain::reference::Reference, String),
}

pub use super::api::Sender;

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

/// `POST /request`: `step` is `check`, `send`, `edit` (a "Change" button)
/// or `reset` ("Start again").
pub async fn request(
    pool: &SqlitePool,
    sender: Sender<'_>,
    pairs: &[(String, String)],
) -> Answer<FormPage> {
    let form = RequestForm::from_posted(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let submission_id = Some(value(pairs, "submission_id"))
        .filter(|id| is_submission_id(id))
        .map_or_else(new_submission_id, str::to_owned);
    let keep_nothing = value(pairs, KEEP_NOTHING) == "on";
    let page = |stage, errors, problem| FormPage {
        form: form.clone(),
        submission_id: submission_id.clone(),
        stage,
        errors,
        problem,
        posted: true,
        keep_nothing,
    };
    match value(pairs, "step") {
        "send" => {
            let input = SubmitRequestInput {
                submission_id: submission_id.clone(),
                language: value(pairs, "language").to_owned(),
                form: form.clone(),
            };
            match accept_request(pool, input, &sender).await {
                Ok(accepted) => Answer::Sent(accepted.sent.reference, accepted.token),
                Err(AppError::InvalidFields { errors }) => Answer::Render(
                    page(Stage::Editing, errors, None),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Err(error @ AppError::NotSendable { .. }) => Answer::Render(
                    page(Stage::Editing, Vec::new(), Some(error)),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Err(AppError::Resubmitted) => {
                    let mut page = page(Stage::Checking, Vec::new(), Some(AppError::Resubmitted));
                    page.submission_id = new_submission_id();
                    Answer::Render(page, StatusCode::CONFLICT)
                }
                Err(error) => {
                    let status = status_of(&error);
                    Answer::Render(page(Stage::Checking, Vec::new(), Some(error)), status)
                }
            }
        }
        "check" => match check_answers(&form) {
            Ok(()) => Answer::Render(page(Stage::Checking, Vec::new(), None), StatusCode::OK),
            Err((errors, verdict)) => Answer::Render(
                page(
                    Stage::Editing,
                    errors,
                    verdict.map(|verdict| AppError::NotSendable { verdict }),
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        },
        "reset" => Answer::Redirect("/request".to_owned()),
        _ => Answer::Render(page(Stage::Editing, Vec::new(), None), StatusCode::OK),
    }
}

/// `POST /status`: the same lookup, limit and answers as `find_status`.
pub async fn status(
    pool: &SqlitePool,
    limiter: &AttemptLimiter,
    client: IpAddr,
    pairs: &[(String, String)],
) -> (StatusPage, StatusCode) {
    let query = StatusQuery {
        reference: value(pairs, "reference").to_owned(),
        date_of_birth: value(pairs, "date_of_birth").to_owned(),
    };
    let outcome = look_up_status(pool, limiter, client, &query).await;
    let status = outcome.as_ref().err().map_or(StatusCode::OK, status_of);
    // Which documents have arrived, so that nobody calls to ask whether a
    // FAX came: for a request still going on.
    let going_on = matches!(
        outcome,
        Ok(CaseStatus::Received { .. }
            | CaseStatus::UnderReview { .. }
            | CaseStatus::Scheduled { .. }
            | CaseStatus::ContactReception)
    );
    let documents = match domain::reference::Reference::parse(&query.reference) {
        Some(reference) if going_on => super::store::documents_received(pool, &reference)
            .await
            .unwrap_or_else(|error| {
                crate::ssr::database_error("read the documents received", &error);
                Vec::new()
            }),
        _ => Vec::new(),
    };
    (
        StatusPage {
            query,
            outcome: Some(outcome),
            documents,
        },
        status,
    )
}

/// `POST /status/calendar`: the appointment's calendar file, for the same
/// reference and date of birth as the status (and within the same
/// limits); without a current appointment, the status page says why.
pub async fn calendar_file(
    pool: &SqlitePool,
    limiter: &AttemptLimiter,
    client: IpAddr,
    mail: &crate::mail::MailSetup,
    pairs: &[(String, String)],
) -> Result<String, (StatusPage, StatusCode)> {
    let query = StatusQuery {
        reference: value(pairs, "reference").to_owned(),
        date_of_birth: value(pairs, "date_of_birth").to_owned(),
    };
    let outcome = look_up_status(pool, limiter, client, &query).await;
    let file = match (
        &outcome,
        domain::reference::Reference::parse(&query.reference),
    ) {
        (Ok(CaseStatus::Scheduled { .. }), Some(reference)) => {
            super::store::calendar_file(pool, &reference, mail, crate::clock::now())
                .await
                .map_err(|e| crate::ssr::database_error("write a calendar file", &e))
        }
        _ => Ok(None),
    };
    match file {
        Ok(Some(file)) => Ok(file),
        Ok(None) => {
            let status = outcome.as_ref().err().map_or(StatusCode::OK, status_of);
            Err((
                StatusPage {
                    query,
                    outcome: Some(outcome),
                    documents: Vec::new(),
                },
                status,
            ))
        }
        Err(error) => {
            let status = status_of(&error);
            Err((
                StatusPage {
                    query,
                    outcome: Some(Err(error)),
                    documents: Vec::new(),
                },
                status,
            ))
        }
    }
}

/// `GET` and `POST /respond/<token>`: the answer link's page, and the
/// answer recorded when it is confirmed.
pub async fn respond(
    pool: &SqlitePool,
    token: &str,
    confirmed: bool,
) -> (super::respond::RespondPage, StatusCode) {
    use super::respond::RespondPage;
    use domain::contact::PatientAnswer;
    let now = crate::clock::now();
    let found = if confirmed {
        super::store::record_answer(pool, token, now).await
    } else {
        super::store::find_answer_link(pool, token, now).await
    };
    let link = match found {
        Ok(Some(link)) => link,
        Ok(None) => return (RespondPage::Invalid, StatusCode::NOT_FOUND),
        Err(error) => {
            let error = crate::ssr::database_error("read an answer link", &error);
            return (RespondPage::Invalid, status_of(&error));
        }
    };
    let (Some(answer), Ok(day)) = (PatientAnswer::from_code(&link.answer), link.day.parse()) else {
        return (RespondPage::Invalid, StatusCode::NOT_FOUND);
    };
    let page = if confirmed {
        RespondPage::Done { answer }
    } else {
        RespondPage::Ask {
            answer,
            day,
            start: link.start_time,
        }
    };
    (page, StatusCode::OK)
}

/// `POST /status/paper`: the paper asked for, for the same reference and
/// date of birth as the status (and within the same limits); otherwise
/// the status page, saying why.
pub async fn paper(
    pool: &SqlitePool,
    limiter: &AttemptLimiter,
    client: IpAddr,
    pairs: &[(String, String)],
) -> Result<super::papers::StatusPaper, (StatusPage, StatusCode)> {
    use super::papers::{Paper, StatusPaper};
    let query = StatusQuery {
        reference: value(pairs, "reference").to_owned(),
        date_of_birth: value(pairs, "date_of_birth").to_owned(),
    };
    let outcome = look_up_status(pool, limiter, client, &query).await;
    let found = match (
        &outcome,
        domain::reference::Reference::parse(&query.reference),
    ) {
        (Ok(_), Some(reference)) => super::api::summary_of(pool, &reference).await,
        _ => Ok(None),
    };
    let paper = Paper::from_code(value(pairs, "paper"));
    match (found, paper) {
        (Ok(Some(summary)), Some(paper)) => Ok(StatusPaper { summary, paper }),
        (Err(error), _) => {
            let status = status_of(&error);
            Err((
                StatusPage {
                    query,
                    outcome: Some(Err(error)),
                    documents: Vec::new(),
                },
                status,
            ))
        }
        _ => {
            let status = outcome
                .as_ref()
                .err()
                .map_or(StatusCode::NOT_FOUND, status_of);
            Err((
                StatusPage {
                    query,
                    outcome: Some(outcome),
                    documents: Vec::new(),
                },
                status,
            ))
        }
    }
}
