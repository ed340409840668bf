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
use super::state::{FormPage, FormState, Stage};
use crate::Erase;
use crate::error::AppError;
use crate::i18n::{I18nLocaleTrait, Locale, td_string};
use crate::ui::verdict::VerdictReasons;
use crate::words;
use domain::form::RequestForm;

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
            let (posted, marked, missing) = (page.posted, page.marked(), page.missing());
            view! {
                {title}
                <RequestForm locale posted marked missing>
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
/// brings to life. It starts from the answers on the page (the server's,
/// and in the browser whatever was typed before the script ran), with the
/// errors of the `marked` fields and the `missing` questions shown (lists
/// of field codes); `posted` says the answers came from a post, not a
/// draft. `children` is the server's error summary, above the inputs.
#[island]
fn RequestForm(
    locale: Locale,
    posted: bool,
    marked: String,
    missing: String,
    children: Children,
) -> impl IntoView {
    provide_context(locale);
    let (on_page, submission_id) = answers_on_page();
    // The island starts as the server rendered it (a fresh page is empty),
    // so that hydration finds what it expects; answers typed on a fresh
    // page before the script ran come in right after, newer than the draft.
    let typed = (!posted && on_page != RequestForm::default()).then(|| on_page.clone());
    let initial = if posted { on_page } else { RequestForm::default() };
    let state = FormState::new(initial, submission_id, &marked, &missing);
    draft::keep(state, posted, typed);
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

/// The answers and the submission id as the server rendered them.
#[cfg(feature = "ssr")]
fn answers_on_page() -> (RequestForm, String) {
    let page = use_context::<FormPage>().unwrap_or_else(FormPage::fresh);
    (page.form, page.submission_id)
}

/// The answers and the submission id in the page's form as the browser
/// holds them now, typing included (a slow phone leaves time to type
/// before the script runs).
#[cfg(all(not(feature = "ssr"), target_arch = "wasm32"))]
fn answers_on_page() -> (RequestForm, String) {
    use leptos::wasm_bindgen::JsCast;
    let form = document()
        .query_selector(r#"form[action="/request"]"#)
        .ok()
        .flatten()
        .and_then(|form| form.dyn_into::<leptos::web_sys::HtmlFormElement>().ok());
    let pairs: Vec<(String, String)> = form
        .and_then(|form| leptos::web_sys::FormData::new_with_form(&form).ok())
        .and_then(|data| js_sys::try_iter(&data).ok().flatten())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| {
                    let entry = js_sys::Array::from(&entry);
                    Some((entry.get(0).as_string()?, entry.get(1).as_string()?))
                })
                .collect()
        })
        .unwrap_or_default();
    let submission_id = pairs
        .iter()
        .find(|(name, _)| name == "submission_id")
        .map(|(_, id)| id.clone())
        .unwrap_or_default();
    let form = RequestForm::from_posted(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    (form, submission_id)
}

#[cfg(all(not(feature = "ssr"), not(target_arch = "wasm32")))]
fn answers_on_page() -> (RequestForm, String) {
    (RequestForm::default(), String::new())
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
