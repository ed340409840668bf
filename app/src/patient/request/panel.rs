//! The live panel: the verdict, every reason, and what follows from it,
//! recomputed in the browser by `domain` on every change, without asking
//! the server. Beside the form on a wide screen; on a phone, a bar that
//! stays in view at the bottom with the verdict in a few words and how many
//! questions or reasons there are, which opens the whole panel. One
//! `aria-live` region says what changed, whatever the width.
//!
//! What follows depends on the verdict: a request the hospital cannot
//! accept gets what the person can do instead (no documents, no window); a
//! "contact reception first" says so first, with the counter's hours; any
//! other gets the questions left, the documents, the fee and the window.

use domain::{
    AppointmentWindow, Calendar, Document, SECOND_OPINION_FEE, Verdict, appointment_window,
    documents_to_bring,
};
use leptos::prelude::*;

use super::state::FormState;
use crate::Erase;
use crate::clock::now_in_japan;
use crate::format;
use crate::i18n::{Locale, td, td_string};
use crate::ui::verdict::{MissingQuestions, VerdictReasons};
use crate::words::DocumentText;

/// The verdict in a few words, and how many questions are left or how many
/// reasons stand against it: the bar's text and the one announcement.
fn summary(locale: Locale, verdict: &Verdict) -> (&'static str, Option<String>) {
    let reasons = |count: usize| match count {
        0 => None,
        1 => Some(td_string!(locale, panel.count_reasons_one).to_owned()),
        count => Some(td_string!(locale, panel.count_reasons, count).to_string()),
    };
    match verdict {
        Verdict::Eligible => (td_string!(locale, panel.short_eligible), None),
        Verdict::ContactFirst { reasons: list } => (
            td_string!(locale, panel.short_contact_first),
            reasons(list.len()),
        ),
        Verdict::NotAccepted { reasons: list } => (
            td_string!(locale, panel.short_not_accepted),
            reasons(list.len()),
        ),
        Verdict::Incomplete { missing, .. } => (
            td_string!(locale, panel.short_incomplete),
            match missing.len() {
                0 => None,
                1 => Some(td_string!(locale, panel.count_missing_one).to_owned()),
                count => Some(td_string!(locale, panel.count_missing, count).to_string()),
            },
        ),
    }
}

#[component]
pub fn LivePanel(state: FormState) -> impl IntoView {
    let locale = crate::use_locale();
    let verdict = state.verdict;
    let code = Memo::new(move |_| verdict.with(Verdict::code));
    let open = RwSignal::new(false);
    let short = move || verdict.with(|verdict| summary(locale, verdict));
    let announcement = move || {
        let (words, count) = short();
        count.map_or_else(|| words.to_owned(), |count| format!("{words}. {count}"))
    };
    view! {
        <aside class="panel" class:open=move || open.get() aria-labelledby="panel-heading">
            <div class="panel-bar">
                <p class=move || format!("panel-bar-verdict verdict-{}", code.get())>
                    <strong>{move || short().0}</strong>
                    {move || short().1.map(|count| view! { <span class="panel-bar-count">{count}</span> })}
                </p>
                <button
                    type="button"
                    class="secondary panel-toggle"
                    aria-controls="panel-body"
                    aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|open| *open = !*open)
                >
                    {move || if open.get() {
                        td_string!(locale, panel.hide_details)
                    } else {
                        td_string!(locale, panel.show_details)
                    }}
                </button>
            </div>
            // It scrolls when taller than the screen: reachable by keyboard.
            <div class="panel-body" id="panel-body" tabindex="0">
                <h2 id="panel-heading">{td_string!(locale, panel.heading)}</h2>
                <div class=move || format!("verdict verdict-{}", code.get()) data-testid="verdict">
                    {move || view! { <VerdictReasons verdict=verdict.get() links=false /> }}
                </div>
                {move || match code.get() {
                    "not_accepted" => view! { <Instead /> }.into_any(),
                    "contact_first" => view! {
                        <p class="reception-hours">{td_string!(locale, home.reception)}</p>
                        <WhatFollows state />
                    }
                    .into_any(),
                    _ => view! { <WhatFollows state /> }.into_any(),
                }}
            </div>
            <p class="visually-hidden" role="status" aria-live="polite" data-testid="verdict-announcement">
                {announcement}
            </p>
        </aside>
    }
    .erase()
}

/// What a person whose request cannot be accepted can do instead.
#[component]
fn Instead() -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        <h3>{td_string!(locale, panel.instead_heading)}</h3>
        <ul class="instead">
            <li>{td_string!(locale, panel.instead_doctor)}</li>
            <li>
                {td_string!(locale, panel.instead_reception)} " "
                {td_string!(locale, home.reception)}
            </li>
        </ul>
    }
}

/// What the panel shows, derived from the answers and the clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub documents: Vec<Document>,
    pub window: AppointmentWindow,
}

/// The documents to bring and the window, for these answers sent now with
/// this calendar.
pub fn assessment(form: &domain::form::RequestForm, calendar: &Calendar) -> Assessment {
    let now = now_in_japan();
    Assessment {
        documents: documents_to_bring(&form.to_request(now.date())),
        window: appointment_window(now, calendar),
    }
}

/// The questions still to answer, the documents, the fee and the window.
#[component]
fn WhatFollows(state: FormState) -> impl IntoView {
    let locale = crate::use_locale();
    let current = Memo::new(move |_| {
        state
            .calendar
            .with_value(|calendar| state.form.with(|form| assessment(form, calendar)))
    });
    let fee = SECOND_OPINION_FEE;
    let total = move || format::yen(locale, fee.total());
    let minutes = fee.max_minutes;
    let missing = move || match state.verdict.get() {
        Verdict::Incomplete { missing, .. } => Some(missing),
        _ => None,
    };
    let window = move || {
        let window = current.with(|a| a.window);
        let receipt = format::date(locale, window.receipt);
        let earliest = format::date(locale, window.earliest);
        let latest = format::date(locale, window.latest);
        td_string!(locale, panel.window, receipt, earliest, latest).to_string()
    };
    view! {
        {move || {
            missing()
                .filter(|missing| !missing.is_empty())
                .map(|missing| {
                    view! {
                        <h3>{td_string!(locale, panel.still_to_answer)}</h3>
                        <MissingQuestions missing />
                    }
                })
        }}
        <h3>{td_string!(locale, panel.documents_heading)}</h3>
        <ul data-testid="documents">
            {move || {
                current
                    .with(|a| a.documents.clone())
                    .into_iter()
                    .map(|document| view! { <li><DocumentText document /></li> })
                    .collect_view()
            }}
        </ul>
        <h3>{td_string!(locale, panel.fee_heading)}</h3>
        <p>{td!(locale, panel.fee, total, minutes)}</p>
        <h3>{td_string!(locale, panel.window_heading)}</h3>
        <p data-testid="window">{window}</p>
    }
    .erase()
}
