//! `/staff/account`: the member's own sessions and password; and the
//! table of sessions the admins' accounts page shows too.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{AccountActionName, AccountNotice, AccountPage};
use crate::i18n::{Locale, td_string};
use crate::staff::auth::{AccountProblem, PasswordProblem, SessionRow, WeakBecause};

/// Why a new password is refused, in words.
pub fn password_problem(locale: Locale, problem: PasswordProblem) -> &'static str {
    match problem {
        PasswordProblem::TooShort => td_string!(locale, staff.password_too_short),
        PasswordProblem::TooLong => td_string!(locale, staff.password_too_long),
        PasswordProblem::ContainsLogin => td_string!(locale, staff.password_contains_login),
        PasswordProblem::ContainsHospitalName => {
            td_string!(locale, staff.password_contains_hospital)
        }
        PasswordProblem::Common => td_string!(locale, staff.password_common),
        PasswordProblem::Weak(why) => match why {
            WeakBecause::KeyboardPattern => td_string!(locale, staff.password_weak_keyboard),
            WeakBecause::Repeats => td_string!(locale, staff.password_weak_repeats),
            WeakBecause::Sequence => td_string!(locale, staff.password_weak_sequence),
            WeakBecause::DatesOrYears => td_string!(locale, staff.password_weak_dates),
            WeakBecause::CommonWords => td_string!(locale, staff.password_weak_words),
            WeakBecause::Names => td_string!(locale, staff.password_weak_names),
            WeakBecause::Short => td_string!(locale, staff.password_weak_short),
        },
    }
}

fn account_problem(locale: Locale, problem: AccountProblem) -> String {
    match problem {
        AccountProblem::WrongPassword => {
            td_string!(locale, staff.wrong_current_password).to_owned()
        }
        AccountProblem::WrongCode => td_string!(locale, staff.code_refused).to_owned(),
        AccountProblem::Mismatch => td_string!(locale, staff.password_mismatch).to_owned(),
        AccountProblem::NewPassword(problem) => password_problem(locale, problem).to_owned(),
        AccountProblem::TooManyAttempts { minutes } => {
            td_string!(locale, staff.login_throttled, minutes).to_string()
        }
    }
}

/// A table of sessions; with `end`, a button on each that posts it.
#[component]
pub(in crate::staff) fn Sessions(
    sessions: Vec<SessionRow>,
    end: Option<&'static str>,
    /// Whose sessions, when a page lists several members' (each region
    /// needs a name of its own).
    #[prop(optional)]
    of: Option<String>,
) -> impl IntoView {
    let locale = crate::use_locale();
    let rows = sessions
        .into_iter()
        .map(|session| {
            let button = end.filter(|_| !session.current).map(|path| {
                view! {
                    <form method="post" action=path class="inline">
                        <input type="hidden" name="id" value=session.id.to_string() />
                        <button type="submit" name="action" value=AccountActionName::EndSession.code() class="button secondary">
                            {td_string!(locale, staff.end_session)}
                        </button>
                    </form>
                }
            });
            let this = session
                .current
                .then(|| view! { <strong>{td_string!(locale, staff.this_session)}</strong> });
            view! {
                <tr>
                    <td>{session.started}</td>
                    <td>{session.last_used}</td>
                    <td>{session.address}</td>
                    <td>{session.browser}</td>
                    <td>{this}{button}</td>
                </tr>
            }
        })
        .collect_view();
    // On a narrow screen the table scrolls sideways in its own region,
    // which the keyboard can reach.
    let label = of.map_or_else(
        || td_string!(locale, staff.sessions_title).to_owned(),
        |name| td_string!(locale, staff.sessions_of, name).to_string(),
    );
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-label=label>
        <table>
            <thead><tr>
                <th scope="col">{td_string!(locale, staff.session_started)}</th>
                <th scope="col">{td_string!(locale, staff.session_last_used)}</th>
                <th scope="col">{td_string!(locale, staff.session_address)}</th>
                <th scope="col">{td_string!(locale, staff.session_browser)}</th>
                <th scope="col"><span class="visually-hidden">{td_string!(locale, staff.actions)}</span></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
    }
}

#[component]
pub fn Account(page: AccountPage) -> impl IntoView {
    let locale = crate::use_locale();
    let notice = page.notice.map(|notice| {
        let text = match notice {
            AccountNotice::PasswordChanged => td_string!(locale, staff.password_changed),
            AccountNotice::SessionEnded => td_string!(locale, staff.session_was_ended),
            AccountNotice::OthersEnded => td_string!(locale, staff.others_were_ended),
        };
        view! { <div class="notice" role="status"><p>{text}</p></div> }
    });
    let problem = page.problem.map(|problem| {
        view! {
            <div class="error-summary" role="alert" tabindex="-1" autofocus>
                <h2>{td_string!(locale, staff.password_not_changed)}</h2>
                <p>{account_problem(locale, problem)}</p>
            </div>
        }
    });
    let others = page.sessions.iter().any(|session| !session.current);
    let changed = page.password_changed.map(|at| {
        view! { <p>{td_string!(locale, staff.password_last_changed, at).to_string()}</p> }
    });
    let left = page.recovery_codes_left;
    view! {
        <Title text=td_string!(locale, staff.account_title).to_owned() />
        <h1>{td_string!(locale, staff.account_title)}</h1>
        {notice}
        <h2>{td_string!(locale, staff.sessions_title)}</h2>
        <p>{td_string!(locale, staff.sessions_intro)}</p>
        <Sessions sessions=page.sessions end=Some("/staff/account") />
        {others.then(|| view! {
            <form method="post" action="/staff/account">
                <p class="actions">
                    <button type="submit" name="action" value=AccountActionName::EndOthers.code() class="button secondary">
                        {td_string!(locale, staff.end_other_sessions)}
                    </button>
                </p>
            </form>
        })}
        <h2 id="password-heading">{td_string!(locale, staff.change_password)}</h2>
        {problem}
        {changed}
        <p class="hint">{td_string!(locale, staff.password_rules)}</p>
        <form method="post" action="/staff/account" class="narrow" aria-labelledby="password-heading">
            <div class="field">
                <label for="current">{td_string!(locale, staff.current_password)}</label>
                <input id="current" name="current" type="password" autocomplete="current-password" required />
            </div>
            <div class="field">
                <label for="code">{td_string!(locale, staff.code)}</label>
                <p class="hint" id="code-hint">{td_string!(locale, staff.code_hint_fresh)}</p>
                <input id="code" name="code" type="text" autocomplete="one-time-code" aria-describedby="code-hint" spellcheck="false" autocapitalize="none" maxlength="32" class="code-input" required />
            </div>
            <div class="field">
                <label for="new">{td_string!(locale, staff.new_password)}</label>
                <input id="new" name="new" type="password" autocomplete="new-password" minlength="12" maxlength="128" required />
            </div>
            <div class="field">
                <label for="repeated">{td_string!(locale, staff.repeat_password)}</label>
                <input id="repeated" name="repeated" type="password" autocomplete="new-password" minlength="12" maxlength="128" required />
            </div>
            <p class="actions">
                <button type="submit" name="action" value=AccountActionName::ChangePassword.code() class="button">
                    {td_string!(locale, staff.change_password)}
                </button>
            </p>
        </form>
        <h2>{td_string!(locale, staff.recovery_title)}</h2>
        <p>{td_string!(locale, staff.recovery_left, left).to_string()}</p>
    }
}
