//! Signing in (login and password, then the code from the authenticator
//! app or a recovery code), signing out, and keeping a session alive from
//! the page's warning. The two sign-in pages are the only staff pages
//! without a session.

mod view;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use leptos::prelude::*;

use super::auth::{self, CodeOutcome, PasswordOutcome};
use super::desk::{Visitor, retry_after};
use super::{Desk, Staff, StaffError};
use crate::http::{Client, Form, Https, Site};

/// The sign-in pages, open to anyone.
pub(super) fn routes() -> Router<Site> {
    Router::new()
        .route("/staff/login", get(login_page).post(login))
        .route("/staff/login/code", get(code_page).post(code))
}

/// Signing out and keeping the session alive, behind the guard.
pub(super) fn signed_in_routes() -> Router<Site> {
    Router::new()
        .route("/staff/keep-alive", post(keep_alive))
        .route("/staff/logout", post(logout))
}

/// `/staff/login`: login and password, the first step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginPage {
    pub login: String,
    /// Where to go after signing in (a path under `/staff`).
    pub next: String,
    pub problem: Option<LoginProblem>,
}

/// `/staff/login/code`: the code from the authenticator app, the second
/// step, for the sign-in whose password was accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodePage {
    pub problem: Option<LoginProblem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginProblem {
    /// Unknown login, wrong password or disabled account: one message.
    Refused,
    /// The code (or recovery code) is not right, or was used already.
    CodeRefused,
    /// Too many failures for this login from this address: how many
    /// minutes until the next attempt is taken.
    TooManyAttempts {
        minutes: i64,
    },
    /// The password is right but the account has no second factor yet.
    NotEnrolled,
    /// The five minutes between password and code are over: start again.
    Expired,
    /// Every hashing permit is taken: try again in a moment.
    Busy,
    /// Too many wrong codes for the account from anywhere: call the admin.
    CodesClosed,
    SignedOut,
    /// The session ended after 30 minutes without use (or 12 hours).
    SessionEnded,
}

/// Where to go after signing in: a path under `/staff` on this site, by
/// the same rule as every redirect (`http::local_path`), its path only.
pub(super) fn safe_next(next: &str) -> &str {
    crate::http::local_path(next)
        .filter(|path| path.starts_with("/staff"))
        .map_or("/staff", |path| {
            path.split(['?', '#']).next().unwrap_or("/staff")
        })
}

/// The sign-in page `page`, with `status` (and `Retry-After` when it says
/// to wait).
async fn show_login(visitor: Visitor, page: LoginPage, status: StatusCode) -> Response {
    let problem = page.problem;
    let response = visitor
        .render(status, move || {
            view! { <view::Login page=page.clone() /> }.into_any()
        })
        .await;
    with_retry_after(response, problem)
}

/// `Retry-After` when the problem says to wait: the minutes of a limit, a
/// second when busy.
fn with_retry_after(mut response: Response, problem: Option<LoginProblem>) -> Response {
    match problem {
        Some(LoginProblem::TooManyAttempts { minutes }) => retry_after(response, minutes),
        Some(LoginProblem::Busy) => {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
            response
        }
        _ => response,
    }
}

async fn login_page(visitor: Visitor) -> Response {
    let query = visitor.query();
    let has = |name: &str| query.0.iter().any(|(key, _)| key == name);
    let problem = if has("out") {
        Some(LoginProblem::SignedOut)
    } else if has("ended") {
        Some(LoginProblem::SessionEnded)
    } else {
        None
    };
    let page = LoginPage {
        login: String::new(),
        next: safe_next(query.raw("next")).to_owned(),
        problem,
    };
    show_login(visitor, page, StatusCode::OK).await
}

/// What the first step posts.
#[derive(Debug, serde::Deserialize)]
struct Credentials {
    #[serde(default)]
    login: String,
    /// As typed: a space is a character.
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// The first step: login and password. Right, the browser gets a pending
/// sign-in's cookie and goes on to the code; the login typed is kept on
/// every other answer, the password never.
async fn login(
    visitor: Visitor,
    Client(address): Client,
    Https(https): Https,
    Form(typed): Form<Credentials>,
) -> Response {
    let login = typed.login.chars().take(64).collect::<String>();
    let next = safe_next(&typed.next).to_owned();
    let site = &visitor.site;
    let outcome = auth::check_password(
        auth::Door::of(site),
        &login,
        &typed.password,
        address,
        &next,
        crate::clock::now(),
    )
    .await;
    let (problem, status) = match outcome {
        Ok(PasswordOutcome::CodeNeeded { token }) => {
            // A pending sign-in the browser brought along is over.
            if let Some(old) = auth::pending_token(visitor.headers(), https) {
                let _ = auth::end_pending(&site.pool, &old).await;
            }
            return (
                AppendHeaders([(header::SET_COOKIE, auth::pending_cookie(&token, https))]),
                Redirect::to("/staff/login/code"),
            )
                .into_response();
        }
        Ok(PasswordOutcome::Refused) => (LoginProblem::Refused, StatusCode::UNAUTHORIZED),
        Ok(PasswordOutcome::NotEnrolled) => (LoginProblem::NotEnrolled, StatusCode::FORBIDDEN),
        Ok(PasswordOutcome::Throttled { minutes }) => (
            LoginProblem::TooManyAttempts { minutes },
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Ok(PasswordOutcome::Busy) => (LoginProblem::Busy, StatusCode::SERVICE_UNAVAILABLE),
        Err(error) => return StaffError::from(error).into_response(),
    };
    let page = LoginPage {
        login,
        next,
        problem: Some(problem),
    };
    show_login(visitor, page, status).await
}

async fn code_page(visitor: Visitor, Https(https): Https) -> Response {
    if auth::pending_token(visitor.headers(), https).is_none() {
        return Redirect::to("/staff/login").into_response();
    }
    show_code(visitor, CodePage::default(), StatusCode::OK).await
}

async fn show_code(visitor: Visitor, page: CodePage, status: StatusCode) -> Response {
    let problem = page.problem;
    let response = visitor
        .render(status, move || {
            view! { <view::Code page=page.clone() /> }.into_any()
        })
        .await;
    with_retry_after(response, problem)
}

/// What the second step posts.
#[derive(Debug, serde::Deserialize)]
struct TypedCode {
    #[serde(default)]
    code: String,
}

/// The second step: the code (or a recovery code) for the pending sign-in.
/// Accepted, a new session begins and the browser goes where it was going.
async fn code(
    visitor: Visitor,
    Client(address): Client,
    Https(https): Https,
    Form(typed): Form<TypedCode>,
) -> Response {
    let Some(pending) = auth::pending_token(visitor.headers(), https) else {
        return Redirect::to("/staff/login").into_response();
    };
    let user_agent = visitor
        .headers()
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let site = &visitor.site;
    let outcome = auth::check_code(
        auth::Door::of(site),
        &pending,
        &typed.code,
        address,
        &user_agent,
        crate::clock::now(),
    )
    .await;
    let (page, status) = match outcome {
        Ok(CodeOutcome::SignedIn { token, next }) => {
            // A session the browser brought along is ended: never reused.
            if let Some(old) = auth::session_token(visitor.headers(), https) {
                let _ = auth::end_session(&site.pool, &old).await;
            }
            let cookies = [
                (header::SET_COOKIE, auth::session_cookie(&token, https)),
                (
                    header::SET_COOKIE,
                    auth::cleared_cookie(auth::PENDING_COOKIE, https),
                ),
            ];
            return (AppendHeaders(cookies), Redirect::to(safe_next(&next))).into_response();
        }
        Ok(CodeOutcome::Refused) => (
            CodePage {
                problem: Some(LoginProblem::CodeRefused),
            },
            StatusCode::UNAUTHORIZED,
        ),
        Ok(CodeOutcome::Throttled { minutes }) => (
            CodePage {
                problem: Some(LoginProblem::TooManyAttempts { minutes }),
            },
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Ok(CodeOutcome::CodesClosed) => (
            CodePage {
                problem: Some(LoginProblem::CodesClosed),
            },
            StatusCode::FORBIDDEN,
        ),
        Ok(CodeOutcome::Expired) => {
            let page = LoginPage {
                login: String::new(),
                next: "/staff".to_owned(),
                problem: Some(LoginProblem::Expired),
            };
            let cleared = auth::cleared_cookie(auth::PENDING_COOKIE, https);
            let response = show_login(visitor, page, StatusCode::UNAUTHORIZED).await;
            return (AppendHeaders([(header::SET_COOKIE, cleared)]), response).into_response();
        }
        Err(error) => return StaffError::from(error).into_response(),
    };
    show_code(visitor, page, status).await
}

async fn logout(desk: Desk, Https(https): Https) -> Result<Response, StaffError> {
    if let Some(token) = auth::session_token(desk.headers(), https) {
        auth::end_session(desk.pool(), &token).await?;
        auth::record_sign_out(desk.pool(), &desk.staff, desk.now()).await?;
    }
    let cookie = auth::cleared_cookie(auth::SESSION_COOKIE, https);
    Ok((
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Redirect::to("/staff/login?out=1"),
    )
        .into_response())
}

/// The session goes on (the guard touched it): when it ends now, for the
/// page's clock.
async fn keep_alive(staff: Staff, headers: axum::http::HeaderMap) -> Response {
    let locale = crate::http::cookies::language_of(&headers);
    let answer = serde_json::json!({
        "ends_at": staff.session_ends.timestamp(),
        "idle": staff.ends_when_idle,
        "text": super::frame::session_clock(locale, &staff),
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        answer.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_staff_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/staff/cases/ABCD2345"), "/staff/cases/ABCD2345");
        assert_eq!(safe_next("//evil.example/staff"), "/staff");
        assert_eq!(safe_next("https://evil.example"), "/staff");
        assert_eq!(safe_next("/staff//evil"), "/staff");
        assert_eq!(safe_next("/staff?q=%E5%B1%B1%E7%94%B0"), "/staff");
        assert_eq!(
            safe_next("/staff/day-sheet?day=2026-12-03#x"),
            "/staff/day-sheet"
        );
    }
}
