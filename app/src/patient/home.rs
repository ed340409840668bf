//! `/`: what the service is, who may ask, what it costs, what to bring and
//! where to go, from the hospital's own information.

use domain::{Document, SECOND_OPINION_FEE, appointment_window};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::Erase;
use crate::clock::now_in_japan;
use crate::format;
use crate::i18n::{td, td_string};
use crate::words::DocumentText;

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = crate::use_locale();
    let fee = SECOND_OPINION_FEE;
    let total = move || format::yen(locale, fee.total());
    let minutes = fee.max_minutes;
    let (family_documents, documents): (Vec<Document>, Vec<Document>) =
        Document::ALL.iter().partition(|d| {
            matches!(
                d,
                Document::PatientConsentForm | Document::RelationshipIdentification
            )
        });

    // Back from "Finish" on a confirmation: say that it is closed here.
    let finished = leptos_router::hooks::use_query_map()
        .with_untracked(|query| query.get("finished").is_some());
    view! {
        <Title text=move || td_string!(locale, home.title).to_owned() />
        {finished.then(|| view! { <p class="notice" role="status">{td_string!(locale, sent.finished)}</p> })}
        <h1>{td_string!(locale, home.title)}</h1>
        <p class="lead">{td_string!(locale, home.intro)}</p>
        <p class="actions">
            <a class="button" href="/request">{td_string!(locale, home.start)}</a>
            <a href="/status">{td_string!(locale, home.check_status)}</a>
        </p>

        <section aria-labelledby="areas">
            <h2 id="areas">{td_string!(locale, home.areas_heading)}</h2>
            <ul>
                <li>{td_string!(locale, home.area_cancer)}</li>
                <li>{td_string!(locale, home.area_cardiovascular)}</li>
                <li>{td_string!(locale, home.area_cerebrovascular)}</li>
            </ul>
        </section>

        <section aria-labelledby="who">
            <h2 id="who">{td_string!(locale, home.who_heading)}</h2>
            <ul>
                <li>{td_string!(locale, home.who_patient)}</li>
                <li>{td_string!(locale, home.who_guardian)}</li>
                <li>{td_string!(locale, home.who_family)}</li>
            </ul>
        </section>

        <section aria-labelledby="not-accepted">
            <h2 id="not-accepted">{td_string!(locale, home.not_accepted_heading)}</h2>
            <ul>
                <li>{td_string!(locale, home.not_accepted_patient)}</li>
                <li>{td_string!(locale, home.not_accepted_doctor)}</li>
                <li>{td_string!(locale, home.not_accepted_transfer)}</li>
                <li>{td_string!(locale, home.not_accepted_litigation)}</li>
            </ul>
        </section>

        <section aria-labelledby="in-person">
            <h2 id="in-person">{td_string!(locale, home.in_person_heading)}</h2>
            <p>{td_string!(locale, home.in_person)}</p>
        </section>

        <section aria-labelledby="fee">
            <h2 id="fee">{td_string!(locale, home.fee_heading)}</h2>
            <p>{td!(locale, home.fee, total, minutes)}</p>
        </section>

        <section aria-labelledby="documents">
            <h2 id="documents">{td_string!(locale, home.documents_heading)}</h2>
            <ul>
                {documents.into_iter().map(|document| view! { <li><DocumentText document /></li> }).collect_view()}
            </ul>
            <p>{td_string!(locale, home.documents_family)}</p>
            <ul>
                {family_documents
                    .into_iter()
                    .map(|document| view! { <li><DocumentText document /></li> })
                    .collect_view()}
            </ul>
        </section>

        <section aria-labelledby="appointment">
            <h2 id="appointment">{td_string!(locale, home.appointment_heading)}</h2>
            <p>{td_string!(locale, home.appointment)}</p>
            <RecentFigures />
            <ExpectedWindow />
        </section>

        <section aria-labelledby="reception">
            <h2 id="reception">{td_string!(locale, home.reception_heading)}</h2>
            <p>{td_string!(locale, home.reception)}</p>
        </section>

        <p class="actions">
            <a class="button" href="/request">{td_string!(locale, home.start)}</a>
        </p>
    }
    .erase()
}

/// What recent requests really took, when enough made each step (the rule
/// above stands alone otherwise).
#[component]
fn RecentFigures() -> impl IntoView {
    let locale = crate::use_locale();
    let figures = crate::forecast::RecentFigures::of_page();
    let booking = figures.booking.map(|t| {
        let (median, p80, cases) = (t.median, t.p80, t.cases);
        td_string!(locale, home.recent_booking, median, p80, cases).to_string()
    });
    let report = figures.report.map(|t| {
        let (median, p80) = (t.median, t.p80);
        td_string!(locale, home.recent_report, median, p80).to_string()
    });
    booking.map(|booking| {
        view! {
            <p data-testid="recent-figures">{booking} {report.map(|report| format!(" {report}"))}</p>
        }
    })
}

/// When the appointment would be if a request were sent now: the window
/// as of the moment the page is rendered, the hospital's closure days
/// counted. (A page brought back from the browser's history shows the
/// window as it was then; the request form shows it afresh.)
#[component]
fn ExpectedWindow() -> impl IntoView {
    let locale = crate::use_locale();
    let window = appointment_window(
        now_in_japan(),
        &crate::closures::ClosureDays::of_page().calendar(),
    );
    let receipt = format::date(locale, window.receipt);
    let earliest = format::date(locale, window.earliest);
    let latest = format::date(locale, window.latest);
    view! {
        <div class="card">
            <h3>{td_string!(locale, window.heading)}</h3>
            <p data-testid="window">
                {td_string!(locale, window.result, receipt, earliest, latest).to_string()}
            </p>
        </div>
    }
}
