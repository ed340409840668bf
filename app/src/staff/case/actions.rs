//! A case's changes: each post read once into a typed action
//! (`CaseAction`), decided by `domain::case`, and made in one transaction
//! through the store that checks the case's version, writes what it tells
//! the patient into the outbox, and writes the audit lines. Calls, notes
//! and "send again" are recorded whatever the version.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::case::{CaseStatus, DeclineReason, Step, check_appointment};
use domain::contact::CallOutcome;
use domain::reference::Reference;
use domain::{Arrival, Document, japan_time};
use sqlx::SqlitePool;

use super::CaseActionName;
use super::store::{self, RowChange};
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, append};
use crate::http::FormPairs;
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseChange {
    /// A step that only moves the status: start review, complete, no-show,
    /// cancel the appointment.
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
        let change = match name {
            CaseActionName::Note => {
                return Ok(Self::Note {
                    text: value("note").to_owned(),
                });
            }
            CaseActionName::Call => {
                return Ok(Self::Call {
                    outcome: CallOutcome::from_code(value("outcome")),
                    note: value("call_note").to_owned(),
                });
            }
            CaseActionName::SendAgain => {
                return Ok(Self::SendAgain {
                    message: value("message").parse().ok(),
                });
            }
            CaseActionName::Documents => CaseChange::Documents(
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
            CaseActionName::Assign => CaseChange::Assign {
                specialist: value("specialist").parse().ok(),
            },
            CaseActionName::Schedule => {
                let day = Some(value("other_day"))
                    .filter(|day| !day.is_empty())
                    .unwrap_or_else(|| value("day"));
                CaseChange::Schedule(Slot {
                    day: day.parse().ok(),
                    start: NaiveTime::parse_from_str(value("start"), "%H:%M").ok(),
                    reason: value("reason").to_owned(),
                })
            }
            CaseActionName::Decline => CaseChange::Decline {
                reason: DeclineReason::from_code(value("decline_reason")),
                note: value("decline_note").to_owned(),
            },
            CaseActionName::StartReview => CaseChange::Move(Step::StartReview),
            CaseActionName::Complete => CaseChange::Move(Step::Complete),
            CaseActionName::NoShow => CaseChange::Move(Step::NoShow),
            CaseActionName::CancelAppointment => CaseChange::Move(Step::CancelAppointment),
        };
        Ok(Self::Change {
            version: value("version").parse().ok(),
            change,
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
    /// The appointment is over (completed, no-show): its reminder goes if
    /// still queued.
    Ended,
}

type Transaction<'a> = sqlx::Transaction<'a, sqlx::Sqlite>;

/// A change to apply, or why it is refused.
type Decided = Result<Change, CaseProblem>;

/// Makes the change, as `staff`, with the messages it sends the patient.
pub async fn act(
    pool: &SqlitePool,
    staff: &Staff,
    reference: &Reference,
    action: CaseAction,
    mail: &MailSetup,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    // IMMEDIATE: the version is read under the write lock, so of two
    // changes made at once the second waits, then finds the new version and
    // is told who changed the case, instead of failing as "busy".
    let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    let row = case_row(&mut *transaction, reference)
        .await?
        .ok_or(StaffError::NotFound)?;
    let (version, change) = match action {
        CaseAction::Note { text } => return add_note(transaction, &row, staff, &text, now).await,
        CaseAction::Call { outcome, note } => {
            return record_call(transaction, &row, staff, outcome, &note, now).await;
        }
        CaseAction::SendAgain { message } => {
            return send_again(transaction, &row, staff, message, mail, now).await;
        }
        CaseAction::Change { version, change } => (version, change),
    };
    if version != Some(row.version) {
        return Err(StaffError::Stale {
            by: row.updated_by.clone().unwrap_or_default(),
            at: row.updated_at.as_deref().map(in_japan).unwrap_or_default(),
        });
    }
    let status = CaseStatus::from_code(&row.status).ok_or_else(|| undecodable("status"))?;
    let change = match change {
        CaseChange::Move(step) => {
            let mut change = moved(status, step)?;
            if step == Step::CancelAppointment {
                if let Some((day, start)) = current_appointment(&mut *transaction, row.id).await? {
                    change.tell = Some(Tell::Cancelled {
                        slot: letter::Slot { day, start },
                        sequence: store::appointments_booked(&mut transaction, row.id).await?,
                    });
                }
                store::end_appointment(&mut transaction, row.id, "cancelled", &staff.login, now)
                    .await?;
            } else if matches!(step, Step::Complete | Step::NoShow) {
                change.tell = Some(Tell::Ended);
            }
            change
        }
        CaseChange::Documents(marks) => {
            let change = documents(&mut transaction, &row, staff, &marks, now).await?;
            // Nothing ticked or unticked: nothing to write, no new version.
            if change.audit.is_empty() {
                return Ok(());
            }
            change
        }
        CaseChange::Assign { specialist } => assign(&mut transaction, status, specialist).await?,
        CaseChange::Schedule(slot) => {
            schedule(pool, &mut transaction, &row, status, staff, slot, now).await?
        }
        CaseChange::Decline { reason, note } => decline(status, reason, &note)?,
    };
    apply(transaction, &row, change, staff, mail, now).await
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

/// A change that only moves the status along the flow.
fn moved(status: CaseStatus, step: Step) -> Decided {
    let to = status.after(step).map_err(CaseProblem::Refused)?;
    Ok(Change {
        status: Some((status, to)),
        ..Change::default()
    })
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
        CaseStatus::Received => moved(status, Step::StartReview)?,
        CaseStatus::UnderReview | CaseStatus::Scheduled => Change::default(),
        _ => return Err(CaseProblem::Closed.into()),
    };
    change.specialist = Some(specialist);
    Ok(change)
}

/// Books (or moves) the appointment; the old one is kept, ended.
async fn schedule(
    pool: &SqlitePool,
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
    let mut change = moved(status, step)?;
    if status == CaseStatus::Scheduled {
        change.status = None;
    }
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
    let mut change = moved(status, Step::Decline)?;
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
        && to != CaseStatus::Scheduled
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
