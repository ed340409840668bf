//! `/staff/cases/<reference>`: a case with its answers, verdict,
//! documents, assignment, scheduling, calls, decline, messages, notes and
//! audit trail; each view recorded before it is shown. Its changes are
//! `actions`; a refused one shows the page again with the reason above the
//! form as it was posted.

mod actions;
mod store;
mod view;

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{NaiveDate, NaiveTime};
use domain::case::{CaseStatus, DeclineReason, Step, proposed_days};
use domain::contact::{CallOutcome, PatientAnswer};
use domain::reference::Reference;
use domain::{AppointmentWindow, Calendar, Document, Verdict, assess, japan_time};
use leptos::prelude::*;

use super::store::{
    case_row, current_appointment, departments, specialists, submission, window_of,
};
use super::{Department, Desk, Specialist, StaffError};
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, record};
use crate::http::{Form, FormPairs, Site};
use crate::store::{calendar, in_japan, undecodable};
use actions::CaseAction;

pub(super) fn routes() -> Router<Site> {
    Router::new().route("/staff/cases/{reference}", get(show).post(change))
}

/// An appointment, current or ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentRow {
    pub day: NaiveDate,
    pub start: NaiveTime,
    pub reason_outside_window: Option<String>,
    pub booked_by: String,
    pub booked_at: String,
    /// How and when it ended (rescheduled or cancelled), if it did.
    pub ended: Option<(String, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// Japan time, `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A document to bring, as reception recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentState {
    pub document: Document,
    pub received_on: Option<NaiveDate>,
    pub arrival: Option<domain::Arrival>,
    /// The CD-R: whether it could be read, once checked.
    pub readable: Option<bool>,
}

/// A call to the patient, as the case page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    /// Japan time, `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub outcome: domain::contact::CallOutcome,
    pub note: Option<String>,
    pub caller: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub at: String,
    pub author: String,
    pub text: String,
}

/// A case as reception sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseDetail {
    pub reference: Reference,
    pub status: CaseStatus,
    pub version: i64,
    pub contact_first: bool,
    /// Japan time, `YYYY-MM-DD HH:MM`.
    pub received_at: String,
    pub language: String,
    /// Every answer, as the patient sent them.
    pub answers: domain::form::RequestForm,
    /// Recomputed now on the server.
    pub verdict: Verdict,
    /// Recomputed with today's calendar (closure days included).
    pub window: AppointmentWindow,
    pub documents: Vec<DocumentState>,
    pub department: Option<String>,
    pub specialist_id: Option<i64>,
    pub decline: Option<(DeclineReason, Option<String>)>,
    pub appointment: Option<(NaiveDate, NaiveTime)>,
    pub updated: Option<(String, String)>,
    /// What the patient answered through an e-mail's link since the last
    /// booking, and when (Japan time).
    pub patient_answer: Option<(domain::contact::PatientAnswer, String)>,
    /// Until when (Japan time, `YYYY-MM-DD HH:MM:SS`) the patient's status
    /// look-up is locked after ten wrong dates of birth, if it is.
    pub look_up_locked_until: Option<String>,
}

/// What the last change did, shown once after the redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Saved,
}

/// `/staff/cases/<reference>`.
#[derive(Debug, Clone, PartialEq)]
pub struct CasePage {
    pub case: CaseDetail,
    /// Why the change just posted was not saved.
    pub problem: Option<StaffError>,
    pub notice: Option<Notice>,
    pub departments: Vec<Department>,
    pub specialists: Vec<Specialist>,
    /// Consultation days of the window that suit the patient.
    pub proposals: Vec<NaiveDate>,
    pub appointments: Vec<AppointmentRow>,
    pub notes: Vec<Note>,
    pub calls: Vec<CallRow>,
    /// Unanswered calls on enough days: declining with "could not be
    /// reached" is proposed.
    pub propose_declining: bool,
    pub messages: Vec<crate::message::MessageRow>,
    /// Whether a mail server is configured (without one, messages wait).
    pub mail_sending: bool,
    pub audit: Vec<AuditRow>,
    /// The values of the form that was refused, to show them again.
    pub posted: Vec<(String, String)>,
    pub today: NaiveDate,
}

/// What the case page posts as `action`: the page writes each name with
/// `code()` and `actions` reads it back with `from_code`, so the two cannot
/// disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseActionName {
    Note,
    Documents,
    Assign,
    Schedule,
    Decline,
    StartReview,
    Complete,
    NoShow,
    CancelAppointment,
    /// A call to the patient, with its outcome.
    Call,
    /// A message to the patient sent again.
    SendAgain,
}

domain::codes!(CaseActionName {
    Note => "note",
    Documents => "documents",
    Assign => "assign",
    Schedule => "schedule",
    Decline => "decline",
    StartReview => "start_review",
    Complete => "complete",
    NoShow => "no_show",
    CancelAppointment => "cancel_appointment",
    Call => "call",
    SendAgain => "send_again",
});

impl CaseActionName {
    /// The button that takes this step, for the steps that only move the
    /// status.
    pub const fn of_step(step: Step) -> Option<Self> {
        match step {
            Step::StartReview => Some(Self::StartReview),
            Step::Complete => Some(Self::Complete),
            Step::NoShow => Some(Self::NoShow),
            Step::CancelAppointment => Some(Self::CancelAppointment),
            Step::Schedule | Step::Reschedule | Step::Decline => None,
        }
    }
}

/// `GET /staff/cases/<reference>`.
async fn show(desk: Desk, Path(reference): Path<String>) -> Result<Response, StaffError> {
    let reference = Reference::parse(&reference).ok_or(StaffError::NotFound)?;
    case_page(desk, &reference, None).await
}

/// `POST /staff/cases/<reference>`: a change; then the page again (303),
/// or, refused, the page with the reason and the values posted.
async fn change(
    desk: Desk,
    Path(reference): Path<String>,
    Form(pairs): Form<FormPairs>,
) -> Result<Response, StaffError> {
    let reference = Reference::parse(&reference).ok_or(StaffError::NotFound)?;
    let done = match CaseAction::try_from(pairs.clone()) {
        Ok(action) => {
            let (pool, mail) = (desk.pool(), &desk.site.mail);
            actions::act(pool, &desk.staff, &reference, action, mail, desk.now()).await
        }
        Err(error) => Err(error),
    };
    match done {
        Ok(()) => Ok(
            Redirect::to(&format!("/staff/cases/{}?saved=1", reference.compact())).into_response(),
        ),
        // Told on the case page, above the form as it was posted.
        Err(problem) if problem.is_shown_on_the_case() => {
            case_page(desk, &reference, Some((problem, pairs))).await
        }
        Err(error) => Err(error),
    }
}

/// The case page; with `problem`, the change just refused and the values
/// posted, kept for the form.
async fn case_page(
    desk: Desk,
    reference: &Reference,
    problem: Option<(StaffError, FormPairs)>,
) -> Result<Response, StaffError> {
    let saved = desk.query().0.iter().any(|(k, _)| k == "saved");
    let mut page = load(&desk, reference).await?.ok_or(StaffError::NotFound)?;
    let status = if let Some((problem, posted)) = problem {
        let status = problem.status();
        page.problem = Some(problem);
        page.posted = posted.0;
        status
    } else {
        page.notice = saved.then_some(Notice::Saved);
        StatusCode::OK
    };
    let page = std::sync::Arc::new(page);
    Ok(desk
        .render(status, move || {
            view! { <view::Case page=(*page).clone() /> }.into_any()
        })
        .await)
}

/// Whether the calls so far propose declining with "could not be reached".
fn proposes_declining(calendar: &Calendar, calls: &[CallRow]) -> bool {
    let calls: Vec<(NaiveDate, CallOutcome)> = calls
        .iter()
        .filter_map(|call| Some((call.at.get(..10)?.parse().ok()?, call.outcome)))
        .collect();
    domain::contact::proposes_declining_unreachable(calendar, &calls)
}

/// Everything the case page shows, for `desk`'s member, once the view is
/// recorded; `None` when no case has the reference.
async fn load(desk: &Desk, reference: &Reference) -> Result<Option<CasePage>, sqlx::Error> {
    let (pool, now) = (desk.pool(), desk.now());
    let Some(row) = case_row(pool, reference).await? else {
        return Ok(None);
    };
    let seen = Entry {
        actor: Some(&desk.staff.login),
        case_id: Some(row.id),
        ..Entry::of(AuditAction::CaseViewed)
    };
    record(pool, now, seen).await?;
    let calendar = calendar(pool).await?;
    let today = japan_time(&now).date();
    let submission = submission(&row)?;
    let window = window_of(&row, &calendar)?;
    let proposals = proposed_days(
        &calendar,
        &window,
        today,
        &submission.preferred_weekdays,
        &submission.unsuitable_dates,
    );
    let case = CaseDetail {
        reference: Reference::parse(&row.reference).ok_or_else(|| undecodable("reference"))?,
        status: CaseStatus::from_code(&row.status).ok_or_else(|| undecodable("status"))?,
        version: row.version,
        contact_first: row.contact_first,
        received_at: in_japan(&row.received_at),
        language: row.language.clone(),
        answers: submission.to_form(),
        // As of the receipt day: a patient who comes of age while waiting
        // does not change what was decided.
        verdict: assess(&submission.request, window.receipt),
        window,
        documents: store::documents_of(pool, row.id, &submission).await?,
        department: row.department.clone(),
        specialist_id: row.specialist_id,
        decline: row
            .decline_reason
            .as_deref()
            .and_then(DeclineReason::from_code)
            .map(|reason| (reason, row.decline_note.clone())),
        appointment: current_appointment(pool, row.id).await?,
        updated: row
            .updated_by
            .clone()
            .zip(row.updated_at.as_deref().map(in_japan)),
        patient_answer: row
            .patient_answer
            .as_deref()
            .and_then(PatientAnswer::from_code)
            .zip(row.patient_answer_at.as_deref().map(in_japan)),
        look_up_locked_until: crate::store::status_lookup_locked_until(pool, reference, now)
            .await?
            .map(|until| in_japan(&crate::store::timestamp(until))),
    };
    let calls = store::calls_of(pool, row.id).await?;
    let propose_declining = case.status.after(domain::case::Step::Decline).is_ok()
        && proposes_declining(&calendar, &calls);
    Ok(Some(CasePage {
        case,
        problem: None,
        propose_declining,
        calls,
        messages: crate::mail::store::messages_of(pool, row.id).await?,
        mail_sending: desk.site.mail.sending,
        notice: None,
        departments: departments(pool).await?,
        specialists: specialists(pool).await?,
        proposals,
        appointments: store::appointments_of(pool, row.id).await?,
        notes: store::notes_of(pool, row.id).await?,
        audit: store::audit_of(pool, row.id).await?,
        posted: Vec::new(),
        today,
    }))
}
