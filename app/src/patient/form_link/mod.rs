//! `/form/<token>`: the one-time link to the request form, e-mailed to the
//! request's confirmed address when the patient asked on `/status`. Mail
//! scanners open links, so the page shows nothing of the request until its
//! button is pressed; then the form (every answer) is shown once, to print,
//! and the link is spent (audited with the client's address). A token not
//! of our shape is "not found" before any query.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;
use crate::http::{Client, Head, Site};
use crate::i18n::td_string;
use crate::patient::papers::{Paper, StatusPaper, StatusPaperView};

pub fn routes<S>(site: Site) -> Router<S> {
    Router::new()
        .route("/form/{token}", get(show).post(open))
        .with_state(site)
}

/// What the page says, when it does not show the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asking {
    /// A link of the right shape: the button.
    Ask,
    /// Used already, past its hours, or not a link of ours.
    Invalid,
    Busy,
}

async fn show(State(site): State<Site>, Head(head): Head, Path(token): Path<String>) -> Response {
    let (page, status) = if crate::http::tokens::is_token(&token) {
        (Asking::Ask, StatusCode::OK)
    } else {
        (Asking::Invalid, StatusCode::NOT_FOUND)
    };
    render(site, head, page, status).await
}

/// The button: the form, once.
async fn open(
    State(site): State<Site>,
    Head(head): Head,
    Client(client): Client,
    Path(token): Path<String>,
) -> Response {
    if !crate::http::tokens::is_token(&token) {
        return render(site, head, Asking::Invalid, StatusCode::NOT_FOUND).await;
    }
    match form(&site.pool, &token, &client.to_string()).await {
        Ok(Some(paper)) => {
            site.render_page(head, StatusCode::OK, move || {
                let paper = paper.clone();
                view! { <StatusPaperView paper /> }.into_any()
            })
            .await
        }
        Ok(None) => render(site, head, Asking::Invalid, StatusCode::GONE).await,
        Err(error) => render(site, head, Asking::Busy, error.status()).await,
    }
}

/// The request form of the link `token`, the link spent; none when the
/// link does not hold. Read before it is spent, so that a fault leaves
/// the link to try again.
async fn form(
    pool: &sqlx::AnyPool,
    token: &str,
    from: &str,
) -> Result<Option<StatusPaper>, AppError> {
    let now = crate::clock::now();
    let hash = crate::http::tokens::token_hash(token);
    let Some(reference) = crate::patient::store::form_link_request(pool, &hash, now).await? else {
        return Ok(None);
    };
    let Some(summary) = crate::patient::api::summary_of(pool, &reference).await? else {
        return Ok(None);
    };
    if !crate::patient::store::spend_form_link(pool, &hash, from, now).await? {
        return Ok(None);
    }
    Ok(Some(StatusPaper {
        summary,
        paper: Paper::RequestForm,
    }))
}

async fn render(
    site: Site,
    head: axum::http::request::Parts,
    page: Asking,
    status: StatusCode,
) -> Response {
    site.render_page(head, status, move || {
        view! { <FormLinkPage page /> }.into_any()
    })
    .await
}

#[component]
fn FormLinkPage(page: Asking) -> impl IntoView {
    let locale = crate::use_locale();
    crate::no_store();
    let title = td_string!(locale, form_link.title);
    let body = match page {
        Asking::Ask => view! {
            <p>{td_string!(locale, form_link.ask)}</p>
            // Posts to the address it came from: the token is the link.
            <form method="post">
                <p class="actions">
                    <button type="submit" class="button">{td_string!(locale, form_link.button)}</button>
                </p>
            </form>
        }
        .into_any(),
        Asking::Invalid => view! {
            <p>{td_string!(locale, form_link.invalid)}</p>
            <p><a href="/status">{td_string!(locale, form_link.status)}</a></p>
        }
        .into_any(),
        Asking::Busy => view! { <p>{td_string!(locale, form_link.busy)}</p> }.into_any(),
    };
    view! {
        <Title text=title.to_owned() />
        <h1>{title}</h1>
        {body}
    }
}
