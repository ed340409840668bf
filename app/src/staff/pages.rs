//! The staff pages, rendered on the server from the page state the
//! `server` crate provides (see the module above). Plain HTML forms post
//! back to the server; nothing here is an island.

use chrono::{Datelike, NaiveDate};
use domain::case::{CaseStatus, DeclineReason, ScheduleProblem, Step, Urgency};
use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    AREAS, CalendarPage, CaseDetail, CasePage, CaseProblem, DaySheetPage, LoginPage, LoginProblem,
    Notice, QueuePage, QueueSort, Role, SpecialistsPage, Staff, StaffPage,
};
use crate::Erase;
use crate::i18n::{Locale, td_string};
use crate::words;

/// Every `/staff` route: the page the server prepared.
#[component]
pub fn StaffRoute() -> impl IntoView {
    crate::no_store();
    let locale = crate::use_locale();
    let staff = use_context::<Staff>();
    let page = use_context::<StaffPage>();
    let body = match page {
        Some(StaffPage::Login(page)) => view! { <Login page /> }.into_any(),
        Some(StaffPage::Queue(page)) => view! { <Queue page /> }.into_any(),
        Some(StaffPage::DaySheet(page)) => view! { <DaySheet page /> }.into_any(),
        Some(StaffPage::Case(page)) => view! { <Case page=*page /> }.into_any(),
        Some(StaffPage::Specialists(page)) => view! { <Specialists page /> }.into_any(),
        Some(StaffPage::Calendar(page)) => view! { <ClosureDays page /> }.into_any(),
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

#[component]
fn Login(page: LoginPage) -> impl IntoView {
    let locale = crate::use_locale();
    let problem = page.problem.map(|problem| {
        let (class, text) = match problem {
            LoginProblem::Refused => ("error-summary", td_string!(locale, staff.login_refused)),
            LoginProblem::TooManyAttempts => {
                ("error-summary", td_string!(locale, staff.login_throttled))
            }
            LoginProblem::SignedOut => ("notice", td_string!(locale, staff.signed_out)),
        };
        view! { <div class=class role="alert" tabindex="-1" autofocus><p>{text}</p></div> }
    });
    view! {
        <Title text=td_string!(locale, staff.login_title).to_owned() />
        <h1>{td_string!(locale, staff.login_title)}</h1>
        {problem}
        <form method="post" action="/staff/login" class="narrow">
            <input type="hidden" name="next" value=page.next />
            <div class="field">
                <label for="login">{td_string!(locale, staff.login)}</label>
                <input id="login" name="login" type="text" autocomplete="username" required value=page.login />
            </div>
            <div class="field">
                <label for="password">{td_string!(locale, staff.password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
            </div>
            <p class="actions"><button type="submit" class="button">{td_string!(locale, staff.sign_in)}</button></p>
        </form>
    }
}

pub fn status_words(locale: Locale, status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Received => td_string!(locale, staff.status_received),
        CaseStatus::UnderReview => td_string!(locale, staff.status_under_review),
        CaseStatus::Scheduled => td_string!(locale, staff.status_scheduled),
        CaseStatus::Completed => td_string!(locale, staff.status_completed),
        CaseStatus::NoShow => td_string!(locale, staff.status_no_show),
        CaseStatus::Cancelled => td_string!(locale, staff.status_cancelled),
        CaseStatus::Declined => td_string!(locale, staff.status_declined),
    }
}

pub fn urgency_words(locale: Locale, urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::OnTrack => td_string!(locale, staff.urgency_on_track),
        Urgency::Due => td_string!(locale, staff.urgency_due),
        Urgency::Overdue => td_string!(locale, staff.urgency_overdue),
        Urgency::Closed => td_string!(locale, staff.urgency_closed),
    }
}

pub fn area_words(locale: Locale, area: &str) -> &'static str {
    match area {
        "cancer" => td_string!(locale, option.area_cancer),
        "cardiovascular" => td_string!(locale, option.area_cardiovascular),
        "cerebrovascular" => td_string!(locale, option.area_cerebrovascular),
        _ => td_string!(locale, option.area_other),
    }
}

pub fn decline_words(locale: Locale, reason: DeclineReason) -> &'static str {
    match reason {
        DeclineReason::PatientDoesNotAgree => {
            td_string!(locale, staff.decline_patient_does_not_agree)
        }
        DeclineReason::PresentDoctorDoesNotEncourage => {
            td_string!(locale, staff.decline_present_doctor_does_not_encourage)
        }
        DeclineReason::Transfer => td_string!(locale, staff.decline_transfer),
        DeclineReason::Litigation => td_string!(locale, staff.decline_litigation),
        DeclineReason::OutsideSpecialties => td_string!(locale, staff.decline_outside_specialties),
        DeclineReason::CouldNotContact => td_string!(locale, staff.decline_could_not_contact),
        DeclineReason::Other => td_string!(locale, staff.decline_other),
    }
}

fn schedule_problem_words(locale: Locale, problem: ScheduleProblem) -> &'static str {
    match problem {
        ScheduleProblem::NotAConsultationDay => {
            td_string!(locale, staff.schedule_not_a_consultation_day)
        }
        ScheduleProblem::OutsideHours => td_string!(locale, staff.schedule_outside_hours),
        ScheduleProblem::InThePast => td_string!(locale, staff.schedule_in_the_past),
        ScheduleProblem::OutsideWindowWithoutReason => {
            td_string!(locale, staff.schedule_outside_window_without_reason)
        }
    }
}

fn step_words(locale: Locale, step: Step) -> &'static str {
    match step {
        Step::StartReview => td_string!(locale, staff.step_start_review),
        Step::Schedule => td_string!(locale, staff.step_schedule),
        Step::Reschedule => td_string!(locale, staff.step_reschedule),
        Step::CancelAppointment => td_string!(locale, staff.step_cancel_appointment),
        Step::Complete => td_string!(locale, staff.step_complete),
        Step::NoShow => td_string!(locale, staff.step_no_show),
        Step::Decline => td_string!(locale, staff.step_decline),
    }
}

/// An audit line's action in words (its code if it has none).
fn audit_words(locale: Locale, action: &str) -> String {
    match action {
        "case_viewed" => td_string!(locale, staff.audit_case_viewed),
        "status_changed" => td_string!(locale, staff.audit_status_changed),
        "department_assigned" => td_string!(locale, staff.audit_department_assigned),
        "specialist_assigned" => td_string!(locale, staff.audit_specialist_assigned),
        "appointment_booked" => td_string!(locale, staff.audit_appointment_booked),
        "document_received" => td_string!(locale, staff.audit_document_received),
        "declined" => td_string!(locale, staff.audit_declined),
        "note_added" => td_string!(locale, staff.audit_note_added),
        other => return other.to_owned(),
    }
    .to_owned()
}

/// An audit line's value in words where it is a code the page knows.
fn audit_value(
    locale: Locale,
    action: &str,
    value: &str,
    specialists: &[super::Specialist],
    departments: &[super::Department],
) -> String {
    match action {
        "status_changed" => CaseStatus::from_code(value).map_or_else(
            || value.to_owned(),
            |status| status_words(locale, status).to_owned(),
        ),
        "declined" => DeclineReason::from_code(value).map_or_else(
            || value.to_owned(),
            |reason| decline_words(locale, reason).to_owned(),
        ),
        "specialist_assigned" => specialists
            .iter()
            .find(|s| s.id.to_string() == value)
            .map_or_else(|| value.to_owned(), |s| s.name.clone()),
        "department_assigned" => departments.iter().find(|d| d.code == value).map_or_else(
            || value.to_owned(),
            |d| {
                if locale == Locale::ja {
                    d.name_ja.clone()
                } else {
                    d.name_en.clone()
                }
            },
        ),
        "document_received" => value
            .split_once(": ")
            .and_then(|(code, on)| {
                let document = domain::Document::from_code(code)?;
                Some(format!("{}: {on}", words::document(locale, document)))
            })
            .unwrap_or_else(|| value.to_owned()),
        _ => value.to_owned(),
    }
}

/// `2026-12-03 (木)` / `Thu 3 Dec 2026`.
fn day(locale: Locale, date: NaiveDate) -> String {
    crate::format::date(locale, date)
}

#[component]
fn Queue(page: QueuePage) -> impl IntoView {
    let locale = crate::use_locale();
    let filters = page.filters.clone();
    let query = filters.to_query();
    let csv = if query.is_empty() {
        "/staff/export.csv".to_owned()
    } else {
        format!("/staff/export.csv?{query}")
    };
    let counts = page
        .counts
        .iter()
        .map(|(status, n)| {
            let mut only = filters.clone();
            only.status = Some(*status);
            only.page = 1;
            view! { <li><a href=only.page_link(1)>{status_words(locale, *status)} ": " <strong>{*n}</strong></a></li> }
        })
        .collect_view();
    let status_options = CaseStatus::ALL
        .iter()
        .map(|status| view! { <option value=status.code() selected=filters.status == Some(*status)>{status_words(locale, *status)}</option> })
        .collect_view();
    let area_options = AREAS
        .iter()
        .map(|area| view! { <option value=*area selected=filters.area.as_deref() == Some(*area)>{area_words(locale, area)}</option> })
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
    let rows = page
        .rows
        .into_iter()
        .map(|row| {
            let reference = row.reference.to_string();
            let class = format!("urgency-{}", row.urgency.code());
            view! {
                <tr class=class>
                    <td><a href=format!("/staff/cases/{}", row.reference.compact())>{reference}</a></td>
                    <td>{row.patient_name}{row.patient_name_reading.map(|r| view! { <br /><small>{r}</small> })}</td>
                    <td>{area_words(locale, &row.area)}</td>
                    <td>{row.contact_first.then(|| view! { <span class="flag">{td_string!(locale, staff.contact_first)}</span> })}</td>
                    <td>{status_words(locale, row.status)}
                        {row.appointment.map(|(d, t)| view! { <br /><small>{format!("{} {}", day(locale, d), t.format("%H:%M"))}</small> })}
                    </td>
                    <td>{day(locale, row.receipt_day)}</td>
                    <td>{row.age} " " <span class="urgency">{urgency_words(locale, row.urgency)}</span></td>
                </tr>
            }
        })
        .collect_view();
    let pager = (page.pages > 1).then(|| {
        let current = filters.page;
        view! {
            <nav class="pager" aria-label=td_string!(locale, staff.pages_label)>
                {(current > 1).then(|| view! { <a href=filters.page_link(current - 1) rel="prev">{td_string!(locale, staff.previous)}</a> })}
                <span>{format!("{current} / {}", page.pages)}</span>
                {(current < page.pages).then(|| view! { <a href=filters.page_link(current + 1) rel="next">{td_string!(locale, staff.next)}</a> })}
            </nav>
        }
    });
    view! {
        <Title text=td_string!(locale, staff.queue_title).to_owned() />
        <h1>{td_string!(locale, staff.queue_title)}</h1>
        <ul class="counts">{counts}</ul>
        <form method="get" action="/staff" class="filters">
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
                <a href=csv download>{td_string!(locale, staff.export_csv)}</a>
            </p>
        </form>
        <p>{td_string!(locale, staff.matching)} " " <strong data-testid="matching">{page.matching}</strong></p>
        <table class="queue">
            <caption class="visually-hidden">{td_string!(locale, staff.queue_title)}</caption>
            <thead>
                <tr>
                    <th scope="col">{td_string!(locale, staff.reference)}</th>
                    <th scope="col">{td_string!(locale, staff.patient)}</th>
                    <th scope="col">{td_string!(locale, staff.area)}</th>
                    <th scope="col">{td_string!(locale, staff.flag)}</th>
                    <th scope="col">{td_string!(locale, staff.status)}</th>
                    <th scope="col">{td_string!(locale, staff.receipt_day)}</th>
                    <th scope="col">{td_string!(locale, staff.age)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {pager}
    }
    .erase()
}

#[component]
fn DaySheet(page: DaySheetPage) -> impl IntoView {
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
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .erase()
}

fn problem_words(locale: Locale, problem: &CaseProblem) -> Vec<String> {
    match problem {
        CaseProblem::Stale { by, at } => vec![if by.is_empty() {
            td_string!(locale, staff.stale_unknown).to_owned()
        } else {
            td_string!(locale, staff.stale, name = by.clone(), time = at.clone()).to_string()
        }],
        CaseProblem::Refused(refused) => vec![
            td_string!(
                locale,
                staff.refused_step,
                step = step_words(locale, refused.step),
                status = status_words(locale, refused.from)
            )
            .to_string(),
        ],
        CaseProblem::Schedule(problems) => problems
            .iter()
            .map(|p| schedule_problem_words(locale, *p).to_owned())
            .collect(),
        CaseProblem::SpecialistBusy(other) => {
            let time = other.format("%H:%M").to_string();
            vec![td_string!(locale, staff.specialist_busy, time).to_string()]
        }
        CaseProblem::BadDateOrTime => vec![td_string!(locale, staff.bad_date_or_time).to_owned()],
        CaseProblem::DeclineNeedsText => {
            vec![td_string!(locale, staff.decline_needs_text).to_owned()]
        }
        CaseProblem::NoSpecialist => vec![td_string!(locale, staff.no_specialist).to_owned()],
        CaseProblem::BadNote => vec![td_string!(locale, staff.bad_note).to_owned()],
        CaseProblem::TooLong => vec![td_string!(locale, staff.too_long).to_owned()],
        CaseProblem::Closed => vec![td_string!(locale, staff.closed).to_owned()],
    }
}

#[component]
fn Case(page: CasePage) -> impl IntoView {
    let locale = crate::use_locale();
    let CasePage {
        case,
        problem,
        notice,
        departments,
        specialists,
        proposals,
        appointments,
        notes,
        audit,
        posted,
        today,
    } = page;
    let posted_value = move |name: &str| {
        posted
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let reference = case.reference.to_string();
    let action_path = format!("/staff/cases/{}", case.reference.compact());
    let title = format!("{} {}", td_string!(locale, staff.case_title), reference);
    let problem = problem.map(|problem| {
        let items = problem_words(locale, &problem)
            .into_iter()
            .map(|text| view! { <li>{text}</li> })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" autofocus>
                <h2>{td_string!(locale, staff.not_saved)}</h2>
                <ul>{items}</ul>
            </div>
        }
    });
    let notice = notice.map(|Notice::Saved| view! { <p class="notice" role="status">{td_string!(locale, staff.saved)}</p> });
    let version = case.version.to_string();
    let allowed = case.status.allowed_steps();
    let department_name = |code: &str| {
        departments.iter().find(|d| d.code == code).map_or_else(
            || code.to_owned(),
            |d| {
                if locale == Locale::ja {
                    d.name_ja.clone()
                } else {
                    d.name_en.clone()
                }
            },
        )
    };
    let assigned = case
        .specialist_id
        .and_then(|id| specialists.iter().find(|s| s.id == id))
        .map(|s| format!("{} ({})", s.name, department_name(&s.department)));

    let steps = [Step::StartReview, Step::Complete, Step::NoShow, Step::CancelAppointment]
        .into_iter()
        .filter(|step| allowed.contains(step))
        .map(|step| {
            view! {
                <form method="post" action=action_path.clone() class="inline">
                    <input type="hidden" name="version" value=version.clone() />
                    <button type="submit" name="action" value=step.code() class="button secondary">{step_words(locale, step)}</button>
                </form>
            }
        })
        .collect_view();

    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        {problem}
        {notice}
        <dl class="summary">
            <div><dt>{td_string!(locale, staff.status)}</dt><dd data-testid="case-status">{status_words(locale, case.status)}</dd></div>
            <div><dt>{td_string!(locale, staff.received_at)}</dt><dd>{case.received_at.clone()}</dd></div>
            <div><dt>{td_string!(locale, staff.window)}</dt><dd>{format!("{} → {} – {}", day(locale, case.window.receipt), day(locale, case.window.earliest), day(locale, case.window.latest))}</dd></div>
            <div><dt>{td_string!(locale, staff.specialist)}</dt><dd>{assigned.unwrap_or_else(|| "—".to_owned())}</dd></div>
            <div><dt>{td_string!(locale, staff.appointment)}</dt><dd data-testid="appointment">{case.appointment.map_or_else(|| "—".to_owned(), |(d, t)| format!("{} {}", day(locale, d), t.format("%H:%M")))}</dd></div>
            {case.decline.clone().map(|(reason, note)| view! {
                <div><dt>{td_string!(locale, staff.declined_because)}</dt><dd>{decline_words(locale, reason)}{note.map(|n| format!(": {n}"))}</dd></div>
            })}
            {case.updated.clone().map(|(by, at)| view! {
                <div><dt>{td_string!(locale, staff.last_change)}</dt><dd>{format!("{by}, {at}")}</dd></div>
            })}
        </dl>
        <div class="actions">{steps}</div>

        <Verdict case=case.clone() />

        <section aria-labelledby="documents-heading">
            <h2 id="documents-heading">{td_string!(locale, staff.documents)}</h2>
            <form method="post" action=action_path.clone()>
                <input type="hidden" name="version" value=version.clone() />
                <fieldset>
                    <legend>{td_string!(locale, staff.documents_received)}</legend>
                    {case.documents.iter().map(|(document, on)| {
                        let code = document.code();
                        view! {
                            <div class="document-row">
                                <input type="checkbox" id=format!("doc_{code}") name=format!("doc_{code}") checked=on.is_some() />
                                <label for=format!("doc_{code}")>{words::document(locale, *document)}</label>
                                <label class="visually-hidden" for=format!("doc_{code}_on")>{format!("{} {}", words::document(locale, *document), td_string!(locale, staff.received_on))}</label>
                                <input type="date" id=format!("doc_{code}_on") name=format!("doc_{code}_on") value=on.unwrap_or(today).to_string() max=today.to_string() />
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <p class="actions"><button type="submit" name="action" value="documents" class="button">{td_string!(locale, staff.save_documents)}</button></p>
            </form>
        </section>

        {case.status.is_open().then(|| view! {
            <section aria-labelledby="assign-heading">
                <h2 id="assign-heading">{td_string!(locale, staff.assign)}</h2>
                <form method="post" action=action_path.clone()>
                    <input type="hidden" name="version" value=version.clone() />
                    <div class="field">
                        <label for="specialist">{td_string!(locale, staff.specialist)}</label>
                        {specialists.iter().all(|s| !s.active).then(|| view! {
                            <p class="hint">{td_string!(locale, staff.no_specialists_yet)}</p>
                        })}
                        <select id="specialist" name="specialist">
                            {departments.iter().filter(|d| d.active).map(|d| {
                                let name = if locale == Locale::ja { d.name_ja.clone() } else { d.name_en.clone() };
                                let options = specialists.iter().filter(|s| s.active && s.department == d.code).map(|s| {
                                    view! { <option value=s.id.to_string() selected=case.specialist_id == Some(s.id)>{s.name.clone()}</option> }
                                }).collect_view();
                                view! { <optgroup label=name>{options}</optgroup> }
                            }).collect_view()}
                        </select>
                    </div>
                    <p class="actions"><button type="submit" name="action" value="assign" class="button">{td_string!(locale, staff.assign_button)}</button></p>
                </form>
            </section>
        })}

        {(allowed.contains(&Step::Schedule) || allowed.contains(&Step::Reschedule)).then(|| {
            let chosen_day = posted_value("day");
            let proposals_view = proposals.iter().map(|d| {
                let value = d.to_string();
                let checked = chosen_day == value;
                view! {
                    <div class="choice">
                        <input type="radio" id=format!("day-{value}") name="day" value=value.clone() checked=checked />
                        <label for=format!("day-{value}")>{day(locale, *d)}</label>
                    </div>
                }
            }).collect_view();
            let other_day = posted_value("other_day");
            let start = { let s = posted_value("start"); if s.is_empty() { "10:00".to_owned() } else { s } };
            view! {
                <section aria-labelledby="schedule-heading">
                    <h2 id="schedule-heading">{td_string!(locale, staff.schedule)}</h2>
                    <form method="post" action=action_path.clone()>
                        <input type="hidden" name="version" value=version.clone() />
                        <fieldset>
                            <legend>{td_string!(locale, staff.proposed_days)}</legend>
                            <p class="hint">{td_string!(locale, staff.proposed_days_hint)}</p>
                            {proposals_view}
                            {proposals.is_empty().then(|| view! { <p>{td_string!(locale, staff.no_proposals)}</p> })}
                        </fieldset>
                        <div class="field">
                            <label for="other-day">{td_string!(locale, staff.other_day)}</label>
                            <input id="other-day" name="other_day" type="date" value=other_day />
                        </div>
                        <div class="field">
                            <label for="start">{td_string!(locale, staff.start_time)}</label>
                            <p class="hint" id="start-hint">{td_string!(locale, staff.start_time_hint)}</p>
                            <input id="start" name="start" type="time" min="09:00" max="15:45" step="300" value=start aria-describedby="start-hint" />
                        </div>
                        <div class="field">
                            <label for="reason">{td_string!(locale, staff.reason_outside_window)}</label>
                            <textarea id="reason" name="reason" rows="2" maxlength="2000">{posted_value("reason")}</textarea>
                        </div>
                        <p class="actions"><button type="submit" name="action" value="schedule" class="button">{td_string!(locale, staff.book)}</button></p>
                    </form>
                </section>
            }
        })}

        {allowed.contains(&Step::Decline).then(|| view! {
            <section aria-labelledby="decline-heading">
                <h2 id="decline-heading">{td_string!(locale, staff.decline)}</h2>
                <form method="post" action=action_path.clone()>
                    <input type="hidden" name="version" value=version.clone() />
                    <div class="field">
                        <label for="decline-reason">{td_string!(locale, staff.decline_reason)}</label>
                        <select id="decline-reason" name="decline_reason">
                            {DeclineReason::ALL.iter().map(|r| view! { <option value=r.code() selected=posted_value("decline_reason") == r.code()>{decline_words(locale, *r)}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="decline-note">{td_string!(locale, staff.decline_note)}</label>
                        <textarea id="decline-note" name="decline_note" rows="2" maxlength="2000">{posted_value("decline_note")}</textarea>
                    </div>
                    <p class="actions"><button type="submit" name="action" value="decline" class="button danger">{td_string!(locale, staff.decline_button)}</button></p>
                </form>
            </section>
        })}

        <section aria-labelledby="answers-heading">
            <h2 id="answers-heading">{td_string!(locale, staff.answers)}</h2>
            <dl class="answers">
                {crate::check::answer_rows(locale, &case.answers).into_iter().map(|(_, label, value)| view! {
                    <div class="answer"><dt>{label}</dt><dd>{value.unwrap_or_default()}</dd></div>
                }).collect_view()}
            </dl>
        </section>

        {(!appointments.is_empty()).then(|| view! {
            <section aria-labelledby="appointments-heading">
                <h2 id="appointments-heading">{td_string!(locale, staff.appointments)}</h2>
                <ul>
                    {appointments.into_iter().map(|a| {
                        let ended = a.ended.map(|(how, by, at)| {
                            let how = if how == "cancelled" { td_string!(locale, staff.ended_cancelled) } else { td_string!(locale, staff.ended_rescheduled) };
                            format!(" — {how} ({by}, {at})")
                        });
                        view! { <li>{format!("{} {} ({}, {})", day(locale, a.day), a.start.format("%H:%M"), a.booked_by, a.booked_at)}{a.reason_outside_window.map(|r| format!(" [{r}]"))}{ended}</li> }
                    }).collect_view()}
                </ul>
            </section>
        })}

        <section aria-labelledby="notes-heading">
            <h2 id="notes-heading">{td_string!(locale, staff.notes)}</h2>
            <ul class="notes">
                {notes.into_iter().map(|n| view! { <li><small>{format!("{} — {}", n.at, n.author)}</small><p class="note-text">{n.text}</p></li> }).collect_view()}
            </ul>
            <form method="post" action=action_path.clone()>
                <div class="field">
                    <label for="note">{td_string!(locale, staff.new_note)}</label>
                    <textarea id="note" name="note" rows="3" maxlength="2000">{posted_value("note")}</textarea>
                </div>
                <p class="actions"><button type="submit" name="action" value="note" class="button secondary">{td_string!(locale, staff.add_note)}</button></p>
            </form>
        </section>

        <section aria-labelledby="audit-heading">
            <h2 id="audit-heading">{td_string!(locale, staff.audit)}</h2>
            <table class="audit">
                <thead><tr>
                    <th scope="col">{td_string!(locale, staff.when)}</th>
                    <th scope="col">{td_string!(locale, staff.who)}</th>
                    <th scope="col">{td_string!(locale, staff.what)}</th>
                    <th scope="col">{td_string!(locale, staff.from_to)}</th>
                </tr></thead>
                <tbody>
                    {audit.into_iter().map(|a| {
                        let detail = |value: Option<String>| value.map(|value| audit_value(locale, &a.action, &value, &specialists, &departments)).unwrap_or_default();
                        let change = format!("{} → {}", detail(a.before.clone()), detail(a.after.clone()));
                        view! {
                            <tr><td>{a.at.clone()}</td><td>{a.actor.clone()}</td><td>{audit_words(locale, &a.action)}</td><td>{change}</td></tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
    .erase()
}

/// The verdict and reasons, recomputed on the server.
#[component]
fn Verdict(case: CaseDetail) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        <section aria-labelledby="verdict-heading">
            <h2 id="verdict-heading">{td_string!(locale, staff.verdict)}</h2>
            {case.contact_first.then(|| view! { <p class="flag">{td_string!(locale, staff.contact_first)}</p> })}
            <crate::panel::VerdictReasons verdict=case.verdict links=false />
        </section>
    }
}

#[component]
fn Specialists(page: SpecialistsPage) -> impl IntoView {
    let locale = crate::use_locale();
    let department_name = |code: &str| {
        page.departments
            .iter()
            .find(|d| d.code == code)
            .map(|d| {
                if locale == Locale::ja {
                    d.name_ja.clone()
                } else {
                    d.name_en.clone()
                }
            })
            .unwrap_or_default()
    };
    let rows = page.specialists.iter().map(|s| {
        let id = s.id.to_string();
        let toggle = if s.active { ("deactivate", td_string!(locale, staff.deactivate)) } else { ("activate", td_string!(locale, staff.activate)) };
        let label = format!("{} {}", td_string!(locale, staff.name), s.name);
        view! {
            <tr>
                <td>
                    <form method="post" action="/staff/specialists" class="inline">
                        <input type="hidden" name="id" value=id.clone() />
                        <label class="visually-hidden" for=format!("name-{id}")>{label}</label>
                        <input id=format!("name-{id}") name="name" type="text" value=s.name.clone() maxlength="100" />
                        <button type="submit" name="action" value="rename" class="button secondary">{td_string!(locale, staff.rename)}</button>
                    </form>
                </td>
                <td>{department_name(&s.department)}</td>
                <td>{if s.active { td_string!(locale, staff.active) } else { td_string!(locale, staff.inactive) }}</td>
                <td>
                    <form method="post" action="/staff/specialists" class="inline">
                        <input type="hidden" name="id" value=id.clone() />
                        <button type="submit" name="action" value=toggle.0 class="button secondary">{toggle.1}</button>
                    </form>
                </td>
            </tr>
        }
    }).collect_view();
    view! {
        <Title text=td_string!(locale, staff.specialists_title).to_owned() />
        <h1>{td_string!(locale, staff.specialists_title)}</h1>
        {page.problem.then(|| view! { <div class="error-summary" role="alert" tabindex="-1" autofocus><p>{td_string!(locale, staff.admin_problem)}</p></div> })}
        <table>
            <thead><tr>
                <th scope="col">{td_string!(locale, staff.name)}</th>
                <th scope="col">{td_string!(locale, staff.department)}</th>
                <th scope="col">{td_string!(locale, staff.state)}</th>
                <th scope="col"><span class="visually-hidden">{td_string!(locale, staff.actions)}</span></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <h2>{td_string!(locale, staff.add_specialist)}</h2>
        <form method="post" action="/staff/specialists" class="narrow">
            <div class="field">
                <label for="new-name">{td_string!(locale, staff.name)}</label>
                <input id="new-name" name="name" type="text" maxlength="100" required />
            </div>
            <div class="field">
                <label for="new-department">{td_string!(locale, staff.department)}</label>
                <select id="new-department" name="department">
                    {page.departments.iter().filter(|d| d.active).map(|d| view! { <option value=d.code.clone()>{if locale == Locale::ja { d.name_ja.clone() } else { d.name_en.clone() }}</option> }).collect_view()}
                </select>
            </div>
            <p class="actions"><button type="submit" name="action" value="add" class="button">{td_string!(locale, staff.add_specialist)}</button></p>
        </form>
        <h2>{td_string!(locale, staff.departments)}</h2>
        <ul class="plain">
            {page.departments.iter().map(|d| {
                let state = if d.active { td_string!(locale, staff.active) } else { td_string!(locale, staff.inactive) };
                let toggle = if d.active { td_string!(locale, staff.deactivate) } else { td_string!(locale, staff.activate) };
                view! {
                    <li>
                        <form method="post" action="/staff/specialists" class="inline">
                            <span>{format!("{} / {} ({state})", d.name_ja, d.name_en)}</span>
                            <input type="hidden" name="code" value=d.code.clone() />
                            <button type="submit" name="action" value="toggle_department" class="button secondary">
                                {toggle}<span class="visually-hidden">{format!(" {}", d.name_en)}</span>
                            </button>
                        </form>
                    </li>
                }
            }).collect_view()}
        </ul>
        <h3>{td_string!(locale, staff.add_department)}</h3>
        <form method="post" action="/staff/specialists" class="narrow">
            <div class="field">
                <label for="department-code">{td_string!(locale, staff.department_code)}</label>
                <p class="hint" id="department-code-hint">{td_string!(locale, staff.department_code_hint)}</p>
                <input id="department-code" name="code" type="text" maxlength="32" pattern="[a-z_]+" aria-describedby="department-code-hint" required />
            </div>
            <div class="field">
                <label for="department-ja">{td_string!(locale, staff.department_name_ja)}</label>
                <input id="department-ja" name="name_ja" type="text" maxlength="100" required />
            </div>
            <div class="field">
                <label for="department-en">{td_string!(locale, staff.department_name_en)}</label>
                <input id="department-en" name="name_en" type="text" maxlength="100" required />
            </div>
            <p class="actions"><button type="submit" name="action" value="add_department" class="button">{td_string!(locale, staff.add_department)}</button></p>
        </form>
    }
    .erase()
}

#[component]
fn ClosureDays(page: CalendarPage) -> impl IntoView {
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
                        <button type="submit" name="action" value="remove" class="button secondary">{td_string!(locale, staff.remove)}</button>
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
            <p class="actions"><button type="submit" name="action" value="add" class="button">{td_string!(locale, staff.add)}</button></p>
        </form>
    }
    .erase()
}
