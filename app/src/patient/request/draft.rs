//! The draft: the answers as typed, kept in the browser's `localStorage`
//! after every change and restored when the form is opened again. It never
//! leaves the browser before Send; "Start again" and the confirmation
//! clear it. It is written as the form would be posted
//! (`name=value&…`, with the submission id and when it was saved), so the
//! browser's own `URLSearchParams` reads and writes it and no JSON code
//! reaches the bundle.

use domain::form::RequestForm;
use leptos::prelude::*;

use super::state::FormState;

/// The `localStorage` key.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const KEY: &str = "second-opinion.request-draft";

/// What is kept: the answers and the submission id, so that a request sent
/// from a restored draft is still recognised if it was sent before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub submission_id: String,
    pub form: RequestForm,
    /// When it was last saved, in milliseconds since the Unix epoch.
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

    /// The draft as name/value pairs: the form's, then the submission id
    /// and the moment (names the form does not use).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = self.form.posted_pairs();
        pairs.push(("submission_id", self.submission_id.clone()));
        pairs.push(("saved_at", self.saved_at.to_string()));
        pairs
    }

    /// A draft from its pairs; `None` without a submission id.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
    ) -> Option<Self> {
        let value = |name: &str| {
            pairs
                .clone()
                .into_iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value)
        };
        Some(Self {
            submission_id: value("submission_id")
                .filter(|id| !id.is_empty())?
                .to_owned(),
            saved_at: value("saved_at")
                .and_then(|at| at.parse().ok())
                .unwrap_or(0),
            form: RequestForm::from_posted(pairs),
        })
    }
}

/// Once the page is interactive: restores the draft with the answers
/// `typed` while the page was still loading laid over it (a radio tapped
/// on a slow phone must not cost a week's draft); on a page showing
/// answers just posted, takes back from the draft only the answers to
/// questions that no longer apply (the post left them out). Then saves
/// every change.
pub fn keep(state: FormState, posted: bool, typed: Option<RequestForm>) {
    Effect::new(move |restored: Option<()>| {
        let form = state.form.get();
        let submission_id = state.submission_id.get();
        // "This is a shared computer": nothing kept, and what was is gone.
        if state.keep_nothing.get() {
            state.hydrated.set(true);
            clear();
            return;
        }
        if restored.is_none() {
            state.hydrated.set(true);
            let draft = load();
            if posted {
                if let Some(draft) = draft.filter(|draft| draft.submission_id == submission_id) {
                    state.form.set(form.keeping_unasked_from(&draft.form));
                }
            } else if let Some(draft) = draft {
                let restored = typed
                    .as_ref()
                    .map_or_else(|| draft.form.clone(), |typed| typed.laid_over(&draft.form));
                state.form.set(restored);
                state.submission_id.set(draft.submission_id);
            } else if let Some(typed) = typed.clone() {
                state.form.set(typed);
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
fn storage() -> Option<leptos::web_sys::Storage> {
    window().local_storage().ok().flatten()
}

#[cfg(target_arch = "wasm32")]
fn load() -> Option<Draft> {
    let text = storage()?.get_item(KEY).ok().flatten()?;
    let params = leptos::web_sys::UrlSearchParams::new_with_str(&text).ok()?;
    let pairs: Vec<(String, String)> = js_sys::try_iter(&params)
        .ok()
        .flatten()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let entry = js_sys::Array::from(&entry);
            Some((entry.get(0).as_string()?, entry.get(1).as_string()?))
        })
        .collect();
    // An expired draft is forgotten, and so is one this version cannot
    // read (an older version's JSON): it could never be restored, and
    // medical answers are not left behind for nothing.
    let draft = Draft::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    match draft {
        Some(draft) if draft.is_fresh(crate::clock::now().timestamp_millis()) => Some(draft),
        _ => {
            clear();
            None
        }
    }
}

/// Forgets the draft if it is older than a week (or unreadable).
#[cfg(target_arch = "wasm32")]
pub fn forget_if_expired() {
    let _ = load();
}

#[cfg(target_arch = "wasm32")]
fn save(draft: &Draft) {
    let (Some(storage), Ok(params)) = (storage(), leptos::web_sys::UrlSearchParams::new()) else {
        return;
    };
    for (name, value) in draft.pairs() {
        params.append(name, &value);
    }
    // A full or disabled storage only loses the draft, never the form.
    let _ = storage.set_item(KEY, &String::from(params.to_string()));
}

/// Forgets the draft.
#[cfg(target_arch = "wasm32")]
pub fn clear() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(KEY);
    }
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
    }

    #[test]
    fn a_draft_reads_back_from_its_pairs() {
        let draft = Draft {
            submission_id: "0123456789abcdef".into(),
            form: RequestForm {
                patient_name: "山田 花子".into(),
                weekday_wed: true,
                ..RequestForm::default()
            },
            saved_at: 1_234,
        };
        let pairs = draft.pairs();
        let back = Draft::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(back, Some(draft));
        // A draft saved without its id (or by an older version, as JSON) is none.
        assert_eq!(Draft::from_pairs([("{\"form\":{}}", "")]), None);
    }
}
