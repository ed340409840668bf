//! The staff pages, rendered on the server from the page state the
//! `server` crate provides (see `staff`). Plain HTML forms post back to the
//! server; nothing here is an island. One module per page: `login` (both
//! steps), `queue`, `day_sheet`, `case`, `account` (the member's own, and
//! the admins' list of members), and `admin` (specialists, departments and
//! closure days).
//!
//! The one script of the staff pages, `/staff-session.js`, only warns a
//! minute before the session ends; without it the bar still says when.

mod account;
mod admin;
mod case;
mod day_sheet;
mod login;
mod queue;

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::{Stylesheet, Title};

use super::{AdminAccountActionName, Alerts, Department, Role, SignInAlert, Staff, StaffPage};
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
        Some(StaffPage::Code(page)) => view! { <login::Code page /> }.into_any(),
        Some(StaffPage::Account(page)) => view! { <account::Account page /> }.into_any(),
        Some(StaffPage::Accounts(page)) => view! { <account::Accounts page /> }.into_any(),
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
        <Stylesheet id="staff" href="/staff.css" />
        {staff.map(|staff| view! { <StaffBar staff /> })}
        <div class="staff">{body}</div>
    }
    .erase()
}

/// Who is signed in, the staff pages, when the session ends, and sign out;
/// for admins, the sign-in alerts not yet acknowledged.
#[component]
fn StaffBar(staff: Staff) -> impl IntoView {
    let locale = crate::use_locale();
    let admin = staff.role == Role::Admin;
    let alerts = use_context::<Alerts>()
        .map(|Alerts(alerts)| alerts)
        .unwrap_or_default();
    let clock = session_clock(locale, &staff);
    // Seconds since the Unix epoch at which the session ends, for the script.
    let ends_at = staff.session_ends.timestamp().to_string();
    view! {
        <nav class="staff-bar no-print" aria-label=td_string!(locale, staff.nav_label)>
            <a href="/staff">{td_string!(locale, staff.queue_title)}</a>
            <a href="/staff/day-sheet">{td_string!(locale, staff.day_sheet_title)}</a>
            {admin.then(|| view! {
                <a href="/staff/specialists">{td_string!(locale, staff.specialists_title)}</a>
                <a href="/staff/calendar">{td_string!(locale, staff.calendar_title)}</a>
                <a href="/staff/accounts">{td_string!(locale, staff.accounts_title)}</a>
            })}
            <a href="/staff/account" class="staff-who">{staff.name}</a>
            <form method="post" action="/staff/logout">
                <button type="submit" class="link-button">{td_string!(locale, staff.sign_out)}</button>
            </form>
        </nav>
        <p class="session-clock no-print" id="session-clock" data-ends-at=ends_at data-idle=staff.ends_when_idle.to_string()>{clock}</p>
        <div class="session-warning no-print" id="session-warning" role="alert" hidden>
            <p>{td_string!(locale, staff.session_warning)}</p>
            <button type="button" class="button" id="session-stay">{td_string!(locale, staff.session_stay)}</button>
        </div>
        <script src="/staff-session.js" defer></script>
        {(admin && !alerts.is_empty()).then(|| view! { <AlertsBanner alerts /> })}
    }
}

/// When the session ends unless the member does something: "Signed out
/// after 30 minutes without use: at 14:32".
pub fn session_clock(locale: Locale, staff: &Staff) -> String {
    let time = domain::japan_time(&staff.session_ends)
        .format("%H:%M")
        .to_string();
    if staff.ends_when_idle {
        td_string!(locale, staff.session_idle_end, time).to_string()
    } else {
        td_string!(locale, staff.session_absolute_end, time).to_string()
    }
}

/// The sign-in alerts, until an admin acknowledges each.
#[component]
fn AlertsBanner(alerts: Vec<SignInAlert>) -> impl IntoView {
    let locale = crate::use_locale();
    let items = alerts
        .into_iter()
        .map(|alert| {
            let login = alert
                .login
                .clone()
                .unwrap_or_else(|| td_string!(locale, staff.unknown_login, key = alert.key.clone()).to_string());
            let text = td_string!(
                locale,
                staff.alert_text,
                failures = alert.failures,
                login,
                addresses = alert.addresses,
                first = alert.first_at.clone(),
                last = alert.last_at.clone()
            )
            .to_string();
            view! {
                <li>
                    <p>{text}</p>
                    <form method="post" action="/staff/accounts" class="inline">
                        <input type="hidden" name="alert" value=alert.id.to_string() />
                        <button type="submit" name="action" value=AdminAccountActionName::AcknowledgeAlert.code() class="button secondary">
                            {td_string!(locale, staff.acknowledge)}
                        </button>
                    </form>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="alerts no-print" aria-labelledby="alerts-heading">
            <h2 id="alerts-heading">{td_string!(locale, staff.alerts_heading)}</h2>
            <ul class="plain">{items}</ul>
        </section>
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
