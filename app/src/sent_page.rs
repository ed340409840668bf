//! `/request/sent/<reference>`: the confirmation, with its own address so
//! that it can be reloaded, bookmarked and printed as a one-page slip. It
//! shows nothing personal: the reference, the days, the documents, the fee
//! and where to go.

use domain::SECOND_OPINION_FEE;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::Erase;
use crate::api::{SentSummary, find_sent};
use crate::format;
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::tr;
use crate::words::DocumentText;

#[component]
pub fn SentPage() -> impl IntoView {
    let i18n = use_i18n();
    crate::no_store();
    let params = use_params_map();
    let reference = move || params.with(|p| p.get("reference").unwrap_or_default());
    let sent = Resource::new(reference, find_sent);
    view! {
        <Title text=move || t_string!(i18n, sent.title).to_owned() />
        <Suspense>
            {move || {
                sent.get()
                    .map(|result| match result {
                        Ok(summary) => view! { <Confirmation summary /> }.into_any(),
                        Err(_) => {
                            view! {
                                <h1>{tr(i18n, |l| td_string!(l, sent.not_found))}</h1>
                                <p>{tr(i18n, |l| td_string!(l, sent.not_found_detail))}</p>
                                <p><a href="/status">{tr(i18n, |l| td_string!(l, sent.check_status))}</a></p>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
    .erase()
}

#[component]
fn Confirmation(summary: SentSummary) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = RwSignal::new(false);
    let heading = NodeRef::<leptos::html::H1>::new();
    // After Send the focused button is gone: the confirmation's heading
    // takes the focus, so a screen reader announces it.
    Effect::new(move |_| {
        hydrated.set(true);
        if let Some(heading) = heading.get_untracked() {
            let _ = heading.focus();
        }
    });
    let window = summary.window;
    let received = move || {
        let receipt = format::date(i18n.get_locale(), window.receipt);
        t_string!(i18n, sent.received_on, receipt).to_string()
    };
    let expected = move || {
        let locale = i18n.get_locale();
        let earliest = format::date(locale, window.earliest);
        let latest = format::date(locale, window.latest);
        t_string!(i18n, sent.window, earliest, latest).to_string()
    };
    let fee = SECOND_OPINION_FEE;
    let total = move || format::yen(i18n.get_locale(), fee.total());
    let minutes = fee.max_minutes;
    let print = move |_| {
        let _ = window_print();
    };
    view! {
        <div class="slip">
            <h1 tabindex="-1" node_ref=heading>
                {tr(i18n, |l| td_string!(l, sent.title))}
            </h1>
            <p class="reference-box">
                <span>{tr(i18n, |l| td_string!(l, sent.reference))}</span>
                <strong class="reference" data-testid="reference">{summary.reference.to_string()}</strong>
            </p>
            <p>{tr(i18n, |l| td_string!(l, sent.keep))}</p>
            {summary.contact_first.then(|| view! { <p class="notice">{tr(i18n, |l| td_string!(l, sent.contact_first))}</p> })}
            <h2>{tr(i18n, |l| td_string!(l, sent.next_heading))}</h2>
            <p>{tr(i18n, |l| td_string!(l, sent.next))}</p>
            <p>{received} " " {expected}</p>
            <h2>{tr(i18n, |l| td_string!(l, panel.documents_heading))}</h2>
            <ul>
                {summary
                    .documents
                    .into_iter()
                    .map(|document| view! { <li><DocumentText document /></li> })
                    .collect_view()}
            </ul>
            <h2>{tr(i18n, |l| td_string!(l, panel.fee_heading))}</h2>
            <p>{t!(i18n, panel.fee, total, minutes)}</p>
            <h2>{tr(i18n, |l| td_string!(l, home.reception_heading))}</h2>
            <p>{tr(i18n, |l| td_string!(l, home.reception))}</p>
            <p class="actions no-print">
                <button type="button" on:click=print disabled=move || !hydrated.get()>
                    {tr(i18n, |l| td_string!(l, sent.print))}
                </button>
                <a href="/status">{tr(i18n, |l| td_string!(l, sent.check_status))}</a>
            </p>
        </div>
    }
    .erase()
}

fn window_print() -> Result<(), leptos::wasm_bindgen::JsValue> {
    window().print()
}
