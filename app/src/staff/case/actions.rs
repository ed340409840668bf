//! A case's changes: each post read once into a typed action
//! (`CaseAction`), decided by `domain::case`, and made in one transaction
//! through the store that checks the case's version, writes what it tells
//! the patient into the outbox, and writes the audit lines. Calls, notes
//! and "send again" are recorded whatever the version.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use domain::case::{
    Because, CaseStatus, DeclineReason, Progress, RefusedStep, Step, check_appointment,
};
use domain::contact::CallOutcome;
use domain::reference::Reference;
use domain::report::{NeededDocument, Recipient, SendingMethod, check_document_request};
use domain::visit::{CheckIn, PaymentMethod, WhoCame, check_consultation};
use domain::{Arrival, Document, japan_time};
use sqlx::AnyPool;

use super::CaseActionName;
use super::store::{self, Held, RowChange};
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, append};
use crate::http::{FormPairs, Site};
use crate::mail::{MailSetup, letter, outbox};
use crate::staff::store::{CaseRow, case_row, current_appointment, submission, window_of};
use crate::staff::{CaseProblem, Staff, StaffError};
use crate::store::{calendar, in_japan, undecodable};

/// The longest internal note or written reason.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// A text of 1 to [`MAX_TEXT_CHARS`] characters, or `None`.
fn bounded_text(text: &str) -> Option<String> {
    (!text.is_empty() && text.chars().count() <= MAX_TEXT_CHARS).then(|| text.to_owned())
}

/// A day as a form's date input sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayInput {
    Empty,
    Day(NaiveDate),
    Unreadable,
}

impl DayInput {
    fn read(text: &str) -> Self {
        if text.is_empty() {
            Self::Empty
        } else {
            text.parse().map_or(Self::Unreadable, Self::Day)
        }
    }
}

/// A change posted from the case page, read once from the form. Values
/// that cannot be read stay `None` here; the change decides, in the flow's
/// order, which problem the page shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "FormPairs")]
pub enum CaseAction {
    /// An internal note, added whatever version the page showed.
    Note { text: String },
    /// A call made, whatever version the page showed.
    Call {
        outcome: Option<CallOutcome>,
        note: String,
    },
    /// A message sent again, whatever version the page showed.
    SendAgain { message: Option<i64> },
    /// The specialist has reviewed the records (whatever version).
    RecordsReviewed,
    /// The specialist asks the present doctor, through reception, for what
    /// is missing (whatever version).
    RequestDocuments {
        needed: Vec<NeededDocument>,
        other: String,
        note: String,
    },
    /// The specialist proposes declining; reception confirms (whatever
    /// version).
    ProposeDecline {
        reason: Option<DeclineReason>,
        note: String,
    },
    /// Reception sent the request for further documents (or they came).
    SettleRequest { id: Option<i64> },
    /// Any other change, made only on the version the page showed.
    Change {
        version: Option<i64>,
        change: CaseChange,
    },
}

/// The appointment posted: the day (`other_day` wins over the proposed
/// `day` when one is typed) and start as read, and the reason written for
/// a day outside the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub day: Option<NaiveDate>,
    pub start: Option<NaiveTime>,
    pub reason: String,
}

/// One document's line of the documents form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentMark {
    pub document: Document,
    pub ticked: bool,
    pub on: DayInput,
    pub arrival: Option<Arrival>,
    /// `None`: not checked (or not a CD-R).
    pub readable: Option<bool>,
}

/// What reception saw at check-in, as posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrived {
    pub who: Option<WhoCame>,
    pub identification_seen: bool,
    pub relationship_seen: bool,
    pub consent_form_seen: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseChange {
    /// A step that only moves the status: start review, no-show, cancel
    /// the appointment.
    Move(Step),
    /// Each document to bring: ticked as handed in, on which day, how it
    /// came, and (the CD-R) whether it could be read.
    Documents(Vec<DocumentMark>),
    Assign {
        specialist: Option<i64>,
    },
    Schedule(Slot),
    Decline {
        reason: Option<DeclineReason>,
        note: String,
    },
    /// The patient arrived at counter 1.
    CheckIn(Arrived),
    /// The fee, paid: how, and the payer's name for the receipt.
    RecordPayment {
        method: Option<PaymentMethod>,
        payer: String,
    },
    /// The specialist records the consultation's times.
    HoldConsultation {
        start: Option<NaiveTime>,
        end: Option<NaiveTime>,
        reason: String,
    },
    /// A copy of the current signed report left the hospital.
    RecordSending {
        recipient: Option<Recipient>,
        method: Option<SendingMethod>,
        on: DayInput,
    },
}

/// Who may post an action of the case page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// Reception and admins: everything about the case at the counter.
    Reception,
    /// The case's own specialist: the review, the requests, the
    /// consultation.
    Specialist,
    /// Whoever may see the case (a note).
    Anyone,
}

impl CaseAction {
    /// Who may take this action.
    pub const fn actor(&self) -> Actor {
        match self {
            Self::Note { .. } => Actor::Anyone,
            Self::RecordsReviewed
            | Self::RequestDocuments { .. }
            | Self::ProposeDecline { .. }
            | Self::Change {
                change: CaseChange::HoldConsultation { .. },
                ..
            } => Actor::Specialist,
            _ => Actor::Reception,
        }
    }
}

/// Reads the posted form; an action the case page does not send is a
/// `BadForm`.
impl TryFrom<FormPairs> for CaseAction {
    type Error = StaffError;

    fn try_from(pairs: FormPairs) -> Result<Self, StaffError> {
        let value = |name: &str| pairs.value(name);
        let Some(name) = CaseActionName::from_code(value("action")) else {
            return Err(StaffError::BadForm);
        };
        if let Some(action) = Self::beside(name, &value) {
            return Ok(action);
        }
        let change = CaseChange::read(name, &value).ok_or(StaffError::BadForm)?;
        Ok(Self::Change {
            version: value("version").parse().ok(),
            change,
        })
    }
}

impl CaseAction {
    /// The action named `name` that is not a change of the case's row,
    /// read from the posted `value`s.
    fn beside<'a>(name: CaseActionName, value: &impl Fn(&str) -> &'a str) -> Option<Self> {
        Some(match name {
            CaseActionName::Note => Self::Note {
                text: value("note").to_owned(),
            },
            CaseActionName::Call => Self::Call {
                outcome: CallOutcome::from_code(value("outcome")),
                note: value("call_note").to_owned(),
            },
            CaseActionName::SendAgain => Self::SendAgain {
                message: value("message").parse().ok(),
            },
            CaseActionName::RecordsReviewed => Self::RecordsReviewed,
            CaseActionName::RequestDocuments => Self::RequestDocuments {
                needed: NeededDocument::ALL
                    .iter()
                    .copied()
                    .filter(|needed| value(&format!("need_{}", needed.code())) == "on")
                    .collect(),
                other: value("need_other_text").to_owned(),
                note: value("request_note").to_owned(),
            },
            CaseActionName::ProposeDecline => Self::ProposeDecline {
                reason: DeclineReason::from_code(value("proposed_reason")),
                note: value("proposed_note").to_owned(),
            },
            CaseActionName::SettleRequest => Self::SettleRequest {
                id: value("request").parse().ok(),
            },
            _ => return None,
        })
    }
}

impl CaseChange {
    /// The change of the case's row named `name`, read from the posted
    /// `value`s.
    fn read<'a>(name: CaseActionName, value: &impl Fn(&str) -> &'a str) -> Option<Self> {
        Some(match name {
            CaseActionName::CheckIn => Self::CheckIn(Arrived {
                who: WhoCame::from_code(value("who_came")),
                identification_seen: value("identification_seen") == "on",
                relationship_seen: value("relationship_seen") == "on",
                consent_form_seen: value("consent_form_seen") == "on",
            }),
            CaseActionName::RecordPayment => Self::RecordPayment {
                method: PaymentMethod::from_code(value("method")),
                payer: value("payer").to_owned(),
            },
            CaseActionName::HoldConsultation => Self::HoldConsultation {
                start: NaiveTime::parse_from_str(value("consultation_start"), "%H:%M").ok(),
                end: NaiveTime::parse_from_str(value("consultation_end"), "%H:%M").ok(),
                reason: value("longer_reason").to_owned(),
            },
            CaseActionName::RecordSending => Self::RecordSending {
                recipient: Recipient::from_code(value("recipient")),
                method: SendingMethod::from_code(value("sending_method")),
                on: DayInput::read(value("sent_on")),
            },
            CaseActionName::Documents => Self::Documents(
                Document::ALL
                    .iter()
                    .map(|document| {
                        let code = document.code();
                        DocumentMark {
                            document: *document,
                            ticked: value(&format!("doc_{code}")) == "on",
                            on: DayInput::read(value(&format!("doc_{code}_on"))),
                            arrival: Arrival::from_code(value(&format!("doc_{code}_how"))),
                            readable: match value(&format!("doc_{code}_readable")) {
                                "yes" => Some(true),
                                "no" => Some(false),
                                _ => None,
                            },
                        }
                    })
                    .collect(),
            ),
            CaseActionName::Assign => Self::Assign {
                specialist: value("specialist").parse().ok(),
            },
            CaseActionName::Schedule => {
                let day = Some(value("other_day"))
                    .filter(|day| !day.is_empty())
                    .unwrap_or_else(|| value("day"));
                Self::Schedule(Slot {
                    day: day.parse().ok(),
                    start: NaiveTime::parse_from_str(value("start"), "%H:%M").ok(),
                    reason: value("reason").to_owned(),
                })
            }
            CaseActionName::Decline => Self::Decline {
                reason: DeclineReason::from_code(value("decline_reason")),
                note: value("decline_note").to_owned(),
            },
            CaseActionName::StartReview => Self::Move(Step::StartReview),
            CaseActionName::NoShow => Self::Move(Step::NoShow),
            CaseActionName::CancelAppointment => Self::Move(Step::CancelAppointment),
            CaseActionName::Note
            | CaseActionName::Call
            | CaseActionName::SendAgain
            | CaseActionName::RecordsReviewed
            | CaseActionName::RequestDocuments
            | CaseActionName::ProposeDecline
            | CaseActionName::SettleRequest => return None,
        })
    }
}

/// A change to the case's own row, made only if nobody changed it since
/// the page was loaded.
#[derive(Debug, Default)]
struct Change {
    status: Option<(CaseStatus, CaseStatus)>,
    /// A specialist newly assigned, and their department.
    specialist: Option<(i64, String)>,
    decline: Option<(DeclineReason, Option<String>)>,
    /// Audit lines: action, before, after.
    audit: Vec<(AuditAction, Option<String>, Option<String>)>,
    /// What the patient is told of it, if they asked for e-mail.
    tell: Option<Tell>,
}

/// What a change tells the patient.
#[derive(Debug)]
enum Tell {
    Booked {
        appointment_id: i64,
        slot: letter::Slot,
        previous: Option<letter::Slot>,
        sequence: u32,
        calendar: domain::Calendar,
    },
    Cancelled {
        slot: letter::Slot,
        sequence: u32,
    },
    Declined(DeclineReason),
    /// The appointment is over (the patient came, or did not): its
    /// reminder goes if still queued.
    Ended,
    /// The report was sent to the present doctor on that day.
    ReportSent {
        on: NaiveDate,
        doctor: String,
    },
}

type Transaction<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// A change to apply, or why it is refused.
type Decided = Result<Change, CaseProblem>;

/// Makes the change, as `staff`, with the messages it sends the patient.
pub async fn act(
    site: &Site,
    staff: &Staff,
    reference: &Reference,
    action: CaseAction,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let (pool, mail) = (&site.pool, &site.mail);
    // IMMEDIATE: the version is read under the write lock, so of two
    // changes made at once the second waits, then finds the new version and
    // is told who changed the case, instead of failing as "busy".
    let mut transaction = crate::store::begin_write(pool).await?;
    let row = case_row(&mut *transaction, reference)
        .await?
        .ok_or(StaffError::NotFound)?
        .whole()?;
    let (version, change) = match action {
        CaseAction::Change { version, change } => (version, change),
        other => return act_beside(transaction, &row, staff, other, mail, now).await,
    };
    if version != Some(row.version) {
        return Err(StaffError::Stale {
            by: row.updated_by.clone().unwrap_or_default(),
            at: row.updated_at.as_deref().map(in_japan).unwrap_or_default(),
        });
    }
    let Some(change) = decide(site, &mut transaction, &row, staff, change, now).await? else {
        // Nothing to write, no new version.
        return Ok(());
    };
    apply(transaction, &row, change, staff, mail, now).await
}

/// An action beside the case's own row (a note, a call, a message sent
/// again, the specialist's work before the visit): no version to check.
async fn act_beside(
    transaction: Transaction<'_>,
    row: &CaseRow,
    staff: &Staff,
    action: CaseAction,
    mail: &MailSetup,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    match action {
        CaseAction::Note { text } => add_note(transaction, row, staff, &text, now).await,
        CaseAction::Call { outcome, note } => {
            record_call(transaction, row, staff, outcome, &note, now).await
        }
        CaseAction::SendAgain { message } => {
            send_again(transaction, row, staff, message, mail, now).await
        }
        CaseAction::RecordsReviewed => records_reviewed(transaction, row, staff, now).await,
        CaseAction::RequestDocuments {
            needed,
            other,
            note,
        } => {
            let asked = (needed.as_slice(), other.as_str(), note.as_str());
            request_documents(transaction, row, staff, asked, now).await
        }
        CaseAction::ProposeDecline { reason, note } => {
            propose_decline(transaction, row, staff, reason, &note, now).await
        }
        CaseAction::SettleRequest { id } => settle_request(transaction, row, staff, id, now).await,
        CaseAction::Change { .. } => Err(StaffError::BadForm),
    }
}

/// The change to the case's row that `change` makes, written beside it
/// (a visit, a payment, a sending) in `transaction`; `None` when there is
/// nothing to change.
async fn decide(
    site: &Site,
    transaction: &mut Transaction<'_>,
    row: &CaseRow,
    staff: &Staff,
    change: CaseChange,
    now: DateTime<Utc>,
) -> Result<Option<Change>, StaffError> {
    let status = CaseStatus::from_code(&row.status).ok_or_else(|| undecodable("status"))?;
    let progress = crate::staff::store::progress(transaction, row.id).await?;
    let today = japan_time(&now).date();
    Ok(Some(match change {
        CaseChange::Move(step) => {
            let mut change = moved(status, &progress, step)?;
            if step == Step::CancelAppointment {
                if let Some((day, start)) = current_appointment(&mut **transaction, row.id).await? {
                    change.tell = Some(Tell::Cancelled {
                        slot: letter::Slot { day, start },
                        sequence: store::appointments_booked(transaction, row.id).await?,
                    });
                }
                store::end_appointment(transaction, row.id, "cancelled", &staff.login, now).await?;
            } else if step == Step::NoShow {
                change.tell = Some(Tell::Ended);
            }
            change
        }
        CaseChange::CheckIn(arrived) => {
            moved(status, &progress, Step::CheckIn)?;
            let (appointment, _) = on_the_day(transaction, row.id, today).await?;
            check_in(transaction, row, appointment, arrived, staff, now).await?
        }
        CaseChange::RecordPayment { method, payer } => {
            if let Err(refused) = status.take(Step::RecordPayment, &progress) {
                if refused.because == Because::AlreadyPaid
                    && let Some((appointment, _)) =
                        store::current_appointment_id(transaction, row.id).await?
                    && let Some(first) = store::payment_of(transaction, appointment).await?
                {
                    return Err(CaseProblem::AlreadyPaid(first).into());
                }
                return Err(CaseProblem::Refused(refused).into());
            }
            let (appointment, _) = current(transaction, row.id).await?;
            let paid = Paid {
                method,
                payer: &payer,
            };
            pay(transaction, row, appointment, paid, staff, now).await?
        }
        CaseChange::HoldConsultation { start, end, reason } => {
            let mut change = moved(status, &progress, Step::HoldConsultation)?;
            let (appointment, _) = on_the_day(transaction, row.id, today).await?;
            let (Some(start), Some(end)) = (start, end) else {
                return Err(CaseProblem::BadDateOrTime.into());
            };
            let minutes =
                check_consultation(start, end, &reason).map_err(CaseProblem::Consultation)?;
            let reason = Some(reason.trim()).filter(|reason| !reason.is_empty());
            // The report's due day, fixed as the consultation ends: the
            // hospital's calendar of today, and its number of days.
            let calendar = crate::store::calendar(&site.pool).await?;
            let due = domain::report::report_due(&calendar, today, site.report_days);
            let held = Held {
                times: (start, end, minutes),
                longer_reason: reason,
                report_due: due,
            };
            store::record_consultation(transaction, appointment, &held, &staff.login, now).await?;
            let line = format!(
                "{}–{} ({minutes} min)",
                start.format("%H:%M"),
                end.format("%H:%M")
            );
            change
                .audit
                .push((AuditAction::ConsultationHeld, None, Some(line)));
            change.tell = Some(Tell::Ended);
            change
        }
        CaseChange::RecordSending {
            recipient,
            method,
            on,
        } => {
            let on = match on {
                DayInput::Empty => today,
                DayInput::Day(day) if day <= today => day,
                DayInput::Day(_) | DayInput::Unreadable => {
                    return Err(CaseProblem::BadDateOrTime.into());
                }
            };
            let sent = (recipient, method, on);
            record_sending(transaction, row, (status, &progress), sent, staff, now).await?
        }
        CaseChange::Documents(marks) => {
            let change = documents(transaction, row, staff, &marks, now).await?;
            // Nothing ticked or unticked: nothing to write.
            if change.audit.is_empty() {
                return Ok(None);
            }
            change
        }
        CaseChange::Assign { specialist } => assign(transaction, status, specialist).await?,
        CaseChange::Schedule(slot) => {
            schedule(&site.pool, transaction, row, status, staff, slot, now).await?
        }
        CaseChange::Decline { reason, note } => decline(status, reason, &note)?,
    }))
}

/// A copy of the current signed report left the hospital: to the present
/// doctor (the case becomes reported, and the patient is told), or the
/// patient's own copy (nothing else changes).
async fn record_sending(
    transaction: &mut Transaction<'_>,
    row: &CaseRow,
    (status, progress): (CaseStatus, &Progress),
    (recipient, method, on): (Option<Recipient>, Option<SendingMethod>, NaiveDate),
    staff: &Staff,
    now: DateTime<Utc>,
) -> Result<Change, StaffError> {
    let recipient = recipient.ok_or(CaseProblem::NoSendingMethod)?;
    let method = method
        .filter(|method| method.suits(recipient))
        .ok_or(CaseProblem::NoSendingMethod)?;
    let nothing_signed = CaseProblem::Refused(RefusedStep {
        from: status,
        step: Step::RecordSending,
        because: Because::NothingSigned,
    });
    let mut change = match recipient {
        Recipient::PresentDoctor => moved(status, progress, Step::RecordSending)?,
        Recipient::Patient if progress.signed.is_none() => {
            return Err(nothing_signed.into());
        }
        Recipient::Patient => Change::default(),
    };
    let current = store::current_report(transaction, row.id)
        .await?
        .ok_or(nothing_signed)?;
    let sent = (recipient, method, on);
    store::insert_sending(transaction, (current.id, row.id), sent, &staff.login, now).await?;
    let line = format!(
        "v{} {} {} {on}",
        current.version,
        recipient.code(),
        method.code()
    );
    change
        .audit
        .push((AuditAction::ReportSent, None, Some(line)));
    if recipient == Recipient::PresentDoctor {
        change.tell = Some(Tell::ReportSent {
            on,
            doctor: current.doctor,
        });
    }
    Ok(change)
}

/// Records a call to the patient and its outcome.
async fn record_call(
    mut transaction: Transaction<'_>,
    row: &CaseRow,
    staff: &Staff,
    outcome: Option<CallOutcome>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let outcome = outcome.ok_or(CaseProblem::NoCallOutcome)?;
    if note.chars().count() > MAX_TEXT_CHARS {
        return Err(CaseProblem::TooLong.into());
    }
    store::insert_call(
        &mut transaction,
        row.id,
        now,
        outcome,
        bounded_text(note),
        &staff.name,
    )
    .await?;
    let entry = Entry {
        actor: Some(&staff.login),
        case_id: Some(row.id),
        after: Some(outcome.code()),
        ..Entry::of(AuditAction::CallRecorded)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(())
}

/// Puts a sent or failed message back in the queue.
async fn send_again(
    mut transaction: Transaction<'_>,
    row: &CaseRow,
    staff: &Staff,
    message: Option<i64>,
    mail: &MailSetup,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let message = message.ok_or(CaseProblem::NotSendable)?;
    let kind = outbox::send_again(&mut transaction, mail, row.id, message, now)
        .await?
        .ok_or(CaseProblem::NotSendable)?;
    let entry = Entry {
        actor: Some(&staff.login),
        case_id: Some(row.id),
        after: Some(kind.code()),
        ..Entry::of(AuditAction::MessageSentAgain)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(())
}

/// A change that moves the status along the flow (the status stays when
/// the step keeps it), if the day and the report allow the step.
fn moved(status: CaseStatus, progress: &Progress, step: Step) -> Decided {
    let to = status.take(step, progress).map_err(CaseProblem::Refused)?;
    Ok(Change {
        status: (to != status).then_some((status, to)),
        ..Change::default()
    })
}

/// The case's current appointment: its id and day.
async fn current(
    transaction: &mut Transaction<'_>,
    case_id: i64,
) -> Result<(i64, NaiveDate), StaffError> {
    Ok(store::current_appointment_id(transaction, case_id)
        .await?
        .ok_or(CaseProblem::NotTheDay)?)
}

/// The current appointment, if it is today: check-in and the consultation
/// happen on the appointment's day only.
async fn on_the_day(
    transaction: &mut Transaction<'_>,
    case_id: i64,
    today: NaiveDate,
) -> Result<(i64, NaiveDate), StaffError> {
    let (appointment, day) = current(transaction, case_id).await?;
    if day != today {
        return Err(CaseProblem::NotTheDay.into());
    }
    Ok((appointment, day))
}

/// The patient (or the family) checked in at counter 1: who came, and that
/// reception saw what it must.
async fn check_in(
    transaction: &mut Transaction<'_>,
    row: &CaseRow,
    appointment: i64,
    arrived: Arrived,
    staff: &Staff,
    now: DateTime<Utc>,
) -> Result<Change, StaffError> {
    let who = arrived.who.ok_or(CaseProblem::NoWhoCame)?;
    let check_in = CheckIn {
        who,
        identification_seen: arrived.identification_seen,
        relationship_seen: arrived.relationship_seen,
        consent_form_seen: arrived.consent_form_seen,
    };
    let missing = check_in.problems();
    if !missing.is_empty() {
        return Err(CaseProblem::CheckIn(missing).into());
    }
    store::insert_visit(
        transaction,
        (appointment, row.id),
        &check_in,
        &staff.login,
        now,
    )
    .await?;
    let mut change = Change::default();
    change
        .audit
        .push((AuditAction::CheckedIn, None, Some(who.code().to_owned())));
    Ok(change)
}

/// The fee as posted.
struct Paid<'a> {
    method: Option<PaymentMethod>,
    payer: &'a str,
}

/// The longest payer's name on a receipt.
const MAX_PAYER_CHARS: usize = 100;

/// Records the fee (33,000 yen, from `domain::fee`) with the year's next
/// receipt number.
async fn pay(
    transaction: &mut Transaction<'_>,
    row: &CaseRow,
    appointment: i64,
    paid: Paid<'_>,
    staff: &Staff,
    now: DateTime<Utc>,
) -> Result<Change, StaffError> {
    let method = paid.method.ok_or(CaseProblem::NoPaymentMethod)?;
    let payer = paid.payer.trim();
    if payer.is_empty() || payer.chars().count() > MAX_PAYER_CHARS {
        return Err(CaseProblem::NoPayer.into());
    }
    let amount = domain::fee::SECOND_OPINION_FEE.total();
    let payment = store::NewPayment {
        appointment_id: appointment,
        case_id: row.id,
        year: japan_time(&now).date().year(),
        amount,
        method,
        payer,
        by: &staff.login,
    };
    let number = store::insert_payment(transaction, &payment, now).await?;
    let mut change = Change::default();
    let line = format!("{number} {} {}", amount.0, method.code());
    change
        .audit
        .push((AuditAction::PaymentRecorded, None, Some(line)));
    Ok(change)
}

/// The specialist has reviewed the records before the visit.
async fn records_reviewed(
    mut transaction: Transaction<'_>,
    row: &CaseRow,
    staff: &Staff,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let status = CaseStatus::from_code(&row.status).ok_or_else(|| undecodable("status"))?;
    if !matches!(status, CaseStatus::UnderReview | CaseStatus::Scheduled) {
        return Err(CaseProblem::Closed.into());
    }
    store::set_records_reviewed(&mut transaction, row.id, &staff.login, now).await?;
    let entry = Entry {
        actor: Some(&staff.login),
        case_id: Some(row.id),
        ..Entry::of(AuditAction::RecordsReviewed)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(())
}

/// The specialist asks for what is missing; reception's queue flags it.
async fn request_documents(
    mut transaction: Transaction<'_>,
    row: &CaseRow,
    staff: &Staff,
    (needed, other, note): (&[NeededDocument], &str, &str),
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let status = CaseStatus::from_code(&row.status).ok_or_else(|| undecodable("status"))?;
    if !matches!(status, CaseStatus::UnderReview | CaseStatus::Scheduled) {
        return Err(CaseProblem::Closed.into());
    }
    check_document_request(needed, other, note).map_err(CaseProblem::DocumentRequest)?;
    let other = words(other).filter(|_| needed.contains(&NeededDocument::Other));
    let asked = (needed, other, words(note));
    store::insert_document_request(&mut transaction, row.id, asked, &staff.login, now).await?;
    let codes: Vec<&str> = needed.iter().map(|needed| needed.code()).collect();
    let detail = codes.join(" ");
    let entry = Entry {
        actor: Some(&staff.login),
        case_id: Some(row.id),
        after: Some(&detail),
        ..Entry::of(AuditAction::DocumentsRequested)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(())
}

/// `text` trimmed, unless nothing is left.
fn words(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|text| !text.is_empty())
}

/// The specialist proposes declining, with one of the hospital's reasons;
/// reception confirms it with the decline.
async fn propose_decline(
    mut transaction: Transaction<'_>,
    row: &CaseRow,
    staff: &Staff,
    reason: Option<DeclineReason>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let status = CaseStatus::from_code(&row.status).ok_or_else(|| undecodable("status"))?;
    status.after(Step::Decline).map_err(CaseProblem::Refused)?;
    let reason = reason.ok_or(CaseProblem::DeclineNeedsText)?;
    if note.chars().count() > MAX_TEXT_CHARS {
        return Err(CaseProblem::TooLong.into());
    }
    let note = bounded_text(note);
    if reason == DeclineReason::Other && note.is_none() {
        return Err(CaseProblem::DeclineNeedsText.into());
    }
    let proposal = (reason, note.as_deref());
    store::set_decline_proposal(&mut transaction, row.id, proposal, &staff.login).await?;
    let entry = Entry {
        actor: Some(&staff.login),
        case_id: Some(row.id),
        after: Some(reason.code()),
        ..Entry::of(AuditAction::DeclineProposed)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(())
}

/// Reception sent the request for further documents to the present doctor
/// (or they came): the queue no longer flags it.
async fn settle_request(
    mut transaction: Transaction<'_>,
    row: &CaseRow,
    staff: &Staff,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let id = id.ok_or(StaffError::BadForm)?;
    if !store::settle_document_request(&mut transaction, row.id, id, &staff.login, now).await? {
        return Err(StaffError::NotFound);
    }
    let detail = format!("request {id}");
    let entry = Entry {
        actor: Some(&staff.login),
        case_id: Some(row.id),
        after: Some(&detail),
        ..Entry::of(AuditAction::DocumentRequestSettled)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(())
}

async fn add_note(
    mut transaction: Transaction<'_>,
    row: &CaseRow,
    staff: &Staff,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let note = bounded_text(text).ok_or(CaseProblem::BadNote)?;
    store::insert_note(&mut transaction, row.id, now, &staff.name, &note).await?;
    let entry = Entry {
        actor: Some(&staff.login),
        case_id: Some(row.id),
        ..Entry::of(AuditAction::NoteAdded)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(())
}

/// Ticks and unticks the documents handed in, each with its day, how it
/// came and (the CD-R) whether it could be read.
async fn documents(
    transaction: &mut Transaction<'_>,
    row: &CaseRow,
    staff: &Staff,
    marks: &[DocumentMark],
    now: DateTime<Utc>,
) -> Result<Change, StaffError> {
    let today = japan_time(&now).date();
    let mut change = Change::default();
    for document in domain::documents_to_bring(&submission(row)?.request) {
        let mark = marks
            .iter()
            .find(|mark| mark.document == document)
            .copied()
            .unwrap_or(DocumentMark {
                document,
                ticked: false,
                on: DayInput::Empty,
                arrival: None,
                readable: None,
            });
        let on = match mark.on {
            DayInput::Empty => today,
            DayInput::Day(day) if day <= today => day,
            DayInput::Day(_) | DayInput::Unreadable => {
                return Err(CaseProblem::BadDateOrTime.into());
            }
        };
        let readable = mark.readable.filter(|_| document.may_be_unreadable());
        let before = store::document_record(transaction, row.id, document.code()).await?;
        let after = mark.ticked.then(|| {
            (
                on.to_string(),
                mark.arrival.map(|arrival| arrival.code().to_owned()),
                readable,
            )
        });
        if before == after {
            continue;
        }
        if let Some(record) = &after {
            store::record_document(transaction, row.id, document.code(), record, &staff.login)
                .await?;
        } else {
            store::forget_document(transaction, row.id, document.code()).await?;
        }
        // `referral_letter: 2026-12-02 fax`, `test_records: 2026-12-02 post unreadable`.
        let line = |(on, arrival, readable): (String, Option<String>, Option<bool>)| {
            let mut line = format!("{}: {on}", document.code());
            if let Some(arrival) = arrival {
                line = format!("{line} {arrival}");
            }
            match readable {
                Some(true) => line + " readable",
                Some(false) => line + " unreadable",
                None => line,
            }
        };
        change.audit.push((
            AuditAction::DocumentReceived,
            before.map(line),
            after.map(line),
        ));
    }
    Ok(change)
}

/// Assigns an active specialist (and so their department); a received case
/// goes under review with it.
async fn assign(
    transaction: &mut Transaction<'_>,
    status: CaseStatus,
    specialist: Option<i64>,
) -> Result<Change, StaffError> {
    let specialist = match specialist {
        Some(id) => store::active_specialist(transaction, id).await?,
        None => None,
    };
    let specialist = specialist.ok_or(CaseProblem::NoSpecialist)?;
    let mut change = match status {
        CaseStatus::Received => moved(status, &Progress::default(), Step::StartReview)?,
        CaseStatus::UnderReview | CaseStatus::Scheduled => Change::default(),
        _ => return Err(CaseProblem::Closed.into()),
    };
    change.specialist = Some(specialist);
    Ok(change)
}

/// Books (or moves) the appointment; the old one is kept, ended.
async fn schedule(
    pool: &AnyPool,
    transaction: &mut Transaction<'_>,
    row: &CaseRow,
    status: CaseStatus,
    staff: &Staff,
    slot: Slot,
    now: DateTime<Utc>,
) -> Result<Change, StaffError> {
    if row.specialist_id.is_none() {
        return Err(CaseProblem::NoSpecialist.into());
    }
    let step = if status == CaseStatus::Scheduled {
        Step::Reschedule
    } else {
        Step::Schedule
    };
    let mut change = moved(status, &Progress::default(), step)?;
    let Slot { day, start, reason } = slot;
    let (Some(day), Some(start)) = (day, start) else {
        return Err(CaseProblem::BadDateOrTime.into());
    };
    if reason.chars().count() > MAX_TEXT_CHARS {
        return Err(CaseProblem::TooLong.into());
    }
    let calendar = calendar(pool).await?;
    let window = window_of(row, &calendar)?;
    let today = japan_time(&now).date();
    check_appointment(&calendar, &window, today, day, start, &reason)
        .map_err(CaseProblem::Schedule)?;
    // The specialist sees one patient at a time: another of their current
    // appointments that day must end before this one starts, or start after
    // it ends (each lasts up to 60 minutes).
    let others = store::other_starts(transaction, day, row.specialist_id, row.id).await?;
    let length = chrono::Duration::minutes(i64::from(domain::case::APPOINTMENT_MINUTES));
    let clash = others
        .into_iter()
        .find(|other| *other < start + length && start < *other + length);
    if let Some(other) = clash {
        return Err(CaseProblem::SpecialistBusy(other).into());
    }
    let outside = day < window.earliest || day > window.latest;
    let previous = current_appointment(&mut **transaction, row.id).await?;
    let before = previous.map(|(day, start)| format!("{day} {}", start.format("%H:%M")));
    store::end_appointment(transaction, row.id, "rescheduled", &staff.login, now).await?;
    let appointment_id = store::insert_appointment(
        transaction,
        row.id,
        (day, start),
        outside.then_some(reason),
        &staff.login,
        now,
    )
    .await?;
    // A new booking answers what the patient asked through the last one.
    store::clear_patient_answer(transaction, row.id).await?;
    change.tell = Some(Tell::Booked {
        appointment_id,
        slot: letter::Slot { day, start },
        previous: previous
            .filter(|_| status == CaseStatus::Scheduled)
            .map(|(day, start)| letter::Slot { day, start }),
        sequence: store::appointments_booked(transaction, row.id)
            .await?
            .saturating_sub(1),
        calendar,
    });
    change.audit.push((
        AuditAction::AppointmentBooked,
        before,
        Some(format!("{day} {}", start.format("%H:%M"))),
    ));
    Ok(change)
}

/// Declines with one of the hospital's reasons; "other" needs it written.
fn decline(status: CaseStatus, reason: Option<DeclineReason>, note: &str) -> Decided {
    let reason = reason.ok_or(CaseProblem::DeclineNeedsText)?;
    if note.chars().count() > MAX_TEXT_CHARS {
        return Err(CaseProblem::TooLong);
    }
    let note = bounded_text(note);
    if reason == DeclineReason::Other && note.is_none() {
        return Err(CaseProblem::DeclineNeedsText);
    }
    let mut change = moved(status, &Progress::default(), Step::Decline)?;
    change.decline = Some((reason, note));
    change.tell = Some(Tell::Declined(reason));
    Ok(change)
}

/// Writes the case's row (its version moves on), the messages to the
/// patient and the audit lines, and commits.
async fn apply(
    mut transaction: Transaction<'_>,
    row: &CaseRow,
    mut change: Change,
    staff: &Staff,
    mail: &MailSetup,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let written = RowChange {
        status: change.status.map(|(_, to)| to.code()),
        department: change
            .specialist
            .as_ref()
            .map(|(_, department)| department.as_str()),
        specialist_id: change.specialist.as_ref().map(|(id, _)| *id),
        decline_reason: change.decline.as_ref().map(|(reason, _)| reason.code()),
        decline_note: change
            .decline
            .as_ref()
            .and_then(|(_, note)| note.as_deref()),
    };
    let updated = store::update_case(
        &mut transaction,
        row.id,
        row.version,
        written,
        &staff.name,
        now,
    )
    .await?;
    if !updated {
        // Cannot happen under the IMMEDIATE transaction; if it did, nothing
        // is written.
        return Err(StaffError::Stale {
            by: String::new(),
            at: String::new(),
        });
    }
    if let Some((_, to)) = change.status
        && !matches!(
            to,
            CaseStatus::Scheduled | CaseStatus::Seen | CaseStatus::Reported
        )
    {
        // Closed: the patient's answer to the last booking is done with.
        store::clear_patient_answer(&mut transaction, row.id).await?;
    }
    if let Some((from, to)) = change.status {
        change.audit.push((
            AuditAction::StatusChanged,
            Some(from.code().to_owned()),
            Some(to.code().to_owned()),
        ));
    }
    if let Some((specialist, department)) = &change.specialist {
        change.audit.push((
            AuditAction::DepartmentAssigned,
            row.department.clone(),
            Some(department.clone()),
        ));
        change.audit.push((
            AuditAction::SpecialistAssigned,
            row.specialist_id.map(|id| id.to_string()),
            Some(specialist.to_string()),
        ));
    }
    if let Some((reason, _)) = &change.decline {
        change
            .audit
            .push((AuditAction::Declined, None, Some(reason.code().to_owned())));
    }
    if let Some(tell) = change.tell.take()
        && let Some(kind) = tell_patient(&mut transaction, row, tell, mail, now).await?
    {
        change
            .audit
            .push((AuditAction::MessageQueued, None, Some(kind.to_owned())));
    }
    for (action, before, after) in &change.audit {
        let entry = Entry {
            actor: Some(&staff.login),
            case_id: Some(row.id),
            before: before.as_deref(),
            after: after.as_deref(),
            ..Entry::of(*action)
        };
        append(&mut transaction, now, entry).await?;
    }
    transaction.commit().await?;
    Ok(())
}

/// Writes what the change tells the patient, if they asked for e-mail;
/// returns the kind of message queued. A reminder of an appointment that
/// ended is withdrawn whether or not they did.
async fn tell_patient(
    transaction: &mut Transaction<'_>,
    row: &CaseRow,
    tell: Tell,
    mail: &MailSetup,
    now: DateTime<Utc>,
) -> Result<Option<&'static str>, StaffError> {
    let connection = &mut **transaction;
    if matches!(tell, Tell::Ended | Tell::Cancelled { .. }) {
        crate::mail::store::withdraw_reminders(&mut *connection, row.id).await?;
    }
    if matches!(tell, Tell::Ended) {
        return Ok(None);
    }
    let submission = submission(row)?;
    let Some(recipient) = outbox::recipient(&submission) else {
        return Ok(None);
    };
    let reference = Reference::parse(&row.reference).ok_or_else(|| undecodable("reference"))?;
    let documents = domain::documents_to_bring(&submission.request);
    let to = outbox::Addressee {
        case_id: row.id,
        reference: &reference,
        locale: outbox::locale_of(&row.language),
        recipient,
        documents: &documents,
    };
    let kind = match tell {
        Tell::Booked {
            appointment_id,
            slot,
            previous,
            sequence,
            calendar,
        } => {
            outbox::tell_booked(
                connection,
                mail,
                &to,
                appointment_id,
                slot,
                previous,
                sequence,
                &calendar,
                now,
            )
            .await?;
            if previous.is_some() {
                "moved"
            } else {
                "booked"
            }
        }
        Tell::Cancelled { slot, sequence } => {
            outbox::tell_cancelled(connection, mail, &to, slot, sequence, now).await?;
            "cancelled"
        }
        Tell::Declined(reason) => {
            outbox::tell_declined(connection, mail, &to, reason, now).await?;
            "declined"
        }
        Tell::ReportSent { on, doctor } => {
            outbox::tell_report_sent(connection, mail, &to, on, &doctor, now).await?;
            "report_sent"
        }
        Tell::Ended => return Ok(None),
    };
    Ok(Some(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormPairs {
        FormPairs(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn a_post_is_read_once_into_its_action() {
        let scheduled = CaseAction::try_from(form(&[
            ("action", "schedule"),
            ("version", "3"),
            ("day", "2027-01-13"),
            ("other_day", ""),
            ("start", "10:30"),
        ]));
        assert_eq!(
            scheduled,
            Ok(CaseAction::Change {
                version: Some(3),
                change: CaseChange::Schedule(Slot {
                    day: NaiveDate::from_ymd_opt(2027, 1, 13),
                    start: NaiveTime::from_hms_opt(10, 30, 0),
                    reason: String::new(),
                }),
            })
        );
        let moved = CaseAction::try_from(form(&[("action", "no_show"), ("version", "x")]));
        assert_eq!(
            moved,
            Ok(CaseAction::Change {
                version: None,
                change: CaseChange::Move(Step::NoShow),
            })
        );
    }

    #[test]
    fn an_action_the_pages_do_not_send_is_a_bad_form() {
        for action in ["", "delete", "decline_all", "reschedule"] {
            assert_eq!(
                CaseAction::try_from(form(&[("action", action)])),
                Err(StaffError::BadForm),
                "{action:?}"
            );
        }
    }
}
