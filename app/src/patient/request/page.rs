//! The request page put together: the island that holds the form, the
//! check step and the live panel, the error summary, and what Send leads to.

use domain::form::RequestForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::check::CheckAnswers;
use super::draft;
use super::fields::FormFields;
use super::panel::LivePanel;
use super::state::{FormPage, FormState, Stage, check_answers, new_submission_id};
use crate::Erase;
use crate::error::AppError;
use crate::i18n::{I18nLocaleTrait, Locale, td_string};
use crate::patient::api::{SentRequest, SubmitRequestInput, submit_request};
use crate::ui::verdict::VerdictReasons;
use crate::words;

/// "Start again": an empty form, a new submission id, no draft.
fn start_again(state: FormState) {
    draft::clear();
    state.form.set(RequestForm::default());
    state.submission_id.set(new_submission_id());
    state.errors.set(Vec::new());
    state.problem.set(None);
    state.stage.set(Stage::Editing);
}

/// "Check your answers": the check step, or the errors with the focus
/// on their summary.
fn go_to_check(
    state: FormState,
    summary: NodeRef<leptos::html::Div>,
    heading: NodeRef<leptos::html::H2>,
) {
    match state.form.with_untracked(check_answers) {
        Ok(()) => {
            state.errors.set(Vec::new());
            state.problem.set(None);
            state.stage.set(Stage::Checking);
            focus_later(move || heading.get_untracked().map(Into::into));
        }
        Err((errors, verdict)) => {
            state.errors.set(errors);
            state
                .problem
                .set(verdict.map(|verdict| AppError::NotSendable { verdict }));
            focus_later(move || summary.get_untracked().map(Into::into));
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
    let posted = page.posted;
    let state = FormState::new(page);
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
                        // Answers to questions that no longer apply stay in
                        // the browser, not in the request.
                        form: state.form.with_untracked(RequestForm::applicable),
                    });
                }
            }
            "edit" => {
                state.problem.set(None);
                state.stage.set(Stage::Editing);
                let field = attribute("data-field");
                request_animation_frame(move || focus_by_id(&field));
            }
            "reset" => start_again(state),
            _ => go_to_check(state, summary, check_heading),
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
                                <CheckAnswers
                                    state
                                    heading=check_heading
                                    sending=send.pending()
                                    autofocus=posted
                                />
                            }
                        }
                    >
                        <FormFields state />
                    </Show>
                </form>
            </div>
            <LivePanel state />
        </div>
    }
    .erase()
}

/// What follows Send: the confirmation page, or the errors with the answers
/// kept.
fn follow_send(
    send: Action<SubmitRequestInput, Result<SentRequest, AppError>>,
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
                <VerdictReasons verdict links=true />
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
