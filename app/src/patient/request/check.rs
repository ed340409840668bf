//! The check-answers step, rendered by the server (it needs no script, so
//! none of it is in the browser's bundle): every answer with a "Change"
//! button back to its input, then Send. The answers travel as hidden
//! inputs, so each button posts them back to the server.

use domain::form::RequestForm;
use leptos::prelude::*;

use crate::Erase;
use crate::i18n::td_string;
use crate::ui::answers::answer_rows;

/// The check step, rendered by the server: every answer in words with a
/// "Change" button back to its input, and Send. The answers travel as
/// hidden inputs, only those of questions that apply.
#[component]
pub fn CheckAnswers(form: RequestForm, autofocus: bool) -> impl IntoView {
    let locale = crate::use_locale();
    let form = form.applicable();
    let hidden = form
        .posted_pairs()
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view();
    let rows = answer_rows(locale, &form)
        .into_iter()
        .map(|(anchor, label, value)| {
            let not_answered = value.is_none();
            view! {
                <div class="answer">
                    <dt>{label.clone()}</dt>
                    <dd class:not-answered=not_answered>
                        {value.unwrap_or_else(|| td_string!(locale, check.not_answered).to_owned())}
                    </dd>
                    <dd class="change">
                        <button
                            type="submit"
                            name="step"
                            value="edit"
                            class="link"
                            formaction=format!("/request#{anchor}")
                        >
                            {td_string!(locale, check.change)}
                            <span class="visually-hidden">" " {label}</span>
                        </button>
                    </dd>
                </div>
            }
        })
        .collect_view();
    view! {
        <h2 id="check-heading" tabindex="-1" autofocus=autofocus.then_some("")>
            {td_string!(locale, check.title)}
        </h2>
        <p>{td_string!(locale, check.intro)}</p>
        {hidden}
        <dl class="answers">{rows}</dl>
        <div class="actions">
            <button type="submit" name="step" value="send" class="button">
                {td_string!(locale, check.send)}
            </button>
        </div>
    }
    .erase()
}
