//! The draft: the answers as typed, kept in the browser's `localStorage`
//! after every change and restored when the form is opened again. It never
//! leaves the browser before Send; "Start again" and a successful Send
//! clear it.

use domain::form::RequestForm;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::state::FormState;

/// The `localStorage` key.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const KEY: &str = "second-opinion.request-draft";

/// What is kept: the answers and the submission id, so that a request sent
/// from a restored draft is still recognised if it was sent before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub submission_id: String,
    pub form: RequestForm,
    /// When it was last saved, in milliseconds since the Unix epoch.
    #[serde(default)]
    pub saved_at: i64,
}

/// How long an untouched draft is kept: a week, so that medical answers do
/// not stay for good on a shared or family computer.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub const KEPT_FOR_MILLIS: i64 = 7 * 24 * 60 * 60 * 1000;

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
impl Draft {
    /// Whether the draft is still to be restored at `now_millis`.
    pub const fn is_fresh(&self, now_millis: i64) -> bool {
        now_millis.saturating_sub(self.saved_at) <= KEPT_FOR_MILLIS
    }
}

/// Restores the draft once the page is interactive (unless the page shows
/// answers just posted without JavaScript), then saves every change.
/// Answers typed while the page was still loading win over the draft:
/// they are newer, and hydration would otherwise reset them to the
/// server's state.
pub fn keep(state: FormState, posted: bool) {
    Effect::new(move |restored: Option<()>| {
        let form = state.form.get();
        let submission_id = state.submission_id.get();
        if restored.is_none() {
            state.hydrated.set(true);
            match take_typed_before_hydration().filter(|typed| *typed != form) {
                Some(typed) => state.form.set(typed),
                None => {
                    if !posted && let Some(draft) = load() {
                        state.form.set(draft.form);
                        state.submission_id.set(draft.submission_id);
                    }
                }
            }
            return;
        }
        if form == RequestForm::default() {
            clear();
        } else {
            save(&Draft {
                submission_id,
                form,
                saved_at: crate::clock::now().timestamp_millis(),
            });
        }
    });
}

#[cfg(target_arch = "wasm32")]
std::thread_local! {
    static TYPED: std::cell::RefCell<Option<RequestForm>> = const { std::cell::RefCell::new(None) };
}

/// Reads the request form's inputs as the patient left them before the
/// script took over (a slow phone leaves time to type). Called once, before
/// hydration.
#[cfg(target_arch = "wasm32")]
pub fn capture_typed_before_hydration() {
    use leptos::wasm_bindgen::JsCast;
    let Some(form) = document()
        .query_selector(r#"form[action="/request"]"#)
        .ok()
        .flatten()
        .and_then(|form| form.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
    else {
        return;
    };
    let Ok(data) = leptos::web_sys::FormData::new_with_form(&form) else {
        return;
    };
    let Ok(Some(entries)) = js_sys::try_iter(&data) else {
        return;
    };
    let pairs: Vec<(String, String)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let entry = js_sys::Array::from(&entry);
            Some((entry.get(0).as_string()?, entry.get(1).as_string()?))
        })
        .collect();
    let typed = RequestForm::from_posted(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    TYPED.with(|cell| *cell.borrow_mut() = Some(typed));
}

#[cfg(target_arch = "wasm32")]
fn take_typed_before_hydration() -> Option<RequestForm> {
    TYPED.with(|cell| cell.borrow_mut().take())
}

#[cfg(target_arch = "wasm32")]
fn load() -> Option<Draft> {
    use gloo_storage::Storage;
    let draft: Draft = gloo_storage::LocalStorage::get(KEY).ok()?;
    if draft.is_fresh(crate::clock::now().timestamp_millis()) {
        Some(draft)
    } else {
        clear();
        None
    }
}

#[cfg(target_arch = "wasm32")]
fn save(draft: &Draft) {
    use gloo_storage::Storage;
    // A full or disabled storage only loses the draft, never the form.
    let _ = gloo_storage::LocalStorage::set(KEY, draft);
}

/// Forgets the draft.
#[cfg(target_arch = "wasm32")]
pub fn clear() {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::delete(KEY);
}

// Effects run only in the browser; these keep the server build honest.
#[cfg(not(target_arch = "wasm32"))]
const fn load() -> Option<Draft> {
    None
}

#[cfg(not(target_arch = "wasm32"))]
const fn take_typed_before_hydration() -> Option<RequestForm> {
    None
}

#[cfg(not(target_arch = "wasm32"))]
const fn save(_draft: &Draft) {}

#[cfg(not(target_arch = "wasm32"))]
pub const fn clear() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_kept_for_a_week_then_forgotten() {
        let draft = Draft {
            submission_id: "0123456789abcdef".into(),
            form: RequestForm::default(),
            saved_at: 1_000_000,
        };
        assert!(draft.is_fresh(1_000_000 + KEPT_FOR_MILLIS));
        assert!(!draft.is_fresh(1_000_001 + KEPT_FOR_MILLIS));
        // A draft saved before the date was recorded counts as old.
        let old: Draft = serde_json::from_str(r#"{"submission_id":"x","form":{}}"#).expect("json");
        assert!(!old.is_fresh(KEPT_FOR_MILLIS + 1));
    }
}
