//! Reception's work: the queue, its CSV, the day sheet and a case, each
//! recorded in the audit trail before personal data is shown.

use app::audit::AuditAction;
use app::staff::actions::{self, CaseAction};
use app::staff::{DaySheetPage, Notice, QueueFilters, Staff, StaffError, StaffPage, store};
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::reference::Reference;

use super::respond::{locale_of, query_pairs, record_view, refuse, render, status_of, today};
use crate::http::site::{Site, read_form};

pub(super) async fn queue(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let mut filters = QueueFilters::from_query(&query_pairs(&parts));
    // A name never goes in a URL (history, proxies' logs): a search comes
    // posted, and one found in a URL anyway is not run.
    filters.search.clear();
    show_queue(site, parts, staff, filters).await
}

/// `POST /staff`: the filter form, posted so that a searched name stays
/// out of the URL. Without a search, the same list by its link.
pub(super) async fn search_queue(
    State(site): State<Site>,
    staff: Staff,
    request: Request,
) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let filters = QueueFilters::from_query(&pairs);
    if filters.search.is_empty() {
        return Redirect::to(&filters.page_link(filters.page)).into_response();
    }
    show_queue(site, parts, staff, filters).await
}

async fn show_queue(site: Site, parts: Parts, staff: Staff, filters: QueueFilters) -> Response {
    show_queue_with(site, parts, staff, filters, None).await
}

/// The queue; with `missed`, what the scan box was given that opens no
/// case, said above it (404).
async fn show_queue_with(
    site: Site,
    parts: Parts,
    staff: Staff,
    filters: QueueFilters,
    missed: Option<String>,
) -> Response {
    let shown = async {
        let detail = format!("{} page={}", filters.to_query(), filters.page);
        record_view(&site, &staff, AuditAction::QueueViewed, &detail).await?;
        let mut page = store::queue_page(&site.pool, filters, today()).await?;
        if !site.mail.sending {
            page.mail_waiting = app::mail::outbox::waiting(&site.pool, app::clock::now()).await?;
        }
        Ok::<_, sqlx::Error>(page)
    };
    match shown.await {
        Ok(mut page) => {
            let status = if missed.is_some() {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            };
            page.scan_missed = missed;
            render(site, parts, Some(staff), StaffPage::Queue(page), status).await
        }
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

/// `POST /staff/scan`: the scan box at counter 1. A barcode scanner types
/// the reference (with or without the dash, in any case, full-width
/// through a Japanese input method) and Enter: the case opens.
pub(super) async fn scan(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let typed = pairs
        .iter()
        .find(|(name, _)| name == "reference")
        .map(|(_, value)| value.trim().to_owned())
        .unwrap_or_default();
    let found = match Reference::parse(&typed) {
        Some(reference) => store::case_row(&site.pool, &reference)
            .await
            .map(|row| row.map(|_| reference)),
        None => Ok(None),
    };
    match found {
        Ok(Some(reference)) => {
            Redirect::to(&format!("/staff/cases/{}", reference.compact())).into_response()
        }
        Ok(None) => {
            let typed: String = typed.chars().take(40).collect();
            let filters = QueueFilters::from_query(&[]);
            show_queue_with(site, parts, staff, filters, Some(typed)).await
        }
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

pub(super) async fn export_csv(
    State(site): State<Site>,
    staff: Staff,
    request: Request,
) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let locale = locale_of(&parts.headers);
    // Posted, like the search: the filters may hold a name.
    let filters = QueueFilters::from_query(&pairs);
    let exported = async {
        let rows = store::queue_all(&site.pool, &filters, today()).await?;
        // An export of personal data that cannot be recorded does not happen.
        record_view(
            &site,
            &staff,
            AuditAction::QueueExported,
            &filters.to_query(),
        )
        .await?;
        Ok::<_, sqlx::Error>(rows)
    };
    let rows = match exported.await {
        Ok(rows) => rows,
        Err(error) => return refuse(site, parts, staff, error.into()).await,
    };
    let csv = app::staff::csv::queue(locale, rows);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"second-opinion-requests-{}.csv\"",
                    today()
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        csv,
    )
        .into_response()
}

pub(super) async fn day_sheet(
    State(site): State<Site>,
    staff: Staff,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let day = query_pairs(&parts)
        .iter()
        .find(|(k, _)| k == "day")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or_else(today);
    let shown = async {
        record_view(&site, &staff, AuditAction::DaySheetViewed, &day.to_string()).await?;
        store::day_sheet(&site.pool, day).await
    };
    match shown.await {
        Ok(rows) => {
            render(
                site,
                parts,
                Some(staff),
                StaffPage::DaySheet(DaySheetPage { day, rows }),
                StatusCode::OK,
            )
            .await
        }
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

/// The case page, and a record that `staff` viewed it; with `problem`,
/// the change just refused and the values posted, kept for the form.
async fn case_page(
    site: Site,
    parts: Parts,
    staff: Staff,
    reference: &Reference,
    problem: Option<(StaffError, Vec<(String, String)>)>,
) -> Response {
    let saved = query_pairs(&parts).iter().any(|(k, _)| k == "saved");
    let page = match store::case_page(
        &site.pool,
        reference,
        &staff.login,
        site.mail.sending,
        app::clock::now(),
    )
    .await
    {
        Ok(Some(page)) => page,
        Ok(None) => return refuse(site, parts, staff, StaffError::NotFound).await,
        Err(error) => return refuse(site, parts, staff, error.into()).await,
    };
    let mut page = Box::new(page);
    let status = if let Some((problem, posted)) = problem {
        let status = status_of(&problem);
        page.problem = Some(problem);
        page.posted = posted;
        status
    } else {
        page.notice = saved.then_some(Notice::Saved);
        StatusCode::OK
    };
    render(site, parts, Some(staff), StaffPage::Case(page), status).await
}

pub(super) async fn case(
    State(site): State<Site>,
    staff: Staff,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let Some(reference) = Reference::parse(&reference) else {
        return refuse(site, parts, staff, StaffError::NotFound).await;
    };
    case_page(site, parts, staff, &reference, None).await
}

pub(super) async fn change_case(
    State(site): State<Site>,
    staff: Staff,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(reference) = Reference::parse(&reference) else {
        return refuse(site, parts, staff, StaffError::NotFound).await;
    };
    let done = async {
        let action = CaseAction::from_form(&pairs)?;
        actions::act(
            &site.pool,
            &staff,
            &reference,
            action,
            &site.mail,
            app::clock::now(),
        )
        .await
    };
    match done.await {
        Ok(()) => {
            Redirect::to(&format!("/staff/cases/{}?saved=1", reference.compact())).into_response()
        }
        // Told on the case page, above the form as it was posted.
        Err(problem) if problem.is_shown_on_the_case() => {
            case_page(site, parts, staff, &reference, Some((problem, pairs))).await
        }
        Err(error) => refuse(site, parts, staff, error).await,
    }
}

pub(super) async fn not_found(
    State(site): State<Site>,
    staff: Staff,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    refuse(site, parts, staff, StaffError::NotFound).await
}
