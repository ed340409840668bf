//! `/staff/cases/<reference>`: a case with its answers, verdict, documents,
//! assignment, scheduling, decline, notes and audit trail.

use chrono::NaiveDate;
use domain::Arrival;
use domain::case::{CaseStatus, DeclineReason, Step};
use domain::contact::CallOutcome;
use leptos::prelude::*;
use leptos_meta::Title;

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
        StaffError::NotFound | StaffError::Forbidden => {
            vec![td_string!(locale, app_error.not_found).to_owned()]
        }
        StaffError::Busy => vec![td_string!(locale, app_error.busy).to_owned()],
        StaffError::Internal => vec![td_string!(locale, app_error.internal).to_owned()],
    }
}

fn case_problem_words(locale: Locale, problem: &CaseProblem) -> Vec<String> {
    match problem {
        CaseProblem::Refused(refused) => vec![
            td_string!(
                locale,
                staff.refused_step,
                step = staff_words::step(locale, refused.step),
                status = staff_words::status(locale, refused.from)
            )
            .to_string(),
        ],
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
    }
}

#[component]
pub(super) fn Case(page: CasePage) -> impl IntoView {
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
        calls,
        propose_declining,
        messages,
        mail_sending,
        audit,
        posted,
        today,
    } = page;
    let reference = case.reference.to_string();
    let action_path = format!("/staff/cases/{}", case.reference.compact());
    let title = format!("{} {}", td_string!(locale, staff.case_title), reference);
    let problem = problem.map(|problem| view! { <NotSaved problem /> });
    let notice = notice.map(|Notice::Saved| view! { <p class="notice" role="status">{td_string!(locale, staff.saved)}</p> });
    let version = case.version.to_string();
    let allowed = case.status.allowed_steps();
    let department_of = |code: &str| {
        departments
            .iter()
            .find(|d| d.code == code)
            .map_or_else(|| code.to_owned(), |d| department_name(locale, d))
    };
    let assigned = case
        .specialist_id
        .and_then(|id| specialists.iter().find(|s| s.id == id))
        .map(|s| format!("{} ({})", s.name, department_of(&s.department)));

    let steps = [Step::StartReview, Step::Complete, Step::NoShow, Step::CancelAppointment]
        .into_iter()
        .filter(|step| allowed.contains(step))
        .filter_map(|step| Some((step, CaseActionName::of_step(step)?)))
        .map(|(step, name)| {
            view! {
                <form method="post" action=action_path.clone() class="inline">
                    <input type="hidden" name="version" value=version.clone() />
                    <button type="submit" name="action" value=name.code() class="button secondary">{staff_words::step(locale, step)}</button>
                </form>
            }
        })
        .collect_view();

    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        {problem}
        {notice}
        {case.look_up_locked_until.clone().map(|until| view! {
            <p class="flag" data-testid="look-up-locked">
                {td_string!(locale, staff.look_up_locked, until = until).to_string()}
            </p>
        })}
        <Summary case=case.clone() assigned />
        <div class="actions">{steps}</div>

        <Verdict case=case.clone() />

        <Documents documents=case.documents.clone() action_path=action_path.clone() version=version.clone() today />

        {case.status.is_open().then(|| view! {
            <Assign
                specialists=specialists.clone()
                departments=departments.clone()
                assigned=case.specialist_id
                action_path=action_path.clone()
                version=version.clone()
            />
        })}

        {(allowed.contains(&Step::Schedule) || allowed.contains(&Step::Reschedule)).then(|| view! {
            <Schedule proposals action_path=action_path.clone() version=version.clone() posted=posted.clone() />
        })}

        <Calls calls action_path=action_path.clone() open=allowed.contains(&Step::Decline) posted=posted.clone() />

        {allowed.contains(&Step::Decline).then(|| view! {
            {propose_declining.then(|| view! {
                <p class="flag" data-testid="propose-declining">{td_string!(locale, staff.propose_declining)}</p>
            })}
            <Decline action_path=action_path.clone() version=version.clone() posted=posted.clone() propose_declining />
        })}

        <section aria-labelledby="answers-heading">
            <h2 id="answers-heading">{td_string!(locale, staff.answers)}</h2>
            <dl class="answers">
                {answer_rows(locale, &case.answers).into_iter().map(|(_, label, value)| view! {
                    <div class="answer"><dt>{label}</dt><dd>{value.unwrap_or_default()}</dd></div>
                }).collect_view()}
            </dl>
        </section>

        <Appointments appointments />
        <Messages messages mail_sending action_path=action_path.clone() />
        <Notes notes action_path posted />
        <AuditTrail audit specialists departments />
    }
    .erase()
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
        <section aria-labelledby="verdict-heading">
            <h2 id="verdict-heading">{td_string!(locale, staff.verdict)}</h2>
            {case.contact_first.then(|| view! { <p class="flag">{td_string!(locale, staff.contact_first)}</p> })}
            <VerdictReasons verdict=case.verdict links=false />
        </section>
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

/// The value posted for `name`, to show it again after a refusal.
fn posted_value(posted: &[(String, String)], name: &str) -> String {
    posted
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
        .unwrap_or_default()
}

/// The documents to bring, each ticked when handed in, with its day, how
/// it came, and for the CD-R whether it could be read.
#[component]
fn Documents(
    documents: Vec<DocumentState>,
    action_path: String,
    version: String,
    today: NaiveDate,
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
    <section aria-labelledby="documents-heading">
        <h2 id="documents-heading">{td_string!(locale, staff.documents)}</h2>
        <form method="post" action=action_path>
            <input type="hidden" name="version" value=version />
            <p class="hint">{td_string!(locale, staff.documents_received)}</p>
            {rows}
            <p class="actions"><button type="submit" name="action" value=CaseActionName::Documents.code() class="button">{td_string!(locale, staff.save_documents)}</button></p>
        </form>
    </section>
    }
}

/// Booking (or moving) the appointment: a proposed day or another one.
#[component]
fn Schedule(
    proposals: Vec<NaiveDate>,
    action_path: String,
    version: String,
    posted: Vec<(String, String)>,
) -> impl IntoView {
    let locale = crate::use_locale();
    let posted_value = move |name: &str| posted_value(&posted, name);
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
    let start = {
        let s = posted_value("start");
        if s.is_empty() { "10:00".to_owned() } else { s }
    };
    view! {
        <section aria-labelledby="schedule-heading">
            <h2 id="schedule-heading">{td_string!(locale, staff.schedule)}</h2>
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
        </section>
    }
}

/// Declining, with one of the hospital's reasons.
#[component]
fn Decline(
    action_path: String,
    version: String,
    posted: Vec<(String, String)>,
    propose_declining: bool,
) -> impl IntoView {
    let locale = crate::use_locale();
    let posted_value = move |name: &str| posted_value(&posted, name);
    let chosen = Some(posted_value("decline_reason"))
        .filter(|code| !code.is_empty())
        .or_else(|| propose_declining.then(|| DeclineReason::CouldNotContact.code().to_owned()))
        .unwrap_or_default();
    view! {
        <section aria-labelledby="decline-heading">
            <h2 id="decline-heading">{td_string!(locale, staff.decline)}</h2>
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
        </section>
    }
}

/// Every appointment of the case, ended ones included.
#[component]
fn Appointments(appointments: Vec<AppointmentRow>) -> impl IntoView {
    let locale = crate::use_locale();
    (!appointments.is_empty()).then(|| view! {
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
        })
}

/// The calls made to the patient, and a new one with its outcome.
#[component]
fn Calls(
    calls: Vec<CallRow>,
    action_path: String,
    open: bool,
    posted: Vec<(String, String)>,
) -> impl IntoView {
    let locale = crate::use_locale();
    let posted_value = move |name: &str| posted_value(&posted, name);
    let chosen = posted_value("outcome");
    view! {
    <section aria-labelledby="calls-heading">
        <h2 id="calls-heading">{td_string!(locale, staff.calls)}</h2>
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
                            <div class="choice">
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
    </section>
    }
}

/// The messages sent (or to be sent) to the patient, each with where it
/// stands; a sent or failed one can be sent again.
#[component]
fn Messages(messages: Vec<MessageRow>, mail_sending: bool, action_path: String) -> impl IntoView {
    let locale = crate::use_locale();
    let waiting = messages.iter().any(|m| m.status == MessageStatus::Queued);
    (!messages.is_empty()).then(|| view! {
    <section aria-labelledby="messages-heading">
        <h2 id="messages-heading">{td_string!(locale, staff.messages)}</h2>
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
    </section>
    })
}

/// Reception's internal notes, and a new one.
#[component]
fn Notes(notes: Vec<Note>, action_path: String, posted: Vec<(String, String)>) -> impl IntoView {
    let locale = crate::use_locale();
    let posted_value = move |name: &str| posted_value(&posted, name);
    view! {
    <section aria-labelledby="notes-heading">
        <h2 id="notes-heading">{td_string!(locale, staff.notes)}</h2>
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
    </section>

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
                        <tr><td>{a.at.clone()}</td><td>{a.actor.clone()}</td><td>{staff_words::audit_action(locale, &a.action)}</td><td>{change}</td></tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    </section>
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
) -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        <section aria-labelledby="assign-heading">
            <h2 id="assign-heading">{td_string!(locale, staff.assign)}</h2>
            <form method="post" action=action_path>
                <input type="hidden" name="version" value=version />
                <div class="field">
                    <label for="specialist">{td_string!(locale, staff.specialist)}</label>
                    {specialists.iter().all(|s| !s.active).then(|| view! {
                        <p class="hint">{td_string!(locale, staff.no_specialists_yet)}</p>
                    })}
                    <select id="specialist" name="specialist">
                        {departments.iter().filter(|d| d.active).map(|d| {
                            let name = department_name(locale, d);
                            let options = specialists.iter().filter(|s| s.active && s.department == d.code).map(|s| {
                                view! { <option value=s.id.to_string() selected=assigned == Some(s.id)>{s.name.clone()}</option> }
                            }).collect_view();
                            view! { <optgroup label=name>{options}</optgroup> }
                        }).collect_view()}
                    </select>
                </div>
                <p class="actions"><button type="submit" name="action" value=CaseActionName::Assign.code() class="button">{td_string!(locale, staff.assign_button)}</button></p>
            </form>
        </section>
    }
}
