//! The request page's state: as the server renders it (`FormPage`) and as
//! the island holds it (`FormState`), with the check that decides whether
//! the answers may go to the check step.

use domain::form::{Field, FieldErrors, RequestForm};
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

impl FormPage {
    /// The fields the page marks with an error: as a list of codes, the
    /// island's props (it reads the errors themselves again from the
    /// answers, with the same rules).
    pub fn marked(&self) -> String {
        codes(self.errors.iter().map(|(field, _)| *field))
    }

    /// The questions the last check found still open, as a list of codes.
    pub fn missing(&self) -> String {
        match &self.problem {
            Some(AppError::NotSendable {
                verdict: Verdict::Incomplete { missing, .. },
            }) => codes(missing.iter().map(|question| question.field())),
            _ => String::new(),
        }
    }
}

fn codes(fields: impl Iterator<Item = Field>) -> String {
    fields.map(Field::code).collect::<Vec<_>>().join(" ")
}

fn fields(codes: &str) -> Vec<Field> {
    codes
        .split_whitespace()
        .filter_map(Field::from_code)
        .collect()
}

/// The page's reactive state, shared by its parts.
#[derive(Debug, Clone, Copy)]
pub struct FormState {
    pub form: RwSignal<RequestForm>,
    /// The verdict on the answers as they stand, if they were sent today.
    pub verdict: Memo<Verdict>,
    pub submission_id: RwSignal<String>,
    pub errors: RwSignal<FieldErrors>,
    pub missing: RwSignal<Vec<Field>>,
    pub hydrated: RwSignal<bool>,
}

impl FormState {
    /// The state of the island for these answers, with the errors of the
    /// `marked` fields and the `missing` questions (lists of codes) shown.
    pub fn new(form: RequestForm, submission_id: String, marked: &str, missing: &str) -> Self {
        let today = now_in_japan().date();
        let marked = fields(marked);
        let errors = form
            .parse(today)
            .err()
            .unwrap_or_default()
            .into_iter()
            .filter(|(field, _)| marked.contains(field))
            .collect();
        let form = RwSignal::new(form);
        let verdict = Memo::new(move |_| {
            let today = now_in_japan().date();
            form.with(|form| assess(&form.to_request(today), today))
        });
        Self {
            form,
            verdict,
            submission_id: RwSignal::new(submission_id),
            errors: RwSignal::new(errors),
            missing: RwSignal::new(fields(missing)),
            hydrated: RwSignal::new(false),
        }
    }

    /// The error shown at a field: its own, or "please answer" when the
    /// last check stopped on this question still being open.
    pub fn error(self, field: Field) -> Option<domain::fields::FieldError> {
        self.errors
            .with(|errors| errors.iter().find(|(f, _)| *f == field).map(|(_, e)| *e))
            .or_else(|| {
                self.missing
                    .with(|missing| missing.contains(&field))
                    .then_some(domain::fields::FieldError::Required)
            })
    }

    /// Sets an input as the browser reports it; errors already shown are
    /// checked again, so a corrected answer loses its message at once.
    pub fn set(self, name: &str, value: &str) {
        self.form.update(|form| {
            form.set(name, value);
        });
        if self.missing.with(|missing| !missing.is_empty()) {
            let open: Vec<Field> = match self.verdict.get_untracked() {
                Verdict::Incomplete { missing, .. } => {
                    missing.iter().map(|question| question.field()).collect()
                }
                _ => Vec::new(),
            };
            self.missing
                .update(|marked| marked.retain(|field| open.contains(field)));
        }
        if self.errors.with(|errors| !errors.is_empty()) {
            let today = now_in_japan().date();
            let fresh = self
                .form
                .with(|form| form.parse(today).err())
                .unwrap_or_default();
            self.errors.update(|shown| {
                *shown = fresh
                    .into_iter()
                    .filter(|(field, _)| shown.iter().any(|(f, _)| f == field))
                    .collect();
            });
        }
    }
}
