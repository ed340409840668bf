//! `/respond/<token>`: the page an answer link of a booking or reminder
//! e-mail opens (server only). Opening it changes nothing (mail systems
//! open links to scan them); the patient confirms with a button, which
//! posts. The handler renders it whole: no island.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use domain::contact::PatientAnswer;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::http::{Head, Site};

use crate::Erase;
use crate::format;
use crate::i18n::td_string;
use crate::words;

/// What the link's page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RespondPage {
    /// The link holds: the appointment, and the answer to confirm.
    Ask {
        answer: PatientAnswer,
        day: NaiveDate,
        start: String,
    },
    /// The answer is recorded.
    Done { answer: PatientAnswer },
    /// Not a link of ours, past its appointment, or for one that changed.
    #[default]
    Invalid,
}

/// `GET /respond/<token>`: what the link would answer, with a button to
/// confirm; nothing changes.
pub async fn show(
    State(site): State<Site>,
    Head(head): Head,
    Path(token): Path<String>,
) -> Response {
    let (page, status) = answer(&site.pool, &token, false).await;
    render(site, head, page, status).await
}

/// `POST /respond/<token>`: the answer confirmed.
pub async fn confirm(
    State(site): State<Site>,
    Head(head): Head,
    Path(token): Path<String>,
) -> Response {
    let (page, status) = answer(&site.pool, &token, true).await;
    render(site, head, page, status).await
}

async fn render(
    site: Site,
    head: axum::http::request::Parts,
    page: RespondPage,
    status: StatusCode,
) -> Response {
    site.render_page(head, status, move || {
        view! { <AnswerLinkPage page=page.clone() /> }.into_any()
    })
    .await
}

/// `GET` and `POST /respond/<token>`: the answer link's page, and the
/// answer recorded when it is confirmed.
async fn answer(pool: &sqlx::AnyPool, token: &str, confirmed: bool) -> (RespondPage, StatusCode) {
    let now = crate::clock::now();
    let found = if confirmed {
        crate::patient::store::record_answer(pool, token, now).await
    } else {
        crate::patient::store::find_answer_link(pool, token, now).await
    };
    let link = match found {
        Ok(Some(link)) => link,
        Ok(None) => return (RespondPage::Invalid, StatusCode::NOT_FOUND),
        Err(error) => return (RespondPage::Invalid, AppError::from(error).status()),
    };
    let (Some(answer), Ok(day)) = (PatientAnswer::from_code(&link.answer), link.day.parse()) else {
        return (RespondPage::Invalid, StatusCode::NOT_FOUND);
    };
    let page = if confirmed {
        RespondPage::Done { answer }
    } else {
        RespondPage::Ask {
            answer,
            day,
            start: link.start_time,
        }
    };
    (page, StatusCode::OK)
}

#[component]
fn AnswerLinkPage(page: RespondPage) -> impl IntoView {
    let locale = crate::use_locale();
    crate::no_store();
    let title = td_string!(locale, respond.title);
    let body = match page {
        RespondPage::Ask { answer, day, start } => {
            let day = format::date(locale, day);
            let ask = match answer {
                PatientAnswer::Come => td_string!(locale, respond.ask_come),
                PatientAnswer::AnotherDay => td_string!(locale, respond.ask_another_day),
                PatientAnswer::Cancel => td_string!(locale, respond.ask_cancel),
            };
            let answer_words = words::patient_answer(locale, answer);
            view! {
                <p data-testid="appointment">{td_string!(locale, respond.appointment, day, start).to_string()}</p>
                <p>{ask}</p>
                // Posts to the address it came from: the token is the link.
                <form method="post">
                    <p class="actions">
                        <button
                            type="submit"
                            class=if answer == PatientAnswer::Cancel { "button danger" } else { "button" }
                        >
                            {td_string!(locale, respond.confirm, answer = answer_words).to_string()}
                        </button>
                    </p>
                </form>
            }
            .into_any()
        }
        RespondPage::Done { answer } => {
            let done = match answer {
                PatientAnswer::Come => td_string!(locale, respond.done_come),
                PatientAnswer::AnotherDay => td_string!(locale, respond.done_another_day),
                PatientAnswer::Cancel => td_string!(locale, respond.done_cancel),
            };
            view! { <p class="notice" role="status" data-testid="answer-recorded">{done}</p> }
                .into_any()
        }
        RespondPage::Invalid => view! {
            <p data-testid="link-invalid">{td_string!(locale, respond.invalid)}</p>
            <p><a href="/status">{td_string!(locale, home.check_status)}</a></p>
        }
        .into_any(),
    };
    view! {
        <Title text=title.to_owned() />
        <h1>{title}</h1>
        {body}
    }
    .erase()
}
