//! The request page's state: as the server renders it (`FormPage`) and as
//! the island holds it (`FormState`), with the check that decides whether
//! the answers may go to the check step.

use domain::fields::{DatePart, FieldError};
use domain::form::{BIRTH_INPUTS, Field, FieldErrors, RequestForm};
use domain::{Verdict, assess};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::clock::now_in_japan;
use crate::error::AppError;

/// The step of the form page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    Editing,
    Checking,
}

/// Everything the form page shows, as the server renders it: fresh, or
/// from answers posted without JavaScript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormPage {
    pub form: RequestForm,
    pub submission_id: String,
    pub stage: Stage,
    pub errors: FieldErrors,
    pub problem: Option<AppError>,
    /// Rendered from a post: the answers come from it, not from a draft.
    pub posted: bool,
    /// "This is a shared computer": no draft is kept (carried from post to
    /// post so that "Change" does not start keeping one).
    pub keep_nothing: bool,
}

impl FormPage {
    pub fn fresh() -> Self {
        Self {
            form: RequestForm::default(),
            submission_id: new_submission_id(),
            stage: Stage::Editing,
            errors: Vec::new(),
            problem: None,
            posted: false,
            keep_nothing: false,
        }
    }
}

/// Whether the answers may go to the check step: every field valid and a
/// verdict that allows sending. Otherwise the field errors, and the
/// verdict when it stops the request.
pub fn check_answers(form: &RequestForm) -> Result<(), (FieldErrors, Option<Verdict>)> {
    let today = now_in_japan().date();
    let verdict = assess(&form.to_request(today), today);
    let blocking = (!verdict.may_be_submitted()).then_some(verdict);
    match (form.parse(today), blocking) {
        (Ok(_), None) => Ok(()),
        (Ok(_), blocking) => Err((Vec::new(), blocking)),
        (Err(errors), blocking) => Err((errors, blocking)),
    }
}

/// A fresh submission id: 128 random bits in hex, from the operating
/// system on the server and from `crypto.getRandomValues` in the browser.
pub fn new_submission_id() -> String {
    hex::encode(random_bytes())
}

#[cfg(feature = "ssr")]
fn random_bytes() -> [u8; 16] {
    rand::random()
}

#[cfg(all(not(feature = "ssr"), target_arch = "wasm32"))]
fn random_bytes() -> [u8; 16] {
    let mut bytes = [0_u8; 16];
    if let Ok(crypto) = window().crypto() {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes
}

#[cfg(all(not(feature = "ssr"), not(target_arch = "wasm32")))]
fn random_bytes() -> [u8; 16] {
    let nanos = crate::clock::now()
        .timestamp_nanos_opt()
        .unwrap_or_default();
    u128::from_le_bytes(i128::from(nanos).to_le_bytes()).to_le_bytes()
}

/// What the last post found at an input, in the server's words: an error,
/// or a question still open. The island shows it until the input changes
/// (the server checks again on the next post), so no rule's words need to
/// be in the browser's bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub field: Field,
    /// The part of the date of birth that is wrong; `None` for all of it.
    pub part: Option<DatePart>,
    pub text: String,
}

impl FormPage {
    /// The marks this page shows: every field error and every question the
    /// check found still open.
    pub fn marks(&self, locale: crate::i18n::Locale) -> Vec<Mark> {
        let errors = self.errors.iter().map(|(field, error)| Mark {
            field: *field,
            part: error.date_part(),
            text: crate::words::field_error(locale, *error),
        });
        let open: Vec<Field> = match &self.problem {
            Some(AppError::NotSendable {
                verdict: Verdict::Incomplete { missing, .. },
            }) => missing.iter().map(|question| question.field()).collect(),
            _ => Vec::new(),
        };
        let required = crate::words::field_error(locale, FieldError::Required);
        errors
            .chain(open.into_iter().map(|field| Mark {
                field,
                part: None,
                text: required.clone(),
            }))
            .collect()
    }
}

/// The name of the "This is a shared computer — do not keep my answers"
/// checkbox; posted with the form (as `on`) so that it stays ticked.
pub const KEEP_NOTHING: &str = "keep_nothing";

/// The page's reactive state, shared by its parts.
#[derive(Debug, Clone, Copy)]
pub struct FormState {
    pub form: RwSignal<RequestForm>,
    /// The verdict on the answers as they stand, if they were sent today.
    pub verdict: Memo<Verdict>,
    pub submission_id: RwSignal<String>,
    pub marks: RwSignal<Vec<Mark>>,
    pub hydrated: RwSignal<bool>,
    /// The consultation days, the hospital's closures counted.
    pub calendar: StoredValue<domain::Calendar>,
    /// "This is a shared computer — do not keep my answers".
    pub keep_nothing: RwSignal<bool>,
}

impl FormState {
    /// The state of the island for these answers, with these marks, on
    /// this day (the server's).
    pub fn new(
        form: RequestForm,
        submission_id: String,
        marks: Vec<Mark>,
        today: chrono::NaiveDate,
        calendar: domain::Calendar,
        keep_nothing: bool,
    ) -> Self {
        let form = RwSignal::new(form);
        let verdict = Memo::new(move |_| form.with(|form| assess(&form.to_request(today), today)));
        Self {
            form,
            verdict,
            submission_id: RwSignal::new(submission_id),
            marks: RwSignal::new(marks),
            hydrated: RwSignal::new(false),
            calendar: StoredValue::new(calendar),
            keep_nothing: RwSignal::new(keep_nothing),
        }
    }

    /// The mark shown at a field, if any.
    pub fn mark(self, field: Field) -> Option<Mark> {
        self.marks
            .with(|marks| marks.iter().find(|mark| mark.field == field).cloned())
    }

    /// Sets an input as the browser reports it; the mark of its field goes.
    pub fn set(self, name: &str, value: &str) {
        self.form.update(|form| {
            form.set(name, value);
        });
        let field = Field::from_code(name).or_else(|| {
            BIRTH_INPUTS
                .contains(&name)
                .then_some(Field::PatientDateOfBirth)
        });
        if let Some(field) = field
            && self
                .marks
                .with(|marks| marks.iter().any(|mark| mark.field == field))
        {
            self.marks
                .update(|marks| marks.retain(|mark| mark.field != field));
        }
    }
}
