//! `/staff/day-sheet`: a day's appointments, printable, with the documents
//! each patient brings.

use leptos::prelude::*;
use leptos_meta::Title;

use super::DaySheetPage;
use crate::Erase;
use crate::i18n::td_string;
use crate::staff::frame::day;
use crate::staff::words as staff_words;
use crate::words;

#[component]
pub fn DaySheet(page: DaySheetPage) -> impl IntoView {
    let locale = crate::use_locale();
    let heading = format!(
        "{}: {}",
        td_string!(locale, staff.day_sheet_title),
        day(locale, page.day)
    );
    let empty = page.rows.is_empty();
    let rows = page
        .rows
        .into_iter()
        .map(|row| {
            let documents = row
                .documents
                .into_iter()
                .map(|(document, handed_in)| {
                    let mark = if handed_in { "☑ " } else { "☐ " };
                    view! { <li>{mark}{words::document(locale, document)}</li> }
                })
                .collect_view();
            view! {
                <tr>
                    <td>{row.start.format("%H:%M").to_string()}</td>
                    <td><a href=format!("/staff/cases/{}", row.reference.compact())>{row.reference.to_string()}</a></td>
                    <td>{row.patient_name}</td>
                    <td>{row.department}<br />{row.specialist}</td>
                    <td>{row.interpreter}</td>
                    <td><ul class="plain">{documents}</ul></td>
                    <td data-testid="visit-progress">
                        {staff_words::status(locale, row.status)}
                        {row.arrived.map(|at| view! { <br />{td_string!(locale, staff.arrived_at, time = at).to_string()} })}
                        {row.paid.then(|| view! { <br />{td_string!(locale, staff.fee_paid)} })}
                        {row.report.map(|clock| {
                            let late = matches!(clock, domain::report::ReportClock::Overdue(_));
                            view! { <br /><span class="report-clock" class:late=late data-testid="report-clock">{staff_words::report_clock(locale, clock)}</span> }
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Title text=heading.clone() />
        <h1>{heading}</h1>
        <form method="get" action="/staff/day-sheet" class="filters no-print">
            <div class="field">
                <label for="day">{td_string!(locale, staff.day)}</label>
                <input id="day" name="day" type="date" value=page.day.to_string() />
            </div>
            <p class="actions"><button type="submit" class="button">{td_string!(locale, staff.show)}</button></p>
        </form>
        {empty.then(|| view! { <p>{td_string!(locale, staff.no_appointments)}</p> })}
        <table class="day-sheet">
            <thead>
                <tr>
                    <th scope="col">{td_string!(locale, staff.time)}</th>
                    <th scope="col">{td_string!(locale, staff.reference)}</th>
                    <th scope="col">{td_string!(locale, staff.patient)}</th>
                    <th scope="col">{td_string!(locale, staff.specialist)}</th>
                    <th scope="col">{td_string!(locale, staff.interpreter)}</th>
                    <th scope="col">{td_string!(locale, staff.documents)}</th>
                    <th scope="col">{td_string!(locale, staff.visit_progress)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .erase()
}
