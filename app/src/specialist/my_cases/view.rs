//! My cases: a card per case, in the order to work them.

use leptos::prelude::*;
use leptos_meta::Title;

use super::MyCasesPage;
use crate::Erase;
use crate::i18n::td_string;
use crate::staff::frame::day;
use crate::staff::words as staff_words;
use crate::words;

#[component]
pub(super) fn MyCases(page: MyCasesPage) -> impl IntoView {
    let locale = crate::use_locale();
    let title = td_string!(locale, staff.my_cases_title);
    let empty = page.cases.is_empty();
    let cards = page
        .cases
        .into_iter()
        .map(|case| {
            let href = format!("/staff/cases/{}", case.reference.compact());
            let heading = format!("{} — {}", case.reference, case.patient_name);
            let when = case.appointment.map(|(d, t)| {
                let text = format!("{} {}", day(locale, d), t.format("%H:%M"));
                let until = case.days_to_visit.map(|days| match days {
                    0 => td_string!(locale, staff.visit_today).to_owned(),
                    days if days > 0 => td_string!(locale, staff.visit_in, days).to_string(),
                    _ => String::new(),
                });
                view! { <p><strong>{text}</strong> " " {until}</p> }
            });
            let clock = case.report.map(|clock| {
                let late = matches!(clock, domain::report::ReportClock::Overdue(_));
                view! { <p class="report-clock" class:late=late data-testid="report-clock">{staff_words::report_clock(locale, clock)}</p> }
            });
            let documents = case
                .documents
                .iter()
                .map(|(document, got)| {
                    let mark = if *got { "☑ " } else { "☐ " };
                    let state = if *got {
                        td_string!(locale, staff.document_in)
                    } else {
                        td_string!(locale, staff.document_missing)
                    };
                    view! { <li>{mark}{words::document(locale, *document)} " (" {state} ")"</li> }
                })
                .collect_view();
            view! {
                <li class="my-case" data-testid="my-case">
                    <h2><a href=href>{heading}</a></h2>
                    <p>{staff_words::status(locale, case.status)}
                        {(!case.reviewed && case.report.is_none()).then(|| view! { " · " <span class="flag">{td_string!(locale, staff.not_reviewed)}</span> })}
                        {case.drafting.then(|| view! { " · " {td_string!(locale, staff.drafting)} })}
                        {case.resend.then(|| view! { " · " <span class="flag">{td_string!(locale, staff.next_resend)}</span> })}
                    </p>
                    {when}
                    {clock}
                    <dl class="answers">
                        <div class="answer"><dt>{td_string!(locale, field.diagnosis)}</dt><dd class="note-text">{case.diagnosis}</dd></div>
                        <div class="answer"><dt>{td_string!(locale, field.questions)}</dt><dd class="note-text">{case.questions}</dd></div>
                    </dl>
                    <ul class="plain">{documents}</ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=title.to_owned() />
        <h1>{title}</h1>
        {empty.then(|| view! { <p>{td_string!(locale, staff.my_cases_empty)}</p> })}
        <ul class="plain my-cases">{cards}</ul>
    }
    .erase()
}
