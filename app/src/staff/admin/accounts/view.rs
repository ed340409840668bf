//! The admins' list of members and their sessions.

use leptos::prelude::*;
use leptos_meta::Title;

use super::AccountsPage;
use crate::i18n::td_string;
use crate::staff::Role;
use crate::staff::account::view::Sessions;
use crate::staff::frame::AdminAccountActionName;

#[component]
pub fn Accounts(page: AccountsPage) -> impl IntoView {
    let locale = crate::use_locale();
    let members = page
        .members
        .into_iter()
        .map(|member| {
            let role = match member.role {
                Role::Reception => td_string!(locale, staff.role_reception),
                Role::Admin => td_string!(locale, staff.role_admin),
            };
            let state = if member.active {
                td_string!(locale, staff.active)
            } else {
                td_string!(locale, staff.inactive)
            };
            let factor = if member.enrolled {
                td_string!(locale, staff.factor_enrolled)
            } else {
                td_string!(locale, staff.factor_missing)
            };
            let heading = format!("{} ({})", member.name, member.login);
            let has_sessions = !member.sessions.is_empty();
            view! {
                <section class="member">
                    <h2>{heading}</h2>
                    <p>{role}" · "{state}" · "{factor}</p>
                    {if has_sessions {
                        view! {
                            <Sessions sessions=member.sessions end=None />
                            <form method="post" action="/staff/accounts">
                                <input type="hidden" name="login" value=member.login.clone() />
                                <p class="actions">
                                    <button type="submit" name="action" value=AdminAccountActionName::EndSessions.code() class="button secondary">
                                        {td_string!(locale, staff.end_member_sessions, name = member.name.clone()).to_string()}
                                    </button>
                                </p>
                            </form>
                        }.into_any()
                    } else {
                        view! { <p>{td_string!(locale, staff.no_sessions)}</p> }.into_any()
                    }}
                </section>
            }
        })
        .collect_view();
    view! {
        <Title text=td_string!(locale, staff.accounts_title).to_owned() />
        <h1>{td_string!(locale, staff.accounts_title)}</h1>
        {page.notice.then(|| view! { <div class="notice" role="status"><p>{td_string!(locale, staff.member_sessions_ended)}</p></div> })}
        <p>{td_string!(locale, staff.accounts_intro)}</p>
        {members}
    }
}
