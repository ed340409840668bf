//! What every staff page shows around its content (`StaffFrame`): the
//! staff bar (who is signed in, the pages, when the session ends), the
//! session's warning, the admins' sign-in alerts; and how the pages write
//! a day and a department.
//!
//! The one script of the staff pages, `/staff-session.js`, only warns a
//! minute before the session ends; without it the bar still says when.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Stylesheet;

use super::auth::SignInAlert;
use super::{Department, Role, Staff};
use crate::Erase;
use crate::i18n::{Locale, td_string};

/// What the admins' accounts page and the sign-in alerts post as `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminAccountActionName {
    EndSessions,
    AcknowledgeAlert,
    LinkSpecialist,
}

domain::codes!(AdminAccountActionName {
    EndSessions => "end_sessions",
    AcknowledgeAlert => "acknowledge_alert",
    LinkSpecialist => "link_specialist",
});

/// A staff page around `children`: for a signed-in member, with the staff
/// bar (and, for admins, the sign-in alerts still open). Never kept by a
/// browser or proxy.
#[component]
pub fn StaffFrame(
    staff: Option<Staff>,
    alerts: Vec<SignInAlert>,
    children: Children,
) -> impl IntoView {
    crate::no_store();
    view! {
        <Stylesheet id="staff" href="/staff.css" />
        {staff.map(|staff| view! { <StaffBar staff alerts /> })}
        <div class="staff">{children()}</div>
    }
    .erase()
}

/// Who is signed in, the staff pages, when the session ends, and sign out;
/// for admins, the sign-in alerts not yet acknowledged.
#[component]
fn StaffBar(staff: Staff, alerts: Vec<SignInAlert>) -> impl IntoView {
    let locale = crate::use_locale();
    let admin = staff.role == Role::Admin;
    let specialist = staff.role == Role::Specialist;
    let clock = session_clock(locale, &staff);
    // Seconds since the Unix epoch at which the session ends, for the script.
    let ends_at = staff.session_ends.timestamp().to_string();
    view! {
        <nav class="staff-bar no-print" aria-label=td_string!(locale, staff.nav_label)>
            {if specialist {
                view! { <a href="/staff/my-cases">{td_string!(locale, staff.my_cases_title)}</a> }.into_any()
            } else {
                view! {
                    <a href="/staff">{td_string!(locale, staff.queue_title)}</a>
                    <a href="/staff/day-sheet">{td_string!(locale, staff.day_sheet_title)}</a>
                    <a href="/staff/figures">{td_string!(locale, staff.figures_link)}</a>
                }
                .into_any()
            }}
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
            let login = match (&alert.login, alert.unknown_logins) {
                (Some(login), _) => login.clone(),
                (None, true) => td_string!(locale, staff.unknown_logins).to_string(),
                (None, false) => td_string!(locale, staff.unknown_login, key = alert.key.clone()).to_string(),
            };
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
pub fn day(locale: Locale, date: NaiveDate) -> String {
    crate::format::date(locale, date)
}

/// A department's name in the page's language.
pub fn department_name(locale: Locale, department: &Department) -> String {
    match locale {
        Locale::ja => department.name_ja.clone(),
        Locale::en => department.name_en.clone(),
    }
}
