//! `/verify` (server only): a doctor holding a printed report types its
//! verification code (or scans its QR code, which opens this page with the
//! code) and learns whether the paper is genuine and current: who issued
//! it and when, its version and signer, or which version superseded it.
//! Nothing about the patient is ever shown. Codes are looked up by their
//! hash; an unknown code and a malformed one get the same answer after the
//! same work, and each client's misses are limited as the status look-up's.

mod store;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, NaiveDate};
use domain::report::VerificationCode;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::Erase;
use crate::error::AppError;
use crate::http::{Client, Head, Site};
use crate::i18n::td_string;

pub fn routes<S>(site: Site) -> Router<S> {
    Router::new().route("/verify", get(show)).with_state(site)
}

/// What a code asked about.
#[derive(Debug, serde::Deserialize)]
struct Asked {
    code: Option<String>,
}

/// What the page answers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    /// Genuine and the current version: issued on, version, signer,
    /// department.
    Current {
        issued: NaiveDate,
        version: u32,
        signer: String,
        department: String,
    },
    /// Genuine, but a later version replaces it: issued on, version, signer
    /// and department, superseded on, by which version.
    Superseded {
        issued: NaiveDate,
        version: u32,
        signer: String,
        department: String,
        superseded: NaiveDate,
        by: u32,
    },
    /// No report has this code (or it is not a code at all).
    Unknown,
    TooManyAttempts,
}

async fn show(
    State(site): State<Site>,
    Head(head): Head,
    Client(client): Client,
    Query(asked): Query<Asked>,
) -> Response {
    let typed = asked
        .code
        .unwrap_or_default()
        .chars()
        .take(64)
        .collect::<String>();
    let answer = if typed.trim().is_empty() {
        None
    } else {
        Some(look_up(&site, client, &typed).await)
    };
    let status = match &answer {
        Some(Ok(Answer::Unknown)) => StatusCode::NOT_FOUND,
        Some(Ok(Answer::TooManyAttempts)) => StatusCode::TOO_MANY_REQUESTS,
        Some(Err(error)) => error.status(),
        _ => StatusCode::OK,
    };
    let hospital = site.hospital.to_string();
    site.render_page(head, status, move || {
        view! { <VerifyPage typed=typed.clone() answer=answer.clone() hospital=hospital.clone() /> }
            .into_any()
    })
    .await
}

async fn look_up(site: &Site, client: std::net::IpAddr, typed: &str) -> Result<Answer, AppError> {
    let now = crate::clock::now();
    if !site.verify_limiter.allows(&site.pool, client, now).await? {
        return Ok(Answer::TooManyAttempts);
    }
    // A malformed code is looked up too (by a hash nothing has), so that
    // it takes the same work as an unknown one.
    let hash = VerificationCode::parse(typed).map_or_else(
        || crate::http::tokens::token_hash(&format!("not a code: {typed}")),
        |code| crate::keys::code_hash(&code),
    );
    let found = store::signed_by_hash(&site.pool, &hash)
        .await?
        .and_then(answer);
    if found.is_none() {
        site.verify_limiter
            .try_attempt(&site.pool, client, now)
            .await?;
    }
    Ok(found.unwrap_or(Answer::Unknown))
}

/// What the page may say of a signed version found by its code.
fn answer(found: store::Found) -> Option<Answer> {
    let day = |stored: &str| {
        DateTime::parse_from_rfc3339(stored)
            .ok()
            .map(|at| domain::japan_time(&at).date())
    };
    let version = u32::try_from(found.version).ok()?;
    let issued = day(&found.signed_at)?;
    Some(
        match (
            found.superseded_at.as_deref().and_then(day),
            found.superseded_by,
        ) {
            (Some(superseded), Some(by)) => Answer::Superseded {
                issued,
                version,
                signer: found.signer,
                department: found.department,
                superseded,
                by: u32::try_from(by).ok()?,
            },
            _ => Answer::Current {
                issued,
                version,
                signer: found.signer,
                department: found.department,
            },
        },
    )
}

#[component]
fn VerifyPage(
    typed: String,
    answer: Option<Result<Answer, AppError>>,
    hospital: String,
) -> impl IntoView {
    let locale = crate::use_locale();
    crate::no_store();
    let title = td_string!(locale, verify.title);
    let result = answer.map(|answer| {
        let (genuine, text) = match answer {
            Ok(Answer::Current {
                issued,
                version,
                signer,
                department,
            }) => (
                true,
                td_string!(
                    locale,
                    verify.current,
                    hospital = hospital.clone(),
                    day = crate::format::date(locale, issued),
                    version,
                    signer,
                    department
                )
                .to_string(),
            ),
            Ok(Answer::Superseded {
                issued,
                version,
                signer,
                department,
                superseded,
                by,
            }) => (
                true,
                td_string!(
                    locale,
                    verify.superseded,
                    hospital = hospital.clone(),
                    day = crate::format::date(locale, issued),
                    version,
                    signer,
                    department,
                    superseded = crate::format::date(locale, superseded),
                    by
                )
                .to_string(),
            ),
            Ok(Answer::Unknown) => (false, td_string!(locale, verify.unknown).to_owned()),
            Ok(Answer::TooManyAttempts) => (
                false,
                td_string!(locale, app_error.too_many_attempts).to_owned(),
            ),
            Err(error) => (false, crate::words::app_error(locale, &error)),
        };
        view! {
            <div class="status-result" class:genuine=genuine>
                <h2 tabindex="-1" autofocus>{td_string!(locale, verify.result_heading)}</h2>
                <p data-testid="verify-result">{text}</p>
            </div>
        }
    });
    view! {
        <Title text=title.to_owned() />
        <h1>{title}</h1>
        <p>{td_string!(locale, verify.intro)}</p>
        <form method="get" action="/verify" novalidate>
            <div class="field">
                <label for="code">{td_string!(locale, verify.code)}</label>
                <p class="hint" id="code-hint">{td_string!(locale, verify.code_hint)}</p>
                <input id="code" name="code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="code-hint" value=typed />
            </div>
            <p class="actions"><button type="submit" class="button">{td_string!(locale, verify.check)}</button></p>
        </form>
        {result}
    }
    .erase()
}
