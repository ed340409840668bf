//! `/staff/login`: login and password.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::td_string;
use crate::staff::{LoginPage, LoginProblem};

#[component]
pub fn Login(page: LoginPage) -> impl IntoView {
    let locale = crate::use_locale();
    let problem = page.problem.map(|problem| {
        let (class, text) = match problem {
            LoginProblem::Refused => ("error-summary", td_string!(locale, staff.login_refused)),
            LoginProblem::TooManyAttempts => {
                ("error-summary", td_string!(locale, staff.login_throttled))
            }
            LoginProblem::SignedOut => ("notice", td_string!(locale, staff.signed_out)),
        };
        view! { <div class=class role="alert" tabindex="-1" autofocus><p>{text}</p></div> }
    });
    view! {
        <Title text=td_string!(locale, staff.login_title).to_owned() />
        <h1>{td_string!(locale, staff.login_title)}</h1>
        {problem}
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
            <p class="actions"><button type="submit" class="button">{td_string!(locale, staff.sign_in)}</button></p>
        </form>
    }
}
