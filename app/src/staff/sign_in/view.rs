//! `/staff/login`: login and password; then `/staff/login/code`: the code
//! from the authenticator app, or a recovery code.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{CodePage, LoginPage, LoginProblem};
use crate::i18n::{Locale, td_string};

/// The words of a sign-in problem, and whether it is an error (else a
/// notice).
fn problem_words(locale: Locale, problem: LoginProblem) -> (bool, String) {
    let text = match problem {
        LoginProblem::Refused => td_string!(locale, staff.login_refused).to_owned(),
        LoginProblem::CodeRefused => td_string!(locale, staff.code_refused).to_owned(),
        LoginProblem::TooManyAttempts { minutes } => {
            td_string!(locale, staff.login_throttled, minutes).to_string()
        }
        LoginProblem::NotEnrolled => td_string!(locale, staff.not_enrolled).to_owned(),
        LoginProblem::Expired => td_string!(locale, staff.code_expired).to_owned(),
        LoginProblem::Busy => td_string!(locale, staff.login_busy).to_owned(),
        LoginProblem::CodesClosed => td_string!(locale, staff.codes_closed).to_owned(),
        LoginProblem::SignedOut => {
            return (false, td_string!(locale, staff.signed_out).to_owned());
        }
        LoginProblem::SessionEnded => {
            return (false, td_string!(locale, staff.session_ended).to_owned());
        }
    };
    (true, text)
}

#[component]
fn Problem(problem: Option<LoginProblem>) -> impl IntoView {
    let locale = crate::use_locale();
    problem.map(|problem| {
        let (error, text) = problem_words(locale, problem);
        let class = if error { "error-summary" } else { "notice" };
        view! { <div class=class role="alert" tabindex="-1" autofocus><p>{text}</p></div> }
    })
}

#[component]
pub fn Login(page: LoginPage) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        <Title text=td_string!(locale, staff.login_title).to_owned() />
        <h1>{td_string!(locale, staff.login_title)}</h1>
        <Problem problem=page.problem />
        <form method="post" action="/staff/login" class="narrow">
            <input type="hidden" name="next" value=page.next />
            <div class="field">
                <label for="login">{td_string!(locale, staff.login)}</label>
                <input id="login" name="login" type="text" autocomplete="username" required value=page.login />
            </div>
            <div class="field">
                <label for="password">{td_string!(locale, staff.password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
            </div>
            <p class="actions"><button type="submit" class="button">{td_string!(locale, staff.continue_button)}</button></p>
        </form>
        <p class="hint narrow">{td_string!(locale, staff.login_two_steps)}</p>
    }
}

#[component]
pub fn Code(page: CodePage) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        <Title text=td_string!(locale, staff.code_title).to_owned() />
        <h1>{td_string!(locale, staff.code_title)}</h1>
        <Problem problem=page.problem />
        <form method="post" action="/staff/login/code" class="narrow">
            <div class="field">
                <label for="code">{td_string!(locale, staff.code)}</label>
                <p class="hint" id="code-hint">{td_string!(locale, staff.code_hint)}</p>
                <input
                    id="code"
                    name="code"
                    type="text"
                    autocomplete="one-time-code"
                    aria-describedby="code-hint"
                    spellcheck="false"
                    autocapitalize="none"
                    maxlength="32"
                    class="code-input"
                    required
                    autofocus=page.problem.is_none()
                />
            </div>
            <p class="actions"><button type="submit" class="button">{td_string!(locale, staff.sign_in)}</button></p>
        </form>
        <p class="narrow"><a href="/staff/login">{td_string!(locale, staff.code_start_again)}</a></p>
    }
}
