//! The papers the patient prints, each one A4 page with the reference in
//! large type and as a QR code drawn on the server: the request form (the
//! confirmation itself, with every answer and a line to sign), the
//! patient's consent form (only when family members come without the
//! patient), a letter asking the present doctor for the referral letter
//! and test records, and a FAX cover sheet for the referring hospital.
//!
//! They open from the confirmation (`/request/sent/<reference>/<paper>`,
//! for the browser that sent the request) and from the status answer
//! (`POST /status/paper`, with the reference and the date of birth). No
//! island: rendered whole on the server.

use leptos::prelude::*;

use crate::hospital::Liaison;
use leptos_meta::{Stylesheet, Title};
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::Erase;
use crate::error::AppError;
use crate::format;
use crate::i18n::td_string;
use crate::patient::api::{SentSummary, StatusQuery, find_sent};
use crate::ui::answers::{answer, answer_rows};
use domain::Document;
use domain::form::Field;

/// The papers' styles, on screen and in print: only the pages that show
/// one load them, so the request form's first load does not.
pub const PAPERS_CSS: &str = "/papers.css";

/// A paper to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Paper {
    RequestForm,
    Consent,
    Letter,
    FaxCover,
}

domain::codes!(Paper {
    RequestForm => "form",
    Consent => "consent",
    Letter => "letter",
    FaxCover => "fax",
});

impl Paper {
    /// Whether the paper may be printed from the status answer (a
    /// reference and a date of birth, both printed on the letter to the
    /// present doctor): only what holds no more than whoever has the
    /// letter already knows. The request form (every answer, the
    /// diagnosis) and the consent form open only in the browser that sent
    /// the request.
    pub const fn opens_from_status(self) -> bool {
        matches!(self, Self::Letter | Self::FaxCover)
    }

    /// Whether this request needs the paper: the consent form only when
    /// family members come without the patient.
    pub fn applies(self, summary: &SentSummary) -> bool {
        self != Self::Consent || summary.documents.contains(&Document::PatientConsentForm)
    }
}

/// A paper opened from the status answer, as the server renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPaper {
    pub summary: SentSummary,
    pub paper: Paper,
}

/// The papers this request needs, as links from the confirmation.
#[component]
pub fn PaperLinks(summary: SentSummary) -> impl IntoView {
    let locale = crate::use_locale();
    let base = format!("/request/sent/{}", summary.reference);
    view! {
        <section class="no-print" aria-labelledby="papers-heading">
            <h2 id="papers-heading">{td_string!(locale, paper.papers_heading)}</h2>
            <ul>
                {[Paper::RequestForm, Paper::Consent, Paper::Letter, Paper::FaxCover]
                    .into_iter()
                    .filter(|paper| paper.applies(&summary))
                    .map(|paper| view! {
                        <li><a href=format!("{base}/{}", paper.code())>{paper_name(paper)}</a></li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The same papers from the status answer: each a button that posts the
/// reference and date of birth again (never in an address).
#[component]
pub fn StatusPaperButtons(query: StatusQuery) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        <h3>{td_string!(locale, paper.papers_heading)}</h3>
        <form method="post" action="/status/paper" class="paper-buttons">
            <input type="hidden" name="reference" value=query.reference />
            <input type="hidden" name="date_of_birth" value=query.date_of_birth />
            {[Paper::Letter, Paper::FaxCover]
                .into_iter()
                .filter(|paper| paper.opens_from_status())
                .map(|paper| view! {
                    <button type="submit" name="paper" value=paper.code() class="button secondary">
                        {paper_name(paper)}
                    </button>
                })
                .collect_view()}
        </form>
        <p class="hint">{td_string!(locale, paper.status_papers_note)}</p>
    }
}

fn paper_name(paper: Paper) -> &'static str {
    let locale = crate::use_locale();
    match paper {
        Paper::RequestForm => td_string!(locale, paper.request_form_title),
        Paper::Consent => td_string!(locale, paper.consent_title),
        Paper::Letter => td_string!(locale, paper.letter_title),
        Paper::FaxCover => td_string!(locale, paper.fax_title),
    }
}

/// `/request/sent/<reference>/<paper>`: for the browser that sent it.
#[component]
pub fn SentPaperPage() -> impl IntoView {
    crate::no_store();
    let params = use_params_map();
    let reference = move || params.with(|p| p.get("reference").unwrap_or_default());
    let paper = params.with_untracked(|p| p.get("paper").and_then(|code| Paper::from_code(&code)));
    let sent = Resource::new(reference, find_sent);
    view! {
        <Suspense>
            {move || {
                sent.get().map(|result| match (result, paper) {
                    (Ok(summary), Some(paper)) if paper.applies(&summary) => {
                        view! { <PaperView summary paper /> }.into_any()
                    }
                    (Err(error), _) if error != AppError::NotFound => {
                        view! { <SentError error /> }.into_any()
                    }
                    _ => view! { <NoPaper /> }.into_any(),
                })
            }}
        </Suspense>
    }
    .erase()
}

/// A paper the status answer asked for.
#[component]
pub fn StatusPaperView(paper: StatusPaper) -> impl IntoView {
    crate::no_store();
    let StatusPaper { summary, paper } = paper;
    if paper.applies(&summary) {
        view! { <PaperView summary paper /> }.into_any()
    } else {
        view! { <NoPaper /> }.into_any()
    }
}

/// A sent request that could not be fetched for another reason than "not
/// found": too many misses from this address, or a fault. Its words, and
/// the way to the status page.
#[component]
pub fn SentError(error: AppError) -> impl IntoView {
    let locale = crate::use_locale();
    let words = crate::words::app_error(locale, &error);
    view! {
        <Title text=words.clone() />
        <h1>{words}</h1>
        <p><a href="/status">{td_string!(locale, sent.check_status)}</a></p>
    }
}

/// Not a paper this browser may print (or this request needs): 404.
#[component]
fn NoPaper() -> impl IntoView {
    let locale = crate::use_locale();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(leptos::server_fn::http_export::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=td_string!(locale, sent.not_found).to_owned() />
        <h1>{td_string!(locale, sent.not_found)}</h1>
        <p>{td_string!(locale, sent.not_found_detail)}</p>
        <p><a href="/status">{td_string!(locale, sent.check_status)}</a></p>
    }
}

#[component]
fn PaperView(summary: SentSummary, paper: Paper) -> impl IntoView {
    let locale = crate::use_locale();
    let liaison = use_context::<Liaison>().unwrap_or_default();
    let title = paper_name(paper);
    let body = match paper {
        Paper::RequestForm => view! { <RequestFormPaper summary=summary.clone() /> }.into_any(),
        Paper::Consent => view! { <ConsentPaper summary=summary.clone() /> }.into_any(),
        Paper::Letter => view! { <LetterPaper summary=summary.clone() liaison /> }.into_any(),
        Paper::FaxCover => view! { <FaxCoverPaper summary=summary.clone() liaison /> }.into_any(),
    };
    view! {
        <Title text=title.to_owned() />
        <Stylesheet id="papers" href=PAPERS_CSS />
        <article class="paper" data-paper=paper.code()>
            {body}
            <p class="actions no-print">
                <PrintButton />
                <a href="/status">{td_string!(locale, sent.check_status)}</a>
            </p>
        </article>
    }
    .erase()
}

/// The reference in large type and as a QR code, in the page's corner.
#[component]
pub fn ReferenceMark(summary: SentSummary, fax: bool) -> impl IntoView {
    let locale = crate::use_locale();
    let svg = if fax { summary.fax_qr } else { summary.qr };
    view! {
        <div class="reference-mark" class:fax=fax>
            <div class="qr-box" inner_html=svg></div>
            <p>
                <span>{td_string!(locale, sent.reference)}</span>
                <strong class="reference" data-testid="paper-reference">{summary.reference.to_string()}</strong>
            </p>
        </div>
    }
}

/// Lines for a name, a signature or a date, to fill in by hand.
#[component]
fn FillIn(label: &'static str) -> impl IntoView {
    view! {
        <div class="fill-in">
            <span>{label}</span>
            <span class="fill-line"></span>
        </div>
    }
}

/// The request form (1): every answer, the reference, and the lines the
/// requester signs. `nested` in the confirmation, under its own heading.
#[component]
pub fn RequestFormPaper(summary: SentSummary, #[prop(optional)] nested: bool) -> impl IntoView {
    let locale = crate::use_locale();
    let rows = answer_rows(locale, &summary.answers)
        .into_iter()
        .map(|(_, label, value)| {
            view! {
                <div class="answer"><dt>{label}</dt><dd>{value.unwrap_or_default()}</dd></div>
            }
        })
        .collect_view();
    view! {
        <header class="paper-head">
            {if nested {
                view! { <h2 class="paper-title">{td_string!(locale, paper.request_form_title)}</h2> }.into_any()
            } else {
                view! { <h1>{td_string!(locale, paper.request_form_title)}</h1> }.into_any()
            }}
            <ReferenceMark summary=summary.clone() fax=false />
        </header>
        <p class="paper-bring">{td_string!(locale, paper.request_form_bring)}</p>
        <h2>{td_string!(locale, paper.answers_heading)}</h2>
        <dl class="answers paper-answers">{rows}</dl>
        <div class="signatures">
            <FillIn label=td_string!(locale, paper.requester_signature) />
            <FillIn label=td_string!(locale, paper.date) />
        </div>
    }
    .erase()
}

/// The patient's consent (4), when family members come without them.
#[component]
fn ConsentPaper(summary: SentSummary) -> impl IntoView {
    let locale = crate::use_locale();
    let form = &summary.answers;
    let hospital = td_string!(locale, hospital);
    let requester = form.requester_name.trim().to_owned();
    let relationship = form.requester_relationship.trim().to_owned();
    let purpose = answer(locale, form, Field::Purpose).unwrap_or_default();
    let patient = form.patient_name.trim().to_owned();
    view! {
        <header class="paper-head">
            <h1>{td_string!(locale, paper.consent_title)}</h1>
            <ReferenceMark summary=summary.clone() fax=false />
        </header>
        <p class="paper-bring">{td_string!(locale, paper.consent_bring)}</p>
        <p>{td_string!(locale, paper.consent_body, requester = requester.clone(), relationship = relationship.clone(), hospital).to_string()}</p>
        <dl class="answers">
            <div class="answer"><dt>{td_string!(locale, paper.patient_name)}</dt><dd data-testid="consent-patient">{patient}</dd></div>
            <div class="answer"><dt>{td_string!(locale, paper.requester)}</dt><dd data-testid="consent-requester">{format!("{requester} ({relationship})")}</dd></div>
            <div class="answer"><dt>{td_string!(locale, paper.purpose)}</dt><dd>{purpose}</dd></div>
        </dl>
        <div class="signatures">
            <FillIn label=td_string!(locale, paper.patient_signature) />
            <FillIn label=td_string!(locale, paper.date) />
        </div>
    }
    .erase()
}

/// The letter to the present doctor (紹介状のお願い).
#[component]
fn LetterPaper(summary: SentSummary, liaison: Liaison) -> impl IntoView {
    let locale = crate::use_locale();
    let form = &summary.answers;
    let hospital = td_string!(locale, hospital);
    let name = form.patient_name.trim().to_owned();
    let born = form
        .date_of_birth(chrono::NaiveDate::MAX)
        .map(|born| format::birth_date(locale, born.date()))
        .unwrap_or_default();
    let doctor = form.present_doctor_name.trim().to_owned();
    let institution = form.present_institution.trim().to_owned();
    let needs = [
        td_string!(locale, paper.need_letter),
        td_string!(locale, paper.need_images),
        td_string!(locale, paper.need_blood),
        td_string!(locale, paper.need_pathology),
    ];
    view! {
        <header class="paper-head">
            <h1>{td_string!(locale, paper.letter_title)}</h1>
            <ReferenceMark summary=summary.clone() fax=false />
        </header>
        <p>{td_string!(locale, paper.letter_to, institution, doctor).to_string()}</p>
        <p>{td_string!(locale, paper.letter_body, hospital).to_string()}</p>
        <p data-testid="letter-patient">{td_string!(locale, paper.letter_patient, name, born).to_string()}</p>
        <ul>{needs.into_iter().map(|need| view! { <li>{need}</li> }).collect_view()}</ul>
        <p>{td_string!(locale, paper.letter_how)}</p>
        <LiaisonContacts liaison />
        <p>{td_string!(locale, paper.letter_report)}</p>
        <p>{td_string!(locale, paper.letter_closing)}</p>
        <p class="paper-from">{hospital} " " {td_string!(locale, service_name)}</p>
    }
    .erase()
}

/// The liaison office's FAX number and postal address, when set.
#[component]
fn LiaisonContacts(liaison: Liaison) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        {liaison.fax.map(|fax| view! {
            <p data-testid="liaison-fax">{td_string!(locale, paper.liaison_fax, fax).to_string()}</p>
        })}
        {liaison.postal_address.map(|address| view! {
            <p data-testid="postal-address">{td_string!(locale, paper.postal_address, address).to_string()}</p>
        })}
    }
}

/// The FAX cover sheet: the reference and a large QR code that survive a
/// FAX; no name of the patient, in case the FAX goes astray.
#[component]
fn FaxCoverPaper(summary: SentSummary, liaison: Liaison) -> impl IntoView {
    let locale = crate::use_locale();
    let hospital = td_string!(locale, hospital);
    view! {
        <header class="paper-head">
            <h1>{td_string!(locale, paper.fax_title)}</h1>
            <ReferenceMark summary=summary.clone() fax=true />
        </header>
        <p class="fax-to">{td_string!(locale, paper.fax_to, hospital).to_string()}</p>
        <LiaisonContacts liaison />
        <p>{td_string!(locale, paper.fax_note)}</p>
        <div class="signatures">
            <FillIn label=td_string!(locale, paper.fax_from) />
            <FillIn label=td_string!(locale, paper.fax_sender) />
            <FillIn label=td_string!(locale, paper.fax_pages) />
            <FillIn label=td_string!(locale, paper.date) />
        </div>
    }
    .erase()
}

/// Prints the page; disabled until the island is alive, so that it never
/// looks usable when it is not.
#[island]
pub fn PrintButton() -> impl IntoView {
    let locale = crate::island_locale();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <button type="button" on:click=move |_| { let _ = window().print(); } disabled=move || !hydrated.get()>
            {td_string!(locale, sent.print)}
        </button>
    }
}
