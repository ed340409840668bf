//! The draft: the answers as typed, kept in the browser's `localStorage`
//! after every change and restored when the form is opened again. It never
//! leaves the browser before Send; "Start again" and a successful Send
//! clear it.

use domain::form::RequestForm;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::request_page::FormState;

/// The `localStorage` key.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const KEY: &str = "second-opinion.request-draft";

/// What is kept: the answers and the submission id, so that a request sent
/// from a restored draft is still recognised if it was sent before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub submission_id: String,
    pub form: RequestForm,
}

/// Restores the draft once the page is interactive (unless the page shows
/// answers just posted without JavaScript), then saves every change.
pub fn keep(state: FormState, posted: bool) {
    Effect::new(move |restored: Option<()>| {
        let form = state.form.get();
        let submission_id = state.submission_id.get();
        if restored.is_none() {
            state.hydrated.set(true);
            if !posted && let Some(draft) = load() {
                state.form.set(draft.form);
                state.submission_id.set(draft.submission_id);
            }
            return;
        }
        if form == RequestForm::default() {
            clear();
        } else {
            save(&Draft {
                submission_id,
                form,
            });
        }
    });
}

#[cfg(target_arch = "wasm32")]
fn load() -> Option<Draft> {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::get(KEY).ok()
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
const fn save(_draft: &Draft) {}

#[cfg(not(target_arch = "wasm32"))]
pub const fn clear() {}
