//! Signing in (login and password, then the code), signing out, and
//! keeping a session alive from the page's warning.

use app::staff::auth::{self, CodeOutcome, PasswordOutcome};
use app::staff::{CodePage, LoginPage, LoginProblem, Staff, StaffPage};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};

use super::respond::{form_value, in_words, locale_of, query_pairs, refuse, render, safe_next};
use crate::http::site::{Site, read_form};

pub(super) async fn login_page(State(site): State<Site>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let pairs = query_pairs(&parts);
    let has = |name: &str| pairs.iter().any(|(k, _)| k == name);
    let problem = if has("out") {
        Some(LoginProblem::SignedOut)
    } else if has("ended") {
        Some(LoginProblem::SessionEnded)
    } else {
        None
    };
    let page = LoginPage {
        login: String::new(),
        next: safe_next(form_value(&pairs, "next")).to_owned(),
        problem,
    };
    render(site, parts, None, StaffPage::Login(page), StatusCode::OK).await
}

/// The first step: login and password. Right, the browser gets a pending
/// sign-in's cookie and goes on to the code; the login typed is kept on
/// every other answer, the password never.
pub(super) async fn login(State(site): State<Site>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(address) = site.client_of(&parts) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let https = site.is_https(&parts);
    let login = form_value(&pairs, "login")
        .chars()
        .take(64)
        .collect::<String>();
    let next = safe_next(form_value(&pairs, "next")).to_owned();
    let password = form_value(&pairs, "password");
    let now = app::clock::now();
    let outcome = auth::check_password(
        &site.pool,
        &site.login_key,
        &login,
        password,
        address,
        &next,
        now,
    )
    .await;
    let (problem, status) = match outcome {
        Ok(PasswordOutcome::CodeNeeded { token }) => {
            // A pending sign-in the browser brought along is over.
            if let Some(old) = auth::pending_token(&parts.headers, https) {
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
        Err(error) => return in_words(&error.into()),
    };
    let page = LoginPage {
        login,
        next,
        problem: Some(problem),
    };
    render(site, parts, None, StaffPage::Login(page), status).await
}

pub(super) async fn code_page(State(site): State<Site>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let https = site.is_https(&parts);
    if auth::pending_token(&parts.headers, https).is_none() {
        return Redirect::to("/staff/login").into_response();
    }
    let page = StaffPage::Code(CodePage::default());
    render(site, parts, None, page, StatusCode::OK).await
}

/// The second step: the code (or a recovery code) for the pending sign-in.
/// Accepted, a new session begins and the browser goes where it was going.
pub(super) async fn code(State(site): State<Site>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(address) = site.client_of(&parts) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let https = site.is_https(&parts);
    let Some(pending) = auth::pending_token(&parts.headers, https) else {
        return Redirect::to("/staff/login").into_response();
    };
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let typed = form_value(&pairs, "code");
    let now = app::clock::now();
    let outcome = auth::check_code(
        &site.pool,
        &site.login_key,
        &pending,
        typed,
        address,
        &user_agent,
        now,
    )
    .await;
    let (page, status) = match outcome {
        Ok(CodeOutcome::SignedIn { token, next }) => {
            // A session the browser brought along is ended: never reused.
            if let Some(old) = auth::session_token(&parts.headers, https) {
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
            StaffPage::Code(CodePage {
                problem: Some(LoginProblem::CodeRefused),
            }),
            StatusCode::UNAUTHORIZED,
        ),
        Ok(CodeOutcome::Throttled { minutes }) => (
            StaffPage::Code(CodePage {
                problem: Some(LoginProblem::TooManyAttempts { minutes }),
            }),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Ok(CodeOutcome::Expired) => {
            let page = LoginPage {
                login: String::new(),
                next: "/staff".to_owned(),
                problem: Some(LoginProblem::Expired),
            };
            let cleared = auth::cleared_cookie(auth::PENDING_COOKIE, https);
            let response = render(
                site,
                parts,
                None,
                StaffPage::Login(page),
                StatusCode::UNAUTHORIZED,
            )
            .await;
            return (AppendHeaders([(header::SET_COOKIE, cleared)]), response).into_response();
        }
        Err(error) => return in_words(&error.into()),
    };
    render(site, parts, None, page, status).await
}

pub(super) async fn logout(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let https = site.is_https(&parts);
    if let Some(token) = auth::session_token(&parts.headers, https) {
        let ended = async {
            auth::end_session(&site.pool, &token).await?;
            auth::record_sign_out(&site.pool, &staff, app::clock::now()).await
        };
        if let Err(error) = ended.await {
            return refuse(site, parts, staff, error.into()).await;
        }
    }
    let cookie = auth::cleared_cookie(auth::SESSION_COOKIE, https);
    (
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Redirect::to("/staff/login?out=1"),
    )
        .into_response()
}

/// The session goes on (the guard touched it): when it ends now, for the
/// page's clock.
pub(super) async fn keep_alive(staff: Staff, request: Request) -> Response {
    let locale = locale_of(request.headers());
    let ends_at = staff.session_ends.timestamp();
    let answer = serde_json::json!({
        "ends_at": ends_at,
        "idle": staff.ends_when_idle,
        "text": app::staff::pages::session_clock(locale, &staff),
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        answer.to_string(),
    )
        .into_response()
}
