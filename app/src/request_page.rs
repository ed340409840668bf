//! `/request`: the form in short sections, the live panel beside it, the
//! check-answers step and Send.
//!
//! One `<form method="post" action="/request">` serves both ways of using
//! the page. Once hydrated, its submit buttons are handled here: the check
//! runs in the browser with `domain` and Send calls the `submit_request`
//! server function. Without JavaScript the same buttons post the form and
//! the server (`crate::posted`) answers with this page rendered from the
//! posted answers: the errors, the check step, or a redirect to the
//! confirmation. Either way nothing typed is lost.

use domain::form::{Field, FieldErrors, RequestForm};
use domain::{Verdict, assess};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::Erase;
use crate::api::{SubmitRequestInput, submit_request};
use crate::clock::now_in_japan;
use crate::error::AppError;
use crate::i18n::{I18nLocaleTrait, Locale, td_string};
use crate::panel::LivePanel;
use crate::{draft, words};

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
    let bytes = random_bytes();
    bytes
        .iter()
        .fold(String::with_capacity(32), |mut hex, byte| {
            use std::fmt::Write;
            let _ = write!(hex, "{byte:02x}");
            hex
        })
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

/// The page's reactive state, shared by its parts.
#[derive(Debug, Clone, Copy)]
pub struct FormState {
    pub form: RwSignal<RequestForm>,
    pub submission_id: RwSignal<String>,
    pub stage: RwSignal<Stage>,
    pub errors: RwSignal<FieldErrors>,
    pub problem: RwSignal<Option<AppError>>,
    pub hydrated: RwSignal<bool>,
}

impl FormState {
    /// The error shown at a field, if any.
    /// The error shown at a field: its own, or "please answer" when the
    /// last check stopped on this question still being open.
    pub fn error(self, field: Field) -> Option<domain::fields::FieldError> {
        self.errors
            .with(|errors| errors.iter().find(|(f, _)| *f == field).map(|(_, e)| *e))
            .or_else(|| {
                self.problem.with(|problem| match problem {
                    Some(AppError::NotSendable {
                        verdict: Verdict::Incomplete { missing, .. },
                    }) if missing.iter().any(|q| q.field() == field) => {
                        Some(domain::fields::FieldError::Required)
                    }
                    _ => None,
                })
            })
    }

    /// Sets an input as the browser reports it; errors already shown are
    /// re-checked, so a corrected answer loses its message at once.
    pub fn set(self, name: &str, value: &str) {
        self.form.update(|form| {
            form.set(name, value);
        });
        // A verdict that stopped the check follows the answers too.
        if self
            .problem
            .with(|problem| matches!(problem, Some(AppError::NotSendable { .. })))
        {
            let today = now_in_japan().date();
            let verdict = self
                .form
                .with(|form| assess(&form.to_request(today), today));
            self.problem
                .set((!verdict.may_be_submitted()).then_some(AppError::NotSendable { verdict }));
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

impl FormState {
    /// "Start again": an empty form, a new submission id, no draft.
    fn start_again(self) {
        draft::clear();
        self.form.set(RequestForm::default());
        self.submission_id.set(new_submission_id());
        self.errors.set(Vec::new());
        self.problem.set(None);
        self.stage.set(Stage::Editing);
    }

    /// "Check your answers": the check step, or the errors with the focus
    /// on their summary.
    fn go_to_check(self, summary: NodeRef<leptos::html::Div>, heading: NodeRef<leptos::html::H2>) {
        match self.form.with_untracked(check_answers) {
            Ok(()) => {
                self.errors.set(Vec::new());
                self.problem.set(None);
                self.stage.set(Stage::Checking);
                focus_later(move || heading.get_untracked().map(Into::into));
            }
            Err((errors, verdict)) => {
                self.errors.set(errors);
                self.problem
                    .set(verdict.map(|verdict| AppError::NotSendable { verdict }));
                focus_later(move || summary.get_untracked().map(Into::into));
            }
        }
    }
}

/// The page: fresh, or as the server rendered it from a post.
#[component]
pub fn RequestPage() -> impl IntoView {
    let locale = crate::use_locale();
    crate::no_store();
    let page = use_context::<FormPage>().unwrap_or_else(FormPage::fresh);
    view! {
        <Title text=td_string!(locale, request.title).to_owned() />
        <RequestForm page locale />
    }
}

/// The form, the check step and the live panel: the island that the
/// browser brings to life, starting from the state the server rendered.
#[island]
fn RequestForm(page: FormPage, locale: Locale) -> impl IntoView {
    provide_context(locale);
    let initial = page;
    let posted = initial.posted;
    let state = FormState {
        form: RwSignal::new(initial.form),
        submission_id: RwSignal::new(initial.submission_id),
        stage: RwSignal::new(initial.stage),
        errors: RwSignal::new(initial.errors),
        problem: RwSignal::new(initial.problem),
        hydrated: RwSignal::new(false),
    };
    draft::keep(state, posted);

    let summary = NodeRef::<leptos::html::Div>::new();
    let check_heading = NodeRef::<leptos::html::H2>::new();
    let send = Action::new(|input: &SubmitRequestInput| submit_request(input.clone()));
    follow_send(send, state, summary);

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let submitter = event.submitter();
        let attribute = |name: &str| {
            submitter
                .as_ref()
                .and_then(|button| button.get_attribute(name))
                .unwrap_or_default()
        };
        match attribute("value").as_str() {
            "send" => {
                if !send.pending().get_untracked() {
                    send.dispatch(SubmitRequestInput {
                        submission_id: state.submission_id.get_untracked(),
                        language: locale.as_str().to_owned(),
                        form: state.form.get_untracked(),
                    });
                }
            }
            "edit" => {
                state.problem.set(None);
                state.stage.set(Stage::Editing);
                let field = attribute("data-field");
                request_animation_frame(move || focus_by_id(&field));
            }
            "reset" => state.start_again(),
            _ => state.go_to_check(summary, check_heading),
        }
    };

    view! {
        <div class="request-layout">
            <div class="request-main">
                <h1>{td_string!(locale, request.title)}</h1>
                <form
                    method="post"
                    action="/request"
                    novalidate
                    on:submit=on_submit
                    data-hydrated=move || state.hydrated.get().then_some("true")
                >
                    <input
                        type="hidden"
                        name="submission_id"
                        value=state.submission_id.get_untracked()
                        prop:value=move || state.submission_id.get()
                    />
                    <input
                        type="hidden"
                        name="language"
                        value=locale.as_str()
                    />
                    <ErrorSummary state node_ref=summary autofocus=posted />
                    <Show
                        when=move || state.stage.get() == Stage::Editing
                        fallback=move || {
                            view! {
                                <crate::check::CheckAnswers
                                    state
                                    heading=check_heading
                                    sending=send.pending()
                                    autofocus=posted
                                />
                            }
                        }
                    >
                        <crate::form_fields::FormFields state />
                    </Show>
                </form>
            </div>
            <LivePanel form=state.form />
        </div>
    }
    .erase()
}

/// What follows Send: the confirmation page, or the errors with the answers
/// kept.
fn follow_send(
    send: Action<SubmitRequestInput, Result<crate::api::SentRequest, AppError>>,
    state: FormState,
    summary: NodeRef<leptos::html::Div>,
) {
    Effect::new(move |_| {
        let Some(result) = send.value().get() else {
            return;
        };
        match result {
            Ok(stored) => {
                draft::clear();
                let _ = window()
                    .location()
                    .assign(&format!("/request/sent/{}", stored.reference));
            }
            Err(AppError::InvalidFields { errors }) => {
                state.errors.set(errors);
                state.problem.set(None);
                state.stage.set(Stage::Editing);
                focus_later(move || summary.get_untracked().map(Into::into));
            }
            Err(error @ AppError::NotSendable { .. }) => {
                state.problem.set(Some(error));
                state.stage.set(Stage::Editing);
                focus_later(move || summary.get_untracked().map(Into::into));
            }
            Err(AppError::Resubmitted) => {
                // Changed answers after a send whose answer was lost: the
                // next Send is a new request.
                state.submission_id.set(new_submission_id());
                state.problem.set(Some(AppError::Resubmitted));
                focus_later(move || summary.get_untracked().map(Into::into));
            }
            Err(error) => {
                state.problem.set(Some(error));
                focus_later(move || summary.get_untracked().map(Into::into));
            }
        }
    });
}

/// The errors of the last check, each linked to its field, and whatever
/// stops the request. It receives focus so that a screen reader reads it.
#[component]
fn ErrorSummary(
    state: FormState,
    node_ref: NodeRef<leptos::html::Div>,
    autofocus: bool,
) -> impl IntoView {
    let locale = crate::use_locale();
    let shown = move || {
        state.errors.with(|errors| !errors.is_empty()) || state.problem.with(Option::is_some)
    };
    let field_errors = move || {
        state
            .errors
            .get()
            .into_iter()
            .map(|(field, error)| {
                let text = format!(
                    "{}: {}",
                    words::field(locale, field),
                    words::field_error(locale, error)
                );
                view! {
                    <li>
                        <a href=format!("#{}", field.code())>{text}</a>
                    </li>
                }
            })
            .collect_view()
    };
    let problem = move || {
        state.problem.get().map(|problem| match problem {
            AppError::NotSendable { verdict } => view! {
                <h2>{td_string!(locale, request.cannot_send_heading)}</h2>
                <crate::panel::VerdictReasons verdict links=true />
            }
            .into_any(),
            other => view! { <p>{words::app_error(locale, &other)}</p> }.into_any(),
        })
    };
    view! {
        <div
            class="error-summary"
            role="alert"
            tabindex="-1"
            node_ref=node_ref
            hidden=move || !shown()
            autofocus=move || (autofocus && shown()).then_some("")
        >
            <Show when=move || state.errors.with(|errors| !errors.is_empty())>
                <h2>{td_string!(locale, request.errors_heading)}</h2>
                <ul>{field_errors}</ul>
            </Show>
            {problem}
        </div>
    }
    .erase()
}

/// Moves the focus to an element once it has been drawn.
fn focus_later(element: impl Fn() -> Option<leptos::web_sys::HtmlElement> + 'static) {
    request_animation_frame(move || {
        if let Some(element) = element() {
            let _ = element.focus();
        }
    });
}

/// Moves the focus to the input (or the group) with this id.
fn focus_by_id(id: &str) {
    use leptos::wasm_bindgen::JsCast;
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<leptos::web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
        element.scroll_into_view();
    }
}
