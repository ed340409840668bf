//! The request page put together. While answering, the island
//! (`RequestForm`) holds the form's inputs and the live panel; the summary
//! of what the last post found wrong is rendered by the server and passed
//! in as the island's children. The check step is rendered by the server
//! alone. Every button posts the form to the server (`patient::posted`),
//! with or without JavaScript: the server answers with the errors, the
//! check step, or a redirect to the confirmation. What needs no script is
//! never in the browser's bundle.

use leptos::prelude::*;
use leptos_meta::Title;

use super::check::CheckAnswers;
use super::draft;
use super::fields::FormFields;
use super::panel::LivePanel;
use super::state::{Editor, FormPage, FormState, Stage};
use crate::Erase;
use crate::error::AppError;
use crate::i18n::{I18nLocaleTrait, Locale, td_string};
use crate::ui::verdict::VerdictReasons;
use crate::words;

/// The page: fresh, or as the server rendered it from a post.
#[component]
pub fn RequestPage() -> impl IntoView {
    let locale = crate::use_locale();
    crate::no_store();
    let page = use_context::<FormPage>().unwrap_or_else(FormPage::fresh);
    let title = view! { <Title text=td_string!(locale, request.title).to_owned() /> };
    match page.stage {
        Stage::Checking => view! { {title} <CheckPage page /> }.into_any(),
        Stage::Editing => {
            let editor = Editor::of(&page);
            let posted = page.posted;
            view! {
                {title}
                <RequestForm editor locale>
                    <ErrorSummary errors=page.errors problem=page.problem autofocus=posted />
                </RequestForm>
            }
            .into_any()
        }
    }
}

/// The check step and Send, as a plain form.
#[component]
fn CheckPage(page: FormPage) -> impl IntoView {
    let locale = crate::use_locale();
    let problem = page.problem.is_some();
    view! {
        <div class="request-main">
            <h1>{td_string!(locale, request.title)}</h1>
            <form method="post" action="/request" novalidate>
                <input type="hidden" name="submission_id" value=page.submission_id />
                <input type="hidden" name="language" value=locale.as_str() />
                <ErrorSummary errors=Vec::new() problem=page.problem autofocus=problem />
                <CheckAnswers form=page.form autofocus=!problem />
            </form>
        </div>
    }
    .erase()
}

/// The form's inputs and the live panel: the island that the browser
/// brings to life, starting from the state the server rendered.
/// `children` is the server's error summary, shown above the inputs.
#[island]
fn RequestForm(editor: Editor, locale: Locale, children: Children) -> impl IntoView {
    provide_context(locale);
    let posted = editor.posted;
    let state = FormState::new(editor);
    draft::keep(state, posted);
    // "Start again" forgets the draft before the server empties the form.
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        let reset = event
            .submitter()
            .and_then(|button| button.get_attribute("value"))
            .is_some_and(|value| value == "reset");
        if reset {
            draft::clear();
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
                    <input type="hidden" name="language" value=locale.as_str() />
                    {children()}
                    <FormFields state />
                </form>
            </div>
            <LivePanel state />
        </div>
    }
    .erase()
}

/// What the last post found wrong, each field error linked to its input,
/// and whatever stops the request. It receives the focus so that a screen
/// reader reads it.
#[component]
fn ErrorSummary(
    errors: domain::form::FieldErrors,
    problem: Option<AppError>,
    autofocus: bool,
) -> impl IntoView {
    let locale = crate::use_locale();
    let shown = !errors.is_empty() || problem.is_some();
    let field_errors = (!errors.is_empty()).then(|| {
        let items = errors
            .into_iter()
            .map(|(field, error)| {
                let text = format!(
                    "{}: {}",
                    words::field(locale, field),
                    words::field_error(locale, error)
                );
                view! { <li><a href=format!("#{}", field.code())>{text}</a></li> }
            })
            .collect_view();
        view! {
            <h2>{td_string!(locale, request.errors_heading)}</h2>
            <ul>{items}</ul>
        }
    });
    let problem = problem.map(|problem| match problem {
        AppError::NotSendable { verdict } => view! {
            <h2>{td_string!(locale, request.cannot_send_heading)}</h2>
            <VerdictReasons verdict links=true />
        }
        .into_any(),
        other => view! { <p>{words::app_error(locale, &other)}</p> }.into_any(),
    });
    shown.then(|| {
        view! {
            <div
                class="error-summary"
                role="alert"
                tabindex="-1"
                autofocus=autofocus.then_some("")
            >
                {field_errors}
                {problem}
            </div>
        }
    })
}
