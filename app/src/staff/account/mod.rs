//! `/staff/account`: the member's own sessions (ended one by one or all
//! but this one) and password (changed with the current one and a fresh
//! code).

pub(super) mod view;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::get;
use leptos::prelude::*;

use super::auth::{self, AccountProblem, PasswordChange, SessionRow};
use super::desk::retry_after;
use super::{Desk, StaffError};
use crate::http::{Client, Form, FormPairs, Https, Site};

pub(super) fn routes() -> Router<Site> {
    Router::new().route("/staff/account", get(show).post(change))
}

/// `/staff/account`: the member's own password and sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountPage {
    pub sessions: Vec<SessionRow>,
    pub recovery_codes_left: u32,
    /// Japan time, `YYYY-MM-DD HH:MM:SS`, if it was ever changed.
    pub password_changed: Option<String>,
    pub problem: Option<AccountProblem>,
    pub notice: Option<AccountNotice>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountNotice {
    PasswordChanged,
    SessionEnded,
    OthersEnded,
}

/// What the account page posts as `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountActionName {
    ChangePassword,
    EndSession,
    EndOthers,
}

domain::codes!(AccountActionName {
    ChangePassword => "change_password",
    EndSession => "end_session",
    EndOthers => "end_others",
});

/// A post of the member's account page, read once from the form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "FormPairs")]
pub enum AccountAction {
    /// The passwords as typed (never trimmed: a space is a character).
    ChangePassword {
        current: String,
        code: String,
        new: String,
        repeated: String,
    },
    EndSession {
        id: Option<i64>,
    },
    EndOthers,
}

impl TryFrom<FormPairs> for AccountAction {
    type Error = StaffError;

    fn try_from(pairs: FormPairs) -> Result<Self, StaffError> {
        let raw = |name: &str| pairs.raw(name).to_owned();
        let Some(name) = AccountActionName::from_code(pairs.value("action")) else {
            return Err(StaffError::BadForm);
        };
        Ok(match name {
            AccountActionName::ChangePassword => Self::ChangePassword {
                current: raw("current"),
                code: pairs.value("code").to_owned(),
                new: raw("new"),
                repeated: raw("repeated"),
            },
            AccountActionName::EndSession => Self::EndSession {
                id: pairs.value("id").parse().ok(),
            },
            AccountActionName::EndOthers => Self::EndOthers,
        })
    }
}

/// The member's account page; with `problem`, again after a password
/// change that was refused (the typed passwords are never shown again).
async fn account_page(desk: Desk, problem: Option<AccountProblem>) -> Result<Response, StaffError> {
    let notice = match desk.query().value("done") {
        "password" => Some(AccountNotice::PasswordChanged),
        "session" => Some(AccountNotice::SessionEnded),
        "others" => Some(AccountNotice::OthersEnded),
        _ => None,
    };
    let (pool, staff, now) = (desk.pool(), &desk.staff, desk.now());
    let page = AccountPage {
        sessions: auth::sessions_of(pool, staff, now).await?,
        recovery_codes_left: auth::recovery_codes_left(pool, staff.user_id).await?,
        password_changed: auth::password_changed_at(pool, staff.user_id)
            .await?
            .map(|at| crate::store::in_japan(&at)),
        problem,
        notice: notice.filter(|_| problem.is_none()),
    };
    let status = match problem {
        None => StatusCode::OK,
        Some(AccountProblem::TooManyAttempts { .. }) => StatusCode::TOO_MANY_REQUESTS,
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let response = desk
        .render(status, move || {
            view! { <view::Account page=page.clone() /> }.into_any()
        })
        .await;
    Ok(match problem {
        Some(AccountProblem::TooManyAttempts { minutes }) => retry_after(response, minutes),
        _ => response,
    })
}

async fn show(desk: Desk) -> Result<Response, StaffError> {
    account_page(desk, None).await
}

async fn change(
    desk: Desk,
    Client(address): Client,
    Https(https): Https,
    Form(action): Form<AccountAction>,
) -> Result<Response, StaffError> {
    let (pool, staff, now) = (desk.pool(), &desk.staff, desk.now());
    let done = match action {
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
            let (key, hospital) = (&desk.site.login_key, &desk.site.hospital);
            match auth::change_own_password(pool, key, staff, &change, hospital, address, now)
                .await?
            {
                // This session goes on under its new token.
                Ok(token) => {
                    let cookie = auth::session_cookie(&token, https);
                    return Ok((
                        AppendHeaders([(header::SET_COOKIE, cookie)]),
                        Redirect::to("/staff/account?done=password"),
                    )
                        .into_response());
                }
                Err(problem) => Err(problem),
            }
        }
        AccountAction::EndSession { id } => {
            let id = id.ok_or(StaffError::BadForm)?;
            if !auth::end_own_session(pool, staff, id, now).await? {
                return Err(StaffError::NotFound);
            }
            Ok("session")
        }
        AccountAction::EndOthers => {
            auth::end_other_sessions(pool, staff, now).await?;
            Ok("others")
        }
    };
    match done {
        Ok(what) => Ok(Redirect::to(&format!("/staff/account?done={what}")).into_response()),
        Err(problem) => account_page(desk, Some(problem)).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormPairs {
        FormPairs(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn passwords_are_read_as_typed_spaces_and_all() {
        let change = AccountAction::try_from(form(&[
            ("action", "change_password"),
            ("current", " old words "),
            ("code", " 123456 "),
            ("new", "new words here "),
            ("repeated", "new words here "),
        ]));
        assert_eq!(
            change,
            Ok(AccountAction::ChangePassword {
                current: " old words ".into(),
                code: "123456".into(),
                new: "new words here ".into(),
                repeated: "new words here ".into(),
            })
        );
    }

    #[test]
    fn an_action_the_page_does_not_send_is_a_bad_form() {
        assert_eq!(
            AccountAction::try_from(form(&[("action", "drop_all")])),
            Err(StaffError::BadForm)
        );
    }
}
