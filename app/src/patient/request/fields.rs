//! The request form's inputs, in short sections. Every input has a visible
//! label, choices are radio groups in a `<fieldset>` with a `<legend>`, and
//! an input's hint and error are linked to it by `aria-describedby`.
//! Inputs are named by their `Field` code, so a form posted without
//! JavaScript reads back into the same `RequestForm`.

use domain::fields::DatePart;
use domain::form::{Condition, Field};
use domain::{Question, Verdict};
use leptos::prelude::*;

use super::state::FormState;
use crate::Erase;
use crate::i18n::{Locale, td_string};
use crate::words;

/// The kind of a one-line input.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Tel,
    Email,
    Multiline,
}

impl Kind {
    const fn attribute(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Tel => "tel",
            Self::Email => "email",
            Self::Multiline => "textarea",
        }
    }
}

#[component]
pub fn FormFields(state: FormState) -> impl IntoView {
    let locale = crate::use_locale();
    let free_text_hint = move || Some(t_hint(locale, Hint::FreeText));
    view! {
        <p>{td_string!(locale, request.intro)}</p>
        <p class="note">{td_string!(locale, request.draft_note)}</p>
        <KeepNothing state />

        <RequesterSection state />

        <section aria-labelledby="section-patient">
            <h2 id="section-patient">{td_string!(locale, request.section_patient)}</h2>
            <TextInput state field=Field::PatientName kind=Kind::Text />
            <TextInput
                state
                field=Field::PatientNameReading
                kind=Kind::Text
                optional=true
                hint=move || Some(t_hint(locale, Hint::Reading))
            />
            <BirthDate state />
            <TextInput
                state
                field=Field::PatientPhone
                kind=Kind::Tel
                autocomplete="tel"
                hint=move || Some(t_hint(locale, Hint::Phone))
            />
            <TextInput
                state
                field=Field::PatientEmail
                kind=Kind::Email
                autocomplete="email"
                optional=true
            />
            <div class="checkboxes">
                <Checkbox state name="email_updates" />
                <p class="hint" id="email-updates-hint">
                    {td_string!(locale, request.email_updates_hint)}
                </p>
            </div>
        </section>

        <section aria-labelledby="section-doctor">
            <h2 id="section-doctor">{td_string!(locale, request.section_doctor)}</h2>
            <TextInput state field=Field::PresentDoctorName kind=Kind::Text />
            <TextInput state field=Field::PresentInstitution kind=Kind::Text />
            <Choice state field=Field::PatientAgrees />
            <Choice state field=Field::PresentDoctorRefers />
            <Choice state field=Field::ReportSharedWithPresentDoctor />
        </section>

        <section aria-labelledby="section-diagnosis">
            <h2 id="section-diagnosis">{td_string!(locale, request.section_diagnosis)}</h2>
            <Choice state field=Field::Purpose />
            <Choice state field=Field::Area />
            <Reveal state condition=Condition::OtherArea id="reveal-other-area">
                <TextInput state field=Field::AreaOther kind=Kind::Text />
            </Reveal>
            <TextInput state field=Field::Diagnosis kind=Kind::Multiline hint=free_text_hint />
            <TextInput state field=Field::Questions kind=Kind::Multiline hint=free_text_hint />
        </section>

        <Preferences state />

        <section aria-labelledby="section-acknowledgements">
            <h2 id="section-acknowledgements">{td_string!(locale, request.section_acknowledgements)}</h2>
            <div class="checkboxes">
                <Checkbox state name=Field::AcknowledgesInPersonOnly.code() />
                <Checkbox state name=Field::AcknowledgesFeePaidOnTheDay.code() />
                <Checkbox state name=Field::AcknowledgesNotCoveredByInsurance.code() />
            </div>
        </section>

        <section aria-labelledby="section-privacy">
            <h2 id="section-privacy">{td_string!(locale, request.section_privacy)}</h2>
            <p>{td_string!(locale, request.privacy)}</p>
        </section>

        <div class="actions">
            <button type="submit" name="step" value="check" class="button">
                {td_string!(locale, request.continue_to_check)}
            </button>
            <button type="submit" name="step" value="reset" class="secondary">
                {td_string!(locale, request.start_again)}
            </button>
        </div>
    }
    .erase()
}

/// Appointment preferences: who comes, weekdays, dates to avoid, interpreter.
#[component]
fn Preferences(state: FormState) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        <section aria-labelledby="section-preferences">
            <h2 id="section-preferences">{td_string!(locale, request.section_preferences)}</h2>
            <Choice state field=Field::Attendance />
            <fieldset class="checkboxes" aria-describedby="weekdays-hint">
                <legend>{td_string!(locale, request.weekdays_legend)}</legend>
                <p class="hint" id="weekdays-hint">{td_string!(locale, request.weekdays_hint)}</p>
                {["weekday_mon", "weekday_tue", "weekday_wed", "weekday_thu", "weekday_fri"]
                    .into_iter()
                    .map(|name| view! { <Checkbox state name /> })
                    .collect_view()}
            </fieldset>
            <TextInput
                kind=Kind::Multiline
                state
                field=Field::UnsuitableDates
                optional=true
                hint=move || Some(t_hint(locale, Hint::Dates))
            />
            <div class="checkboxes">
                <Checkbox state name="interpreter_needed" />
            </div>
            <Reveal state condition=Condition::InterpreterNeeded id="reveal-interpreter">
                <TextInput state field=Field::InterpreterLanguage kind=Kind::Text />
            </Reveal>
        </section>
    }
    .erase()
}

/// Who asks; when it is not the patient, their name, relationship and
/// (optionally) their own number, and a family member's word that the
/// patient consents.
#[component]
fn RequesterSection(state: FormState) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        <section aria-labelledby="section-requester">
            <h2 id="section-requester">{td_string!(locale, request.section_requester)}</h2>
            <Choice state field=Field::Requester />
            <Reveal state condition=Condition::SomeoneElseAsks id="reveal-someone-else">
                <TextInput state field=Field::RequesterName kind=Kind::Text autocomplete="name" />
                <TextInput
                    state
                    field=Field::RequesterRelationship
                    kind=Kind::Text
                    hint=move || Some(t_hint(locale, Hint::Relationship))
                />
                <TextInput
                    state
                    field=Field::RequesterPhone
                    kind=Kind::Tel
                    autocomplete="tel"
                    optional=true
                    hint=move || Some(t_hint(locale, Hint::RequesterPhone))
                />
            </Reveal>
            <Reveal state condition=Condition::FamilyMemberAsks id="reveal-family-member">
                <Choice state field=Field::PatientConsentsToFamilyRequest />
            </Reveal>
        </section>
    }
}

#[derive(Clone, Copy)]
enum Hint {
    FreeText,
    Relationship,
    Reading,
    Phone,
    RequesterPhone,
    Dates,
}

fn t_hint(locale: crate::i18n::Locale, hint: Hint) -> String {
    use crate::i18n::td_string;
    match hint {
        Hint::FreeText => td_string!(locale, request.hint_free_text),
        Hint::Relationship => td_string!(locale, request.hint_requester_relationship),
        Hint::Reading => td_string!(locale, request.hint_patient_name_reading),
        Hint::Phone => td_string!(locale, request.hint_patient_phone),
        Hint::RequesterPhone => td_string!(locale, request.hint_requester_phone),
        Hint::Dates => td_string!(locale, request.hint_unsuitable_dates),
    }
    .to_owned()
}

/// The ids an input is described by: its hint and its error, when shown.
fn described_by(id: &'static str, has_hint: bool, has_error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if has_hint {
        ids.push(format!("{id}-hint"));
    }
    if has_error {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The label, the "optional" mark, the hint and the error of an input.
#[component]
fn Label(
    state: FormState,
    field: Field,
    optional: bool,
    #[prop(into)] hint: Signal<Option<String>>,
) -> impl IntoView {
    let locale = crate::use_locale();
    let id = field.code();
    view! {
        <label for=id>
            {move || words::field(locale, field)}
            {optional.then(|| view! { <span class="optional">" (" {td_string!(locale, common.optional)} ")"</span> })}
        </label>
        {move || hint.get().map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
        <FieldErrorText state field />
    }
    .erase()
}

/// What the last post found at this field, in the server's words, until
/// the field changes.
#[component]
fn FieldErrorText(state: FormState, field: Field) -> impl IntoView {
    move || {
        state.mark(field).map(|mark| {
            view! {
                <p class="field-error" id=format!("{}-error", field.code())>
                    {mark.text}
                </p>
            }
        })
    }
}

/// A text input, or a text area for `Kind::Multiline`.
#[component]
fn TextInput(
    state: FormState,
    field: Field,
    kind: Kind,
    #[prop(optional)] optional: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] hint: Signal<Option<String>>,
) -> impl IntoView {
    use leptos::either::Either;
    let id = field.code();
    let has_error = move || state.mark(field).is_some();
    let text = move || {
        state
            .form
            .with(|form| form.text(id).unwrap_or_default().to_owned())
    };
    let on_input = move |event| state.set(id, &event_target_value(&event));
    let invalid = move || has_error().then_some("true");
    let described = move || described_by(id, hint.with(Option::is_some), has_error());
    let control = match kind {
        Kind::Multiline => Either::Left(view! {
            <textarea
                id=id
                name=id
                rows="4"
                prop:value=text
                on:input=on_input
                aria-invalid=invalid
                aria-describedby=described
            >
                {untrack(text)}
            </textarea>
        }),
        _ => Either::Right(view! {
            <input
                id=id
                name=id
                type=kind.attribute()
                autocomplete=autocomplete
                value=untrack(text)
                prop:value=text
                on:input=on_input
                aria-invalid=invalid
                aria-describedby=described
            />
        }),
    };
    view! {
        <div class="field" class:has-error=has_error>
            <Label state field optional hint />
            {control}
        </div>
    }
    .erase()
}

/// A radio group. The fieldset carries the field's id, for the links of the
/// error summary and the check step.
#[component]
fn Choice(state: FormState, field: Field) -> impl IntoView {
    let locale = crate::use_locale();
    let id = field.code();
    let has_error = move || state.mark(field).is_some();
    let options = move || {
        words::options(locale, field)
            .into_iter()
            .map(|(code, label)| {
                let option_id = format!("{id}-{code}");
                view! {
                    <div class="option">
                        <input
                            type="radio"
                            id=option_id.clone()
                            name=id
                            value=code
                            checked=state.form.with_untracked(|form| form.text(id) == Some(code))
                            prop:checked=move || state.form.with(|form| form.text(id) == Some(code))
                            on:change=move |_| state.set(id, code)
                        />
                        <label for=option_id>{label}</label>
                    </div>
                }
            })
            .collect_view()
    };
    let decided = move || !decided_here(state, locale, field).is_empty();
    let described = move || {
        let ids: Vec<String> = [
            has_error().then(|| format!("{id}-error")),
            decided().then(|| format!("{id}-decided")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    view! {
        <fieldset
            id=id
            tabindex="-1"
            class="choice"
            class:has-error=has_error
            aria-describedby=described
        >
            <legend>{move || words::field(locale, field)}</legend>
            <FieldErrorText state field />
            {options}
            <DecidedHere state field />
        </fieldset>
    }
    .erase()
}

/// The reasons that this question's answer alone decides: the verdict's
/// words for them, and whether they stop the request (else they ask to
/// contact reception first).
fn decided_here(state: FormState, locale: Locale, field: Field) -> Vec<(bool, String)> {
    let by_this = |question: Question| question.field() == field;
    state.verdict.with(|verdict| match verdict {
        Verdict::NotAccepted { reasons } => reasons
            .iter()
            .filter(|reason| reason.decided_by().is_some_and(by_this))
            .map(|reason| (true, words::refusal(locale, *reason)))
            .collect(),
        Verdict::ContactFirst { reasons }
        | Verdict::Incomplete {
            contact_first: reasons,
            ..
        } => reasons
            .iter()
            .filter(|reason| by_this(reason.decided_by()))
            .map(|reason| (false, words::contact(locale, *reason)))
            .collect(),
        Verdict::Eligible => Vec::new(),
    })
}

/// Under a question whose answer alone stops the request or asks to
/// contact reception first: why, in the panel's words.
#[component]
fn DecidedHere(state: FormState, field: Field) -> impl IntoView {
    let locale = crate::use_locale();
    move || {
        let reasons = decided_here(state, locale, field);
        let stops = reasons.iter().any(|(stops, _)| *stops);
        (!reasons.is_empty()).then(|| {
            let intro = if stops {
                td_string!(locale, question_note.not_accepted)
            } else {
                td_string!(locale, question_note.contact_first)
            };
            view! {
                <div
                    class="decided-here"
                    class:stops=stops
                    id=format!("{}-decided", field.code())
                    data-testid=format!("{}-decided", field.code())
                >
                    <p>{intro}</p>
                    <ul>
                        {reasons
                            .into_iter()
                            .map(|(_, words)| view! { <li>{words}</li> })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// "This is a shared computer — do not keep my answers": once ticked, the
/// draft is forgotten and nothing is kept in the browser. Posted with the
/// form so that it stays ticked through the check step; without
/// JavaScript nothing is kept anyway, so it does not show
/// (`noscript.css`).
#[component]
fn KeepNothing(state: FormState) -> impl IntoView {
    let locale = crate::use_locale();
    let name = super::state::KEEP_NOTHING;
    view! {
        <div class="option needs-script">
            <input
                type="checkbox"
                id=name
                name=name
                value="on"
                checked=state.keep_nothing.get_untracked()
                prop:checked=move || state.keep_nothing.get()
                on:change=move |event| state.keep_nothing.set(event_target_checked(&event))
            />
            <label for=name>{td_string!(locale, request.keep_nothing)}</label>
        </div>
    }
}

/// Questions that hang on an earlier answer, right under it (GOV.UK's
/// conditional reveal): shown once they apply and hidden when they no
/// longer do (their answers are then left out of what is sent). The server
/// renders them as the answers stand; without JavaScript every one shows
/// (`noscript.css`), each labelled with when it applies.
#[component]
fn Reveal(
    state: FormState,
    condition: Condition,
    id: &'static str,
    children: Children,
) -> impl IntoView {
    let locale = crate::use_locale();
    let applies = move || state.form.with(|form| form.meets(condition));
    // Once the page is interactive, inputs that do not apply are disabled
    // as well as hidden: a form post leaves them out. (Before, and without
    // JavaScript, every input is there to be answered.)
    let left_out = move || state.hydrated.get() && !applies();
    view! {
        <fieldset class="conditional" id=id hidden=move || !applies() disabled=left_out>
            <p class="applies-when">{words::applies_when(locale, condition)}</p>
            {children()}
        </fieldset>
    }
    .erase()
}

/// The date of birth in three inputs (GOV.UK's date input), with the era
/// before the year in Japanese: numbers typed on a phone's number pad, no
/// calendar to scroll back eighty years.
#[component]
fn BirthDate(state: FormState) -> impl IntoView {
    let locale = crate::use_locale();
    let field = Field::PatientDateOfBirth;
    let id = field.code();
    let mark = move || state.mark(field);
    let has_error = move || mark().is_some();
    let era_shown =
        move || locale == Locale::ja || state.form.with(|form| !form.patient_birth_era.is_empty());
    let western = move || state.form.with(|form| form.patient_birth_era.is_empty());
    let part = move |name: &'static str, part: DatePart, label: &'static str| {
        let text = move || {
            state
                .form
                .with(|form| form.text(name).unwrap_or_default().to_owned())
        };
        // A part named by the error is marked; an error about the whole date marks all.
        let wrong = move || mark().is_some_and(|mark| mark.part.is_none_or(|wrong| wrong == part));
        let (class, autocomplete) = match part {
            DatePart::Year => ("date-year", "bday-year"),
            DatePart::Month => ("date-month", "bday-month"),
            DatePart::Day => ("date-day", "bday-day"),
        };
        view! {
            <div class="date-part">
                <label for=name>{label}</label>
                <input
                    id=name
                    name=name
                    type="text"
                    inputmode="numeric"
                    class=class
                    maxlength="4"
                    autocomplete=move || western().then_some(autocomplete)
                    value=untrack(text)
                    prop:value=text
                    on:input=move |event| state.set(name, &event_target_value(&event))
                    aria-invalid=move || wrong().then_some("true")
                />
            </div>
        }
    };
    let era = move || {
        era_shown().then(|| {
            let selected = move || state.form.with(|form| form.patient_birth_era.clone());
            let options = domain::era::Era::ALL
                .iter()
                .map(|era| {
                    let code = if *era == domain::era::Era::Western { "" } else { era.code() };
                    view! {
                        <option value=code selected=move || selected() == code>
                            {words::era(locale, *era)}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <div class="date-part">
                    <label for="patient_birth_era">{td_string!(locale, request.birth_era)}</label>
                    <select
                        id="patient_birth_era"
                        name="patient_birth_era"
                        prop:value=selected
                        on:change=move |event| state.set("patient_birth_era", &event_target_value(&event))
                    >
                        {options}
                    </select>
                </div>
            }
        })
    };
    view! {
        <fieldset
            id=id
            tabindex="-1"
            class="date-input"
            class:has-error=has_error
            aria-describedby=move || described_by(id, true, has_error())
        >
            <legend>{words::field(locale, field)}</legend>
            <p class="hint" id=format!("{id}-hint")>{td_string!(locale, request.birth_hint)}</p>
            <FieldErrorText state field />
            <div class="date-parts">
                {era}
                {part("patient_birth_year", DatePart::Year, td_string!(locale, request.birth_year))}
                {part("patient_birth_month", DatePart::Month, td_string!(locale, request.birth_month))}
                {part("patient_birth_day", DatePart::Day, td_string!(locale, request.birth_day))}
            </div>
        </fieldset>
    }
    .erase()
}

#[component]
fn Checkbox(state: FormState, name: &'static str) -> impl IntoView {
    let locale = crate::use_locale();
    let label = move || {
        Field::ALL
            .iter()
            .find(|field| field.code() == name)
            .map_or_else(
                || words::checkbox(locale, name),
                |field| words::field(locale, *field),
            )
    };
    // The acknowledgements are questions of the form: they show when
    // they are still to be ticked.
    let field = Field::ALL
        .iter()
        .copied()
        .find(|field| field.code() == name);
    let has_error = move || field.is_some_and(|field| state.mark(field).is_some());
    view! {
        <div class="option" class:has-error=has_error>
            <input
                type="checkbox"
                id=name
                name=name
                value="true"
                aria-invalid=move || has_error().then_some("true")
                aria-describedby=move || has_error().then(|| format!("{name}-error"))
                checked=state.form.with_untracked(|form| form.is_ticked(name))
                prop:checked=move || state.form.with(|form| form.is_ticked(name))
                on:change=move |event| {
                    let ticked = event_target_checked(&event);
                    state.set(name, if ticked { "true" } else { "false" });
                }
            />
            <label for=name>{label}</label>
        </div>
        {field.map(|field| view! { <FieldErrorText state field /> })}
    }
    .erase()
}
