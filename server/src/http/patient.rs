//! The patient's routes that are not Leptos pages or server functions: the
//! language switch without JavaScript, and the request and status forms
//! posted without JavaScript (rendered through `app::patient::posted`).

use std::collections::HashMap;

use app::i18n::Locale;
use app::patient::api::sent_cookie;
use app::patient::posted::{self, Answer};
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use leptos::prelude::*;

use super::site::{Site, read_form};

pub fn routes(site: Site) -> Router<LeptosOptions> {
    Router::new()
        .route("/set-lang", get(set_language))
        .route("/request", post(post_request))
        .route("/status", post(post_status))
        .route("/status/calendar", post(post_calendar))
        .route("/status/paper", post(post_paper))
        .route("/respond/{token}", get(show_answer).post(record_answer))
        .with_state(site)
}

/// `GET /set-lang?lang=ja&next=/request`: remembers the language in the
/// cookie the app reads and goes back to the page. This is the language
/// switch without JavaScript; with it, the switch works in place.
async fn set_language(Query(query): Query<HashMap<String, String>>) -> impl IntoResponse {
    let locale: Locale = query
        .get("lang")
        .and_then(|lang| lang.parse().ok())
        .unwrap_or_default();
    let next = query
        .get("next")
        .and_then(|next| app::ssr::local_path(next))
        .unwrap_or("/");
    (
        AppendHeaders([(header::SET_COOKIE, app::ssr::language_cookie(locale))]),
        Redirect::to(next),
    )
}

/// `POST /request`: check, send, change or start again, without JavaScript.
async fn post_request(State(site): State<Site>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(client) = site.client_of(&parts) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let sender = posted::Sender {
        client,
        new_cases: &site.new_cases,
        mail: &site.mail,
    };
    match posted::request(&site.pool, sender, &pairs).await {
        Answer::Redirect(path) => Redirect::to(&path).into_response(),
        Answer::Sent(reference, token) => (
            AppendHeaders([(
                header::SET_COOKIE,
                sent_cookie(&token, site.is_https(&parts)),
            )]),
            Redirect::to(&format!("/request/sent/{reference}")),
        )
            .into_response(),
        Answer::Render(page, status) => site.render(parts, page, status).await,
    }
}

/// `POST /status`: the status lookup without JavaScript.
async fn post_status(State(site): State<Site>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(client) = site.client_of(&parts) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let (page, status) = posted::status(&site.pool, &site.limiter, client, &pairs).await;
    site.render(parts, page, status).await
}

/// `POST /status/calendar`: the appointment as an `.ics` file to open in
/// a calendar, for the reference and date of birth the status page holds.
async fn post_calendar(State(site): State<Site>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(client) = site.client_of(&parts) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match posted::calendar_file(&site.pool, &site.limiter, client, &site.mail, &pairs).await {
        Ok(file) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"second-opinion.ics\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            file,
        )
            .into_response(),
        Err((page, status)) => site.render(parts, page, status).await,
    }
}

/// `GET /respond/<token>`: what the link would answer, with a button to
/// confirm; nothing changes.
async fn show_answer(
    State(site): State<Site>,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let (page, status) = posted::respond(&site.pool, &token, false).await;
    site.render(parts, page, status).await
}

/// `POST /respond/<token>`: the answer confirmed.
async fn record_answer(
    State(site): State<Site>,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let (page, status) = posted::respond(&site.pool, &token, true).await;
    site.render(parts, page, status).await
}

/// `POST /status/paper`: a paper to print, for the reference and date of
/// birth the status page holds (the status look-up's limits apply).
async fn post_paper(State(site): State<Site>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(client) = site.client_of(&parts) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match posted::paper(&site.pool, &site.limiter, client, &pairs).await {
        Ok(paper) => site.render(parts, paper, StatusCode::OK).await,
        Err((page, status)) => site.render(parts, page, status).await,
    }
}
