//! `/confirm/<token>`: the link of the first message to an address. Mail
//! scanners open links, so the page changes nothing until its button is
//! pressed; then the address is confirmed (audited), and the request's
//! messages that waited for it go out. A token not of our shape is "not
//! found" before any query.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;
use crate::http::{Head, Site};
use crate::i18n::td_string;

pub fn routes<S>(site: Site) -> Router<S> {
    Router::new()
        .route("/confirm/{token}", get(show).post(confirm))
        .with_state(site)
}

/// What the page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirming {
    /// A link of the right shape: the button.
    Ask,
    Done,
    /// Not a link of ours, or past its hours.
    Invalid,
    Busy,
}

async fn show(State(site): State<Site>, Head(head): Head, Path(token): Path<String>) -> Response {
    let (page, status) = if crate::http::tokens::is_token(&token) {
        (Confirming::Ask, StatusCode::OK)
    } else {
        (Confirming::Invalid, StatusCode::NOT_FOUND)
    };
    render(site, head, page, status).await
}

async fn confirm(
    State(site): State<Site>,
    Head(head): Head,
    Path(token): Path<String>,
) -> Response {
    let (page, status) = if crate::http::tokens::is_token(&token) {
        match confirmed(&site.pool, &token).await {
            Ok(true) => (Confirming::Done, StatusCode::OK),
            Ok(false) => (Confirming::Invalid, StatusCode::NOT_FOUND),
            Err(error) => (Confirming::Busy, error.status()),
        }
    } else {
        (Confirming::Invalid, StatusCode::NOT_FOUND)
    };
    render(site, head, page, status).await
}

/// Confirms the address of the link `token`: whether it held.
async fn confirmed(pool: &sqlx::AnyPool, token: &str) -> Result<bool, AppError> {
    let now = crate::clock::now();
    let hash = crate::http::tokens::token_hash(token);
    let Some(case_id) = crate::patient::store::confirm_address(pool, &hash, now).await? else {
        return Ok(false);
    };
    let entry = crate::audit::chain::Entry {
        case_id: Some(case_id),
        ..crate::audit::chain::Entry::of(crate::audit::AuditAction::AddressConfirmed)
    };
    crate::audit::chain::record(pool, now, entry).await?;
    Ok(true)
}

async fn render(
    site: Site,
    head: axum::http::request::Parts,
    page: Confirming,
    status: StatusCode,
) -> Response {
    site.render_page(head, status, move || {
        view! { <ConfirmPage page /> }.into_any()
    })
    .await
}

#[component]
fn ConfirmPage(page: Confirming) -> impl IntoView {
    let locale = crate::use_locale();
    crate::no_store();
    let title = td_string!(locale, confirm.title);
    let body = match page {
        Confirming::Ask => view! {
            <p>{td_string!(locale, confirm.ask)}</p>
            // Posts to the address it came from: the token is the link.
            <form method="post">
                <p class="actions">
                    <button type="submit" class="button">{td_string!(locale, confirm.button)}</button>
                </p>
            </form>
        }
        .into_any(),
        Confirming::Done => view! { <p class="notice" role="status">{td_string!(locale, confirm.done)}</p> }.into_any(),
        Confirming::Invalid => view! { <p>{td_string!(locale, confirm.invalid)}</p> }.into_any(),
        Confirming::Busy => view! { <p>{td_string!(locale, confirm.busy)}</p> }.into_any(),
    };
    view! {
        <Title text=title.to_owned() />
        <h1>{title}</h1>
        {body}
    }
}
