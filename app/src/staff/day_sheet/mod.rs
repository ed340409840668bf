//! `/staff/day-sheet`: the appointments of a day, in time order, with the
//! documents each patient brings and how far each visit went (arrived,
//! paid, seen, the report's clock); it prints. Recorded as a view of
//! personal data before it is shown.

mod store;
mod view;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use chrono::{NaiveDate, NaiveTime};
use domain::Document;
use domain::reference::Reference;
use leptos::prelude::*;

use super::{Desk, StaffError};
use crate::audit::AuditAction;
use crate::http::Site;

pub(super) fn routes() -> Router<Site> {
    Router::new().route("/staff/day-sheet", get(show))
}

/// `/staff/day-sheet`: the appointments of a day, in time order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySheetPage {
    pub day: NaiveDate,
    pub rows: Vec<DaySheetRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySheetRow {
    pub start: NaiveTime,
    pub reference: Reference,
    pub patient_name: String,
    pub status: domain::case::CaseStatus,
    /// Checked in at this time (HH:MM, Japan).
    pub arrived: Option<String>,
    pub paid: bool,
    /// Seen, the report not sent yet: its clock.
    pub report: Option<domain::report::ReportClock>,
    pub department: Option<String>,
    pub specialist: Option<String>,
    pub interpreter: Option<String>,
    /// Each document to bring, and whether it was handed in already.
    pub documents: Vec<(Document, bool)>,
}

/// `GET /staff/day-sheet?day=YYYY-MM-DD` (today without one).
async fn show(desk: Desk) -> Result<Response, StaffError> {
    let day = desk
        .query()
        .value("day")
        .parse()
        .unwrap_or_else(|_| desk.today());
    desk.record_view(AuditAction::DaySheetViewed, &day.to_string())
        .await?;
    let rows = store::day_sheet(desk.pool(), day, desk.today()).await?;
    let page = DaySheetPage { day, rows };
    Ok(desk
        .render(StatusCode::OK, move || {
            view! { <view::DaySheet page=page.clone() /> }.into_any()
        })
        .await)
}
