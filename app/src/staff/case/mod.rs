//! `/staff/cases/<reference>`: the case's workspace. Beside its sections,
//! the case at a glance (the numbers to call, where it stands, what comes
//! next and its clock); the sections a role does not need now are folded.
//! Reception works the review, the booking, counter 1 on the day and the
//! report's sending; the case's own specialist (and no other: another's
//! case is "not found") the review of the records, the requests, the
//! consultation and the report. Each view is recorded before it is shown.
//! Its changes are `actions`; a refused one shows the page again with the
//! reason above the form as it was posted.

mod actions;
mod day;
mod parts;
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

use super::store::{current_appointment, departments, specialists, submission, window_of};
use super::{Department, Desk, Role, Specialist, StaffError};
use crate::audit::AuditAction;
use crate::http::{Form, FormPairs, Site};
use crate::store::{calendar, in_japan, undecodable};
use actions::Actor;
use actions::CaseAction;
use domain::case::Progress;
use domain::fee::Yen;
use domain::report::{NeededDocument, Recipient, ReportClock, SendingMethod, report_clock};
use domain::visit::{PaymentMethod, ReceiptNumber, WhoCame};

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
    /// Who is looking: the page shows each role what it does.
    pub viewer: Role,
    /// The day at counter 1 and the report's versions, as far as they go.
    pub progress: Progress,
    pub visit: Option<VisitRow>,
    pub payment: Option<PaymentRow>,
    /// The fee, tax included.
    pub fee: Yen,
    pub reports: Vec<ReportVersionRow>,
    pub sendings: Vec<SendingRow>,
    pub requests: Vec<DocumentRequestRow>,
    /// The specialist reviewed the records: who, when.
    pub reviewed: Option<(String, String)>,
    /// The specialist proposes declining: why, the note, who.
    pub decline_proposal: Option<(DeclineReason, Option<String>, String)>,
    /// When the report is due, and where its clock stands.
    pub report_clock: Option<(NaiveDate, ReportClock)>,
    /// A version signed after the last one sent to the present doctor: it
    /// must be sent too.
    pub resend_needed: bool,
}

/// The visit of the current appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    /// Japan time.
    pub arrived_at: String,
    pub who: WhoCame,
    pub identification_seen: bool,
    pub relationship_seen: bool,
    pub consent_form_seen: bool,
    pub checked_in_by: String,
    /// The consultation, once the specialist recorded it: start, end,
    /// minutes, the reason it went longer, who recorded it.
    pub consultation: Option<(String, String, u32, Option<String>, String)>,
    /// The day the written opinion is due, once the consultation is
    /// recorded.
    pub report_due: Option<NaiveDate>,
}

/// The fee paid for the current appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub receipt: ReceiptNumber,
    pub amount: Yen,
    pub method: PaymentMethod,
    pub payer: String,
    pub taken_by: String,
    /// Japan time.
    pub taken_at: String,
    /// How many times the receipt was printed.
    pub prints: u32,
}

/// A version of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportVersionRow {
    pub version: u32,
    /// When, and by whom, it was signed (a draft until then).
    pub signed: Option<(String, String)>,
    pub superseded_at: Option<String>,
    pub amendment_reason: Option<String>,
    pub updated_at: String,
}

/// A copy of the report that left the hospital.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendingRow {
    pub version: u32,
    pub recipient: Recipient,
    pub method: SendingMethod,
    pub on: NaiveDate,
    pub by: String,
}

/// What the specialist asked the present doctor for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRequestRow {
    pub id: i64,
    pub needed: Vec<NeededDocument>,
    pub other: Option<String>,
    pub note: Option<String>,
    pub by: String,
    pub at: String,
    pub settled: bool,
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
    NoShow,
    CancelAppointment,
    /// A call to the patient, with its outcome.
    Call,
    /// A message to the patient sent again.
    SendAgain,
    CheckIn,
    RecordPayment,
    HoldConsultation,
    RecordSending,
    RecordsReviewed,
    RequestDocuments,
    ProposeDecline,
    /// Reception sent the specialist's request for further documents.
    SettleRequest,
}

domain::codes!(CaseActionName {
    Note => "note",
    Documents => "documents",
    Assign => "assign",
    Schedule => "schedule",
    Decline => "decline",
    StartReview => "start_review",
    NoShow => "no_show",
    CancelAppointment => "cancel_appointment",
    Call => "call",
    SendAgain => "send_again",
    CheckIn => "check_in",
    RecordPayment => "record_payment",
    HoldConsultation => "hold_consultation",
    RecordSending => "record_sending",
    RecordsReviewed => "records_reviewed",
    RequestDocuments => "request_documents",
    ProposeDecline => "propose_decline",
    SettleRequest => "settle_request",
});

impl CaseActionName {
    /// The button that takes this step, for the steps that only move the
    /// status.
    pub const fn of_step(step: Step) -> Option<Self> {
        match step {
            Step::StartReview => Some(Self::StartReview),
            Step::NoShow => Some(Self::NoShow),
            Step::CancelAppointment => Some(Self::CancelAppointment),
            _ => None,
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
    // Another specialist's case is "not found", whatever was posted.
    desk.case(&reference).await?;
    let action = CaseAction::try_from(pairs.clone())?;
    match action.actor() {
        Actor::Reception => desk.reception()?,
        Actor::Specialist => {
            desk.specialist()?;
        }
        Actor::Anyone => {}
    }
    let done = actions::act(&desk.site, &desk.staff, &reference, action, desk.now()).await;
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
    let mut page = load(&desk, reference).await?;
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

/// Everything the case page shows, for `desk`'s member (who may see it),
/// once the view is recorded.
async fn load(desk: &Desk, reference: &Reference) -> Result<CasePage, StaffError> {
    let (pool, now) = (desk.pool(), desk.now());
    let row = desk.case(reference).await?;
    desk.record_seen(AuditAction::CaseViewed, Some(row.id), None)
        .await?;
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
    let day = day::load(pool, row.id).await?;
    let report_clock = match (
        case.status,
        day.visit.as_ref().and_then(|visit| visit.report_due),
    ) {
        (CaseStatus::Seen, Some(due)) => Some((due, report_clock(&calendar, due, today))),
        _ => None,
    };
    let mut connection = pool.acquire().await?;
    let progress = crate::staff::store::progress(&mut connection, row.id).await?;
    drop(connection);
    Ok(CasePage {
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
        viewer: desk.staff.role,
        progress,
        fee: domain::fee::SECOND_OPINION_FEE.total(),
        report_clock,
        visit: day.visit,
        payment: day.payment,
        reports: day.reports,
        resend_needed: day.resend_needed,
        sendings: day.sendings,
        requests: day.requests,
        reviewed: day.reviewed,
        decline_proposal: day.decline_proposal,
    })
}
