//! A case's queries (server only): what its page shows (documents,
//! appointments, notes, calls, the audit trail) and what its changes write
//! (each inside the change's transaction, `actions`).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::contact::CallOutcome;
use domain::form::Submission;
use domain::{Arrival, documents_to_bring};
use sqlx::{SqliteConnection, SqlitePool};

use super::{AppointmentRow, AuditRow, CallRow, DocumentState, Note};
use crate::store::{in_japan, timestamp, undecodable};

/// Each document to bring and the day it was handed in, if it was.
pub async fn documents_of(
    pool: &SqlitePool,
    case_id: i64,
    submission: &Submission,
) -> Result<Vec<DocumentState>, sqlx::Error> {
    let received: Vec<(String, String, Option<String>, Option<bool>)> = sqlx::query_as(
        "SELECT document, received_on, arrived_by, readable FROM case_documents WHERE case_id = ?",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    Ok(documents_to_bring(&submission.request)
        .into_iter()
        .map(|document| {
            let found = received.iter().find(|(code, ..)| code == document.code());
            DocumentState {
                document,
                received_on: found.and_then(|(_, on, ..)| on.parse().ok()),
                arrival: found
                    .and_then(|(_, _, how, _)| how.as_deref().and_then(Arrival::from_code)),
                readable: found.and_then(|(.., readable)| *readable),
            }
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct AppointmentSqlRow {
    day: String,
    start_time: String,
    reason_outside_window: Option<String>,
    booked_by: String,
    booked_at: String,
    ended_how: Option<String>,
    ended_by: Option<String>,
    ended_at: Option<String>,
}

/// Every appointment of a case, newest first, ended ones included.
pub async fn appointments_of(
    pool: &SqlitePool,
    case_id: i64,
) -> Result<Vec<AppointmentRow>, sqlx::Error> {
    let rows: Vec<AppointmentSqlRow> = sqlx::query_as(
        "SELECT day, start_time, reason_outside_window, booked_by, booked_at, ended_how, ended_by, ended_at \
         FROM appointments WHERE case_id = ? ORDER BY id DESC",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(AppointmentRow {
                day: row.day.parse().ok()?,
                start: NaiveTime::parse_from_str(&row.start_time, "%H:%M").ok()?,
                reason_outside_window: row.reason_outside_window,
                booked_by: row.booked_by,
                booked_at: in_japan(&row.booked_at),
                ended: match (row.ended_how, row.ended_by, row.ended_at) {
                    (Some(how), Some(by), Some(at)) => Some((how, by, in_japan(&at))),
                    _ => None,
                },
            })
        })
        .collect())
}

pub async fn notes_of(pool: &SqlitePool, case_id: i64) -> Result<Vec<Note>, sqlx::Error> {
    let notes: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT at, author, text FROM case_notes WHERE case_id = ? ORDER BY id DESC",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    Ok(notes
        .into_iter()
        .map(|(at, author, text)| Note {
            at: in_japan(&at),
            author,
            text,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct AuditSqlRow {
    at: String,
    actor: Option<String>,
    action: String,
    before: Option<String>,
    after: Option<String>,
}

/// The audit trail of a case, newest first.
pub async fn audit_of(pool: &SqlitePool, case_id: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows: Vec<AuditSqlRow> = sqlx::query_as(
        "SELECT at, actor, action, before, after FROM audit WHERE case_id = ? ORDER BY id DESC",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AuditRow {
            at: in_japan(&row.at),
            actor: row.actor.unwrap_or_default(),
            action: row.action,
            before: row.before,
            after: row.after,
        })
        .collect())
}

/// The calls made to the case's patient, newest first.
pub async fn calls_of(pool: &SqlitePool, case_id: i64) -> Result<Vec<CallRow>, sqlx::Error> {
    let rows: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT at, outcome, note, caller FROM calls WHERE case_id = ? ORDER BY at DESC, id DESC",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(at, outcome, note, caller)| {
            Ok(CallRow {
                at: in_japan(&at),
                outcome: CallOutcome::from_code(&outcome).ok_or_else(|| undecodable("outcome"))?,
                note,
                caller,
            })
        })
        .collect()
}

/// How many appointments the case has had booked (moves included): the
/// calendar entry's next version.
pub async fn appointments_booked(
    connection: &mut SqliteConnection,
    case_id: i64,
) -> Result<u32, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE case_id = ?")
        .bind(case_id)
        .fetch_one(connection)
        .await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// A call to the patient and its outcome.
pub async fn insert_call(
    connection: &mut SqliteConnection,
    case_id: i64,
    now: DateTime<Utc>,
    outcome: CallOutcome,
    note: Option<String>,
    caller: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO calls (case_id, at, outcome, note, caller) VALUES (?, ?, ?, ?, ?)")
        .bind(case_id)
        .bind(timestamp(now))
        .bind(outcome.code())
        .bind(note)
        .bind(caller)
        .execute(connection)
        .await?;
    Ok(())
}

/// An internal note.
pub async fn insert_note(
    connection: &mut SqliteConnection,
    case_id: i64,
    now: DateTime<Utc>,
    author: &str,
    text: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO case_notes (case_id, at, author, text) VALUES (?, ?, ?, ?)")
        .bind(case_id)
        .bind(timestamp(now))
        .bind(author)
        .bind(text)
        .execute(connection)
        .await?;
    Ok(())
}

/// A document as recorded: the day it came, how, and (the CD-R) whether
/// it could be read.
pub type DocumentRecord = (String, Option<String>, Option<bool>);

/// What is recorded of `document` for the case, if it was handed in.
pub async fn document_record(
    connection: &mut SqliteConnection,
    case_id: i64,
    document: &str,
) -> Result<Option<DocumentRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT received_on, arrived_by, readable FROM case_documents WHERE case_id = ? AND document = ?",
    )
    .bind(case_id)
    .bind(document)
    .fetch_optional(connection)
    .await
}

/// Records `document` as handed in (or changes how), by `by`.
pub async fn record_document(
    connection: &mut SqliteConnection,
    case_id: i64,
    document: &str,
    (on, arrival, readable): &DocumentRecord,
    by: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_documents (case_id, document, received_on, recorded_by, arrived_by, readable) \
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, document) DO UPDATE SET \
         received_on = excluded.received_on, recorded_by = excluded.recorded_by, \
         arrived_by = excluded.arrived_by, readable = excluded.readable",
    )
    .bind(case_id)
    .bind(document)
    .bind(on)
    .bind(by)
    .bind(arrival)
    .bind(readable)
    .execute(connection)
    .await?;
    Ok(())
}

/// Unticks `document`: not handed in after all.
pub async fn forget_document(
    connection: &mut SqliteConnection,
    case_id: i64,
    document: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM case_documents WHERE case_id = ? AND document = ?")
        .bind(case_id)
        .bind(document)
        .execute(connection)
        .await?;
    Ok(())
}

/// An active specialist's id and department.
pub async fn active_specialist(
    connection: &mut SqliteConnection,
    id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, department FROM specialists WHERE id = ? AND active = 1")
        .bind(id)
        .fetch_optional(connection)
        .await
}

/// The starts of the specialist's other current appointments on `day`.
pub async fn other_starts(
    connection: &mut SqliteConnection,
    day: NaiveDate,
    specialist_id: Option<i64>,
    case_id: i64,
) -> Result<Vec<NaiveTime>, sqlx::Error> {
    let starts: Vec<String> = sqlx::query_scalar(
        "SELECT a.start_time FROM appointments a JOIN cases c ON c.id = a.case_id \
         WHERE a.day = ? AND a.ended_at IS NULL AND c.specialist_id = ? AND c.id <> ? AND c.status = 'scheduled'",
    )
    .bind(day.to_string())
    .bind(specialist_id)
    .bind(case_id)
    .fetch_all(connection)
    .await?;
    Ok(starts
        .iter()
        .filter_map(|start| NaiveTime::parse_from_str(start, "%H:%M").ok())
        .collect())
}

/// A new appointment, booked by `by`: its id.
pub async fn insert_appointment(
    connection: &mut SqliteConnection,
    case_id: i64,
    (day, start): (NaiveDate, NaiveTime),
    reason_outside_window: Option<String>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO appointments (case_id, day, start_time, reason_outside_window, booked_by, booked_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(case_id)
    .bind(day.to_string())
    .bind(start.format("%H:%M").to_string())
    .bind(reason_outside_window)
    .bind(by)
    .bind(timestamp(now))
    .execute(connection)
    .await?;
    Ok(inserted.last_insert_rowid())
}

/// Ends the current appointment, if any, keeping it in the history.
pub async fn end_appointment(
    connection: &mut SqliteConnection,
    case_id: i64,
    how: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE appointments SET ended_at = ?, ended_by = ?, ended_how = ? WHERE case_id = ? AND ended_at IS NULL",
    )
    .bind(timestamp(now))
    .bind(by)
    .bind(how)
    .bind(case_id)
    .execute(connection)
    .await?;
    Ok(())
}

/// Forgets what the patient answered through the last booking's links
/// (a new booking answers it; a closed case is done with it).
pub async fn clear_patient_answer(
    connection: &mut SqliteConnection,
    case_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE cases SET patient_answer = NULL, patient_answer_at = NULL WHERE id = ?")
        .bind(case_id)
        .execute(connection)
        .await?;
    Ok(())
}

/// What a change writes on the case's own row (`None`: unchanged).
#[derive(Debug, Default)]
pub struct RowChange<'a> {
    pub status: Option<&'a str>,
    pub department: Option<&'a str>,
    pub specialist_id: Option<i64>,
    pub decline_reason: Option<&'a str>,
    pub decline_note: Option<&'a str>,
}

/// Writes `change` on the case's row, if it is still at `version` (its
/// version moves on): whether it was.
pub async fn update_case(
    connection: &mut SqliteConnection,
    case_id: i64,
    version: i64,
    change: RowChange<'_>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE cases SET status = COALESCE(?, status), department = COALESCE(?, department), \
         specialist_id = COALESCE(?, specialist_id), decline_reason = COALESCE(?, decline_reason), \
         decline_note = COALESCE(?, decline_note), version = version + 1, updated_at = ?, updated_by = ? \
         WHERE id = ? AND version = ?",
    )
    .bind(change.status)
    .bind(change.department)
    .bind(change.specialist_id)
    .bind(change.decline_reason)
    .bind(change.decline_note)
    .bind(timestamp(now))
    .bind(by)
    .bind(case_id)
    .bind(version)
    .execute(connection)
    .await?;
    Ok(updated.rows_affected() == 1)
}
