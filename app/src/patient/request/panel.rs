//! The live panel beside the form: the verdict, every reason, the documents
//! to bring, the fee and the expected window, recomputed in the browser by
//! `domain` on every change, without asking the server.

use domain::form::RequestForm;
use domain::{
    AppointmentWindow, Calendar, Document, SECOND_OPINION_FEE, Verdict, appointment_window, assess,
    documents_to_bring,
};
use leptos::prelude::*;

use crate::Erase;
use crate::clock::now_in_japan;
use crate::format;
use crate::i18n::{td, td_string};
use crate::ui::verdict::{MissingQuestions, VerdictReasons};
use crate::words::DocumentText;

/// What the panel shows, derived from the answers and the clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub verdict: Verdict,
    pub documents: Vec<Document>,
    pub window: AppointmentWindow,
}

/// The panel's content for these answers, if they were sent now.
pub fn assessment(form: &RequestForm) -> Assessment {
    let now = now_in_japan();
    let request = form.to_request(now.date());
    Assessment {
        verdict: assess(&request, now.date()),
        documents: documents_to_bring(&request),
        window: appointment_window(now, &Calendar::new()),
    }
}

#[component]
pub fn LivePanel(form: RwSignal<RequestForm>) -> impl IntoView {
    let locale = crate::use_locale();
    let current = Memo::new(move |_| form.with(assessment));
    let verdict = Memo::new(move |_| current.with(|a| a.verdict.clone()));
    let fee = SECOND_OPINION_FEE;
    let total = move || format::yen(locale, fee.total());
    let minutes = fee.max_minutes;
    let missing = move || match verdict.get() {
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
        <aside class="panel" aria-labelledby="panel-heading">
            <h2 id="panel-heading">{td_string!(locale, panel.heading)}</h2>
            <div
                class=move || format!("verdict verdict-{}", verdict.with(Verdict::code))
                role="status"
                aria-live="polite"
                data-testid="verdict"
            >
                {move || view! { <VerdictReasons verdict=verdict.get() links=false /> }}
            </div>
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
        </aside>
    }
    .erase()
}
