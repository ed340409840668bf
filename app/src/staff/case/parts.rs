//! What the case page's views share: the folded section, and the values
//! posted shown again after a refusal.

use leptos::prelude::*;

/// A section of the workspace: folded when the role does not need it now,
/// opened with a click (a `<details>`, no script).
#[component]
pub(super) fn Section(
    id: &'static str,
    title: String,
    open: bool,
    children: Children,
) -> impl IntoView {
    let heading = format!("{id}-heading");
    view! {
        <details class="section" id=id open=open>
            <summary><h2 id=heading>{title}</h2></summary>
            <div class="section-body">{children()}</div>
        </details>
    }
}

/// The value posted for `name`, to show it again after a refusal.
pub(super) fn posted_value(posted: &[(String, String)], name: &str) -> String {
    posted
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
        .unwrap_or_default()
}
