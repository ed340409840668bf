//! `/status`: the reference and the patient's date of birth give the
//! request's status in plain words. Hydrated, the form calls `find_status`;
//! without JavaScript it posts to `/status` and the server renders this page
//! with the answer and the typed values kept.

use leptos::prelude::*;
use leptos::server::SharedValue;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::Erase;
use crate::api::{CaseStatus, StatusQuery, find_status};
use crate::error::AppError;
use crate::format;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::tr;
use crate::words;

/// The status page as the server renders it after a post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPage {
    pub query: StatusQuery,
    pub outcome: Option<Result<CaseStatus, AppError>>,
}

#[component]
pub fn StatusLookupPage() -> impl IntoView {
    let i18n = use_i18n();
    crate::no_store();
    let initial = SharedValue::new(|| use_context::<StatusPage>().unwrap_or_default()).into_inner();
    let reference = RwSignal::new(initial.query.reference);
    let date_of_birth = RwSignal::new(initial.query.date_of_birth);
    let outcome = RwSignal::new(initial.outcome);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let lookup = Action::new(|query: &StatusQuery| find_status(query.clone()));
    Effect::new(move |_| {
        if let Some(result) = lookup.value().get() {
            outcome.set(Some(result));
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        lookup.dispatch(StatusQuery {
            reference: reference.get_untracked(),
            date_of_birth: date_of_birth.get_untracked(),
        });
    };
    let result = move || {
        let locale = i18n.get_locale();
        outcome.get().map(|outcome| {
            let text = match outcome {
                Ok(CaseStatus::Received { window }) => {
                    let receipt = format::date(locale, window.receipt);
                    let earliest = format::date(locale, window.earliest);
                    let latest = format::date(locale, window.latest);
                    t_string!(i18n, status.received, receipt, earliest, latest).to_string()
                }
                Ok(CaseStatus::ContactReception) => {
                    t_string!(i18n, status.contact_reception).to_owned()
                }
                Err(AppError::NotFound) => t_string!(i18n, status.not_found).to_owned(),
                Err(error) => words::app_error(locale, &error),
            };
            view! {
                <h2>{tr(i18n, |l| td_string!(l, status.result_heading))}</h2>
                <p data-testid="status">{text}</p>
            }
        })
    };
    view! {
        <Title text=move || t_string!(i18n, status.title).to_owned() />
        <h1>{tr(i18n, |l| td_string!(l, status.title))}</h1>
        <p>{tr(i18n, |l| td_string!(l, status.intro))}</p>
        <form
            method="post"
            action="/status"
            novalidate
            on:submit=on_submit
            data-hydrated=move || hydrated.get().then_some("true")
        >
            <div class="field">
                <label for="reference">{tr(i18n, |l| td_string!(l, status.reference))}</label>
                <p class="hint" id="reference-hint">{tr(i18n, |l| td_string!(l, status.hint_reference))}</p>
                <input
                    id="reference"
                    name="reference"
                    type="text"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    aria-describedby="reference-hint"
                    value=reference.get_untracked()
                    prop:value=move || reference.get()
                    on:input=move |event| reference.set(event_target_value(&event))
                />
            </div>
            <div class="field">
                <label for="date_of_birth">{tr(i18n, |l| td_string!(l, status.date_of_birth))}</label>
                <input
                    id="date_of_birth"
                    name="date_of_birth"
                    type="date"
                    value=date_of_birth.get_untracked()
                    prop:value=move || date_of_birth.get()
                    on:input=move |event| date_of_birth.set(event_target_value(&event))
                />
            </div>
            <p class="actions">
                <button type="submit" class="button" disabled=move || lookup.pending().get()>
                    {tr(i18n, |l| td_string!(l, status.submit))}
                </button>
            </p>
        </form>
        <div role="status" aria-live="polite" class="status-result">{result}</div>
    }
    .erase()
}
