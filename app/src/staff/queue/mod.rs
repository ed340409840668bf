//! `/staff`: the queue, with its counts, filters, pages, the scan box at
//! counter 1 (`POST /staff/scan`) and the CSV export (posted, like the
//! search: the filters may hold a name, which never goes in a URL). Each
//! view of personal data is recorded before it is shown.

mod csv;
mod filters;
mod store;
mod view;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{NaiveDate, NaiveTime};
use domain::case::{CaseStatus, Urgency};
use domain::reference::Reference;
use leptos::prelude::*;

pub use csv::line as csv_line;
pub use filters::{Needs, QueueFilters, QueueSort};

use super::{Desk, StaffError};
use crate::area::AreaCode;
use crate::audit::AuditAction;
use crate::http::{Form, FormPairs, Site};

pub(super) fn routes() -> Router<Site> {
    Router::new()
        .route("/staff", get(show).post(search))
        .route("/staff/export.csv", post(export_csv))
        .route("/staff/scan", post(scan))
}

/// A line of the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub reference: Reference,
    /// When it was reduced to statistics after its retention period: no
    /// name left.
    pub reduced_on: Option<NaiveDate>,
    pub patient_name: String,
    pub patient_name_reading: Option<String>,
    pub patient_date_of_birth: Option<NaiveDate>,
    pub area: AreaCode,
    pub contact_first: bool,
    pub status: CaseStatus,
    pub receipt_day: NaiveDate,
    pub age: u32,
    pub urgency: Urgency,
    pub appointment: Option<(NaiveDate, NaiveTime)>,
    /// Received or under review, and nobody reached by phone yet.
    pub to_call: bool,
    /// Calls made so far, and the last one's outcome and time.
    pub calls: u32,
    pub last_call: Option<(domain::contact::CallOutcome, String)>,
    /// A message to the patient could not be delivered.
    pub mail_failed: bool,
    /// What the patient answered through an e-mail's link since booking.
    pub patient_answer: Option<domain::contact::PatientAnswer>,
    /// The specialist's requests for documents not settled yet.
    pub open_requests: u32,
    /// Seen, the written opinion not sent yet: its clock.
    pub report: Option<domain::report::ReportClock>,
    /// The step the case owes next, its due day by the rules, and how that
    /// stands today (`None`: it owes nothing).
    pub next: Option<NextDue>,
}

/// The next step of an open case and its due day (`domain::forecast`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextDue {
    pub step: domain::forecast::NextStep,
    pub due: NaiveDate,
    pub timeliness: domain::forecast::Timeliness,
    /// Consultation days until the due day, or past it when late.
    pub days: u32,
}

pub const QUEUE_PAGE_SIZE: u32 = 50;

/// `/staff`: the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePage {
    pub filters: QueueFilters,
    pub rows: Vec<QueueRow>,
    /// Per status, the cases matching the other filters.
    pub counts: Vec<(CaseStatus, u32)>,
    /// The cases matching every filter, on all pages.
    pub matching: u32,
    pub pages: u32,
    pub today: NaiveDate,
    /// What the scan box was given that opens no case.
    pub scan_missed: Option<String>,
    /// E-mails to patients due and waiting because no mail server is
    /// configured (0 when one is, or none waits).
    pub mail_waiting: u32,
    /// New requests are refused as "busy": the service-wide hourly
    /// ceiling is reached.
    pub new_requests_refused: bool,
    pub new_request_ceiling: usize,
}

/// `GET /staff`: the queue, filtered by its link.
async fn show(desk: Desk) -> Result<Response, StaffError> {
    let mut filters = QueueFilters::from_query(&desk.query());
    // A name never goes in a URL (history, proxies' logs): a search comes
    // posted, and one found in a URL anyway is not run.
    filters.search.clear();
    show_queue(desk, filters, None).await
}

/// `POST /staff`: the filter form, posted so that a searched name stays
/// out of the URL. Without a search, the same list by its link.
async fn search(desk: Desk, Form(pairs): Form<FormPairs>) -> Result<Response, StaffError> {
    let filters = QueueFilters::from_query(&pairs);
    if filters.search.is_empty() {
        return Ok(Redirect::to(&filters.page_link(filters.page)).into_response());
    }
    show_queue(desk, filters, None).await
}

/// The queue; with `missed`, what the scan box was given that opens no
/// case, said above it (404).
async fn show_queue(
    desk: Desk,
    filters: QueueFilters,
    missed: Option<String>,
) -> Result<Response, StaffError> {
    let detail = format!("{} page={}", filters.to_query(), filters.page);
    desk.record_view(AuditAction::QueueViewed, &detail).await?;
    let mut page = store::queue_page(desk.pool(), filters, desk.today()).await?;
    if !desk.site.mail.sending {
        page.mail_waiting = crate::mail::store::waiting(desk.pool(), desk.now()).await?;
    }
    page.new_requests_refused = desk
        .site
        .new_cases
        .at_ceiling(desk.pool(), desk.now())
        .await?;
    page.new_request_ceiling = desk.site.new_cases.ceiling;
    let status = if missed.is_some() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    page.scan_missed = missed;
    Ok(desk
        .render(status, move || {
            view! { <view::Queue page=page.clone() /> }.into_any()
        })
        .await)
}

/// What the scan box posts.
#[derive(Debug, serde::Deserialize)]
struct Scanned {
    #[serde(default)]
    reference: String,
}

/// `POST /staff/scan`: the scan box at counter 1. A barcode scanner types
/// the reference (with or without the dash, in any case, full-width
/// through a Japanese input method) and Enter: the case opens.
async fn scan(desk: Desk, Form(scanned): Form<Scanned>) -> Result<Response, StaffError> {
    let typed = scanned.reference.trim();
    let found = match Reference::parse(typed) {
        Some(reference) => super::store::case_row(desk.pool(), &reference)
            .await?
            .map(|_| reference),
        None => None,
    };
    if let Some(reference) = found {
        return Ok(Redirect::to(&format!("/staff/cases/{}", reference.compact())).into_response());
    }
    let typed: String = typed.chars().take(40).collect();
    let filters = QueueFilters::from_query(&FormPairs::default());
    show_queue(desk, filters, Some(typed)).await
}

/// `POST /staff/export.csv`: the filtered queue for Excel, UTF-8 with a
/// byte-order mark.
async fn export_csv(desk: Desk, Form(pairs): Form<FormPairs>) -> Result<Response, StaffError> {
    // Posted, like the search: the filters may hold a name.
    let filters = QueueFilters::from_query(&pairs);
    let rows = store::queue_all(desk.pool(), &filters, desk.today()).await?;
    // An export of personal data that cannot be recorded does not happen.
    desk.record_view(AuditAction::QueueExported, &filters.to_query())
        .await?;
    let csv = csv::queue(desk.locale(), rows);
    Ok(csv_download(
        &format!("second-opinion-requests-{}.csv", desk.today()),
        csv,
    ))
}

/// A CSV as a download named `file`, never kept by a browser or proxy.
pub fn csv_download(file: &str, csv: String) -> Response {
    let disposition = format!("attachment; filename=\"{file}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        csv,
    )
        .into_response()
}
