//! The second half of the workspace: what the specialist did before the
//! visit (the review, the requests for further documents, a proposal to
//! decline), the day at counter 1 (check-in, payment, receipt, the
//! consultation) and the report (its versions and where each copy went),
//! read from the store and shown as sections of the case page.

use chrono::NaiveDate;
use domain::case::{CaseStatus, DeclineReason, Step};
use domain::report::{NeededDocument, Recipient, SendingMethod};
use domain::visit::{PaymentMethod, ReceiptNumber, WhoCame};
use leptos::prelude::*;
use sqlx::AnyPool;

use super::parts::{Section, posted_value};
use super::store;
use super::{
    CaseActionName, CasePage, DocumentRequestRow, PaymentRow, ReportVersionRow, SendingRow,
    VisitRow,
};
use crate::i18n::{Locale, td_string};
use crate::staff::Role;
use crate::staff::frame::day;
use crate::staff::words as staff_words;
use crate::store::{in_japan, undecodable};

/// What the workspace shows of the second half of a case.
#[derive(Debug, Default)]
pub(super) struct Day {
    pub visit: Option<VisitRow>,
    pub payment: Option<PaymentRow>,
    pub reports: Vec<ReportVersionRow>,
    pub sendings: Vec<SendingRow>,
    pub requests: Vec<DocumentRequestRow>,
    pub reviewed: Option<(String, String)>,
    pub decline_proposal: Option<(DeclineReason, Option<String>, String)>,
    pub resend_needed: bool,
}

pub(super) async fn load(pool: &AnyPool, case_id: i64) -> Result<Day, sqlx::Error> {
    let visit = store::visit_of(pool, case_id)
        .await?
        .map(visit_row)
        .transpose()?;
    let payment = store::payment_row(pool, case_id)
        .await?
        .map(payment_row)
        .transpose()?;
    let reports: Vec<ReportVersionRow> = store::reports_of(pool, case_id)
        .await?
        .into_iter()
        .map(|row| ReportVersionRow {
            version: u32::try_from(row.version).unwrap_or_default(),
            signed: row
                .signed_at
                .map(|at| (in_japan(&at), row.signer_name.unwrap_or_default())),
            superseded_at: row.superseded_at.as_deref().map(in_japan),
            amendment_reason: row.amendment_reason,
            updated_at: in_japan(&row.updated_at),
        })
        .collect();
    let sendings: Vec<SendingRow> = store::sendings_of(pool, case_id)
        .await?
        .into_iter()
        .filter_map(|(version, recipient, method, on, by)| {
            Some(SendingRow {
                version: u32::try_from(version).ok()?,
                recipient: Recipient::from_code(&recipient)?,
                method: SendingMethod::from_code(&method)?,
                on: on.parse().ok()?,
                by,
            })
        })
        .collect();
    let requests = store::document_requests_of(pool, case_id)
        .await?
        .into_iter()
        .map(|row| {
            let codes: Vec<String> = serde_json::from_str(&row.needed).unwrap_or_default();
            DocumentRequestRow {
                id: row.id,
                needed: codes
                    .iter()
                    .filter_map(|code| NeededDocument::from_code(code))
                    .collect(),
                other: row.other,
                note: row.note,
                by: row.requested_by,
                at: in_japan(&row.requested_at),
                settled: row.settled_at.is_some(),
            }
        })
        .collect();
    let (reviewed_at, reviewed_by, proposed, proposed_note, proposed_by) =
        store::specialist_notes(pool, case_id).await?;
    let signed = reports
        .iter()
        .filter(|report| report.signed.is_some())
        .map(|report| report.version)
        .max();
    let sent_to_doctor = sendings
        .iter()
        .filter(|sending| sending.recipient == Recipient::PresentDoctor)
        .map(|sending| sending.version)
        .max();
    Ok(Day {
        visit,
        payment,
        resend_needed: matches!((signed, sent_to_doctor), (Some(signed), Some(sent)) if signed > sent),
        reports,
        sendings,
        requests,
        reviewed: reviewed_by.zip(reviewed_at.as_deref().map(in_japan)),
        decline_proposal: proposed
            .as_deref()
            .and_then(DeclineReason::from_code)
            .zip(proposed_by)
            .map(|(reason, by)| (reason, proposed_note, by)),
    })
}

fn visit_row(row: store::VisitSqlRow) -> Result<VisitRow, sqlx::Error> {
    Ok(VisitRow {
        arrived_at: in_japan(&row.arrived_at),
        who: WhoCame::from_code(&row.who_came).ok_or_else(|| undecodable("who came"))?,
        identification_seen: row.identification_seen,
        relationship_seen: row.relationship_seen,
        consent_form_seen: row.consent_form_seen,
        checked_in_by: row.checked_in_by,
        consultation: match (
            row.consultation_start,
            row.consultation_end,
            row.consultation_minutes,
            row.held_recorded_by,
        ) {
            (Some(start), Some(end), Some(minutes), Some(by)) => Some((
                start,
                end,
                u32::try_from(minutes).unwrap_or_default(),
                row.longer_reason,
                by,
            )),
            _ => None,
        },
        report_due: row.report_due_on.and_then(|day| day.parse().ok()),
    })
}

fn payment_row(row: store::PaymentSqlRow) -> Result<PaymentRow, sqlx::Error> {
    Ok(PaymentRow {
        receipt: ReceiptNumber {
            year: row.receipt_year,
            number: u32::try_from(row.receipt_number).map_err(|_| undecodable("receipt number"))?,
        },
        amount: domain::fee::Yen(u32::try_from(row.amount_yen).unwrap_or_default()),
        method: PaymentMethod::from_code(&row.method)
            .ok_or_else(|| undecodable("payment method"))?,
        payer: row.payer,
        taken_by: row.taken_by,
        taken_at: in_japan(&row.taken_at),
        prints: u32::try_from(row.prints).unwrap_or_default(),
    })
}

/// The day at counter 1: check-in, the fee and its receipt, the
/// consultation.
#[component]
pub(super) fn TheDay(page: CasePage, action_path: String, version: String) -> impl IntoView {
    let locale = crate::use_locale();
    let reception = page.viewer.works_reception();
    let specialist = page.viewer == Role::Specialist;
    let today = page.case.appointment.is_some_and(|(d, _)| d == page.today);
    let scheduled = page.case.status == CaseStatus::Scheduled;
    let steps = page.case.status.steps_now(&page.progress);
    let can = |step| steps.contains(&step);
    let open =
        (scheduled && today) || (page.case.status == CaseStatus::Seen && page.payment.is_none());
    let check_in = (reception && can(Step::CheckIn) && today).then(|| {
        view! { <CheckInForm action_path=action_path.clone() version=version.clone() posted=page.posted.clone() /> }
    });
    let pay = (reception && can(Step::RecordPayment)).then(|| {
        let payer = Some(posted_value(&page.posted, "payer"))
            .filter(|payer| !payer.is_empty())
            .unwrap_or_else(|| page.case.answers.patient_name.clone());
        view! { <PaymentForm action_path=action_path.clone() version=version.clone() payer fee=page.fee.0 posted=page.posted.clone() /> }
    });
    let hold = (specialist && can(Step::HoldConsultation) && today).then(|| {
        view! { <ConsultationForm action_path=action_path.clone() version=version.clone() posted=page.posted.clone() /> }
    });
    let visit = page
        .visit
        .clone()
        .map(|visit| view! { <VisitSummary visit /> });
    let payment = page.payment.clone().map(|payment| {
        let receipt = format!("{action_path}/receipt");
        view! { <PaymentSummary payment receipt reception /> }
    });
    let waiting = (page.visit.is_none() && !today && scheduled).then(|| {
        let when = page
            .case
            .appointment
            .map(|(d, t)| format!("{} {}", day(locale, d), t.format("%H:%M")))
            .unwrap_or_default();
        view! { <p>{td_string!(locale, staff.day_not_yet, when).to_string()}</p> }
    });
    view! {
        <Section id="day" title=td_string!(locale, staff.day_heading).to_owned() open>
            {waiting}
            {visit}
            {check_in}
            {payment}
            {pay}
            {hold}
        </Section>
    }
}

/// "Who came" and what reception saw.
#[component]
fn CheckInForm(
    action_path: String,
    version: String,
    posted: Vec<(String, String)>,
) -> impl IntoView {
    let locale = crate::use_locale();
    let chosen = posted_value(&posted, "who_came");
    let ticked = |name: &str| posted_value(&posted, name) == "on";
    let who = WhoCame::ALL
        .iter()
        .map(|who| {
            let id = format!("who-{}", who.code());
            view! {
                <div class="option">
                    <input type="radio" id=id.clone() name="who_came" value=who.code() checked=chosen == who.code() />
                    <label for=id>{staff_words::who_came(locale, *who)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=action_path class="check-in">
            <input type="hidden" name="version" value=version />
            <h3>{td_string!(locale, staff.check_in_heading)}</h3>
            <fieldset>
                <legend>{td_string!(locale, staff.who_came)}</legend>
                {who}
            </fieldset>
            <fieldset>
                <legend>{td_string!(locale, staff.seen_at_counter)}</legend>
                <div class="option">
                    <input type="checkbox" id="identification-seen" name="identification_seen" checked=ticked("identification_seen") />
                    <label for="identification-seen">{td_string!(locale, staff.identification_seen)}</label>
                </div>
                <div class="option">
                    <input type="checkbox" id="relationship-seen" name="relationship_seen" checked=ticked("relationship_seen") />
                    <label for="relationship-seen">{td_string!(locale, staff.relationship_seen)}</label>
                </div>
                <div class="option">
                    <input type="checkbox" id="consent-form-seen" name="consent_form_seen" checked=ticked("consent_form_seen") />
                    <label for="consent-form-seen">{td_string!(locale, staff.consent_form_seen)}</label>
                </div>
            </fieldset>
            <p class="actions"><button type="submit" name="action" value=CaseActionName::CheckIn.code() class="button">{td_string!(locale, staff.step_check_in)}</button></p>
        </form>
    }
}

/// Who came, and when.
#[component]
fn VisitSummary(visit: VisitRow) -> impl IntoView {
    let locale = crate::use_locale();
    let mut seen = vec![td_string!(locale, staff.identification_seen)];
    if visit.relationship_seen {
        seen.push(td_string!(locale, staff.relationship_seen));
    }
    if visit.consent_form_seen {
        seen.push(td_string!(locale, staff.consent_form_seen));
    }
    let arrived = td_string!(
        locale,
        staff.arrived,
        at = visit.arrived_at.clone(),
        who = staff_words::who_came(locale, visit.who),
        by = visit.checked_in_by.clone()
    )
    .to_string();
    let held = visit.consultation.map(|(start, end, minutes, reason, by)| {
        let text = td_string!(locale, staff.consultation_held, start, end, minutes, by).to_string();
        view! {
            <p data-testid="consultation">{text}</p>
            {reason.map(|reason| view! { <p class="hint">{td_string!(locale, staff.longer_reason)} ": " {reason}</p> })}
        }
    });
    view! {
        <p data-testid="checked-in">{arrived}</p>
        <p class="hint">{seen.join(" · ")}</p>
        {held}
    }
}

/// The fee: how it was paid and by whom.
#[component]
fn PaymentForm(
    action_path: String,
    version: String,
    payer: String,
    fee: u32,
    posted: Vec<(String, String)>,
) -> impl IntoView {
    let locale = crate::use_locale();
    let chosen = posted_value(&posted, "method");
    let amount = crate::format::yen(locale, domain::fee::Yen(fee));
    let methods = PaymentMethod::ALL
        .iter()
        .map(|method| {
            let id = format!("method-{}", method.code());
            view! {
                <div class="option">
                    <input type="radio" id=id.clone() name="method" value=method.code() checked=chosen == method.code() />
                    <label for=id>{staff_words::payment_method(locale, *method)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=action_path>
            <input type="hidden" name="version" value=version />
            <h3>{td_string!(locale, staff.payment_heading)}</h3>
            <p>{td_string!(locale, staff.payment_amount, amount).to_string()}</p>
            <fieldset>
                <legend>{td_string!(locale, staff.payment_method)}</legend>
                {methods}
            </fieldset>
            <div class="field">
                <label for="payer">{td_string!(locale, staff.payer)}</label>
                <input id="payer" name="payer" type="text" maxlength="100" value=payer />
            </div>
            <p class="actions"><button type="submit" name="action" value=CaseActionName::RecordPayment.code() class="button">{td_string!(locale, staff.step_record_payment)}</button></p>
        </form>
    }
}

/// The fee paid, and its receipt to print.
#[component]
fn PaymentSummary(payment: PaymentRow, receipt: String, reception: bool) -> impl IntoView {
    let locale = crate::use_locale();
    let text = td_string!(
        locale,
        staff.paid,
        amount = crate::format::yen(locale, payment.amount),
        method = staff_words::payment_method(locale, payment.method),
        at = payment.taken_at.clone(),
        by = payment.taken_by.clone()
    )
    .to_string();
    let number = td_string!(
        locale,
        staff.receipt_number,
        number = payment.receipt.to_string()
    )
    .to_string();
    let print = reception.then(|| {
        let label = if payment.prints == 0 {
            td_string!(locale, staff.print_receipt)
        } else {
            td_string!(locale, staff.reprint_receipt)
        };
        view! {
            <form method="post" action=receipt>
                <p class="actions"><button type="submit" class="button secondary">{label}</button></p>
            </form>
        }
    });
    view! {
        <p data-testid="paid">{text}</p>
        <p data-testid="receipt-number">{number}</p>
        {print}
    }
}

/// The specialist records the consultation's times.
#[component]
fn ConsultationForm(
    action_path: String,
    version: String,
    posted: Vec<(String, String)>,
) -> impl IntoView {
    let locale = crate::use_locale();
    let value = |name: &str| posted_value(&posted, name);
    view! {
        <form method="post" action=action_path>
            <input type="hidden" name="version" value=version />
            <h3>{td_string!(locale, staff.consultation_heading)}</h3>
            <p class="hint">{td_string!(locale, staff.consultation_hint)}</p>
            <div class="field">
                <label for="consultation-start">{td_string!(locale, staff.consultation_start)}</label>
                <input id="consultation-start" name="consultation_start" type="time" value=value("consultation_start") />
            </div>
            <div class="field">
                <label for="consultation-end">{td_string!(locale, staff.consultation_end)}</label>
                <input id="consultation-end" name="consultation_end" type="time" value=value("consultation_end") />
            </div>
            <div class="field">
                <label for="longer-reason">{td_string!(locale, staff.longer_reason)}</label>
                <textarea id="longer-reason" name="longer_reason" rows="2" maxlength="2000">{value("longer_reason")}</textarea>
            </div>
            <p class="actions"><button type="submit" name="action" value=CaseActionName::HoldConsultation.code() class="button">{td_string!(locale, staff.step_hold_consultation)}</button></p>
        </form>
    }
}

/// The report: its versions (each signed one printable), where each copy
/// went, and (reception) the record of a copy sent.
#[component]
pub(super) fn Report(page: CasePage, action_path: String, version: String) -> impl IntoView {
    let locale = crate::use_locale();
    let reception = page.viewer.works_reception();
    let specialist = page.viewer == Role::Specialist;
    let base = action_path.clone();
    let versions = page
        .reports
        .iter()
        .map(|report| {
            let state = match (&report.signed, &report.superseded_at) {
                (Some(_), Some(at)) => td_string!(locale, staff.report_superseded, at = at.clone()).to_string(),
                (Some((at, by)), None) => td_string!(locale, staff.report_signed, at = at.clone(), by = by.clone()).to_string(),
                (None, _) => td_string!(locale, staff.report_draft, at = report.updated_at.clone()).to_string(),
            };
            let title = td_string!(locale, staff.report_version, version = report.version).to_string();
            let link = report.signed.is_some().then(|| {
                let href = format!("{base}/report/{}", report.version);
                view! { " " <a href=href>{td_string!(locale, staff.report_print)}</a> }
            });
            view! {
                <li>
                    <strong>{title}</strong> " — " {state} {link}
                    {report.amendment_reason.clone().map(|reason| view! { <br /><small>{td_string!(locale, staff.amendment_reason)} ": " {reason}</small> })}
                </li>
            }
        })
        .collect_view();
    let sendings = page
        .sendings
        .iter()
        .map(|sent| {
            let text = td_string!(
                locale,
                staff.sent_line,
                version = sent.version,
                to = staff_words::recipient(locale, sent.recipient),
                how = staff_words::sending_method(locale, sent.method),
                on = day(locale, sent.on),
                by = sent.by.clone()
            )
            .to_string();
            view! { <li>{text}</li> }
        })
        .collect_view();
    let signed = page.progress.signed.is_some();
    let editor = specialist.then(|| {
        let label = if page.progress.draft || page.reports.is_empty() {
            td_string!(locale, staff.report_write)
        } else {
            td_string!(locale, staff.report_open)
        };
        view! { <p class="actions"><a class="button" href=format!("{base}/report")>{label}</a></p> }
    });
    let send = (reception && signed).then(|| {
        view! { <SendingForm action_path=action_path.clone() version=version.clone() posted=page.posted.clone() today=page.today /> }
    });
    let open = matches!(page.case.status, CaseStatus::Seen | CaseStatus::Reported);
    view! {
        <Section id="report" title=td_string!(locale, staff.report_heading).to_owned() open>
            {page.resend_needed.then(|| view! { <p class="flag" data-testid="resend-needed">{td_string!(locale, staff.resend_needed)}</p> })}
            {page.reports.is_empty().then(|| view! { <p>{td_string!(locale, staff.no_report_yet)}</p> })}
            <ul class="notes" data-testid="report-versions">{versions}</ul>
            {editor}
            {(!page.sendings.is_empty()).then(|| view! {
                <h3>{td_string!(locale, staff.sent_heading)}</h3>
                <ul class="notes" data-testid="sendings">{sendings}</ul>
            })}
            {send}
        </Section>
    }
}

/// Reception records a copy of the current signed version sent.
#[component]
fn SendingForm(
    action_path: String,
    version: String,
    posted: Vec<(String, String)>,
    today: NaiveDate,
) -> impl IntoView {
    let locale = crate::use_locale();
    let chosen_to = posted_value(&posted, "recipient");
    let chosen_how = posted_value(&posted, "sending_method");
    let on = Some(posted_value(&posted, "sent_on"))
        .filter(|on| !on.is_empty())
        .unwrap_or_else(|| today.to_string());
    let recipients = Recipient::ALL
        .iter()
        .map(|to| {
            let id = format!("recipient-{}", to.code());
            let checked = chosen_to == to.code() || (chosen_to.is_empty() && *to == Recipient::PresentDoctor);
            view! {
                <div class="option">
                    <input type="radio" id=id.clone() name="recipient" value=to.code() checked=checked />
                    <label for=id>{staff_words::recipient(locale, *to)}</label>
                </div>
            }
        })
        .collect_view();
    let methods = SendingMethod::ALL
        .iter()
        .map(|how| {
            let id = format!("sending-{}", how.code());
            view! {
                <div class="option">
                    <input type="radio" id=id.clone() name="sending_method" value=how.code() checked=chosen_how == how.code() />
                    <label for=id>{staff_words::sending_method(locale, *how)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=action_path>
            <input type="hidden" name="version" value=version />
            <h3>{td_string!(locale, staff.record_sending_heading)}</h3>
            <fieldset>
                <legend>{td_string!(locale, staff.sent_to)}</legend>
                {recipients}
            </fieldset>
            <fieldset>
                <legend>{td_string!(locale, staff.sent_how)}</legend>
                {methods}
            </fieldset>
            <div class="field">
                <label for="sent-on">{td_string!(locale, staff.sent_on)}</label>
                <input id="sent-on" name="sent_on" type="date" value=on max=today.to_string() />
            </div>
            <p class="actions"><button type="submit" name="action" value=CaseActionName::RecordSending.code() class="button">{td_string!(locale, staff.step_record_sending)}</button></p>
        </form>
    }
}

/// Before the visit: the specialist's review of the records, the requests
/// for further documents (reception prints and sends them), and a
/// proposal to decline.
#[component]
pub(super) fn BeforeTheVisit(page: CasePage, action_path: String) -> impl IntoView {
    let locale = crate::use_locale();
    let specialist = page.viewer == Role::Specialist;
    let reception = page.viewer.works_reception();
    let before = matches!(
        page.case.status,
        CaseStatus::UnderReview | CaseStatus::Scheduled
    );
    let reviewed = page.reviewed.clone().map(|(by, at)| {
        view! { <p data-testid="records-reviewed">{td_string!(locale, staff.records_reviewed_by, by, at).to_string()}</p> }
    });
    let review_button = (specialist && before && page.reviewed.is_none()).then(|| {
        view! {
            <form method="post" action=action_path.clone()>
                <p class="actions"><button type="submit" name="action" value=CaseActionName::RecordsReviewed.code() class="button">{td_string!(locale, staff.records_reviewed)}</button></p>
            </form>
        }
    });
    let letter_base = format!("{action_path}/documents-letter");
    let requests = page
        .requests
        .iter()
        .map(|request| {
            let mut needed: Vec<String> = request
                .needed
                .iter()
                .filter(|n| **n != NeededDocument::Other)
                .map(|n| staff_words::needed_document(locale, *n).to_owned())
                .collect();
            if let Some(other) = &request.other {
                needed.push(other.clone());
            }
            let state = if request.settled {
                td_string!(locale, staff.request_settled)
            } else {
                td_string!(locale, staff.request_open)
            };
            let letter = (reception && !request.settled).then(|| {
                let href = format!("{letter_base}?request={}", request.id);
                view! {
                    <a href=href>{td_string!(locale, staff.request_print)}</a>
                    <form method="post" action=action_path.clone() class="inline">
                        <input type="hidden" name="request" value=request.id.to_string() />
                        <button type="submit" name="action" value=CaseActionName::SettleRequest.code() class="button secondary">{td_string!(locale, staff.request_settle)}</button>
                    </form>
                }
            });
            view! {
                <li data-testid="document-request">
                    <small>{format!("{} — {}", request.at, request.by)}</small>
                    <p>{needed.join(", ")}{request.note.clone().map(|note| format!(" ({note})"))} " · " <strong>{state}</strong></p>
                    {letter}
                </li>
            }
        })
        .collect_view();
    let request_form = (specialist && before).then(|| {
        view! { <RequestForm action_path=action_path.clone() posted=page.posted.clone() /> }
    });
    let proposal = page.decline_proposal.clone().map(|(reason, note, by)| {
        let text = td_string!(locale, staff.decline_proposed, reason = crate::words::decline(locale, reason), by).to_string();
        view! { <p class="flag" data-testid="decline-proposed">{text}{note.map(|note| format!(": {note}"))}</p> }
    });
    let propose = (specialist && page.case.status.after(Step::Decline).is_ok()).then(|| {
        view! { <ProposeDeclineForm action_path=action_path.clone() posted=page.posted.clone() /> }
    });
    let open_requests = page.requests.iter().any(|request| !request.settled);
    let open =
        (specialist && before) || (reception && (open_requests || page.decline_proposal.is_some()));
    view! {
        <Section id="before" title=td_string!(locale, staff.before_heading).to_owned() open>
            {reviewed}
            {review_button}
            {(!page.requests.is_empty()).then(|| view! {
                <h3>{td_string!(locale, staff.requests_heading)}</h3>
                <ul class="notes">{requests}</ul>
            })}
            {request_form}
            {proposal}
            {propose}
        </Section>
    }
}

/// The specialist asks for what is missing.
#[component]
fn RequestForm(action_path: String, posted: Vec<(String, String)>) -> impl IntoView {
    let locale = crate::use_locale();
    let ticked = |name: &str| posted_value(&posted, name) == "on";
    let needs = NeededDocument::ALL
        .iter()
        .map(|needed| {
            let name = format!("need_{}", needed.code());
            let id = format!("need-{}", needed.code());
            view! {
                <div class="option">
                    <input type="checkbox" id=id.clone() name=name.clone() checked=ticked(&name) />
                    <label for=id>{staff_words::needed_document(locale, *needed)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=action_path>
            <h3>{td_string!(locale, staff.request_heading)}</h3>
            <fieldset>
                <legend>{td_string!(locale, staff.request_what)}</legend>
                {needs}
            </fieldset>
            <div class="field">
                <label for="need-other-text">{td_string!(locale, staff.request_other)}</label>
                <input id="need-other-text" name="need_other_text" type="text" maxlength="2000" value=posted_value(&posted, "need_other_text") />
            </div>
            <div class="field">
                <label for="request-note">{td_string!(locale, staff.request_note)}</label>
                <textarea id="request-note" name="request_note" rows="2" maxlength="2000">{posted_value(&posted, "request_note")}</textarea>
            </div>
            <p class="actions"><button type="submit" name="action" value=CaseActionName::RequestDocuments.code() class="button secondary">{td_string!(locale, staff.request_button)}</button></p>
        </form>
    }
}

/// The specialist proposes declining, with one of the hospital's reasons.
#[component]
fn ProposeDeclineForm(action_path: String, posted: Vec<(String, String)>) -> impl IntoView {
    let locale = crate::use_locale();
    let chosen = posted_value(&posted, "proposed_reason");
    view! {
        <form method="post" action=action_path>
            <h3>{td_string!(locale, staff.propose_heading)}</h3>
            <div class="field">
                <label for="proposed-reason">{td_string!(locale, staff.decline_reason)}</label>
                <select id="proposed-reason" name="proposed_reason">
                    {DeclineReason::ALL.iter().map(|r| view! { <option value=r.code() selected=chosen == r.code()>{crate::words::decline(locale, *r)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="proposed-note">{td_string!(locale, staff.decline_note)}</label>
                <textarea id="proposed-note" name="proposed_note" rows="2" maxlength="2000">{posted_value(&posted, "proposed_note")}</textarea>
            </div>
            <p class="actions"><button type="submit" name="action" value=CaseActionName::ProposeDecline.code() class="button secondary">{td_string!(locale, staff.propose_button)}</button></p>
        </form>
    }
}

/// What comes next on the case, for the role looking at it.
pub(super) fn next_step(locale: Locale, page: &CasePage) -> String {
    let status = page.case.status;
    let today = page.case.appointment.is_some_and(|(d, _)| d == page.today);
    let when = page
        .case
        .appointment
        .map(|(d, t)| format!("{} {}", day(locale, d), t.format("%H:%M")))
        .unwrap_or_default();
    let progress = &page.progress;
    let text = if page.viewer == Role::Specialist {
        match status {
            CaseStatus::UnderReview | CaseStatus::Scheduled if page.reviewed.is_none() => {
                td_string!(locale, staff.next_review)
            }
            CaseStatus::Scheduled if today && progress.checked_in => {
                td_string!(locale, staff.next_consultation)
            }
            CaseStatus::Scheduled => return td_string!(locale, staff.next_visit, when).to_string(),
            CaseStatus::Seen if progress.signed.is_none() => td_string!(locale, staff.next_write),
            CaseStatus::Seen => td_string!(locale, staff.next_sending),
            _ => td_string!(locale, staff.next_nothing),
        }
    } else {
        match status {
            CaseStatus::Received => td_string!(locale, staff.next_start_review),
            CaseStatus::UnderReview if page.case.specialist_id.is_none() => {
                td_string!(locale, staff.next_assign)
            }
            CaseStatus::UnderReview => td_string!(locale, staff.next_book),
            CaseStatus::Scheduled if today && !progress.checked_in => {
                td_string!(locale, staff.next_check_in)
            }
            CaseStatus::Scheduled | CaseStatus::Seen if progress.checked_in && !progress.paid => {
                td_string!(locale, staff.next_payment)
            }
            CaseStatus::Scheduled if progress.checked_in => {
                td_string!(locale, staff.next_consultation_by_specialist)
            }
            CaseStatus::Scheduled => return td_string!(locale, staff.next_visit, when).to_string(),
            CaseStatus::Seen if progress.signed.is_none() => {
                td_string!(locale, staff.next_wait_for_report)
            }
            CaseStatus::Seen => td_string!(locale, staff.next_send_report),
            CaseStatus::Reported if page.resend_needed => td_string!(locale, staff.next_resend),
            _ => td_string!(locale, staff.next_nothing),
        }
    };
    text.to_owned()
}
