//! `/`: what the service is, and a first taste of the rules running in the
//! browser. The full about page and the request form come with the patient's
//! journey.

use domain::{Calendar, SECOND_OPINION_FEE, appointment_window};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::clock::now_in_japan;
use crate::format::{date_en, yen_en};

#[component]
pub fn HomePage() -> impl IntoView {
    let fee = SECOND_OPINION_FEE;
    view! {
        <Title text="Second opinion consultations" />
        <h1>"Second opinion consultations"</h1>
        <p>
            "A specialist of the university hospital gives an opinion on a diagnosis or treatment "
            "of cancer, cardiovascular or cerebrovascular disease, in person, for "
            {yen_en(fee.total())} " including tax (up to " {fee.max_minutes} " minutes). "
            "The fee is not covered by health insurance and is paid on the day."
        </p>
        <ExpectedWindow />
    }
}

/// Computes, in the browser, when an appointment would be if a request were
/// sent now. The button is disabled until the page has hydrated, so it never
/// looks usable when it is not.
#[component]
fn ExpectedWindow() -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let window = RwSignal::new(None);
    let show = move |_| window.set(Some(appointment_window(now_in_japan(), &Calendar::new())));

    view! {
        <section aria-labelledby="window-heading" class="card">
            <h2 id="window-heading">"When would my appointment be?"</h2>
            <p>
                "Appointments are usually set between the 7th and the 14th consultation day "
                "after the request is received."
            </p>
            <button type="button" on:click=show disabled=move || !hydrated.get()>
                "Show the dates if I send a request now"
            </button>
            <p role="status" aria-live="polite">
                {move || {
                    window
                        .get()
                        .map(|w| {
                            format!(
                                "Received on {}; appointment expected between {} and {}.",
                                date_en(w.receipt),
                                date_en(w.earliest),
                                date_en(w.latest),
                            )
                        })
                }}
            </p>
        </section>
    }
}
