//! `/staff/my-cases`: the specialist's home. Their own cases, reports due
//! or overdue first, then by appointment: each with the patient's
//! questions as asked, the diagnosis as the patient knows it, the
//! documents received and still missing, and the days until the visit.
//! Recorded as a view of personal data before it is shown.

mod store;
mod view;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, NaiveDate, NaiveTime};
use domain::case::CaseStatus;
use domain::reference::Reference;
use domain::report::{ReportClock, report_clock};
use domain::{Document, documents_to_bring};
use leptos::prelude::*;

use crate::audit::AuditAction;
use crate::http::Site;
use crate::staff::{Desk, StaffError};
use crate::store::calendar;

pub(super) fn routes() -> Router<Site> {
    Router::new().route("/staff/my-cases", get(show))
}

/// One of the specialist's cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyCase {
    pub reference: Reference,
    pub patient_name: String,
    pub status: CaseStatus,
    pub appointment: Option<(NaiveDate, NaiveTime)>,
    /// Calendar days until the visit (0 on the day).
    pub days_to_visit: Option<i64>,
    pub questions: String,
    pub diagnosis: String,
    /// Each document to bring, and whether it has arrived.
    pub documents: Vec<(Document, bool)>,
    pub reviewed: bool,
    /// The report's clock, once the patient was seen.
    pub report: Option<ReportClock>,
    /// A draft is being written.
    pub drafting: bool,
    /// An amendment was signed after the report was sent: the new version
    /// is still to be sent.
    pub resend: bool,
}

/// The page: the cases in the order to work them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyCasesPage {
    pub cases: Vec<MyCase>,
    pub today: NaiveDate,
}

/// What comes first: a report overdue (the most first), due; then the
/// visits, soonest first; then the cases without an appointment yet.
fn order(case: &MyCase) -> (u8, i64) {
    match (case.report, case.appointment) {
        (Some(ReportClock::Overdue(days)), _) => (0, -i64::from(days)),
        (Some(ReportClock::DueToday), _) => (1, 0),
        (Some(ReportClock::DueIn(days)), _) => (1, i64::from(days)),
        (None, Some((day, _))) => (2, day.num_days_from_ce().into()),
        (None, None) => (3, 0),
    }
}

async fn show(desk: Desk) -> Result<Response, StaffError> {
    let specialist = desk.specialist()?;
    desk.record_view(AuditAction::MyCasesViewed, "").await?;
    let (pool, today) = (desk.pool(), desk.today());
    let calendar = calendar(pool).await?;
    let rows = store::cases_of(pool, specialist).await?;
    let received = store::documents_received(pool, specialist).await?;
    let mut cases: Vec<MyCase> = rows
        .into_iter()
        .filter_map(|row| {
            let submission: domain::form::Submission = serde_json::from_str(&row.answers).ok()?;
            let status = CaseStatus::from_code(&row.status)?;
            let appointment = match (row.day.as_deref(), row.start_time.as_deref()) {
                (Some(day), Some(start)) => Some((
                    day.parse::<NaiveDate>().ok()?,
                    NaiveTime::parse_from_str(start, "%H:%M").ok()?,
                )),
                _ => None,
            };
            let due = row.report_due.as_deref().and_then(|day| day.parse().ok());
            let report = due
                .filter(|_| status == CaseStatus::Seen)
                .map(|due| report_clock(&calendar, due, today));
            let documents = documents_to_bring(&submission.request)
                .into_iter()
                .map(|document| {
                    let got = received
                        .iter()
                        .any(|(case, code)| *case == row.id && code == document.code());
                    (document, got)
                })
                .collect();
            Some(MyCase {
                reference: Reference::parse(&row.reference)?,
                patient_name: submission.patient_name.as_str().to_owned(),
                status,
                days_to_visit: appointment
                    .filter(|_| status == CaseStatus::Scheduled)
                    .map(|(day, _)| (day - today).num_days()),
                appointment,
                questions: submission.questions.as_str().to_owned(),
                diagnosis: submission.diagnosis.as_str().to_owned(),
                documents,
                reviewed: row.reviewed,
                report,
                drafting: row.drafting,
                resend: row.resend,
            })
        })
        .collect();
    cases.sort_by_key(order);
    let page = MyCasesPage { cases, today };
    Ok(desk
        .render(StatusCode::OK, move || {
            view! { <view::MyCases page=page.clone() /> }.into_any()
        })
        .await)
}
