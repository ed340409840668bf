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
use super::state::{FormPage, FormState, Mark, Stage};
use crate::Erase;
use crate::error::AppError;
use crate::i18n::{I18nLocaleTrait, td_string};
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
            let posted = page.posted;
            view! {
                {title}
                <RequestForm>
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
                {page.keep_nothing.then(|| view! {
                    <input type="hidden" name=super::state::KEEP_NOTHING value="on" />
                })}
                <ErrorSummary errors=Vec::new() problem=page.problem autofocus=problem />
                <CheckAnswers form=page.form autofocus=!problem />
            </form>
        </div>
    }
    .erase()
}

/// The form's inputs and the live panel: the island that the browser
/// brings to life. It takes no props: it starts from the page (see
/// [`Start`]). `children` is the server's error summary, above the inputs.
#[island]
fn RequestForm(children: Children) -> impl IntoView {
    let locale = crate::island_locale();
    let Start {
        answers: on_page,
        submission_id,
        posted,
        marks,
        today,
        closures,
        keep_nothing,
    } = Start::of_page();
    let [server_now, today_attribute, closed, marked] = start_attributes(today, &closures, &marks);
    // The island starts as the server rendered it (a fresh page is empty),
    // so that hydration finds what it expects; answers typed on a fresh
    // page before the script ran come in right after, newer than the draft.
    let typed = (!posted && on_page != RequestForm::default()).then(|| on_page.clone());
    let initial = if posted {
        on_page
    } else {
        RequestForm::default()
    };
    let state = FormState::new(
        initial,
        submission_id,
        marks,
        today,
        closures.calendar(),
        keep_nothing,
    );
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
                    data-posted=posted.then_some("true")
                    data-now=server_now
                    data-today=today_attribute
                    data-closures=closed
                    data-marked=marked
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

/// What the island starts from: the answers and the submission id, whether
/// they came from a post (else a draft may be restored), and the marks the
/// post left at the inputs. On the server from the page's state; in the
/// browser from the page the server wrote: the answers (those typed before
/// the script ran included), the marked fields in the form's
/// `data-marked` (`field` or `field/part`, space-separated) and each
/// mark's words in its `…-error` element.
#[derive(Debug)]
struct Start {
    answers: RequestForm,
    /// Today in Japan by the server's clock, so that the island's verdict
    /// agrees with the server's whatever the phone's clock says.
    today: chrono::NaiveDate,
    submission_id: String,
    posted: bool,
    marks: Vec<Mark>,
    /// The hospital's closure days ahead, so that the window is Send's.
    closures: crate::closures::ClosureDays,
    /// "This is a shared computer" was ticked.
    keep_nothing: bool,
}

impl Start {
    #[cfg(feature = "ssr")]
    fn of_page() -> Self {
        let page = use_context::<FormPage>().unwrap_or_else(FormPage::fresh);
        Self {
            marks: page.marks(crate::use_locale()),
            posted: page.posted,
            answers: page.form,
            submission_id: page.submission_id,
            today: crate::clock::now_in_japan().date(),
            closures: crate::closures::ClosureDays::of_page(),
            keep_nothing: page.keep_nothing,
        }
    }

    #[cfg(all(not(feature = "ssr"), target_arch = "wasm32"))]
    fn of_page() -> Self {
        use domain::fields::DatePart;
        use domain::form::Field;
        use leptos::wasm_bindgen::JsCast;
        let form = document()
            .query_selector(r#"form[action="/request"]"#)
            .ok()
            .flatten()
            .and_then(|form| form.dyn_into::<leptos::web_sys::HtmlFormElement>().ok());
        let attribute = |name: &str| {
            form.as_ref()
                .and_then(|form| form.get_attribute(name))
                .unwrap_or_default()
        };
        let pairs: Vec<(String, String)> = form
            .as_ref()
            .and_then(|form| leptos::web_sys::FormData::new_with_form(form).ok())
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
        let marks = attribute("data-marked")
            .split_whitespace()
            .filter_map(|marked| {
                let (field, part) = marked.split_once('/').unwrap_or((marked, ""));
                let field = Field::from_code(field)?;
                let text = document()
                    .get_element_by_id(&format!("{}-error", field.code()))?
                    .text_content()?;
                Some(Mark {
                    field,
                    part: DatePart::from_code(part),
                    text,
                })
            })
            .collect();
        // The window the panel shows is counted from now by the server's
        // clock, whatever the phone's says.
        if let Ok(server_millis) = attribute("data-now").parse::<i64>() {
            crate::clock::follow_server(server_millis);
        }
        Self {
            answers: RequestForm::from_posted(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
            submission_id,
            posted: attribute("data-posted") == "true",
            marks,
            today: domain::fields::parse_iso_date(&attribute("data-today"))
                .unwrap_or_else(|| crate::clock::now_in_japan().date()),
            closures: crate::closures::ClosureDays::parse(&attribute("data-closures")),
            keep_nothing: pairs
                .iter()
                .any(|(name, value)| name == super::state::KEEP_NOTHING && value == "on"),
        }
    }

    #[cfg(all(not(feature = "ssr"), not(target_arch = "wasm32")))]
    fn of_page() -> Self {
        Self {
            answers: RequestForm::default(),
            submission_id: String::new(),
            posted: false,
            marks: Vec::new(),
            today: crate::clock::now_in_japan().date(),
            closures: crate::closures::ClosureDays::default(),
            keep_nothing: false,
        }
    }
}

/// What the server writes on the form for the island to start from (see
/// `Start::of_page`): its clock, its day, the closure days ahead and the
/// marked inputs.
#[cfg(feature = "ssr")]
fn start_attributes(
    today: chrono::NaiveDate,
    closures: &crate::closures::ClosureDays,
    marks: &[Mark],
) -> [Option<String>; 4] {
    let marked = marks
        .iter()
        .map(|mark| match mark.part {
            Some(part) => format!("{}/{}", mark.field.code(), part.code()),
            None => mark.field.code().to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    [
        Some(crate::clock::now().timestamp_millis().to_string()),
        Some(today.to_string()),
        Some(closures.attribute(today)),
        Some(marked),
    ]
}

/// In the browser none: hydration keeps the server's attributes, and
/// formatting them here would only add to the bundle.
#[cfg(not(feature = "ssr"))]
fn start_attributes(
    _today: chrono::NaiveDate,
    _closures: &crate::closures::ClosureDays,
    _marks: &[Mark],
) -> [Option<String>; 4] {
    Default::default()
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
