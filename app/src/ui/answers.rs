//! Every answer of a request in words, in the form's order: the patient's
//! check step and reception's case page show the same list.

use domain::form::{Field, RequestForm};

use crate::i18n::{Locale, td_string};
use crate::words;

/// The checkboxes of the weekdays that suit the patient, in order.
pub const WEEKDAYS: [&str; 5] = [
    "weekday_mon",
    "weekday_tue",
    "weekday_wed",
    "weekday_thu",
    "weekday_fri",
];

/// An answer in words.
pub fn answer(locale: Locale, form: &RequestForm, field: Field) -> Option<String> {
    let yes_no = |ticked: bool| {
        if ticked {
            td_string!(locale, check.ticked)
        } else {
            td_string!(locale, check.not_ticked)
        }
        .to_owned()
    };
    if let Some(text) = form.text(field.code()) {
        let options = words::options(locale, field);
        if options.is_empty() {
            let text = text.trim();
            return (!text.is_empty()).then(|| text.to_owned());
        }
        return options
            .into_iter()
            .find(|(code, _)| *code == text)
            .map(|(_, words)| words.to_owned());
    }
    Some(yes_no(form.is_ticked(field.code())))
}

/// Every question the form asked, in order, as (the input it is answered
/// by, the question, the answer in words or `None` if left open). The
/// check step and reception's case page show the same list.
pub fn answer_rows(
    locale: Locale,
    form: &RequestForm,
) -> Vec<(&'static str, String, Option<String>)> {
    let mut rows = Vec::new();
    // The interpreter's row answers the checkbox, which is always asked,
    // and its language when one is needed.
    let shown = |field: &Field| form.asks(*field) || *field == Field::InterpreterLanguage;
    for field in Field::ALL.iter().copied().filter(shown) {
        if field == Field::UnsuitableDates {
            let days: Vec<String> = WEEKDAYS
                .into_iter()
                .filter(|name| form.is_ticked(name))
                .map(|name| words::checkbox(locale, name))
                .collect();
            let days = (!days.is_empty()).then(|| days.join(", "));
            let label = td_string!(locale, request.weekdays_legend).to_owned();
            rows.push(("weekday_mon", label, days));
        }
        if field == Field::PatientDateOfBirth {
            let born = domain::fields::date_from_parts(
                &form.patient_birth_era,
                &form.patient_birth_year,
                &form.patient_birth_month,
                &form.patient_birth_day,
            );
            let value = born
                .ok()
                .map(|date| crate::format::birth_date(locale, date));
            rows.push((field.code(), words::field(locale, field), value));
            continue;
        }
        if field == Field::PatientEmail {
            rows.push((
                field.code(),
                words::field(locale, field),
                answer(locale, form, field),
            ));
            let value = if form.email_updates && !form.patient_email.trim().is_empty() {
                td_string!(locale, check.ticked)
            } else {
                td_string!(locale, check.not_ticked)
            };
            let label = words::checkbox(locale, "email_updates");
            rows.push(("email_updates", label, Some(value.to_owned())));
            continue;
        }
        if field == Field::InterpreterLanguage {
            let value = if form.interpreter_needed {
                format!(
                    "{}: {}",
                    td_string!(locale, check.ticked),
                    form.interpreter_language.trim()
                )
            } else {
                td_string!(locale, check.not_ticked).to_owned()
            };
            let label = words::checkbox(locale, "interpreter_needed");
            rows.push(("interpreter_needed", label, Some(value)));
            continue;
        }
        rows.push((
            field.code(),
            words::field(locale, field),
            answer(locale, form, field),
        ));
    }
    rows
}
