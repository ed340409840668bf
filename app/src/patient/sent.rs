//! `/request/sent/<reference>`: the confirmation, with its own address so
//! that it can be reloaded and bookmarked: the reference, the days, the
//! documents, the fee and where to go, then the papers to print. It prints
//! as the hospital's request form (`papers`): every answer, the reference
//! as a QR code, a line to sign. It opens only in the browser that sent
//! the request.

use domain::SECOND_OPINION_FEE;
use leptos::prelude::*;
use leptos_meta::{Stylesheet, Title};
use leptos_router::hooks::use_params_map;

use crate::Erase;
use crate::error::AppError;
use crate::format;
use crate::i18n::{td, td_string};
use crate::patient::api::{AddressState, SentSummary, find_sent};
use crate::patient::papers::{PaperLinks, PrintButton, RequestFormPaper, SentError};
use crate::words::DocumentText;

#[component]
pub fn SentPage() -> impl IntoView {
    let locale = crate::use_locale();
    crate::no_store();
    let params = use_params_map();
    let reference = move || params.with(|p| p.get("reference").unwrap_or_default());
    let sent = Resource::new(reference, find_sent);
    view! {
        <Title text=move || td_string!(locale, sent.title).to_owned() />
        <Suspense>
            {move || {
                sent.get()
                    .map(|result| match result {
                        Ok(summary) => view! { <Confirmation summary /> }.into_any(),
                        Err(AppError::NotFound) => {
                            view! {
                                <h1>{td_string!(locale, sent.not_found)}</h1>
                                <p>{td_string!(locale, sent.not_found_detail)}</p>
                                <p><a href="/status">{td_string!(locale, sent.check_status)}</a></p>
                            }
                                .into_any()
                        }
                        // Too many misses from this address, or a fault.
                        Err(error) => view! { <SentError error /> }.into_any(),
                    })
            }}
        </Suspense>
    }
    .erase()
}

#[component]
fn Confirmation(summary: SentSummary) -> impl IntoView {
    let locale = crate::use_locale();
    let window = summary.window;
    let received = move || {
        let receipt = format::date(locale, window.receipt);
        td_string!(locale, sent.received_on, receipt).to_string()
    };
    let expected = move || {
        let earliest = format::date(locale, window.earliest);
        let latest = format::date(locale, window.latest);
        td_string!(locale, sent.window, earliest, latest).to_string()
    };
    let fee = SECOND_OPINION_FEE;
    let total = move || format::yen(locale, fee.total());
    let minutes = fee.max_minutes;
    let papers = summary.clone();
    view! {
        <div class="slip no-print">
            // After Send the page is new: its heading takes the focus, so a
            // screen reader announces it.
            <h1 tabindex="-1" autofocus>
                {td_string!(locale, sent.title)}
            </h1>
            <p class="reference-box">
                <span>{td_string!(locale, sent.reference)}</span>
                <strong class="reference" data-testid="reference">{summary.reference.to_string()}</strong>
            </p>
            <p>{td_string!(locale, sent.keep)}</p>
            {summary.contact_first.then(|| view! { <p class="notice">{td_string!(locale, sent.contact_first)}</p> })}
            {summary.address.map(|state| view! { <AddressNotice state /> })}
            <h2>{td_string!(locale, sent.next_heading)}</h2>
            <p>{td_string!(locale, sent.next)}</p>
            <p>{received} " " {expected}</p>
            {(!summary.expected.is_empty()).then(|| {
                let expected = summary.expected.clone();
                view! {
                    <h2>{td_string!(locale, forecast.heading)}</h2>
                    <crate::forecast::ExpectedSteps expected />
                }
            })}
            <h2>{td_string!(locale, panel.documents_heading)}</h2>
            <ul>
                {summary
                    .documents
                    .into_iter()
                    .map(|document| view! { <li><DocumentText document /></li> })
                    .collect_view()}
            </ul>
            <h2>{td_string!(locale, panel.fee_heading)}</h2>
            <p>{td!(locale, panel.fee, total, minutes)}</p>
            <h2>{td_string!(locale, home.reception_heading)}</h2>
            <p>{td_string!(locale, home.reception)}</p>
            <ForgetDraft />
        </div>
        <PaperLinks summary=papers.clone() />
        <Stylesheet id="papers" href=crate::patient::papers::PAPERS_CSS />
        // What the page prints: the hospital's request form.
        <article class="paper" data-paper="form">
            <RequestFormPaper summary=papers nested=true />
        </article>
        <p class="actions no-print">
            <PrintButton />
            <a href="/status">{td_string!(locale, sent.check_status)}</a>
        </p>
        // Ends this browser's hold on the confirmation at once: on a
        // shared computer, the next person finds nothing.
        <form method="post" action="/request/sent/finish" class="finish no-print">
            <p>{td_string!(locale, sent.finish_hint)}</p>
            <button type="submit" class="button secondary">{td_string!(locale, sent.finish)}</button>
        </form>
    }
    .erase()
}

/// Where the e-mail address given stands: a confirmation to follow first,
/// none sent today, or confirmed.
#[component]
pub fn AddressNotice(state: AddressState) -> impl IntoView {
    let locale = crate::use_locale();
    let text = match state {
        AddressState::Pending => td_string!(locale, sent.address_pending),
        AddressState::NotAsked => td_string!(locale, sent.address_not_asked),
        AddressState::Confirmed => td_string!(locale, sent.address_confirmed),
    };
    view! { <p class="notice" data-testid="address">{text}</p> }
}

/// The request is stored: the draft this browser kept of it is done with.
#[island]
fn ForgetDraft() -> impl IntoView {
    Effect::new(|_| crate::patient::request::draft::clear());
}
