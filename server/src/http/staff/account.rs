//! A member's own account: their sessions (end one, or all others) and
//! their password (changed with the current one and a fresh code).

use app::staff::actions::AccountAction;
use app::staff::auth::{self, PasswordChange};
use app::staff::{AccountNotice, AccountPage, AccountProblem, Staff, StaffError, StaffPage};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use super::respond::{query_pairs, refuse, render};
use crate::http::site::{Site, read_form};

/// The member's account page; with `problem`, again after a password
/// change that was refused (the typed passwords are never shown again).
async fn account_page(
    site: Site,
    parts: Parts,
    staff: Staff,
    problem: Option<AccountProblem>,
) -> Response {
    let notice = query_pairs(&parts)
        .iter()
        .find(|(k, _)| k == "done")
        .and_then(|(_, v)| match v.as_str() {
            "password" => Some(AccountNotice::PasswordChanged),
            "session" => Some(AccountNotice::SessionEnded),
            "others" => Some(AccountNotice::OthersEnded),
            _ => None,
        });
    let now = app::clock::now();
    let loaded = async {
        Ok::<_, sqlx::Error>(AccountPage {
            sessions: auth::sessions_of(&site.pool, &staff, now).await?,
            recovery_codes_left: auth::recovery_codes_left(&site.pool, staff.user_id).await?,
            password_changed: auth::password_changed_at(&site.pool, staff.user_id)
                .await?
                .map(|at| app::store::in_japan(&at)),
            problem,
            notice: notice.filter(|_| problem.is_none()),
        })
    };
    match loaded.await {
        Ok(page) => {
            let status = match problem {
                None => StatusCode::OK,
                Some(AccountProblem::TooManyAttempts { .. }) => StatusCode::TOO_MANY_REQUESTS,
                Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
            };
            render(site, parts, Some(staff), StaffPage::Account(page), status).await
        }
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

pub(super) async fn account(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    account_page(site, parts, staff, None).await
}

pub(super) async fn change_account(
    State(site): State<Site>,
    staff: Staff,
    request: Request,
) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(address) = site.client_of(&parts) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let now = app::clock::now();
    let done = async {
        match AccountAction::from_form(&pairs)? {
            AccountAction::ChangePassword {
                current,
                code,
                new,
                repeated,
            } => {
                let change = PasswordChange {
                    current: &current,
                    code: &code,
                    new: &new,
                    repeated: &repeated,
                };
                let hospital = &site.hospital;
                let key = &site.login_key;
                let changed = auth::change_own_password(
                    &site.pool, key, &staff, &change, hospital, address, now,
                )
                .await?;
                Ok::<_, StaffError>(changed.map(|()| "password"))
            }
            AccountAction::EndSession { id } => {
                let id = id.ok_or(StaffError::BadForm)?;
                if !auth::end_own_session(&site.pool, &staff, id, now).await? {
                    return Err(StaffError::NotFound);
                }
                Ok(Ok("session"))
            }
            AccountAction::EndOthers => {
                auth::end_other_sessions(&site.pool, &staff, now).await?;
                Ok(Ok("others"))
            }
        }
    };
    match done.await {
        Ok(Ok(what)) => Redirect::to(&format!("/staff/account?done={what}")).into_response(),
        Ok(Err(problem)) => account_page(site, parts, staff, Some(problem)).await,
        Err(error) => refuse(site, parts, staff, error).await,
    }
}
