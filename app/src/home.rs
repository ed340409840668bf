//! `/`: what the service is, who may ask, what it costs, what to bring and
//! where to go, from the hospital's own information.

use domain::{Calendar, Document, SECOND_OPINION_FEE, appointment_window};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::Erase;
use crate::clock::now_in_japan;
use crate::format;
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::tr;
use crate::words::DocumentText;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let fee = SECOND_OPINION_FEE;
    let total = move || format::yen(i18n.get_locale(), fee.total());
    let minutes = fee.max_minutes;
    let (family_documents, documents): (Vec<Document>, Vec<Document>) =
        Document::ALL.iter().partition(|d| {
            matches!(
                d,
                Document::PatientConsentForm | Document::RelationshipIdentification
            )
        });

    view! {
        <Title text=move || t_string!(i18n, home.title).to_owned() />
        <h1>{tr(i18n, |l| td_string!(l, home.title))}</h1>
        <p class="lead">{tr(i18n, |l| td_string!(l, home.intro))}</p>
        <p class="actions">
            <a class="button" href="/request">{tr(i18n, |l| td_string!(l, home.start))}</a>
            <a href="/status">{tr(i18n, |l| td_string!(l, home.check_status))}</a>
        </p>

        <section aria-labelledby="areas">
            <h2 id="areas">{tr(i18n, |l| td_string!(l, home.areas_heading))}</h2>
            <ul>
                <li>{tr(i18n, |l| td_string!(l, home.area_cancer))}</li>
                <li>{tr(i18n, |l| td_string!(l, home.area_cardiovascular))}</li>
                <li>{tr(i18n, |l| td_string!(l, home.area_cerebrovascular))}</li>
            </ul>
        </section>

        <section aria-labelledby="who">
            <h2 id="who">{tr(i18n, |l| td_string!(l, home.who_heading))}</h2>
            <ul>
                <li>{tr(i18n, |l| td_string!(l, home.who_patient))}</li>
                <li>{tr(i18n, |l| td_string!(l, home.who_guardian))}</li>
                <li>{tr(i18n, |l| td_string!(l, home.who_family))}</li>
            </ul>
        </section>

        <section aria-labelledby="not-accepted">
            <h2 id="not-accepted">{tr(i18n, |l| td_string!(l, home.not_accepted_heading))}</h2>
            <ul>
                <li>{tr(i18n, |l| td_string!(l, home.not_accepted_patient))}</li>
                <li>{tr(i18n, |l| td_string!(l, home.not_accepted_doctor))}</li>
                <li>{tr(i18n, |l| td_string!(l, home.not_accepted_transfer))}</li>
                <li>{tr(i18n, |l| td_string!(l, home.not_accepted_litigation))}</li>
            </ul>
        </section>

        <section aria-labelledby="in-person">
            <h2 id="in-person">{tr(i18n, |l| td_string!(l, home.in_person_heading))}</h2>
            <p>{tr(i18n, |l| td_string!(l, home.in_person))}</p>
        </section>

        <section aria-labelledby="fee">
            <h2 id="fee">{tr(i18n, |l| td_string!(l, home.fee_heading))}</h2>
            <p>{t!(i18n, home.fee, total, minutes)}</p>
        </section>

        <section aria-labelledby="documents">
            <h2 id="documents">{tr(i18n, |l| td_string!(l, home.documents_heading))}</h2>
            <ul>
                {documents.into_iter().map(|document| view! { <li><DocumentText document /></li> }).collect_view()}
            </ul>
            <p>{tr(i18n, |l| td_string!(l, home.documents_family))}</p>
            <ul>
                {family_documents
                    .into_iter()
                    .map(|document| view! { <li><DocumentText document /></li> })
                    .collect_view()}
            </ul>
        </section>

        <section aria-labelledby="appointment">
            <h2 id="appointment">{tr(i18n, |l| td_string!(l, home.appointment_heading))}</h2>
            <p>{tr(i18n, |l| td_string!(l, home.appointment))}</p>
            <ExpectedWindow />
        </section>

        <section aria-labelledby="reception">
            <h2 id="reception">{tr(i18n, |l| td_string!(l, home.reception_heading))}</h2>
            <p>{tr(i18n, |l| td_string!(l, home.reception))}</p>
        </section>

        <p class="actions">
            <a class="button" href="/request">{tr(i18n, |l| td_string!(l, home.start))}</a>
        </p>
    }
    .erase()
}

/// Computes, in the browser, when an appointment would be if a request were
/// sent now. The button is disabled until the page has hydrated, so it never
/// looks usable when it is not.
#[component]
fn ExpectedWindow() -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let window = RwSignal::new(None);
    let show = move |_| window.set(Some(appointment_window(now_in_japan(), &Calendar::new())));

    view! {
        <div class="card">
            <h3>{tr(i18n, |l| td_string!(l, window.heading))}</h3>
            <button type="button" on:click=show disabled=move || !hydrated.get()>
                {tr(i18n, |l| td_string!(l, window.show))}
            </button>
            <p role="status" aria-live="polite">
                {move || {
                    window
                        .get()
                        .map(|w| {
                            let locale = i18n.get_locale();
                            let receipt = format::date(locale, w.receipt);
                            let earliest = format::date(locale, w.earliest);
                            let latest = format::date(locale, w.latest);
                            t_string!(i18n, window.result, receipt, earliest, latest).to_string()
                        })
                }}
            </p>
        </div>
    }
    .erase()
}
