//! The admins' pages: specialists and departments, closure days, members
//! with their sessions, and the sign-in alerts.

use app::staff::actions::{self, AdminAccountAction, ClosureAction, SpecialistAction};
use app::staff::auth;
use app::staff::{
    AccountsPage, CalendarPage, SpecialistsPage, Staff, StaffError, StaffPage, store,
};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use super::respond::{query_pairs, refuse, render, status_of, today};
use crate::http::site::{Site, read_form};

/// The specialists page; with `refused`, again after a change whose values
/// could not be used.
async fn specialists_page(
    site: Site,
    parts: Parts,
    staff: Staff,
    refused: Option<StaffError>,
) -> Response {
    let loaded = async {
        Ok::<_, sqlx::Error>(SpecialistsPage {
            departments: store::departments(&site.pool).await?,
            specialists: store::specialists(&site.pool).await?,
            problem: refused.is_some(),
        })
    }
    .await;
    match loaded {
        Ok(page) => {
            let status = refused.as_ref().map_or(StatusCode::OK, status_of);
            let page = StaffPage::Specialists(page);
            render(site, parts, Some(staff), page, status).await
        }
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

pub(super) async fn specialists(
    State(site): State<Site>,
    staff: Staff,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    specialists_page(site, parts, staff, None).await
}

pub(super) async fn change_specialists(
    State(site): State<Site>,
    staff: Staff,
    request: Request,
) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let done = async {
        let action = SpecialistAction::from_form(&pairs)?;
        actions::change_specialists(&site.pool, &staff, action, app::clock::now()).await
    };
    match done.await {
        Ok(()) => Redirect::to("/staff/specialists").into_response(),
        Err(error @ StaffError::Unusable) => {
            specialists_page(site, parts, staff, Some(error)).await
        }
        Err(error) => refuse(site, parts, staff, error).await,
    }
}

/// The closure days page; with `refused`, again after a change whose values
/// could not be used.
async fn calendar_page(
    site: Site,
    parts: Parts,
    staff: Staff,
    refused: Option<StaffError>,
) -> Response {
    match app::store::closures(&site.pool).await {
        Ok(closures) => {
            let status = refused.as_ref().map_or(StatusCode::OK, status_of);
            let page = StaffPage::Calendar(CalendarPage {
                closures,
                problem: refused.is_some(),
                today: today(),
            });
            render(site, parts, Some(staff), page, status).await
        }
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

pub(super) async fn calendar(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    calendar_page(site, parts, staff, None).await
}

pub(super) async fn change_calendar(
    State(site): State<Site>,
    staff: Staff,
    request: Request,
) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let done = async {
        let action = ClosureAction::from_form(&pairs)?;
        actions::change_closures(&site.pool, &staff, action, app::clock::now()).await
    };
    match done.await {
        Ok(()) => {
            // The patients' pages count the change from the next one on.
            if site.closures.refresh(&site.pool).await.is_err() {
                tracing::warn!(
                    "closure days changed but not yet read back for the patients' pages"
                );
            }
            Redirect::to("/staff/calendar").into_response()
        }
        Err(error @ StaffError::Unusable) => calendar_page(site, parts, staff, Some(error)).await,
        Err(error) => refuse(site, parts, staff, error).await,
    }
}

/// The admins' page of members and their sessions.
pub(super) async fn accounts(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let notice = query_pairs(&parts).iter().any(|(k, _)| k == "done");
    match auth::members(&site.pool, app::clock::now()).await {
        Ok(members) => {
            let page = StaffPage::Accounts(AccountsPage { members, notice });
            render(site, parts, Some(staff), page, StatusCode::OK).await
        }
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

pub(super) async fn change_accounts(
    State(site): State<Site>,
    staff: Staff,
    request: Request,
) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let now = app::clock::now();
    let done = async {
        let found = match AdminAccountAction::from_form(&pairs)? {
            AdminAccountAction::EndSessions { login } => {
                auth::end_sessions_of(&site.pool, &staff, &login, now).await?
            }
            AdminAccountAction::AcknowledgeAlert { id } => {
                let id = id.ok_or(StaffError::BadForm)?;
                auth::acknowledge_alert(&site.pool, &staff, id, now).await?
            }
        };
        if found {
            Ok(())
        } else {
            Err(StaffError::NotFound)
        }
    };
    match done.await {
        Ok(()) => Redirect::to("/staff/accounts?done=1").into_response(),
        Err(error) => refuse(site, parts, staff, error).await,
    }
}
