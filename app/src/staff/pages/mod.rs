//! The staff pages, rendered on the server from the page state the
//! `server` crate provides (see `staff`). Plain HTML forms post back to the
//! server; nothing here is an island. One module per page: `login`,
//! `queue`, `day_sheet`, `case`, and `admin` (specialists, departments and
//! closure days).

mod admin;
mod case;
mod day_sheet;
mod login;
mod queue;

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{Department, Role, Staff, StaffPage};
use crate::Erase;
use crate::i18n::{Locale, td_string};

/// Every `/staff` route: the page the server prepared.
#[component]
pub fn StaffRoute() -> impl IntoView {
    crate::no_store();
    let locale = crate::use_locale();
    let staff = use_context::<Staff>();
    let page = use_context::<StaffPage>();
    let body = match page {
        Some(StaffPage::Login(page)) => view! { <login::Login page /> }.into_any(),
        Some(StaffPage::Queue(page)) => view! { <queue::Queue page /> }.into_any(),
        Some(StaffPage::DaySheet(page)) => view! { <day_sheet::DaySheet page /> }.into_any(),
        Some(StaffPage::Case(page)) => view! { <case::Case page=*page /> }.into_any(),
        Some(StaffPage::Specialists(page)) => view! { <admin::Specialists page /> }.into_any(),
        Some(StaffPage::Calendar(page)) => view! { <admin::ClosureDays page /> }.into_any(),
        Some(StaffPage::NotFound) | None => view! { <crate::NotFound /> }.into_any(),
        Some(StaffPage::Forbidden) => view! {
            <Title text=td_string!(locale, staff.forbidden).to_owned() />
            <h1>{td_string!(locale, staff.forbidden)}</h1>
        }
        .into_any(),
    };
    view! {
        {staff.map(|staff| view! { <StaffBar staff /> })}
        <div class="staff">{body}</div>
    }
    .erase()
}

/// Who is signed in, the staff pages, and sign out.
#[component]
fn StaffBar(staff: Staff) -> impl IntoView {
    let locale = crate::use_locale();
    let admin = staff.role == Role::Admin;
    view! {
        <nav class="staff-bar no-print" aria-label=td_string!(locale, staff.nav_label)>
            <a href="/staff">{td_string!(locale, staff.queue_title)}</a>
            <a href="/staff/day-sheet">{td_string!(locale, staff.day_sheet_title)}</a>
            {admin.then(|| view! {
                <a href="/staff/specialists">{td_string!(locale, staff.specialists_title)}</a>
                <a href="/staff/calendar">{td_string!(locale, staff.calendar_title)}</a>
            })}
            <span class="staff-who">{staff.name}</span>
            <form method="post" action="/staff/logout">
                <button type="submit" class="link-button">{td_string!(locale, staff.sign_out)}</button>
            </form>
        </nav>
    }
}

/// `2026-12-03 (木)` / `Thu 3 Dec 2026`.
fn day(locale: Locale, date: NaiveDate) -> String {
    crate::format::date(locale, date)
}

/// A department's name in the page's language.
fn department_name(locale: Locale, department: &Department) -> String {
    match locale {
        Locale::ja => department.name_ja.clone(),
        Locale::en => department.name_en.clone(),
    }
}
