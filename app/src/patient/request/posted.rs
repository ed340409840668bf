//! `POST /request`, the form posted (with or without JavaScript): check,
//! send, change or start again. The answer is a redirect (to the
//! confirmation, with the cookie that lets this browser show it) or this
//! page rendered again from the posted answers, so that nothing typed is
//! lost.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use domain::form::RequestForm;
use leptos::prelude::provide_context;
use sqlx::AnyPool;

use super::{FormPage, KEEP_NOTHING, Stage, check_answers, new_submission_id};
use crate::error::AppError;
use crate::http::{Client, Form, FormPairs, Head, Https, Site};
use crate::patient::api::{
    Sender, SubmitRequestInput, accept_request, is_submission_id, sent_cookie,
};

/// `POST /request`.
pub async fn post(
    State(site): State<Site>,
    Head(head): Head,
    Client(client): Client,
    Https(https): Https,
    Form(pairs): Form<FormPairs>,
) -> Response {
    let sender = Sender {
        client,
        new_cases: &site.new_cases,
        mail: &site.mail,
        history: &site.history,
    };
    match answer(&site.pool, sender, &pairs).await {
        Answer::Redirect(path) => Redirect::to(&path).into_response(),
        Answer::Sent(reference, token, shared) => (
            AppendHeaders([(header::SET_COOKIE, sent_cookie(&token, https, shared))]),
            Redirect::to(&format!("/request/sent/{reference}")),
        )
            .into_response(),
        Answer::Render(page, status) => {
            site.render_route(head, move || provide_context((*page).clone()), status)
                .await
        }
    }
}

/// What to answer a post with.
#[derive(Debug)]
enum Answer {
    /// Render the page from this state, with this status.
    Render(Box<FormPage>, StatusCode),
    /// Go to this path on the site (303 See Other).
    Redirect(String),
    /// The request was stored: go to its confirmation, with the cookie (of
    /// this token) that lets this browser show it (for its session only,
    /// from a shared computer).
    Sent(domain::reference::Reference, String, bool),
}

/// What to answer `POST /request` with: `step` is `check`, `send`, `edit`
/// (a "Change" button) or `reset` ("Start again").
async fn answer(pool: &AnyPool, sender: Sender<'_>, pairs: &FormPairs) -> Answer {
    let value = |name: &str| pairs.raw(name);
    let form = RequestForm::from_posted(pairs.0.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let submission_id = Some(value("submission_id"))
        .filter(|id| is_submission_id(id))
        .map_or_else(new_submission_id, str::to_owned);
    let keep_nothing = value(KEEP_NOTHING) == "on";
    let page = |stage, errors, problem| {
        Box::new(FormPage {
            form: form.clone(),
            submission_id: submission_id.clone(),
            stage,
            errors,
            problem,
            posted: true,
            keep_nothing,
        })
    };
    match value("step") {
        "send" => {
            let input = SubmitRequestInput {
                submission_id: submission_id.clone(),
                language: value("language").to_owned(),
                form: form.clone(),
                shared_computer: keep_nothing,
            };
            match accept_request(pool, input, &sender).await {
                Ok(accepted) => Answer::Sent(accepted.sent.reference, accepted.token, keep_nothing),
                Err(AppError::InvalidFields { errors }) => Answer::Render(
                    page(Stage::Editing, errors, None),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Err(error @ AppError::NotSendable { .. }) => Answer::Render(
                    page(Stage::Editing, Vec::new(), Some(error)),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Err(AppError::Resubmitted) => {
                    let mut page = page(Stage::Checking, Vec::new(), Some(AppError::Resubmitted));
                    page.submission_id = new_submission_id();
                    Answer::Render(page, StatusCode::CONFLICT)
                }
                Err(error) => {
                    let status = error.status();
                    Answer::Render(page(Stage::Checking, Vec::new(), Some(error)), status)
                }
            }
        }
        "check" => match check_answers(&form) {
            Ok(()) => Answer::Render(page(Stage::Checking, Vec::new(), None), StatusCode::OK),
            Err((errors, verdict)) => Answer::Render(
                page(
                    Stage::Editing,
                    errors,
                    verdict.map(|verdict| AppError::NotSendable { verdict }),
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        },
        "reset" => Answer::Redirect("/request".to_owned()),
        _ => Answer::Render(page(Stage::Editing, Vec::new(), None), StatusCode::OK),
    }
}
