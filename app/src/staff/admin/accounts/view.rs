//! The admins' list of members and their sessions.

use leptos::prelude::*;
use leptos_meta::Title;

use super::AccountsPage;
use crate::i18n::td_string;
use crate::staff::account::view::Sessions;
use crate::staff::frame::AdminAccountActionName;
use crate::staff::frame::department_name;
use crate::staff::{Department, Role, Specialist};

#[component]
pub fn Accounts(page: AccountsPage) -> impl IntoView {
    let locale = crate::use_locale();
    let specialists = page.specialists;
    let departments = page.departments;
    let members = page
        .members
        .into_iter()
        .map(|member| {
            let role = match member.role {
                Role::Reception => td_string!(locale, staff.role_reception),
                Role::Admin => td_string!(locale, staff.role_admin),
                Role::Specialist => td_string!(locale, staff.role_specialist),
            };
            let link = (member.role == Role::Specialist)
                .then(|| view! { <SpecialistLink login=member.login.clone() linked=member.specialist specialists=specialists.clone() departments=departments.clone() /> });
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
                    {link}
                    {if has_sessions {
                        view! {
                            <Sessions sessions=member.sessions end=None of=format!("{} ({})", member.name, member.login) />
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

/// Which specialist of the list a specialist's account is, and the form
/// that links it to another (a specialist who has no account yet).
#[component]
fn SpecialistLink(
    login: String,
    linked: Option<i64>,
    specialists: Vec<Specialist>,
    departments: Vec<Department>,
) -> impl IntoView {
    let locale = crate::use_locale();
    let department_of = |code: &str| {
        departments
            .iter()
            .find(|department| department.code == code)
            .map(|department| department_name(locale, department))
            .unwrap_or_default()
    };
    let current = linked
        .and_then(|id| specialists.iter().find(|specialist| specialist.id == id))
        .map(|specialist| {
            format!(
                "{} — {}",
                specialist.name,
                department_of(&specialist.department)
            )
        });
    let id = format!("link-{login}");
    let options = specialists
        .iter()
        .filter(|specialist| specialist.active && Some(specialist.id) != linked)
        .map(|specialist| {
            let label = format!(
                "{} — {} (#{})",
                specialist.name,
                department_of(&specialist.department),
                specialist.id
            );
            view! { <option value=specialist.id.to_string()>{label}</option> }
        })
        .collect::<Vec<_>>();
    let form = (!options.is_empty()).then(|| {
        view! {
            <form method="post" action="/staff/accounts" class="inline-form">
                <input type="hidden" name="login" value=login.clone() />
                <label for=id.clone()>{td_string!(locale, staff.link_specialist_label)}</label>
                <select id=id name="specialist">{options}</select>
                <button type="submit" name="action" value=AdminAccountActionName::LinkSpecialist.code() class="button secondary">
                    {td_string!(locale, staff.link_specialist)}
                </button>
            </form>
        }
    });
    view! {
        <p data-testid="linked-specialist">
            {td_string!(locale, staff.linked_specialist)}": "
            {current.unwrap_or_else(|| td_string!(locale, staff.no_linked_specialist).to_owned())}
        </p>
        {form}
    }
}
