//! `/staff/calendar`: the hospital's closure days, added and removed.

use chrono::Datelike;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{CalendarPage, ClosureActionName};
use crate::Erase;
use crate::i18n::td_string;
use crate::staff::frame::day;

#[component]
pub fn ClosureDays(page: CalendarPage) -> impl IntoView {
    let locale = crate::use_locale();
    let rows = page.closures.iter().map(|(date, name, by)| {
        let value = date.to_string();
        view! {
            <tr>
                <td>{day(locale, *date)}</td>
                <td>{name.clone()}</td>
                <td>{by.clone()}</td>
                <td>
                    <form method="post" action="/staff/calendar" class="inline">
                        <input type="hidden" name="day" value=value />
                        <button type="submit" name="action" value=ClosureActionName::Remove.code() class="button secondary">{td_string!(locale, staff.remove)}</button>
                    </form>
                </td>
            </tr>
        }
    }).collect_view();
    view! {
        <Title text=td_string!(locale, staff.calendar_title).to_owned() />
        <h1>{td_string!(locale, staff.calendar_title)}</h1>
        <p>{td_string!(locale, staff.calendar_intro)}</p>
        {page.problem.then(|| view! { <div class="error-summary" role="alert" tabindex="-1" autofocus><p>{td_string!(locale, staff.admin_problem)}</p></div> })}
        <table>
            <thead><tr>
                <th scope="col">{td_string!(locale, staff.day)}</th>
                <th scope="col">{td_string!(locale, staff.name)}</th>
                <th scope="col">{td_string!(locale, staff.who)}</th>
                <th scope="col"><span class="visually-hidden">{td_string!(locale, staff.actions)}</span></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <h2>{td_string!(locale, staff.add_closure)}</h2>
        <form method="post" action="/staff/calendar" class="narrow">
            <div class="field">
                <label for="closure-day">{td_string!(locale, staff.day)}</label>
                <input id="closure-day" name="day" type="date" required min=page.today.with_day(1).unwrap_or(page.today).to_string() />
            </div>
            <div class="field">
                <label for="closure-name">{td_string!(locale, staff.name)}</label>
                <input id="closure-name" name="name" type="text" maxlength="100" required />
            </div>
            <p class="actions"><button type="submit" name="action" value=ClosureActionName::Add.code() class="button">{td_string!(locale, staff.add)}</button></p>
        </form>
    }
    .erase()
}
