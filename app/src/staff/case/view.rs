//! `/staff/cases/<reference>`: a case with its answers, verdict, documents,
//! assignment, scheduling, decline, notes and audit trail.

use chrono::NaiveDate;
use domain::Arrival;
use domain::case::{Because, CaseStatus, DeclineReason, Step};
use domain::contact::CallOutcome;
use leptos::prelude::*;
use leptos_meta::Title;

use super::parts::{Section, posted_value};
use super::{
    AppointmentRow, AuditRow, CallRow, CaseActionName, CaseDetail, CasePage, DocumentState, Note,
    Notice,
};
use crate::Erase;
use crate::i18n::{Locale, td_string};
use crate::message::{MessageRow, MessageStatus};
use crate::staff::frame::{day, department_name};
use crate::staff::words as staff_words;
use crate::staff::{CaseProblem, Department, Specialist, StaffError};
use crate::ui::answers::answer_rows;
use crate::ui::verdict::VerdictReasons;
use crate::words;

/// An audit line's value in words where it is a code the page knows.
fn audit_value(
    locale: Locale,
    action: &str,
    value: &str,
    specialists: &[Specialist],
    departments: &[Department],
) -> String {
    match action {
        "status_changed" => CaseStatus::from_code(value).map_or_else(
            || value.to_owned(),
            |status| staff_words::status(locale, status).to_owned(),
        ),
        "declined" => DeclineReason::from_code(value).map_or_else(
            || value.to_owned(),
            |reason| words::decline(locale, reason).to_owned(),
        ),
        "call_recorded" => CallOutcome::from_code(value).map_or_else(
            || value.to_owned(),
            |outcome| staff_words::call_outcome(locale, outcome).to_owned(),
        ),
        "message_queued" | "message_sent_again" | "message_failed" => {
            crate::message::MessageKind::from_code(value).map_or_else(
                || value.to_owned(),
                |kind| staff_words::message_kind(locale, kind).to_owned(),
            )
        }
        "specialist_assigned" => specialists
            .iter()
            .find(|s| s.id.to_string() == value)
            .map_or_else(|| value.to_owned(), |s| s.name.clone()),
        "department_assigned" => departments
            .iter()
            .find(|d| d.code == value)
            .map_or_else(|| value.to_owned(), |d| department_name(locale, d)),
        "document_received" => value
            .split_once(": ")
            .and_then(|(code, rest)| {
                let document = domain::Document::from_code(code)?;
                let rest: Vec<String> = rest
                    .split(' ')
                    .map(|part| match (Arrival::from_code(part), part) {
                        (Some(arrival), _) => staff_words::arrival(locale, arrival).to_owned(),
                        (None, "readable") => td_string!(locale, staff.cd_yes).to_owned(),
                        (None, "unreadable") => td_string!(locale, staff.cd_no).to_owned(),
                        (None, other) => other.to_owned(),
                    })
                    .collect();
                Some(format!(
                    "{}: {}",
                    words::document(locale, document),
                    rest.join(", ")
                ))
            })
            .unwrap_or_else(|| value.to_owned()),
        _ => value.to_owned(),
    }
}

/// Why the change was not saved, in words: one line per reason.
fn problem_words(locale: Locale, problem: &StaffError) -> Vec<String> {
    match problem {
        StaffError::Stale { by, at } => vec![if by.is_empty() {
            td_string!(locale, staff.stale_unknown).to_owned()
        } else {
            td_string!(locale, staff.stale, name = by.clone(), time = at.clone()).to_string()
        }],
        StaffError::Refused(problem) => case_problem_words(locale, problem),
        // Answered by a response of their own, never shown on the case.
        StaffError::BadForm | StaffError::Unusable => {
            vec![td_string!(locale, app_error.bad_request).to_owned()]
        }
        StaffError::NotFound | StaffError::Forbidden | StaffError::Reduced(_) => {
            vec![td_string!(locale, app_error.not_found).to_owned()]
        }
        StaffError::Busy => vec![td_string!(locale, app_error.busy).to_owned()],
        StaffError::DiskFull => vec![td_string!(locale, staff.disk_full).to_owned()],
        StaffError::Internal => vec![td_string!(locale, app_error.internal).to_owned()],
    }
}

fn case_problem_words(locale: Locale, problem: &CaseProblem) -> Vec<String> {
    match problem {
        CaseProblem::Refused(refused) if refused.because == Because::Flow => vec![
            td_string!(
                locale,
                staff.refused_step,
                step = staff_words::step(locale, refused.step),
                status = staff_words::status(locale, refused.from)
            )
            .to_string(),
        ],
        CaseProblem::Refused(refused) => {
            vec![staff_words::because(locale, refused.because).to_owned()]
        }
        CaseProblem::Schedule(problems) => problems
            .iter()
            .map(|p| staff_words::schedule_problem(locale, *p).to_owned())
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
        CaseProblem::NoCallOutcome => vec![td_string!(locale, staff.no_call_outcome).to_owned()],
        CaseProblem::NotSendable => vec![td_string!(locale, staff.not_sendable).to_owned()],
        CaseProblem::NotTheDay => vec![td_string!(locale, staff.not_the_day).to_owned()],
        CaseProblem::NoWhoCame => vec![td_string!(locale, staff.no_who_came).to_owned()],
        CaseProblem::CheckIn(missing) => missing
            .iter()
            .map(|p| staff_words::check_in_problem(locale, *p).to_owned())
            .collect(),
        CaseProblem::NoPaymentMethod => {
            vec![td_string!(locale, staff.no_payment_method).to_owned()]
        }
        CaseProblem::NoPayer => vec![td_string!(locale, staff.no_payer).to_owned()],
        CaseProblem::AlreadyPaid(first) => {
            vec![td_string!(locale, staff.already_paid, number = first.to_string()).to_string()]
        }
        CaseProblem::Consultation(problems) => problems
            .iter()
            .map(|p| staff_words::consultation_problem(locale, *p).to_owned())
            .collect(),
        CaseProblem::NoSendingMethod => {
            vec![td_string!(locale, staff.no_sending_method).to_owned()]
        }
        CaseProblem::DocumentRequest(problems) => problems
            .iter()
            .map(|p| staff_words::document_request_problem(locale, *p).to_owned())
            .collect(),
    }
}

/// The case's working sections in the order the viewer's role needs them:
/// reception starts with the day and the report, a specialist with the
/// request, then the visit's preparation, the day and the report.
#[component]
fn Sections(page: CasePage, action_path: String, version: String) -> impl IntoView {
    let reception = page.viewer.works_reception();
    let case = &page.case;
    let status = case.status;
    let day_matters = matches!(
        status,
        CaseStatus::Scheduled | CaseStatus::Seen | CaseStatus::Reported
    ) || page.visit.is_some();
    let report_matters =
        matches!(status, CaseStatus::Seen | CaseStatus::Reported) || !page.reports.is_empty();

    // The sections, each folded unless the role needs it now.
    let (path, ver) = (&action_path, &version);
    let the_day = day_matters.then(|| {
        let (page, action_path, version) = (page.clone(), path.clone(), ver.clone());
        view! { <super::day::TheDay page action_path version /> }
    });
    let report = report_matters.then(|| {
        let (page, action_path, version) = (page.clone(), path.clone(), ver.clone());
        view! { <super::day::Report page action_path version /> }
    });
    let before = (if reception {
        !page.requests.is_empty() || page.decline_proposal.is_some()
    } else {
        status.is_open() || !page.requests.is_empty()
    })
    .then(|| {
        let (page, action_path) = (page.clone(), path.clone());
        view! { <super::day::BeforeTheVisit page action_path /> }
    });
    let reception_sections = reception.then(|| {
        let (page, action_path, version) = (page.clone(), path.clone(), ver.clone());
        view! { <ReceptionSections page action_path version /> }
    });
    let request = (!reception).then(|| view! { <TheRequest case=case.clone() /> });
    let (first, second) = if reception {
        ((the_day, report), (None, None))
    } else {
        ((None, None), (the_day, report))
    };
    let (reception_before, specialist_before) = if reception {
        (before, None)
    } else {
        (None, before)
    };
    let sections = view! {
        {first.0}
        {first.1}
        {reception_before}
        {reception_sections}
        {request}
        {specialist_before}
        {second.0}
        {second.1}
    };
    sections
}

/// What reception does with the case before the visit: documents, the
/// specialist, the appointment, calls, declining, and the messages sent.
#[component]
fn ReceptionSections(page: CasePage, action_path: String, version: String) -> impl IntoView {
    let locale = crate::use_locale();
    let case = &page.case;
    let status = case.status;
    let steps_now = status.steps_now(&page.progress);
    let before_visit = matches!(status, CaseStatus::Received | CaseStatus::UnderReview);
    let can_decline = status.after(Step::Decline).is_ok();
    let (path, ver) = (&action_path, &version);
    let documents = {
        let (documents, action_path, version) = (case.documents.clone(), path.clone(), ver.clone());
        let open = status.is_open() && status != CaseStatus::Seen;
        view! { <Documents documents action_path version today=page.today open /> }
    };
    let assign = status.is_open().then(|| {
        let (specialists, departments) = (page.specialists.clone(), page.departments.clone());
        let (action_path, version) = (path.clone(), ver.clone());
        view! { <Assign specialists departments assigned=case.specialist_id action_path version open=before_visit /> }
    });
    let schedule = (steps_now.contains(&Step::Schedule) || steps_now.contains(&Step::Reschedule)).then(|| {
        let (proposals, action_path, version, posted) = (page.proposals.clone(), path.clone(), ver.clone(), page.posted.clone());
        view! { <Schedule proposals action_path version posted open=status == CaseStatus::UnderReview /> }
    });
    let calls = {
        let (calls, action_path, posted) = (page.calls.clone(), path.clone(), page.posted.clone());
        view! { <Calls calls action_path open=can_decline posted /> }
    };
    let decline = can_decline.then(|| {
        let (action_path, version, posted) = (path.clone(), ver.clone(), page.posted.clone());
        let propose_declining = page.propose_declining || page.decline_proposal.is_some();
        let proposed = page.decline_proposal.as_ref().map(|(reason, _, _)| *reason);
        let flag = page.propose_declining.then(|| view! {
            <p class="flag" data-testid="propose-declining">{td_string!(locale, staff.propose_declining)}</p>
        });
        view! {
            <Section id="decline" title=td_string!(locale, staff.decline).to_owned() open=true>
                {flag}
                <Decline action_path version posted propose_declining proposed />
            </Section>
        }
    });
    let messages = {
        let (messages, action_path) = (page.messages.clone(), path.clone());
        view! { <Messages messages mail_sending=page.mail_sending action_path /> }
    };
    view! { {documents} {assign} {schedule} {calls} {decline} {messages} }
}

/// What stays in view beside the sections (at 1280 px and wider): the
/// next step with its buttons, the report's clock, the case's summary.
#[component]
fn CaseAside(
    next: String,
    steps: Option<AnyView>,
    clock: Option<(String, String, domain::report::ReportClock)>,
    case: CaseDetail,
    assigned: Option<String>,
) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
            <aside class="case-aside" aria-labelledby="glance-heading">
                <h2 id="glance-heading" class="visually-hidden">{td_string!(locale, staff.at_a_glance)}</h2>
                <div class="next-step" data-testid="next-step">
                    <p class="next-label">{td_string!(locale, staff.next_label)}</p>
                    <p>{next}</p>
                    <div class="actions">{steps}</div>
                </div>
                {clock.map(|(due, text, clock)| {
                    let late = matches!(clock, domain::report::ReportClock::Overdue(_));
                    view! {
                        <p class="report-clock" class:late=late data-testid="report-clock">
                            {text} <br /><small>{td_string!(locale, staff.report_due_on, day = due).to_string()}</small>
                        </p>
                    }
                })}
                <Summary case=case.clone() assigned />
            </aside>
    }
}

/// What the aside offers beside the next step: reception's steps that
/// only move the status, as buttons; the specialist's way to the report
/// once it is theirs to write.
fn aside_steps(page: &CasePage, action_path: &str, version: &str) -> Option<AnyView> {
    let locale = crate::use_locale();
    let reception = page.viewer.works_reception();
    let status = page.case.status;
    let steps_now = status.steps_now(&page.progress);
    let writes = !reception
        && matches!(status, CaseStatus::Seen | CaseStatus::Reported)
        && (page.progress.signed.is_none() || page.progress.draft);
    if writes {
        let href = format!("{action_path}/report");
        return Some(
            view! { <a class="button" href=href>{td_string!(locale, staff.report_write)}</a> }
                .into_any(),
        );
    }
    reception.then(|| {
        [Step::StartReview, Step::NoShow, Step::CancelAppointment]
            .into_iter()
            .filter(|step| steps_now.contains(step))
            .filter_map(|step| Some((step, CaseActionName::of_step(step)?)))
            .map(|(step, name)| {
                view! {
                    <form method="post" action=action_path.to_owned() class="inline">
                        <input type="hidden" name="version" value=version.to_owned() />
                        <button type="submit" name="action" value=name.code() class="button secondary">{staff_words::step(locale, step)}</button>
                    </form>
                }
            })
            .collect_view()
            .into_any()
    })
}

#[component]
pub(super) fn Case(page: CasePage) -> impl IntoView {
    let locale = crate::use_locale();
    let case = page.case.clone();
    let reference = case.reference.to_string();
    let action_path = format!("/staff/cases/{}", case.reference.compact());
    let title = format!("{} {}", td_string!(locale, staff.case_title), reference);
    let problem = page
        .problem
        .clone()
        .map(|problem| view! { <NotSaved problem /> });
    let notice = page.notice.map(|Notice::Saved| view! { <p class="notice" role="status">{td_string!(locale, staff.saved)}</p> });
    let version = case.version.to_string();
    let reception = page.viewer.works_reception();
    let status = case.status;
    let department_of = |code: &str| {
        page.departments
            .iter()
            .find(|d| d.code == code)
            .map_or_else(|| code.to_owned(), |d| department_name(locale, d))
    };
    let assigned = case
        .specialist_id
        .and_then(|id| page.specialists.iter().find(|s| s.id == id))
        .map(|s| format!("{} ({})", s.name, department_of(&s.department)));
    let next = super::day::next_step(locale, &page);
    let clock = page.report_clock.map(|(due, clock)| {
        (
            day(locale, due),
            staff_words::report_clock(locale, clock),
            clock,
        )
    });

    let steps = aside_steps(&page, &action_path, &version);
    let before_visit = matches!(status, CaseStatus::Received | CaseStatus::UnderReview);
    let sections = {
        let (page, action_path, version) = (page.clone(), action_path.clone(), version.clone());
        view! { <Sections page action_path version /> }
    };
    let path = &action_path;
    let appointments = reception.then(|| {
        let appointments = page.appointments.clone();
        view! { <Appointments appointments /> }
    });
    let notes = {
        let (notes, action_path, posted) = (page.notes.clone(), path.clone(), page.posted.clone());
        view! { <Notes notes action_path posted /> }
    };
    let audit = {
        let (audit, specialists, departments) = (
            page.audit.clone(),
            page.specialists.clone(),
            page.departments.clone(),
        );
        view! { <AuditTrail audit specialists departments /> }
    };
    let answers = answer_rows(locale, &case.answers)
        .into_iter()
        .map(|(_, label, value)| {
            view! {
                <div class="answer"><dt>{label}</dt><dd>{value.unwrap_or_default()}</dd></div>
            }
        })
        .collect_view();

    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <div class="workspace">
            <CaseAside next steps clock case=case.clone() assigned />
            <div class="case-main">
                {problem}
                {notice}
                {case.look_up_locked_until.clone().map(|until| view! {
                    <p class="flag" data-testid="look-up-locked">
                        {td_string!(locale, staff.look_up_locked, until = until).to_string()}
                    </p>
                })}
                {sections}
                <Section id="verdict" title=td_string!(locale, staff.verdict).to_owned() open=case.contact_first && before_visit>
                    <Verdict case=case.clone() />
                </Section>
                <Section id="answers" title=td_string!(locale, staff.answers).to_owned() open=reception && before_visit>
                    <dl class="answers">{answers}</dl>
                </Section>
                {appointments}
                {notes}
                {audit}
            </div>
        </div>
    }
    .erase()
}

/// What the specialist reads first: the patient's questions as asked, the
/// diagnosis as the patient knows it, the purpose, and the documents
/// received and still missing.
#[component]
fn TheRequest(case: CaseDetail) -> impl IntoView {
    let locale = crate::use_locale();
    let documents = case
        .documents
        .iter()
        .map(|state| {
            let name = words::document(locale, state.document);
            let got = state.received_on.map_or_else(
                || td_string!(locale, staff.document_missing).to_owned(),
                |on| {
                    td_string!(locale, staff.document_received_on, day = day(locale, on))
                        .to_string()
                },
            );
            view! { <li>{name} ": " <strong>{got}</strong></li> }
        })
        .collect_view();
    view! {
        <Section id="request" title=td_string!(locale, staff.the_request).to_owned() open=true>
            <dl class="answers">
                <div class="answer"><dt>{td_string!(locale, field.diagnosis)}</dt><dd class="note-text" data-testid="diagnosis">{case.answers.diagnosis.clone()}</dd></div>
                <div class="answer"><dt>{td_string!(locale, field.questions)}</dt><dd class="note-text" data-testid="questions">{case.answers.questions.clone()}</dd></div>
                <div class="answer"><dt>{td_string!(locale, field.present_doctor_name)}</dt><dd>{format!("{} ({})", case.answers.present_doctor_name, case.answers.present_institution)}</dd></div>
            </dl>
            <h3>{td_string!(locale, staff.documents)}</h3>
            <ul data-testid="documents-state">{documents}</ul>
        </Section>
    }
}

/// The case at a glance: the number to call, where it stands, the window,
/// the specialist, the appointment, a decline's reason, the last change.
#[component]
fn Summary(case: CaseDetail, assigned: Option<String>) -> impl IntoView {
    let locale = crate::use_locale();
    let phone = case.answers.patient_phone.clone();
    let requester_phone = Some(case.answers.requester_phone.trim().to_owned())
        .filter(|phone| !phone.is_empty())
        .map(|phone| {
            let who = format!(
                " ({}, {})",
                case.answers.requester_name.trim(),
                case.answers.requester_relationship.trim()
            );
            (phone, who)
        });
    view! {
        <dl class="summary">
            <div><dt>{td_string!(locale, staff.phone)}</dt><dd><a href=tel(&phone) data-testid="phone">{phone.clone()}</a></dd></div>
            {requester_phone.map(|(phone, who)| view! {
                <div><dt>{td_string!(locale, staff.requester_phone)}</dt><dd><a href=tel(&phone) data-testid="requester-phone">{phone.clone()}</a>{who}</dd></div>
            })}
            {case.patient_answer.clone().map(|(answer, at)| view! {
                <div><dt>{td_string!(locale, staff.patient_answer)}</dt><dd data-testid="patient-answer">{format!("{} ({at})", staff_words::staff_answer(locale, answer))}</dd></div>
            })}
            <div><dt>{td_string!(locale, staff.status)}</dt><dd data-testid="case-status">{staff_words::status(locale, case.status)}</dd></div>
            <div><dt>{td_string!(locale, staff.received_at)}</dt><dd>{case.received_at.clone()}</dd></div>
            <div><dt>{td_string!(locale, staff.window)}</dt><dd>{format!("{} → {} – {}", day(locale, case.window.receipt), day(locale, case.window.earliest), day(locale, case.window.latest))}</dd></div>
            <div><dt>{td_string!(locale, staff.specialist)}</dt><dd>{assigned.unwrap_or_else(|| "—".to_owned())}</dd></div>
            <div><dt>{td_string!(locale, staff.appointment)}</dt><dd data-testid="appointment">{case.appointment.map_or_else(|| "—".to_owned(), |(d, t)| format!("{} {}", day(locale, d), t.format("%H:%M")))}</dd></div>
            {case.decline.clone().map(|(reason, note)| view! {
                <div><dt>{td_string!(locale, staff.declined_because)}</dt><dd>{words::decline(locale, reason)}{note.map(|n| format!(": {n}"))}</dd></div>
            })}
            {case.updated.clone().map(|(by, at)| view! {
                <div><dt>{td_string!(locale, staff.last_change)}</dt><dd>{format!("{by}, {at}")}</dd></div>
            })}
        </dl>
    }
}

/// The verdict and reasons, recomputed on the server.
#[component]
fn Verdict(case: CaseDetail) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        {case.contact_first.then(|| view! { <p class="flag">{td_string!(locale, staff.contact_first)}</p> })}
        <VerdictReasons verdict=case.verdict links=false />
    }
}

/// A `tel:` link's target: the number's digits and a leading `+`, as
/// phones dial it (`090-1234-5678` → `tel:09012345678`).
fn tel(phone: &str) -> String {
    let dialled: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{dialled}")
}

/// Why the change just posted was not saved; it takes the focus.
#[component]
fn NotSaved(problem: StaffError) -> impl IntoView {
    let locale = crate::use_locale();
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
}

/// The documents to bring, each ticked when handed in, with its day, how
/// it came, and for the CD-R whether it could be read.
#[component]
fn Documents(
    documents: Vec<DocumentState>,
    action_path: String,
    version: String,
    today: NaiveDate,
    open: bool,
) -> impl IntoView {
    let locale = crate::use_locale();
    let rows = documents
        .into_iter()
        .map(|state| {
            let document = state.document;
            let code = document.code();
            let name = words::document(locale, document);
            let how = format!("doc_{code}_how");
            let readable = format!("doc_{code}_readable");
            let readable_choice = document.may_be_unreadable().then(|| {
                let chosen = match state.readable {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "",
                };
                view! {
                    <label for=readable.clone()>{td_string!(locale, staff.cd_readable)}</label>
                    <select id=readable.clone() name=readable.clone()>
                        <option value="" selected=chosen.is_empty()>{td_string!(locale, staff.cd_not_checked)}</option>
                        <option value="yes" selected=chosen == "yes">{td_string!(locale, staff.cd_yes)}</option>
                        <option value="no" selected=chosen == "no">{td_string!(locale, staff.cd_no)}</option>
                    </select>
                }
            });
            view! {
                <fieldset class="document-row">
                    <legend class="visually-hidden">{name.clone()}</legend>
                    <div class="option">
                        <input type="checkbox" id=format!("doc_{code}") name=format!("doc_{code}") checked=state.received_on.is_some() />
                        <label for=format!("doc_{code}")>{name.clone()}</label>
                    </div>
                    <label for=format!("doc_{code}_on")>{td_string!(locale, staff.received_on)}</label>
                    <input type="date" id=format!("doc_{code}_on") name=format!("doc_{code}_on") value=state.received_on.unwrap_or(today).to_string() max=today.to_string() />
                    <label for=how.clone()>{td_string!(locale, staff.arrived_by)}</label>
                    <select id=how.clone() name=how.clone()>
                        <option value="" selected=state.arrival.is_none()>"—"</option>
                        {Arrival::ALL.iter().map(|arrival| view! {
                            <option value=arrival.code() selected=state.arrival == Some(*arrival)>{staff_words::arrival(locale, *arrival)}</option>
                        }).collect_view()}
                    </select>
                    {readable_choice}
                </fieldset>
            }
        })
        .collect_view();
    view! {
    <Section id="documents" title=td_string!(locale, staff.documents).to_owned() open>
        <form method="post" action=action_path>
            <input type="hidden" name="version" value=version />
            <p class="hint">{td_string!(locale, staff.documents_received)}</p>
            {rows}
            <p class="actions"><button type="submit" name="action" value=CaseActionName::Documents.code() class="button">{td_string!(locale, staff.save_documents)}</button></p>
        </form>
    </Section>
    }
}

/// Booking (or moving) the appointment: a proposed day or another one.
#[component]
fn Schedule(
    proposals: Vec<NaiveDate>,
    action_path: String,
    version: String,
    posted: Vec<(String, String)>,
    open: bool,
) -> impl IntoView {
    let locale = crate::use_locale();
    let posted_value = move |name: &str| posted_value(&posted, name);
    let chosen_day = posted_value("day");
    let proposals_view = proposals.iter().map(|d| {
        let value = d.to_string();
        let checked = chosen_day == value;
        view! {
            <div class="option">
                <input type="radio" id=format!("day-{value}") name="day" value=value.clone() checked=checked />
                <label for=format!("day-{value}")>{day(locale, *d)}</label>
            </div>
        }
    }).collect_view();
    let other_day = posted_value("other_day");
    let start = {
        let s = posted_value("start");
        if s.is_empty() { "10:00".to_owned() } else { s }
    };
    view! {
        <Section id="schedule" title=td_string!(locale, staff.schedule).to_owned() open>
            <form method="post" action=action_path>
                <input type="hidden" name="version" value=version />
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
                <p class="actions"><button type="submit" name="action" value=CaseActionName::Schedule.code() class="button">{td_string!(locale, staff.book)}</button></p>
            </form>
        </Section>
    }
}

/// Declining, with one of the hospital's reasons.
#[component]
fn Decline(
    action_path: String,
    version: String,
    posted: Vec<(String, String)>,
    propose_declining: bool,
    /// The reason the specialist proposes, if they did.
    proposed: Option<DeclineReason>,
) -> impl IntoView {
    let locale = crate::use_locale();
    let posted_value = move |name: &str| posted_value(&posted, name);
    let chosen = Some(posted_value("decline_reason"))
        .filter(|code| !code.is_empty())
        .or_else(|| proposed.map(|reason| reason.code().to_owned()))
        .or_else(|| propose_declining.then(|| DeclineReason::CouldNotContact.code().to_owned()))
        .unwrap_or_default();
    view! {
            <form method="post" action=action_path>
                <input type="hidden" name="version" value=version />
                <div class="field">
                    <label for="decline-reason">{td_string!(locale, staff.decline_reason)}</label>
                    <select id="decline-reason" name="decline_reason">
                        {DeclineReason::ALL.iter().map(|r| view! { <option value=r.code() selected=chosen == r.code()>{words::decline(locale, *r)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="decline-note">{td_string!(locale, staff.decline_note)}</label>
                    <textarea id="decline-note" name="decline_note" rows="2" maxlength="2000">{posted_value("decline_note")}</textarea>
                </div>
                <p class="actions"><button type="submit" name="action" value=CaseActionName::Decline.code() class="button danger">{td_string!(locale, staff.decline_button)}</button></p>
            </form>
    }
}

/// Every appointment of the case, ended ones included.
#[component]
fn Appointments(appointments: Vec<AppointmentRow>) -> impl IntoView {
    let locale = crate::use_locale();
    (!appointments.is_empty()).then(|| view! {
            <Section id="appointments" title=td_string!(locale, staff.appointments).to_owned() open=false>
                <ul>
                    {appointments.into_iter().map(|a| {
                        let ended = a.ended.map(|(how, by, at)| {
                            let how = if how == "cancelled" { td_string!(locale, staff.ended_cancelled) } else { td_string!(locale, staff.ended_rescheduled) };
                            format!(" — {how} ({by}, {at})")
                        });
                        view! { <li>{format!("{} {} ({}, {})", day(locale, a.day), a.start.format("%H:%M"), a.booked_by, a.booked_at)}{a.reason_outside_window.map(|r| format!(" [{r}]"))}{ended}</li> }
                    }).collect_view()}
                </ul>
            </Section>
        })
}

/// The calls made to the patient, and a new one with its outcome.
#[component]
fn Calls(
    calls: Vec<CallRow>,
    action_path: String,
    /// Whether calls are still made (the case may still be declined): the
    /// section is open and offers a new one.
    open: bool,
    posted: Vec<(String, String)>,
) -> impl IntoView {
    let locale = crate::use_locale();
    let posted_value = move |name: &str| posted_value(&posted, name);
    let chosen = posted_value("outcome");
    view! {
    <Section id="calls" title=td_string!(locale, staff.calls).to_owned() open>
        {calls.is_empty().then(|| view! { <p>{td_string!(locale, staff.no_calls)}</p> })}
        <ul class="notes" data-testid="calls">
            {calls.into_iter().map(|c| view! {
                <li>
                    <small>{format!("{} — {}", c.at, c.caller)}</small>
                    <p>{staff_words::call_outcome(locale, c.outcome)}{c.note.map(|n| format!(": {n}"))}</p>
                </li>
            }).collect_view()}
        </ul>
        {open.then(|| view! {
            <form method="post" action=action_path>
                <fieldset>
                    <legend>{td_string!(locale, staff.call_outcome)}</legend>
                    {CallOutcome::ALL.iter().map(|o| {
                        let id = format!("outcome-{}", o.code());
                        view! {
                            <div class="option">
                                <input type="radio" id=id.clone() name="outcome" value=o.code() checked=chosen == o.code() />
                                <label for=id>{staff_words::call_outcome(locale, *o)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="call-note">{td_string!(locale, staff.call_note)}</label>
                    <textarea id="call-note" name="call_note" rows="2" maxlength="2000">{posted_value("call_note")}</textarea>
                </div>
                <p class="actions"><button type="submit" name="action" value=CaseActionName::Call.code() class="button secondary">{td_string!(locale, staff.record_call)}</button></p>
            </form>
        })}
    </Section>
    }
}

/// The messages sent (or to be sent) to the patient, each with where it
/// stands; a sent or failed one can be sent again.
#[component]
fn Messages(messages: Vec<MessageRow>, mail_sending: bool, action_path: String) -> impl IntoView {
    let locale = crate::use_locale();
    let waiting = messages.iter().any(|m| m.status == MessageStatus::Queued);
    // Open when something asks reception to act: a failure, or messages
    // waiting for a mail server.
    let attention =
        messages.iter().any(|m| m.status == MessageStatus::Failed) || (waiting && !mail_sending);
    (!messages.is_empty()).then(|| view! {
    <Section id="messages" title=td_string!(locale, staff.messages).to_owned() open=attention>
        {(waiting && !mail_sending).then(|| view! {
            <p class="flag" data-testid="mail-not-configured">{td_string!(locale, staff.mail_not_configured)}</p>
        })}
        <ul class="notes" data-testid="messages">
            {messages.into_iter().map(|m| {
                let when = match m.status {
                    MessageStatus::Sent => m.sent_at.clone().unwrap_or_default(),
                    MessageStatus::Queued if m.attempts == 0 => m.due_at.clone(),
                    _ => m.last_attempt_at.clone().unwrap_or_else(|| m.due_at.clone()),
                };
                let status = format!("{} ({when})", staff_words::message_status(locale, m.status));
                let attempts = (m.attempts > 0).then(|| td_string!(locale, staff.message_attempts, count = m.attempts).to_string());
                let answer = m.last_answer.clone().map(|answer| view! {
                    <br /><small>{td_string!(locale, staff.message_answer)} ": " {answer}</small>
                });
                let again = matches!(m.status, MessageStatus::Sent | MessageStatus::Failed).then(|| view! {
                    <form method="post" action=action_path.clone()>
                        <input type="hidden" name="message" value=m.id.to_string() />
                        <button type="submit" name="action" value=CaseActionName::SendAgain.code() class="button secondary">{td_string!(locale, staff.send_again)}</button>
                    </form>
                });
                view! {
                    <li class:failed=m.status == MessageStatus::Failed>
                        <strong>{staff_words::message_kind(locale, m.kind)}</strong> " — " {m.recipient.clone()}
                        <br /><span data-testid="message-status">{status}{attempts.map(|a| format!(" · {a}"))}</span>
                        {answer}
                        {again}
                    </li>
                }
            }).collect_view()}
        </ul>
    </Section>
    })
}

/// Reception's internal notes, and a new one.
#[component]
fn Notes(notes: Vec<Note>, action_path: String, posted: Vec<(String, String)>) -> impl IntoView {
    let locale = crate::use_locale();
    let posted_value = move |name: &str| posted_value(&posted, name);
    view! {
    <Section id="notes" title=td_string!(locale, staff.notes).to_owned() open=false>
        <ul class="notes">
            {notes.into_iter().map(|n| view! { <li><small>{format!("{} — {}", n.at, n.author)}</small><p class="note-text">{n.text}</p></li> }).collect_view()}
        </ul>
        <form method="post" action=action_path>
            <div class="field">
                <label for="note">{td_string!(locale, staff.new_note)}</label>
                <textarea id="note" name="note" rows="3" maxlength="2000">{posted_value("note")}</textarea>
            </div>
            <p class="actions"><button type="submit" name="action" value=CaseActionName::Note.code() class="button secondary">{td_string!(locale, staff.add_note)}</button></p>
        </form>
    </Section>

    }
}

/// The case's audit trail, newest first.
#[component]
fn AuditTrail(
    audit: Vec<AuditRow>,
    specialists: Vec<Specialist>,
    departments: Vec<Department>,
) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
    <Section id="audit" title=td_string!(locale, staff.audit).to_owned() open=false>
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
                        <tr><td>{a.at.clone()}</td><td>{a.actor.clone()}</td><td>{staff_words::audit_action(locale, &a.action)}</td><td>{change}</td></tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    </Section>
    }
}

/// Assigning an active specialist (and so their department).
#[component]
fn Assign(
    specialists: Vec<Specialist>,
    departments: Vec<Department>,
    assigned: Option<i64>,
    action_path: String,
    version: String,
    open: bool,
) -> impl IntoView {
    let locale = crate::use_locale();
    // No specialist on the list yet: say so, with where admins add them,
    // instead of an empty box.
    if specialists.iter().all(|s| !s.active) {
        return view! {
            <Section id="assign" title=td_string!(locale, staff.assign).to_owned() open>
                <p data-testid="no-specialists">{td_string!(locale, staff.no_specialists_yet)}</p>
                <p><a href="/staff/specialists">{td_string!(locale, staff.specialists_title)}</a></p>
            </Section>
        }
        .into_any();
    }
    let groups = departments
        .iter()
        .filter(|d| d.active)
        .filter(|d| specialists.iter().any(|s| s.active && s.department == d.code))
        .map(|d| {
            let name = department_name(locale, d);
            let options = specialists
                .iter()
                .filter(|s| s.active && s.department == d.code)
                .map(|s| view! { <option value=s.id.to_string() selected=assigned == Some(s.id)>{s.name.clone()}</option> })
                .collect_view();
            view! { <optgroup label=name>{options}</optgroup> }
        })
        .collect_view();
    view! {
        <Section id="assign" title=td_string!(locale, staff.assign).to_owned() open>
            <form method="post" action=action_path>
                <input type="hidden" name="version" value=version />
                <div class="field">
                    <label for="specialist">{td_string!(locale, staff.specialist)}</label>
                    <select id="specialist" name="specialist">{groups}</select>
                </div>
                <p class="actions"><button type="submit" name="action" value=CaseActionName::Assign.code() class="button">{td_string!(locale, staff.assign_button)}</button></p>
            </form>
        </Section>
    }
    .into_any()
}
