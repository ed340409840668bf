//! The verdict in words with every reason, as the patient's live panel,
//! the patient's error summary and reception's case page show it.

use domain::{Question, Verdict};
use leptos::prelude::*;

use crate::Erase;
use crate::i18n::{Locale, td_string};
use crate::words;

/// The verdict in plain words with every reason. With `links`, each
/// unanswered question links to its input (used by the error summary).
#[component]
pub fn VerdictReasons(verdict: Verdict, links: bool) -> impl IntoView {
    let locale = crate::use_locale();
    let (verdict_words, missing): (fn(Locale) -> &'static str, Vec<Question>) = match &verdict {
        Verdict::Eligible => (|l| td_string!(l, panel.eligible), Vec::new()),
        Verdict::ContactFirst { .. } => (|l| td_string!(l, panel.contact_first), Vec::new()),
        Verdict::NotAccepted { .. } => (|l| td_string!(l, panel.not_accepted), Vec::new()),
        Verdict::Incomplete { missing, .. } => (
            |l| td_string!(l, panel.incomplete),
            if links { missing.clone() } else { Vec::new() },
        ),
    };
    let reasons = move || {
        let items: Vec<String> = match &verdict {
            Verdict::Eligible => Vec::new(),
            Verdict::ContactFirst { reasons }
            | Verdict::Incomplete {
                contact_first: reasons,
                ..
            } => reasons.iter().map(|r| words::contact(locale, *r)).collect(),
            Verdict::NotAccepted { reasons } => {
                reasons.iter().map(|r| words::refusal(locale, *r)).collect()
            }
        };
        (!items.is_empty()).then(|| {
            view! {
                <ul class="reasons">
                    {items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}
                </ul>
            }
        })
    };
    view! {
        <p class="verdict-words">{verdict_words(locale)}</p>
        {reasons}
        {(!missing.is_empty()).then(|| view! { <MissingQuestions missing /> })}
    }
    .erase()
}

/// The questions still to answer, each a link to its input.
#[component]
pub fn MissingQuestions(missing: Vec<Question>) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        <ul class="missing">
            {missing
                .into_iter()
                .map(|question| {
                    let href = format!("#{}", question.field().code());
                    view! {
                        <li>
                            <a href=href>{move || words::question(locale, question)}</a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .erase()
}
