//! What every staff handler answers with: a page rendered for the member
//! (with the sign-in alerts for an admin), a `StaffError` as a response in
//! one place, the query and form values, and a view of personal data
//! recorded before it is shown.

use app::audit::AuditAction;
use app::audit::chain::{Entry, record};
use app::i18n::Locale;
use app::staff::auth;
use app::staff::{Alerts, Role, Staff, StaffError, StaffPage};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::japan_time;
use leptos::prelude::*;

use crate::http::site::Site;

/// The HTTP status of each error.
pub(super) const fn status_of(error: &StaffError) -> StatusCode {
    match error {
        StaffError::BadForm => StatusCode::BAD_REQUEST,
        StaffError::Refused(_) | StaffError::Unusable => StatusCode::UNPROCESSABLE_ENTITY,
        StaffError::NotFound => StatusCode::NOT_FOUND,
        StaffError::Stale { .. } => StatusCode::CONFLICT,
        StaffError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        StaffError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The response to an error: for a signed-in member, the staff page "not
/// found" for a missing case; otherwise its status and a short text in
/// words (never an internal error's text, which `StaffError` does not
/// carry: it was logged where it happened).
pub(super) async fn refuse(site: Site, parts: Parts, staff: Staff, error: StaffError) -> Response {
    match error {
        StaffError::NotFound => {
            render(
                site,
                parts,
                Some(staff),
                StaffPage::NotFound,
                status_of(&error),
            )
            .await
        }
        error => in_words(&error),
    }
}

pub(super) fn in_words(error: &StaffError) -> Response {
    (status_of(error), error.to_string()).into_response()
}

/// Renders a staff page for `staff` (none on the sign-in pages); for an
/// admin, with the sign-in alerts still open.
pub(super) async fn render(
    site: Site,
    parts: Parts,
    staff: Option<Staff>,
    page: StaffPage,
    status: StatusCode,
) -> Response {
    let alerts = match &staff {
        Some(staff) if staff.role == Role::Admin => {
            auth::open_alerts(&site.pool).await.unwrap_or_else(|error| {
                tracing::error!(%error, "cannot read the sign-in alerts");
                Vec::new()
            })
        }
        _ => Vec::new(),
    };
    let wait = page.wait_minutes();
    let mut response = site
        .render_with(
            parts,
            move || {
                if let Some(staff) = staff.clone() {
                    provide_context(staff);
                }
                provide_context(Alerts(alerts.clone()));
                provide_context(page.clone());
            },
            status,
        )
        .await;
    if let Some(minutes) = wait {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(minutes * 60));
    }
    response
}

pub(super) fn query_pairs(parts: &Parts) -> Vec<(String, String)> {
    parts
        .uri
        .query()
        .and_then(|query| serde_urlencoded::from_str(query).ok())
        .unwrap_or_default()
}

pub(super) fn today() -> NaiveDate {
    japan_time(&app::clock::now()).date()
}

/// Where to go after signing in: a path under `/staff` on this site, by
/// the same rule as every redirect (`app::ssr::local_path`), its path only.
pub(super) fn safe_next(next: &str) -> &str {
    app::ssr::local_path(next)
        .filter(|path| path.starts_with("/staff"))
        .map_or("/staff", |path| {
            path.split(['?', '#']).next().unwrap_or("/staff")
        })
}

pub(super) fn form_value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The language of the person asking: the language cookie, else
/// `Accept-Language`, else Japanese (as the pages choose).
pub(super) fn locale_of(headers: &HeaderMap) -> Locale {
    let cookie =
        app::ssr::cookie(headers, app::LANGUAGE_COOKIE).and_then(|value| value.parse().ok());
    cookie.unwrap_or_else(|| {
        let accepted = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let first = accepted.split(',').next().unwrap_or_default().trim();
        if first.starts_with("en") {
            Locale::en
        } else {
            Locale::ja
        }
    })
}

/// Records that `staff` is shown personal data (`action`, with `detail`):
/// a page that cannot be recorded is not shown.
pub(super) async fn record_view(
    site: &Site,
    staff: &Staff,
    action: AuditAction,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let entry = Entry {
        actor: Some(&staff.login),
        after: Some(detail),
        ..Entry::of(action)
    };
    record(&site.pool, app::clock::now(), entry).await
}
