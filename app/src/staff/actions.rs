//! The changes reception makes (server only). A post is read once into a
//! typed action (`CaseAction`, `SpecialistAction`, `ClosureAction`,
//! `AccountAction`, `AdminAccountAction`); each
//! case change is one transaction that checks the case's version, applies
//! the flow defined in `domain::case`, and writes the audit trail.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::case::{CaseStatus, DeclineReason, Step, check_appointment};
use domain::contact::CallOutcome;
use domain::reference::Reference;
use domain::{Arrival, Document, japan_time};
use sqlx::SqlitePool;

use super::store;
use super::{
    AccountActionName, AdminAccountActionName, CaseActionName, CaseProblem, ClosureActionName,
    SpecialistActionName, Staff, StaffError,
};
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, append, record};
use crate::mail::{MailSetup, letter, outbox};
use crate::store::{calendar, in_japan, timestamp, undecodable};

/// The longest internal note or written reason.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// A posted form's value, trimmed; empty when it is missing.
fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.trim())
}

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
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl CaseAction {
    /// Reads the posted form; an action the case page does not send is a
    /// `BadForm`.
    pub fn from_form(pairs: &[(String, String)]) -> Result<Self, StaffError> {
        let Some(name) = CaseActionName::from_code(value(pairs, "action")) else {
            return Err(StaffError::BadForm);
        };
        let change = match name {
            CaseActionName::Note => {
                return Ok(Self::Note {
                    text: value(pairs, "note").to_owned(),
                });
            }
            CaseActionName::Call => {
                return Ok(Self::Call {
                    outcome: CallOutcome::from_code(value(pairs, "outcome")),
                    note: value(pairs, "call_note").to_owned(),
                });
            }
            CaseActionName::SendAgain => {
                return Ok(Self::SendAgain {
                    message: value(pairs, "message").parse().ok(),
                });
            }
            CaseActionName::Documents => CaseChange::Documents(
                Document::ALL
                    .iter()
                    .map(|document| {
                        let code = document.code();
                        DocumentMark {
                            document: *document,
                            ticked: value(pairs, &format!("doc_{code}")) == "on",
                            on: DayInput::read(value(pairs, &format!("doc_{code}_on"))),
                            arrival: Arrival::from_code(value(pairs, &format!("doc_{code}_how"))),
                            readable: match value(pairs, &format!("doc_{code}_readable")) {
                                "yes" => Some(true),
                                "no" => Some(false),
                                _ => None,
                            },
                        }
                    })
                    .collect(),
            ),
            CaseActionName::Assign => CaseChange::Assign {
                specialist: value(pairs, "specialist").parse().ok(),
            },
            CaseActionName::Schedule => {
                let day = Some(value(pairs, "other_day"))
                    .filter(|day| !day.is_empty())
                    .unwrap_or_else(|| value(pairs, "day"));
                CaseChange::Schedule(Slot {
                    day: day.parse().ok(),
                    start: NaiveTime::parse_from_str(value(pairs, "start"), "%H:%M").ok(),
                    reason: value(pairs, "reason").to_owned(),
                })
            }
            CaseActionName::Decline => CaseChange::Decline {
                reason: DeclineReason::from_code(value(pairs, "decline_reason")),
                note: value(pairs, "decline_note").to_owned(),
            },
            CaseActionName::StartReview => CaseChange::Move(Step::StartReview),
            CaseActionName::Complete => CaseChange::Move(Step::Complete),
            CaseActionName::NoShow => CaseChange::Move(Step::NoShow),
            CaseActionName::CancelAppointment => CaseChange::Move(Step::CancelAppointment),
        };
        Ok(Self::Change {
            version: value(pairs, "version").parse().ok(),
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
    let row = store::case_row(&mut *transaction, reference)
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
                if let Some((day, start)) =
                    store::current_appointment(&mut *transaction, row.id).await?
                {
                    change.tell = Some(Tell::Cancelled {
                        slot: letter::Slot { day, start },
                        sequence: appointments_booked(&mut transaction, row.id).await?,
                    });
                }
                end_appointment(&mut transaction, row.id, "cancelled", staff, now).await?;
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

/// How many appointments the case has had booked (moves included): the
/// calendar entry's next version.
async fn appointments_booked(
    transaction: &mut Transaction<'_>,
    case_id: i64,
) -> Result<u32, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE case_id = ?")
        .bind(case_id)
        .fetch_one(&mut **transaction)
        .await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// Records a call to the patient and its outcome.
async fn record_call(
    mut transaction: Transaction<'_>,
    row: &store::CaseRow,
    staff: &Staff,
    outcome: Option<CallOutcome>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let outcome = outcome.ok_or(CaseProblem::NoCallOutcome)?;
    if note.chars().count() > MAX_TEXT_CHARS {
        return Err(CaseProblem::TooLong.into());
    }
    sqlx::query("INSERT INTO calls (case_id, at, outcome, note, caller) VALUES (?, ?, ?, ?, ?)")
        .bind(row.id)
        .bind(timestamp(now))
        .bind(outcome.code())
        .bind(bounded_text(note))
        .bind(&staff.name)
        .execute(&mut *transaction)
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
    row: &store::CaseRow,
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
    row: &store::CaseRow,
    staff: &Staff,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let note = bounded_text(text).ok_or(CaseProblem::BadNote)?;
    sqlx::query("INSERT INTO case_notes (case_id, at, author, text) VALUES (?, ?, ?, ?)")
        .bind(row.id)
        .bind(timestamp(now))
        .bind(&staff.name)
        .bind(&note)
        .execute(&mut *transaction)
        .await?;
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
    row: &store::CaseRow,
    staff: &Staff,
    marks: &[DocumentMark],
    now: DateTime<Utc>,
) -> Result<Change, StaffError> {
    let today = japan_time(&now).date();
    let mut change = Change::default();
    for document in domain::documents_to_bring(&store::submission(row)?.request) {
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
        let before: Option<(String, Option<String>, Option<bool>)> = sqlx::query_as(
            "SELECT received_on, arrived_by, readable FROM case_documents WHERE case_id = ? AND document = ?",
        )
        .bind(row.id)
        .bind(document.code())
        .fetch_optional(&mut **transaction)
        .await?;
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
        if let Some((on, arrival, readable)) = &after {
            sqlx::query(
                "INSERT INTO case_documents (case_id, document, received_on, recorded_by, arrived_by, readable) \
                 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, document) DO UPDATE SET \
                 received_on = excluded.received_on, recorded_by = excluded.recorded_by, \
                 arrived_by = excluded.arrived_by, readable = excluded.readable",
            )
            .bind(row.id)
            .bind(document.code())
            .bind(on)
            .bind(&staff.login)
            .bind(arrival)
            .bind(readable)
            .execute(&mut **transaction)
            .await?;
        } else {
            sqlx::query("DELETE FROM case_documents WHERE case_id = ? AND document = ?")
                .bind(row.id)
                .bind(document.code())
                .execute(&mut **transaction)
                .await?;
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
    let specialist: Option<(i64, String)> = match specialist {
        Some(id) => {
            sqlx::query_as("SELECT id, department FROM specialists WHERE id = ? AND active = 1")
                .bind(id)
                .fetch_optional(&mut **transaction)
                .await?
        }
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
    row: &store::CaseRow,
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
    let window = store::window_of(row, &calendar)?;
    let today = japan_time(&now).date();
    check_appointment(&calendar, &window, today, day, start, &reason)
        .map_err(CaseProblem::Schedule)?;
    // The specialist sees one patient at a time: another of their current
    // appointments that day must end before this one starts, or start after
    // it ends (each lasts up to 60 minutes).
    let others: Vec<String> = sqlx::query_scalar(
        "SELECT a.start_time FROM appointments a JOIN cases c ON c.id = a.case_id \
         WHERE a.day = ? AND a.ended_at IS NULL AND c.specialist_id = ? AND c.id <> ? AND c.status = 'scheduled'",
    )
    .bind(day.to_string())
    .bind(row.specialist_id)
    .bind(row.id)
    .fetch_all(&mut **transaction)
    .await?;
    let length = chrono::Duration::minutes(i64::from(domain::case::APPOINTMENT_MINUTES));
    let clash = others
        .iter()
        .filter_map(|other| NaiveTime::parse_from_str(other, "%H:%M").ok())
        .find(|other| *other < start + length && start < *other + length);
    if let Some(other) = clash {
        return Err(CaseProblem::SpecialistBusy(other).into());
    }
    let outside = day < window.earliest || day > window.latest;
    let previous = store::current_appointment(&mut **transaction, row.id).await?;
    let before = previous.map(|(day, start)| format!("{day} {}", start.format("%H:%M")));
    end_appointment(transaction, row.id, "rescheduled", staff, now).await?;
    let inserted = sqlx::query(
        "INSERT INTO appointments (case_id, day, start_time, reason_outside_window, booked_by, booked_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(row.id)
    .bind(day.to_string())
    .bind(start.format("%H:%M").to_string())
    .bind(outside.then_some(reason))
    .bind(&staff.login)
    .bind(timestamp(now))
    .execute(&mut **transaction)
    .await?;
    // A new booking answers what the patient asked through the last one.
    sqlx::query("UPDATE cases SET patient_answer = NULL, patient_answer_at = NULL WHERE id = ?")
        .bind(row.id)
        .execute(&mut **transaction)
        .await?;
    change.tell = Some(Tell::Booked {
        appointment_id: inserted.last_insert_rowid(),
        slot: letter::Slot { day, start },
        previous: previous
            .filter(|_| status == CaseStatus::Scheduled)
            .map(|(day, start)| letter::Slot { day, start }),
        sequence: appointments_booked(transaction, row.id)
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
    row: &store::CaseRow,
    mut change: Change,
    staff: &Staff,
    mail: &MailSetup,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let updated = sqlx::query(
        "UPDATE cases SET status = COALESCE(?, status), department = COALESCE(?, department), \
         specialist_id = COALESCE(?, specialist_id), decline_reason = COALESCE(?, decline_reason), \
         decline_note = COALESCE(?, decline_note), version = version + 1, updated_at = ?, updated_by = ? \
         WHERE id = ? AND version = ?",
    )
    .bind(change.status.map(|(_, to)| to.code()))
    .bind(change.specialist.as_ref().map(|(_, department)| department.clone()))
    .bind(change.specialist.as_ref().map(|(id, _)| *id))
    .bind(change.decline.as_ref().map(|(reason, _)| reason.code()))
    .bind(change.decline.as_ref().and_then(|(_, note)| note.clone()))
    .bind(timestamp(now))
    .bind(&staff.name)
    .bind(row.id)
    .bind(row.version)
    .execute(&mut *transaction)
    .await?;
    if updated.rows_affected() == 0 {
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
        sqlx::query(
            "UPDATE cases SET patient_answer = NULL, patient_answer_at = NULL WHERE id = ?",
        )
        .bind(row.id)
        .execute(&mut *transaction)
        .await?;
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
    row: &store::CaseRow,
    tell: Tell,
    mail: &MailSetup,
    now: DateTime<Utc>,
) -> Result<Option<&'static str>, StaffError> {
    let connection = &mut **transaction;
    if matches!(tell, Tell::Ended | Tell::Cancelled { .. }) {
        outbox::withdraw_reminders(&mut *connection, row.id).await?;
    }
    if matches!(tell, Tell::Ended) {
        return Ok(None);
    }
    let submission = store::submission(row)?;
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

/// Ends the current appointment, if any, keeping it in the history.
async fn end_appointment(
    transaction: &mut Transaction<'_>,
    case_id: i64,
    how: &str,
    staff: &Staff,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE appointments SET ended_at = ?, ended_by = ?, ended_how = ? WHERE case_id = ? AND ended_at IS NULL",
    )
    .bind(timestamp(now))
    .bind(&staff.login)
    .bind(how)
    .bind(case_id)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// A change to the specialists or departments posted by an admin, read
/// once from the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecialistAction {
    Add {
        name: String,
        department: String,
    },
    Rename {
        id: Option<i64>,
        name: String,
    },
    /// Turns a specialist on (they can be assigned) or off.
    SetActive {
        id: Option<i64>,
        active: bool,
    },
    AddDepartment {
        code: String,
        name_ja: String,
        name_en: String,
    },
    ToggleDepartment {
        code: String,
    },
}

impl SpecialistAction {
    pub fn from_form(pairs: &[(String, String)]) -> Result<Self, StaffError> {
        let text = |name: &str| value(pairs, name).to_owned();
        let id = || value(pairs, "id").parse().ok();
        let Some(name) = SpecialistActionName::from_code(value(pairs, "action")) else {
            return Err(StaffError::BadForm);
        };
        Ok(match name {
            SpecialistActionName::Add => Self::Add {
                name: text("name"),
                department: text("department"),
            },
            SpecialistActionName::Rename => Self::Rename {
                id: id(),
                name: text("name"),
            },
            SpecialistActionName::Deactivate => Self::SetActive {
                id: id(),
                active: false,
            },
            SpecialistActionName::Activate => Self::SetActive {
                id: id(),
                active: true,
            },
            SpecialistActionName::AddDepartment => Self::AddDepartment {
                code: text("code"),
                name_ja: text("name_ja"),
                name_en: text("name_en"),
            },
            SpecialistActionName::ToggleDepartment => Self::ToggleDepartment { code: text("code") },
        })
    }
}

/// A change to the hospital's closure days posted by an admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClosureAction {
    Add {
        day: Option<NaiveDate>,
        name: String,
    },
    Remove {
        day: Option<NaiveDate>,
    },
}

impl ClosureAction {
    pub fn from_form(pairs: &[(String, String)]) -> Result<Self, StaffError> {
        let day = value(pairs, "day").parse().ok();
        let Some(name) = ClosureActionName::from_code(value(pairs, "action")) else {
            return Err(StaffError::BadForm);
        };
        Ok(match name {
            ClosureActionName::Add => Self::Add {
                day,
                name: value(pairs, "name").to_owned(),
            },
            ClosureActionName::Remove => Self::Remove { day },
        })
    }
}

/// A post of the member's account page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountAction {
    /// The passwords as typed (never trimmed: a space is a character).
    ChangePassword {
        current: String,
        code: String,
        new: String,
        repeated: String,
    },
    EndSession {
        id: Option<i64>,
    },
    EndOthers,
}

impl AccountAction {
    pub fn from_form(pairs: &[(String, String)]) -> Result<Self, StaffError> {
        let raw = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        let Some(name) = AccountActionName::from_code(value(pairs, "action")) else {
            return Err(StaffError::BadForm);
        };
        Ok(match name {
            AccountActionName::ChangePassword => Self::ChangePassword {
                current: raw("current"),
                code: value(pairs, "code").to_owned(),
                new: raw("new"),
                repeated: raw("repeated"),
            },
            AccountActionName::EndSession => Self::EndSession {
                id: value(pairs, "id").parse().ok(),
            },
            AccountActionName::EndOthers => Self::EndOthers,
        })
    }
}

/// A post of the admins' accounts page or of a sign-in alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminAccountAction {
    EndSessions { login: String },
    AcknowledgeAlert { id: Option<i64> },
}

impl AdminAccountAction {
    pub fn from_form(pairs: &[(String, String)]) -> Result<Self, StaffError> {
        let Some(name) = AdminAccountActionName::from_code(value(pairs, "action")) else {
            return Err(StaffError::BadForm);
        };
        Ok(match name {
            AdminAccountActionName::EndSessions => Self::EndSessions {
                login: value(pairs, "login").to_owned(),
            },
            AdminAccountActionName::AcknowledgeAlert => Self::AcknowledgeAlert {
                id: value(pairs, "alert").parse().ok(),
            },
        })
    }
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= 100 && !name.chars().any(char::is_control)
}

fn is_department_code(code: &str) -> bool {
    (1..=32).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// Records an admin's change that touched a row; one that touched none
/// (an unknown id, a department that exists) cannot be used.
async fn record_admin_change(
    pool: &SqlitePool,
    staff: &Staff,
    changed: sqlx::sqlite::SqliteQueryResult,
    action: AuditAction,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    if changed.rows_affected() == 0 {
        return Err(StaffError::Unusable);
    }
    let entry = Entry {
        actor: Some(&staff.login),
        after: Some(detail),
        ..Entry::of(action)
    };
    record(pool, now, entry).await?;
    Ok(())
}

/// An admin's change to the specialists and departments.
pub async fn change_specialists(
    pool: &SqlitePool,
    staff: &Staff,
    action: SpecialistAction,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    use SpecialistAction as A;
    let (changed, audit_action, detail) = match action {
        A::Add { name, department } if is_plain_name(&name) => (
            sqlx::query(
                "INSERT INTO specialists (name, department) \
                 SELECT ?, code FROM departments WHERE code = ? AND active = 1",
            )
            .bind(&name)
            .bind(&department)
            .execute(pool)
            .await?,
            AuditAction::SpecialistAdded,
            format!("{name} ({department})"),
        ),
        A::Rename { id: Some(id), name } if is_plain_name(&name) => (
            sqlx::query("UPDATE specialists SET name = ? WHERE id = ?")
                .bind(&name)
                .bind(id)
                .execute(pool)
                .await?,
            AuditAction::SpecialistRenamed,
            name,
        ),
        A::SetActive {
            id: Some(id),
            active,
        } => (
            sqlx::query("UPDATE specialists SET active = ? WHERE id = ?")
                .bind(active)
                .bind(id)
                .execute(pool)
                .await?,
            if active {
                AuditAction::SpecialistActivated
            } else {
                AuditAction::SpecialistDeactivated
            },
            id.to_string(),
        ),
        A::AddDepartment {
            code,
            name_ja,
            name_en,
        } if is_department_code(&code) && is_plain_name(&name_ja) && is_plain_name(&name_en) => (
            sqlx::query(
                "INSERT INTO departments (code, name_ja, name_en) VALUES (?, ?, ?) \
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(&code)
            .bind(&name_ja)
            .bind(&name_en)
            .execute(pool)
            .await?,
            AuditAction::DepartmentAdded,
            code,
        ),
        A::ToggleDepartment { code } => (
            sqlx::query("UPDATE departments SET active = 1 - active WHERE code = ?")
                .bind(&code)
                .execute(pool)
                .await?,
            AuditAction::DepartmentToggled,
            code,
        ),
        _ => return Err(StaffError::Unusable),
    };
    record_admin_change(pool, staff, changed, audit_action, &detail, now).await
}

/// An admin's change to the hospital's closure days.
pub async fn change_closures(
    pool: &SqlitePool,
    staff: &Staff,
    action: ClosureAction,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    let (changed, audit_action, day) = match action {
        ClosureAction::Add {
            day: Some(day),
            name,
        } if is_plain_name(&name) => {
            // A day with appointments booked cannot close: they would stay on
            // a closed day. Reception moves them first.
            let booked: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM appointments a JOIN cases c ON c.id = a.case_id \
                 WHERE a.day = ? AND a.ended_at IS NULL AND c.status = 'scheduled'",
            )
            .bind(day.to_string())
            .fetch_one(pool)
            .await?;
            if booked > 0 {
                return Err(StaffError::Unusable);
            }
            let added = sqlx::query(
                "INSERT INTO closure_days (day, name, added_by, added_at) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (day) DO NOTHING",
            )
            .bind(day.to_string())
            .bind(&name)
            .bind(&staff.login)
            .bind(timestamp(now))
            .execute(pool)
            .await?;
            (added, AuditAction::ClosureAdded, day)
        }
        ClosureAction::Remove { day: Some(day) } => (
            sqlx::query("DELETE FROM closure_days WHERE day = ?")
                .bind(day.to_string())
                .execute(pool)
                .await?,
            AuditAction::ClosureRemoved,
            day,
        ),
        _ => return Err(StaffError::Unusable),
    };
    record_admin_change(pool, staff, changed, audit_action, &day.to_string(), now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_post_is_read_once_into_its_action() {
        let scheduled = CaseAction::from_form(&form(&[
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
        let moved = CaseAction::from_form(&form(&[("action", "no_show"), ("version", "x")]));
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
                CaseAction::from_form(&form(&[("action", action)])),
                Err(StaffError::BadForm),
                "{action:?}"
            );
        }
        assert_eq!(
            SpecialistAction::from_form(&form(&[("action", "drop")])),
            Err(StaffError::BadForm)
        );
        assert_eq!(
            ClosureAction::from_form(&form(&[("action", "drop")])),
            Err(StaffError::BadForm)
        );
        assert_eq!(
            AccountAction::from_form(&form(&[("action", "drop_all")])),
            Err(StaffError::BadForm)
        );
        assert_eq!(
            AdminAccountAction::from_form(&form(&[("action", "")])),
            Err(StaffError::BadForm)
        );
    }

    #[test]
    fn passwords_are_read_as_typed_spaces_and_all() {
        let change = AccountAction::from_form(&form(&[
            ("action", "change_password"),
            ("current", " old words "),
            ("code", " 123456 "),
            ("new", "new words here "),
            ("repeated", "new words here "),
        ]));
        assert_eq!(
            change,
            Ok(AccountAction::ChangePassword {
                current: " old words ".into(),
                code: "123456".into(),
                new: "new words here ".into(),
                repeated: "new words here ".into(),
            })
        );
    }
}
