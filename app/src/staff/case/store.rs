//! A case's queries (server only): what its workspace shows (documents,
//! appointments, notes, calls, the audit trail, the day, the report's
//! versions and sendings, the specialist's requests) and what its changes
//! write (each inside the change's transaction, `actions`).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::case::DeclineReason;
use domain::contact::CallOutcome;
use domain::form::Submission;
use domain::report::{NeededDocument, Recipient, SendingMethod};
use domain::visit::{CheckIn, PaymentMethod, ReceiptNumber};
use domain::{Arrival, documents_to_bring};
use sqlx::{AnyConnection, AnyPool};

use super::{AppointmentRow, AuditRow, CallRow, DocumentState, Note};
use crate::store::{Flag, in_japan, timestamp, undecodable};

/// Each document to bring and the day it was handed in, if it was.
pub async fn documents_of(
    pool: &AnyPool,
    case_id: i64,
    submission: &Submission,
) -> Result<Vec<DocumentState>, sqlx::Error> {
    let received: Vec<(String, String, Option<String>, Option<Flag>)> = sqlx::query_as(
        "SELECT document, received_on, arrived_by, readable FROM case_documents WHERE case_id = $1",
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
                readable: found.and_then(|(.., readable)| readable.map(bool::from)),
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
    pool: &AnyPool,
    case_id: i64,
) -> Result<Vec<AppointmentRow>, sqlx::Error> {
    let rows: Vec<AppointmentSqlRow> = sqlx::query_as(
        "SELECT day, start_time, reason_outside_window, booked_by, booked_at, ended_how, ended_by, ended_at \
         FROM appointments WHERE case_id = $1 ORDER BY id DESC",
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

pub async fn notes_of(pool: &AnyPool, case_id: i64) -> Result<Vec<Note>, sqlx::Error> {
    let notes: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT at, author, text FROM case_notes WHERE case_id = $1 ORDER BY id DESC",
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
pub async fn audit_of(pool: &AnyPool, case_id: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows: Vec<AuditSqlRow> = sqlx::query_as(
        "SELECT at, actor, action, before, after FROM audit WHERE case_id = $1 ORDER BY id DESC",
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
pub async fn calls_of(pool: &AnyPool, case_id: i64) -> Result<Vec<CallRow>, sqlx::Error> {
    let rows: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT at, outcome, note, caller FROM calls WHERE case_id = $1 ORDER BY at DESC, id DESC",
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
    connection: &mut AnyConnection,
    case_id: i64,
) -> Result<u32, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE case_id = $1")
        .bind(case_id)
        .fetch_one(connection)
        .await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// A call to the patient and its outcome.
pub async fn insert_call(
    connection: &mut AnyConnection,
    case_id: i64,
    now: DateTime<Utc>,
    outcome: CallOutcome,
    note: Option<String>,
    caller: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO calls (case_id, at, outcome, note, caller) VALUES ($1, $2, $3, $4, $5)",
    )
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
    connection: &mut AnyConnection,
    case_id: i64,
    now: DateTime<Utc>,
    author: &str,
    text: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO case_notes (case_id, at, author, text) VALUES ($1, $2, $3, $4)")
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
    connection: &mut AnyConnection,
    case_id: i64,
    document: &str,
) -> Result<Option<DocumentRecord>, sqlx::Error> {
    let row: Option<(String, Option<String>, Option<Flag>)> = sqlx::query_as(
        "SELECT received_on, arrived_by, readable FROM case_documents WHERE case_id = $1 AND document = $2",
    )
    .bind(case_id)
    .bind(document)
    .fetch_optional(connection)
    .await?;
    Ok(row.map(|(on, arrival, readable)| (on, arrival, readable.map(bool::from))))
}

/// Records `document` as handed in (or changes how), by `by`.
pub async fn record_document(
    connection: &mut AnyConnection,
    case_id: i64,
    document: &str,
    (on, arrival, readable): &DocumentRecord,
    by: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_documents (case_id, document, received_on, recorded_by, arrived_by, readable) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id, document) DO UPDATE SET \
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
    connection: &mut AnyConnection,
    case_id: i64,
    document: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM case_documents WHERE case_id = $1 AND document = $2")
        .bind(case_id)
        .bind(document)
        .execute(connection)
        .await?;
    Ok(())
}

/// An active specialist's id and department.
pub async fn active_specialist(
    connection: &mut AnyConnection,
    id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, department FROM specialists WHERE id = $1 AND active = TRUE")
        .bind(id)
        .fetch_optional(connection)
        .await
}

/// The starts of the specialist's other current appointments on `day`.
pub async fn other_starts(
    connection: &mut AnyConnection,
    day: NaiveDate,
    specialist_id: Option<i64>,
    case_id: i64,
) -> Result<Vec<NaiveTime>, sqlx::Error> {
    let starts: Vec<String> = sqlx::query_scalar(
        "SELECT a.start_time FROM appointments a JOIN cases c ON c.id = a.case_id \
         WHERE a.day = $1 AND a.ended_at IS NULL AND c.specialist_id = $2 AND c.id <> $3 AND c.status = 'scheduled'",
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
    connection: &mut AnyConnection,
    case_id: i64,
    (day, start): (NaiveDate, NaiveTime),
    reason_outside_window: Option<String>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO appointments (case_id, day, start_time, reason_outside_window, booked_by, booked_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(case_id)
    .bind(day.to_string())
    .bind(start.format("%H:%M").to_string())
    .bind(reason_outside_window)
    .bind(by)
    .bind(timestamp(now))
    .fetch_one(connection)
    .await
}

/// Ends the current appointment, if any, keeping it in the history.
pub async fn end_appointment(
    connection: &mut AnyConnection,
    case_id: i64,
    how: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE appointments SET ended_at = $1, ended_by = $2, ended_how = $3 WHERE case_id = $4 AND ended_at IS NULL",
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
    connection: &mut AnyConnection,
    case_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE cases SET patient_answer = NULL, patient_answer_at = NULL WHERE id = $1")
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
    connection: &mut AnyConnection,
    case_id: i64,
    version: i64,
    change: RowChange<'_>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE cases SET status = COALESCE($1, status), department = COALESCE($2, department), \
         specialist_id = COALESCE($3, specialist_id), decline_reason = COALESCE($4, decline_reason), \
         decline_note = COALESCE($5, decline_note), version = version + 1, updated_at = $6, updated_by = $7 \
         WHERE id = $8 AND version = $9",
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

// --- Before the visit, the day, the report ----------------------------------

/// The id and day of the case's current appointment.
pub async fn current_appointment_id(
    connection: &mut AnyConnection,
    case_id: i64,
) -> Result<Option<(i64, NaiveDate)>, sqlx::Error> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, day FROM appointments WHERE case_id = $1 AND ended_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(connection)
    .await?;
    Ok(row.and_then(|(id, day)| Some((id, day.parse().ok()?))))
}

/// The patient checked in for appointment `appointment_id`.
pub async fn insert_visit(
    connection: &mut AnyConnection,
    (appointment_id, case_id): (i64, i64),
    check_in: &CheckIn,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO visits (appointment_id, case_id, arrived_at, who_came, identification_seen, \
         relationship_seen, consent_form_seen, checked_in_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(appointment_id)
    .bind(case_id)
    .bind(timestamp(now))
    .bind(check_in.who.code())
    .bind(check_in.identification_seen)
    .bind(check_in.relationship_seen)
    .bind(check_in.consent_form_seen)
    .bind(by)
    .execute(connection)
    .await?;
    Ok(())
}

/// The consultation's times, recorded on its visit.
pub async fn record_consultation(
    connection: &mut AnyConnection,
    appointment_id: i64,
    held: &Held<'_>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (start, end, minutes) = held.times;
    sqlx::query(
        "UPDATE visits SET consultation_start = $1, consultation_end = $2, consultation_minutes = $3, \
         longer_reason = $4, report_due_on = $5, held_recorded_by = $6, held_recorded_at = $7 \
         WHERE appointment_id = $8",
    )
    .bind(start.format("%H:%M").to_string())
    .bind(end.format("%H:%M").to_string())
    .bind(i64::from(minutes))
    .bind(held.longer_reason)
    .bind(held.report_due.to_string())
    .bind(by)
    .bind(timestamp(now))
    .bind(appointment_id)
    .execute(connection)
    .await?;
    Ok(())
}

/// The consultation as recorded: start, end and minutes, why it took
/// longer than the fee's hour, and the day its report is due.
#[derive(Debug)]
pub struct Held<'a> {
    pub times: (NaiveTime, NaiveTime, u32),
    pub longer_reason: Option<&'a str>,
    pub report_due: NaiveDate,
}

/// The receipt's number of the payment made for `appointment_id`, if any.
pub async fn payment_of(
    connection: &mut AnyConnection,
    appointment_id: i64,
) -> Result<Option<ReceiptNumber>, sqlx::Error> {
    let row: Option<(i32, i64)> = sqlx::query_as(
        "SELECT receipt_year, receipt_number FROM payments WHERE appointment_id = $1",
    )
    .bind(appointment_id)
    .fetch_optional(connection)
    .await?;
    Ok(row.and_then(|(year, number)| {
        Some(ReceiptNumber {
            year,
            number: u32::try_from(number).ok()?,
        })
    }))
}

/// A payment to record.
#[derive(Debug, Clone, Copy)]
pub struct NewPayment<'a> {
    pub appointment_id: i64,
    pub case_id: i64,
    pub year: i32,
    pub amount: domain::fee::Yen,
    pub method: PaymentMethod,
    pub payer: &'a str,
    pub by: &'a str,
}

/// Records the payment with the year's next receipt number: the number.
/// Inside the caller's write transaction, so that two payments at once
/// never take the same number, and none is skipped.
pub async fn insert_payment(
    connection: &mut AnyConnection,
    payment: &NewPayment<'_>,
    now: DateTime<Utc>,
) -> Result<ReceiptNumber, sqlx::Error> {
    let number: i64 = sqlx::query_scalar(
        "INSERT INTO payments (appointment_id, case_id, receipt_year, receipt_number, amount_yen, \
         method, payer, taken_by, taken_at) \
         SELECT $1, $2, $3, COALESCE(MAX(receipt_number), 0) + 1, $4, $5, $6, $7, $8 \
         FROM payments WHERE receipt_year = $3 RETURNING receipt_number",
    )
    .bind(payment.appointment_id)
    .bind(payment.case_id)
    .bind(payment.year)
    .bind(i64::from(payment.amount.0))
    .bind(payment.method.code())
    .bind(payment.payer)
    .bind(payment.by)
    .bind(timestamp(now))
    .fetch_one(connection)
    .await?;
    Ok(ReceiptNumber {
        year: payment.year,
        number: u32::try_from(number).map_err(|_| undecodable("receipt number"))?,
    })
}

/// The specialist has reviewed the records.
pub async fn set_records_reviewed(
    connection: &mut AnyConnection,
    case_id: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE cases SET records_reviewed_at = $1, records_reviewed_by = $2 WHERE id = $3",
    )
    .bind(timestamp(now))
    .bind(by)
    .bind(case_id)
    .execute(connection)
    .await?;
    Ok(())
}

/// The specialist proposes declining, for reception to confirm.
pub async fn set_decline_proposal(
    connection: &mut AnyConnection,
    case_id: i64,
    (reason, note): (DeclineReason, Option<&str>),
    by: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE cases SET decline_proposed_reason = $1, decline_proposed_note = $2, \
         decline_proposed_by = $3 WHERE id = $4",
    )
    .bind(reason.code())
    .bind(note)
    .bind(by)
    .bind(case_id)
    .execute(connection)
    .await?;
    Ok(())
}

/// A request for further documents.
pub async fn insert_document_request(
    connection: &mut AnyConnection,
    case_id: i64,
    (needed, other, note): (&[NeededDocument], Option<&str>, Option<&str>),
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let codes: Vec<&str> = needed.iter().map(|n| n.code()).collect();
    let needed = serde_json::to_string(&codes).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO document_requests (case_id, needed, other, note, requested_by, requested_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(needed)
    .bind(other)
    .bind(note)
    .bind(by)
    .bind(timestamp(now))
    .execute(connection)
    .await?;
    Ok(())
}

/// Reception sent the request `id` (or the documents came): whether it
/// was the case's and still open.
pub async fn settle_document_request(
    connection: &mut AnyConnection,
    case_id: i64,
    id: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let settled = sqlx::query(
        "UPDATE document_requests SET settled_by = $1, settled_at = $2 \
         WHERE id = $3 AND case_id = $4 AND settled_at IS NULL",
    )
    .bind(by)
    .bind(timestamp(now))
    .bind(id)
    .bind(case_id)
    .execute(connection)
    .await?;
    Ok(settled.rows_affected() == 1)
}

/// The case's latest signed version of the report.
#[derive(Debug)]
pub struct CurrentReport {
    pub id: i64,
    pub version: u32,
    /// The present doctor it is addressed to.
    pub doctor: String,
}

/// The case's latest signed report: its id, version and addressee.
pub async fn current_report(
    connection: &mut AnyConnection,
    case_id: i64,
) -> Result<Option<CurrentReport>, sqlx::Error> {
    let row: Option<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, version, text FROM reports \
         WHERE case_id = $1 AND signed_at IS NOT NULL ORDER BY version DESC LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(connection)
    .await?;
    Ok(row.and_then(|(id, version, text)| {
        Some(CurrentReport {
            id,
            version: u32::try_from(version).ok()?,
            doctor: crate::store::doctor_of_report(&text).unwrap_or_default(),
        })
    }))
}

/// A copy of report `report_id` that left the hospital.
pub async fn insert_sending(
    connection: &mut AnyConnection,
    (report_id, case_id): (i64, i64),
    (recipient, method, on): (Recipient, SendingMethod, NaiveDate),
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO report_sendings (report_id, case_id, recipient, method, sent_on, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(report_id)
    .bind(case_id)
    .bind(recipient.code())
    .bind(method.code())
    .bind(on.to_string())
    .bind(by)
    .bind(timestamp(now))
    .execute(connection)
    .await?;
    Ok(())
}

// --- What the workspace shows of them -----------------------------------------

/// The visit of the case's current appointment.
#[derive(Debug, sqlx::FromRow)]
pub struct VisitSqlRow {
    pub arrived_at: String,
    pub who_came: String,
    #[sqlx(try_from = "crate::store::Flag")]
    pub identification_seen: bool,
    #[sqlx(try_from = "crate::store::Flag")]
    pub relationship_seen: bool,
    #[sqlx(try_from = "crate::store::Flag")]
    pub consent_form_seen: bool,
    pub checked_in_by: String,
    pub consultation_start: Option<String>,
    pub consultation_end: Option<String>,
    pub consultation_minutes: Option<i64>,
    pub longer_reason: Option<String>,
    pub report_due_on: Option<String>,
    pub held_recorded_by: Option<String>,
}

pub async fn visit_of(pool: &AnyPool, case_id: i64) -> Result<Option<VisitSqlRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.arrived_at, v.who_came, v.identification_seen, v.relationship_seen, \
         v.consent_form_seen, v.checked_in_by, v.consultation_start, v.consultation_end, \
         v.consultation_minutes, v.longer_reason, v.report_due_on, v.held_recorded_by \
         FROM visits v JOIN appointments a ON a.id = v.appointment_id \
         WHERE a.case_id = $1 AND a.ended_at IS NULL",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await
}

/// The payment of the case's current appointment, with how many times
/// its receipt was printed.
#[derive(Debug, sqlx::FromRow)]
pub struct PaymentSqlRow {
    pub receipt_year: i32,
    pub receipt_number: i64,
    pub amount_yen: i64,
    pub method: String,
    pub payer: String,
    pub taken_by: String,
    pub taken_at: String,
    pub prints: i64,
}

pub async fn payment_row(
    pool: &AnyPool,
    case_id: i64,
) -> Result<Option<PaymentSqlRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.receipt_year, p.receipt_number, p.amount_yen, p.method, p.payer, p.taken_by, p.taken_at, \
         (SELECT COUNT(*) FROM receipt_prints r WHERE r.payment_id = p.id) AS prints \
         FROM payments p JOIN appointments a ON a.id = p.appointment_id \
         WHERE a.case_id = $1 AND a.ended_at IS NULL",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await
}

/// A version of the case's report, as the workspace lists it.
#[derive(Debug, sqlx::FromRow)]
pub struct ReportSqlRow {
    pub version: i64,
    pub signed_at: Option<String>,
    pub signer_name: Option<String>,
    pub superseded_at: Option<String>,
    pub amendment_reason: Option<String>,
    pub updated_at: String,
}

pub async fn reports_of(pool: &AnyPool, case_id: i64) -> Result<Vec<ReportSqlRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT version, signed_at, signer_name, superseded_at, amendment_reason, updated_at \
         FROM reports WHERE case_id = $1 ORDER BY version DESC",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await
}

/// A copy sent, as the workspace lists it: the version, to whom, how, on
/// which day, by whom.
pub type SendingSqlRow = (i64, String, String, String, String);

pub async fn sendings_of(pool: &AnyPool, case_id: i64) -> Result<Vec<SendingSqlRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.version, s.recipient, s.method, s.sent_on, s.recorded_by \
         FROM report_sendings s JOIN reports r ON r.id = s.report_id \
         WHERE s.case_id = $1 ORDER BY s.id DESC",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await
}

/// A request for further documents, as the workspace lists it.
#[derive(Debug, sqlx::FromRow)]
pub struct DocumentRequestSqlRow {
    pub id: i64,
    pub needed: String,
    pub other: Option<String>,
    pub note: Option<String>,
    pub requested_by: String,
    pub requested_at: String,
    pub settled_at: Option<String>,
}

pub async fn document_requests_of(
    pool: &AnyPool,
    case_id: i64,
) -> Result<Vec<DocumentRequestSqlRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, needed, other, note, requested_by, requested_at, settled_at \
         FROM document_requests WHERE case_id = $1 ORDER BY id DESC",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await
}

/// The specialist's review and proposal to decline, as stored on the case.
pub type SpecialistNotesSqlRow = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub async fn specialist_notes(
    pool: &AnyPool,
    case_id: i64,
) -> Result<SpecialistNotesSqlRow, sqlx::Error> {
    sqlx::query_as(
        "SELECT records_reviewed_at, records_reviewed_by, decline_proposed_reason, \
         decline_proposed_note, decline_proposed_by FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_one(pool)
    .await
}
