//! `/status`: the reference and the patient's date of birth give the
//! request's status in plain words. The form posts to `/status` and the
//! server renders this page with the answer and the typed values kept; the
//! page has no island, so it is the same with or without JavaScript.

#[cfg(feature = "ssr")]
pub mod posted;

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::Erase;
use crate::error::AppError;
use crate::format;
use crate::i18n::td_string;
use crate::message::FormLinkAnswer;
use crate::patient::api::{CaseStatus, StatusQuery};
use crate::patient::papers::{StatusPaper, StatusPaperButtons, StatusPaperView};
use crate::words;

/// The status page as the server renders it after a post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPage {
    pub query: StatusQuery,
    pub outcome: Option<Result<CaseStatus, AppError>>,
    /// The documents the request needs, each with the day it arrived.
    pub documents: Vec<(domain::Document, Option<chrono::NaiveDate>)>,
    /// When they are expected to be all in, while some are missing.
    #[serde(default)]
    pub documents_expected: Option<domain::forecast::Expected>,
    /// The steps of the request's course, with their days.
    #[serde(default)]
    pub course: Vec<Milestone>,
    /// Where the e-mail address given stands, for a request going on.
    #[serde(default)]
    pub address: Option<crate::patient::api::AddressState>,
    /// What asking for the request form's link came to, when it was asked.
    #[serde(default)]
    pub form_link: Option<crate::message::FormLinkAnswer>,
}

/// A step of the request's course as the patient follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Received,
    UnderReview,
    /// The appointment was booked (its day and time).
    Booked,
    /// The consultation took place.
    Held,
    /// The written opinion was sent to the present doctor.
    ReportSent,
}

/// One step of the course: reached or still to come, with its day (and
/// the appointment's time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub step: Step,
    pub day: Option<chrono::NaiveDate>,
    pub time: Option<String>,
    pub reached: bool,
    /// For a step still to come, the days it is expected on.
    #[serde(default)]
    pub expected: Option<domain::forecast::Expected>,
}

#[component]
pub fn StatusLookupPage() -> impl IntoView {
    let locale = crate::use_locale();
    crate::no_store();
    let StatusPage {
        query,
        outcome,
        documents,
        documents_expected,
        course,
        address,
        form_link,
    } = use_context::<StatusPage>().unwrap_or_default();
    let address = address.map(|state| view! { <crate::patient::sent::AddressNotice state /> });
    // The papers to print, for a request still going on (the documents
    // listed say so).
    let papers =
        (!documents.is_empty()).then(|| view! { <StatusPaperButtons query=query.clone() /> });
    let documents = (!documents.is_empty())
        .then(|| view! { <DocumentsArrived documents expected=documents_expected /> });
    let course = (!course.is_empty()).then(|| view! { <Course course /> });
    let scheduled = matches!(outcome, Some(Ok(CaseStatus::Scheduled { .. })));
    let calendar = scheduled.then(|| view! { <CalendarButton query=query.clone() /> });
    let found = matches!(outcome, Some(Ok(_)));
    let asked_for_link = form_link.is_some();
    let form = found.then(|| view! { <FormLinkOffer query=query.clone() answer=form_link /> });
    let result = outcome.map(|outcome| {
        let text = answer_text(locale, outcome);
        // The answer is a new page: its heading takes the focus, so that a
        // screen reader reads the answer first.
        view! {
            <div class="status-result">
                <h2 tabindex="-1" autofocus=!asked_for_link>{td_string!(locale, status.result_heading)}</h2>
                <p data-testid="status">{text}</p>
                {address}
                {course}
                {calendar}
                {documents}
                {papers}
                {form}
            </div>
        }
    });
    view! {
        <Title text=td_string!(locale, status.title).to_owned() />
        <h1>{td_string!(locale, status.title)}</h1>
        <p>{td_string!(locale, status.intro)}</p>
        <form method="post" action="/status" novalidate>
            <div class="field">
                <label for="reference">{td_string!(locale, status.reference)}</label>
                <p class="hint" id="reference-hint">{td_string!(locale, status.hint_reference)}</p>
                <input
                    id="reference"
                    name="reference"
                    type="text"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    aria-describedby="reference-hint"
                    value=query.reference
                />
            </div>
            <div class="field">
                <label for="date_of_birth">{td_string!(locale, status.date_of_birth)}</label>
                <input id="date_of_birth" name="date_of_birth" type="date" value=query.date_of_birth />
            </div>
            <p class="actions">
                <button type="submit" class="button">
                    {td_string!(locale, status.submit)}
                </button>
            </p>
        </form>
        {result}
    }
    .erase()
}

/// The appointment's calendar file. It answers the same question again:
/// the form carries what was typed, posted, never in an address.
#[component]
fn CalendarButton(query: StatusQuery) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        <form method="post" action="/status/calendar">
            <input type="hidden" name="reference" value=query.reference />
            <input type="hidden" name="date_of_birth" value=query.date_of_birth />
            <p class="actions">
                <button type="submit" class="button secondary">
                    {td_string!(locale, status.add_to_calendar)}
                </button>
            </p>
        </form>
    }
}

/// The request form, with every answer, is not printed from the status
/// answer: a button asks for a one-time link to the confirmed address.
#[component]
fn FormLinkOffer(query: StatusQuery, answer: Option<FormLinkAnswer>) -> impl IntoView {
    let locale = crate::use_locale();
    let answer = answer.map(|answer| {
        let text = match answer {
            FormLinkAnswer::Sent => td_string!(locale, status.form_link_sent),
            FormLinkAnswer::NoConfirmedAddress => td_string!(locale, status.form_link_no_address),
            FormLinkAnswer::TooMany => td_string!(locale, status.form_link_too_many),
            FormLinkAnswer::Busy => td_string!(locale, status.form_link_busy),
        };
        // The answer is what the button asked: it takes the focus (and
        // the screen scrolls to it) instead of the status heading.
        view! { <p class="notice" role="status" tabindex="-1" autofocus data-testid="form-link-answer">{text}</p> }
    });
    view! {
        <h3>{td_string!(locale, status.form_link_heading)}</h3>
        <p>{td_string!(locale, status.form_link_intro)}</p>
        {answer}
        <form method="post" action="/status/form-link">
            <input type="hidden" name="reference" value=query.reference />
            <input type="hidden" name="date_of_birth" value=query.date_of_birth />
            <p class="actions">
                <button type="submit" class="button secondary">
                    {td_string!(locale, status.form_link_button)}
                </button>
            </p>
        </form>
    }
}

/// The steps of the request's course, each with its day or "not yet".
#[component]
fn Course(course: Vec<Milestone>) -> impl IntoView {
    let locale = crate::use_locale();
    let expected: Vec<domain::forecast::Expected> =
        course.iter().filter_map(|m| m.expected).collect();
    let basis = crate::forecast::basis_words(locale, &expected)
        .map(|basis| view! { <p class="hint" data-testid="expected-basis">{basis}</p> });
    view! {
        <h3>{td_string!(locale, status.course_heading)}</h3>
        <ol class="course" data-testid="course">
            {course
                .into_iter()
                .map(|milestone| {
                    let name = match milestone.step {
                        Step::Received => td_string!(locale, status.step_received),
                        Step::UnderReview => td_string!(locale, status.step_under_review),
                        Step::Booked => td_string!(locale, status.step_booked),
                        Step::Held => td_string!(locale, status.step_held),
                        Step::ReportSent => td_string!(locale, status.step_report_sent),
                    };
                    let when = match (milestone.reached, milestone.day) {
                        (false, _) if milestone.expected.is_some() => milestone
                            .expected
                            .map(|e| crate::forecast::expected_words(locale, &e).1)
                            .unwrap_or_default(),
                        (_, Some(day)) => {
                            let day = format::date(locale, day);
                            milestone.time.map_or(day.clone(), |time| format!("{day} {time}"))
                        }
                        (true, None) => td_string!(locale, status.step_done).to_owned(),
                        (false, None) => td_string!(locale, status.step_not_yet).to_owned(),
                    };
                    let class = if milestone.reached { "reached" } else { "to-come" };
                    let stage = milestone.expected.map(|e| e.stage.code());
                    view! {
                        <li class=class data-expected=stage>
                            <span class="step">{name}</span>
                            " "
                            <span class="when">{when}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        {basis}
    }
}

/// Each document the request needs: received on which day, or not yet.
#[component]
fn DocumentsArrived(
    documents: Vec<(domain::Document, Option<chrono::NaiveDate>)>,
    expected: Option<domain::forecast::Expected>,
) -> impl IntoView {
    let locale = crate::use_locale();
    let missing = documents.iter().any(|(_, on)| on.is_none());
    let expected = expected.filter(|_| missing).map(|expected| {
        let (step, when) = crate::forecast::expected_words(locale, &expected);
        view! { <p data-testid="documents-expected">{step} ": " <strong>{when}</strong></p> }
    });
    view! {
        <h3>{td_string!(locale, status.documents_heading)}</h3>
        <ul data-testid="documents">
            {documents
                .into_iter()
                .map(|(document, on)| {
                    let state = on.map_or_else(
                        || td_string!(locale, status.not_yet_received).to_owned(),
                        |on| {
                            let day = format::date(locale, on);
                            td_string!(locale, status.received_on, day).to_string()
                        },
                    );
                    view! { <li>{words::document(locale, document)} ": " <strong>{state}</strong></li> }
                })
                .collect_view()}
        </ul>
        {expected}
    }
}

/// `/status/paper`: the paper the status answer asked for, or, when the
/// reference and date of birth did not match (or the limit was reached),
/// the status page saying why, with what was typed.
#[component]
pub fn StatusPaperPage() -> impl IntoView {
    match use_context::<StatusPaper>() {
        Some(paper) => view! { <StatusPaperView paper /> }.into_any(),
        None => view! { <StatusLookupPage /> }.into_any(),
    }
}

/// The status answer in the patient's words.
fn answer_text(locale: crate::i18n::Locale, outcome: Result<CaseStatus, AppError>) -> String {
    match outcome {
        Ok(CaseStatus::Received { window }) => {
            let receipt = format::date(locale, window.receipt);
            let earliest = format::date(locale, window.earliest);
            let latest = format::date(locale, window.latest);
            td_string!(locale, status.received, receipt, earliest, latest).to_string()
        }
        Ok(CaseStatus::UnderReview { window }) => {
            let earliest = format::date(locale, window.earliest);
            let latest = format::date(locale, window.latest);
            td_string!(locale, status.under_review, earliest, latest).to_string()
        }
        Ok(CaseStatus::Scheduled {
            day,
            start,
            department,
            answer,
        }) => {
            let day = format::date(locale, day);
            let department = department
                .map(|(ja, en)| {
                    if locale == crate::i18n::Locale::ja {
                        ja
                    } else {
                        en
                    }
                })
                .unwrap_or_default();
            let told = answer
                .map(|(answer, at)| {
                    let answer = words::patient_answer(locale, answer);
                    format!(" {}", td_string!(locale, respond.status_answer, answer, at))
                })
                .unwrap_or_default();
            td_string!(locale, status.scheduled, day, start, department).to_string() + &told
        }
        Ok(CaseStatus::Declined { reason }) => {
            let reason = words::decline(locale, reason);
            td_string!(locale, status.declined, reason).to_string()
        }
        Ok(CaseStatus::Seen { day }) => {
            let day = format::date(locale, day);
            td_string!(locale, status.seen, day).to_string()
        }
        Ok(CaseStatus::Reported { day, doctor }) => {
            let day = format::date(locale, day);
            td_string!(locale, status.reported, day, doctor).to_string()
        }
        Ok(CaseStatus::Completed) => td_string!(locale, status.completed).to_owned(),
        Ok(CaseStatus::ContactReception) => td_string!(locale, status.contact_reception).to_owned(),
        Err(AppError::NotFound) => td_string!(locale, status.not_found).to_owned(),
        Err(error) => words::app_error(locale, &error),
    }
}
