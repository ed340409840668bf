//! `/staff`: the queue with its counts, filters, pages and CSV export.

use domain::case::CaseStatus;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{Needs, QueueFilters, QueuePage, QueueSort};
use crate::Erase;
use crate::area::AreaCode;
use crate::i18n::td_string;
use crate::staff::frame::day;
use crate::staff::words as staff_words;

#[component]
pub(super) fn Queue(page: QueuePage) -> impl IntoView {
    let locale = crate::use_locale();
    let filters = page.filters.clone();
    let counts = page
        .counts
        .clone()
        .into_iter()
        .map(|(status, n)| {
            let mut only = filters.clone();
            only.status = Some(status);
            only.page = 1;
            view! { <li><QueueLink filters=only page=1>{staff_words::status(locale, status)} ": " <strong>{n}</strong></QueueLink></li> }
        })
        .collect_view();
    let rows = page
        .rows
        .into_iter()
        .map(|row| {
            let reference = row.reference.to_string();
            let class = format!("urgency-{}", row.urgency.code());
            let next = row.next.map(|next| view! { <NextStep next /> });
            view! {
                <tr class=class>
                    <td><a href=format!("/staff/cases/{}", row.reference.compact())>{reference}</a></td>
                    <td>
                        {row.patient_name}{row.patient_name_reading.map(|r| view! { <br /><small>{r}</small> })}
                        {row.reduced_on.map(|on| view! { <span class="flag" data-testid="reduced">{td_string!(locale, staff.reduced_flag, on = day(locale, on)).to_string()}</span> })}
                    </td>
                    <td>{staff_words::area(locale, row.area)}</td>
                    <td>
                        {row.contact_first.then(|| view! { <span class="flag">{td_string!(locale, staff.contact_first)}</span> })}
                        {row.to_call.then(|| view! {
                            <span class="flag" data-testid="to-call">{td_string!(locale, staff.to_call)}</span>
                            {row.last_call.clone().map(|(outcome, at)| view! {
                                <br /><small data-testid="calls-made">{td_string!(locale, staff.calls_made, count = row.calls, outcome = staff_words::call_outcome(locale, outcome), at = at).to_string()}</small>
                            })}
                        })}
                        {row.patient_answer.map(|answer| view! {
                            <span class="flag" data-testid="patient-answer">{staff_words::staff_answer(locale, answer)}</span>
                        })}
                        {row.mail_failed.then(|| view! { <span class="flag" data-testid="mail-failed">{td_string!(locale, staff.mail_failed)}</span> })}
                        {(row.open_requests > 0).then(|| view! { <span class="flag" data-testid="documents-requested">{td_string!(locale, staff.documents_requested_flag)}</span> })}
                        {row.report.map(|clock| {
                            let late = matches!(clock, domain::report::ReportClock::Overdue(_));
                            view! { <span class="flag report-clock" class:late=late data-testid="report-clock">{staff_words::report_clock(locale, clock)}</span> }
                        })}
                    </td>
                    <td>{staff_words::status(locale, row.status)}
                        {row.appointment.map(|(d, t)| view! { <br /><small>{format!("{} {}", day(locale, d), t.format("%H:%M"))}</small> })}
                    </td>
                    <td>{day(locale, row.receipt_day)}</td>
                    <td>{row.age} " " <span class="urgency">{staff_words::urgency(locale, row.urgency)}</span></td>
                    <td>{next}</td>
                </tr>
            }
        })
        .collect_view();
    let pager = (page.pages > 1).then(|| {
        let current = filters.page;
        view! {
            <nav class="pager" aria-label=td_string!(locale, staff.pages_label)>
                {(current > 1).then(|| view! { <QueueLink filters=filters.clone() page=current - 1 rel="prev">{td_string!(locale, staff.previous)}</QueueLink> })}
                <span>{format!("{current} / {}", page.pages)}</span>
                {(current < page.pages).then(|| view! { <QueueLink filters=filters.clone() page=current + 1 rel="next">{td_string!(locale, staff.next)}</QueueLink> })}
            </nav>
        }
    });
    view! {
        <Title text=td_string!(locale, staff.queue_title).to_owned() />
        <h1>{td_string!(locale, staff.queue_title)}</h1>
        <ScanBox missed=page.scan_missed.clone() />
        {page.new_requests_refused.then(|| view! {
            <p class="flag" role="alert" data-testid="new-requests-refused">
                {td_string!(locale, staff.new_requests_refused, ceiling = page.new_request_ceiling).to_string()}
            </p>
        })}
        {(page.mail_waiting > 0).then(|| view! {
            <p class="flag" data-testid="mail-waiting">
                {td_string!(locale, staff.mail_waiting, count = page.mail_waiting).to_string()}
            </p>
        })}
        <ul class="counts">{counts}</ul>
        <Filters filters=filters.clone() />
        <p>{td_string!(locale, staff.matching)} " " <strong data-testid="matching">{page.matching}</strong></p>
        <table class="queue">
            <caption class="visually-hidden">{td_string!(locale, staff.queue_title)}</caption>
            <QueueHead />
            <tbody>{rows}</tbody>
        </table>
        {pager}
    }
    .erase()
}

/// The queue's column headings.
#[component]
fn QueueHead() -> impl IntoView {
    let locale = crate::use_locale();
    view! {
    <thead>
        <tr>
            <th scope="col">{td_string!(locale, staff.reference)}</th>
            <th scope="col">{td_string!(locale, staff.patient)}</th>
            <th scope="col">{td_string!(locale, staff.area)}</th>
            <th scope="col">{td_string!(locale, staff.flag)}</th>
            <th scope="col">{td_string!(locale, staff.status)}</th>
            <th scope="col">{td_string!(locale, staff.receipt_day)}</th>
            <th scope="col">{td_string!(locale, staff.age)}</th>
            <th scope="col">{td_string!(locale, staff.next_step)}</th>
        </tr>
    </thead>
    }
}

/// The step a case owes next, its due day and how that stands: in words,
/// coloured for a glance.
#[component]
fn NextStep(next: super::NextDue) -> impl IntoView {
    let locale = crate::use_locale();
    let class = format!("next-step due-{}", next.timeliness.code());
    view! {
        <span class=class data-testid="next-step" data-due=next.due.to_string() data-timeliness=next.timeliness.code()>
            <strong>{staff_words::next_step(locale, next.step)}</strong>
            " · " {staff_words::next_due(locale, next.due, next.timeliness, next.days)}
            " " <span class="visually-hidden">{format!("({})", staff_words::timeliness(locale, next.timeliness))}</span>
        </span>
    }
}

/// Another view of the queue: a link, or, while the filters hold a search
/// (a name, which never goes in a URL), a button posting them.
#[component]
fn QueueLink(
    filters: QueueFilters,
    page: u32,
    #[prop(optional)] rel: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    use leptos::either::Either;
    if filters.search.is_empty() {
        return Either::Left(view! { <a href=filters.page_link(page) rel=rel>{children()}</a> });
    }
    Either::Right(view! {
        <form method="post" action="/staff" class="inline">
            <Hidden filters />
            <input type="hidden" name="page" value=page.to_string() />
            <button type="submit" class="link-button" data-rel=rel>{children()}</button>
        </form>
    })
}

/// The filters as hidden inputs.
#[component]
fn Hidden(filters: QueueFilters) -> impl IntoView {
    filters
        .pairs()
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view()
}

/// The queue's filters: a search, the status, the area, the receipt days
/// and the order, with the CSV of what they find. Posted: the search may
/// be a name.
#[component]
fn Filters(filters: QueueFilters) -> impl IntoView {
    let locale = crate::use_locale();
    let status_options = CaseStatus::ALL
        .iter()
        .map(|status| view! { <option value=status.code() selected=filters.status == Some(*status)>{staff_words::status(locale, *status)}</option> })
        .collect_view();
    let area_options = AreaCode::ALL
        .iter()
        .map(|area| view! { <option value=area.code() selected=filters.area == Some(*area)>{staff_words::area(locale, *area)}</option> })
        .collect_view();
    let needs_options = Needs::ALL
        .iter()
        .map(|needs| {
            let words = match needs {
                Needs::ReportOverdue => td_string!(locale, staff.needs_report_overdue),
                Needs::ReportDueSoon => td_string!(locale, staff.needs_report_due_soon),
                Needs::DocumentsRequested => td_string!(locale, staff.needs_documents_requested),
                Needs::StepLate => td_string!(locale, staff.needs_step_late),
                Needs::StepDueSoon => td_string!(locale, staff.needs_step_due_soon),
            };
            view! { <option value=needs.code() selected=filters.needs == Some(*needs)>{words}</option> }
        })
        .collect_view();
    let sort_options = QueueSort::ALL
        .iter()
        .map(|sort| {
            let words = match sort {
                QueueSort::Oldest => td_string!(locale, staff.sort_oldest),
                QueueSort::Newest => td_string!(locale, staff.sort_newest),
                QueueSort::Reference => td_string!(locale, staff.sort_reference),
                QueueSort::Name => td_string!(locale, staff.sort_name),
            };
            view! { <option value=sort.code() selected=filters.sort == *sort>{words}</option> }
        })
        .collect_view();
    view! {
    <form method="post" action="/staff" class="filters">
        <div class="field">
            <label for="q">{td_string!(locale, staff.search)}</label>
            <input id="q" name="q" type="search" value=filters.search.clone() />
        </div>
        <div class="field">
            <label for="status">{td_string!(locale, staff.status)}</label>
            <select id="status" name="status">
                <option value="">{td_string!(locale, staff.any)}</option>
                {status_options}
            </select>
        </div>
        <div class="field">
            <label for="area">{td_string!(locale, staff.area)}</label>
            <select id="area" name="area">
                <option value="">{td_string!(locale, staff.any)}</option>
                {area_options}
            </select>
        </div>
        <div class="field">
            <label for="needs">{td_string!(locale, staff.needs)}</label>
            <select id="needs" name="needs">
                <option value="">{td_string!(locale, staff.any)}</option>
                {needs_options}
            </select>
        </div>
        <div class="field">
            <label for="from">{td_string!(locale, staff.received_from)}</label>
            <input id="from" name="from" type="date" value=filters.from.map(|d| d.to_string()) />
        </div>
        <div class="field">
            <label for="to">{td_string!(locale, staff.received_to)}</label>
            <input id="to" name="to" type="date" value=filters.to.map(|d| d.to_string()) />
        </div>
        <div class="field">
            <label for="sort">{td_string!(locale, staff.sort)}</label>
            <select id="sort" name="sort">{sort_options}</select>
        </div>
        <p class="actions">
            <button type="submit" class="button">{td_string!(locale, staff.apply)}</button>
            <a href="/staff">{td_string!(locale, staff.clear)}</a>
            <button type="submit" class="link-button" formaction="/staff/export.csv">
                {td_string!(locale, staff.export_csv)}
            </button>
        </p>
    </form>
    }
}

/// The scan box at counter 1: it has the focus when the page opens, so a
/// USB barcode scanner (which types the reference and Enter) opens the
/// case at once.
#[component]
fn ScanBox(missed: Option<String>) -> impl IntoView {
    let locale = crate::use_locale();
    let described = if missed.is_some() {
        "scan-hint scan-missed"
    } else {
        "scan-hint"
    };
    view! {
        <form method="post" action="/staff/scan" class="scan-box">
            <label for="scan">{td_string!(locale, staff.scan_label)}</label>
            <p class="hint" id="scan-hint">{td_string!(locale, staff.scan_hint)}</p>
            {missed.clone().map(|typed| view! {
                <p class="field-error" id="scan-missed" role="alert">
                    {td_string!(locale, staff.scan_missed, typed).to_string()}
                </p>
            })}
            <input
                id="scan"
                name="reference"
                type="text"
                autocomplete="off"
                autocapitalize="characters"
                spellcheck="false"
                autofocus
                aria-describedby=described
                value=missed.unwrap_or_default()
            />
            <button type="submit" class="button">{td_string!(locale, staff.scan_open)}</button>
        </form>
    }
}
