//! The outbox's queries (server only): messages written, listed, due,
//! marked; the answer links' token hashes.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, AnyPool};

use crate::message::{MessageKind, MessageRow, MessageStatus};
use crate::store::{timestamp, undecodable};

/// A message as it is stored.
#[derive(Debug)]
pub struct StoredMessage<'a> {
    pub case_id: i64,
    pub kind: &'a str,
    pub recipient: &'a str,
    pub language: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    pub calendar: Option<&'a str>,
    pub appointment_id: Option<i64>,
    pub message_id: &'a str,
}

/// Queues `message`, due at `due`.
pub async fn insert(
    connection: &mut AnyConnection,
    message: &StoredMessage<'_>,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let due = timestamp(due);
    sqlx::query(
        "INSERT INTO messages (case_id, kind, recipient, language, subject, text_body, html_body, \
         calendar, appointment_id, message_id, created_at, due_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(message.case_id)
    .bind(message.kind)
    .bind(message.recipient)
    .bind(message.language)
    .bind(message.subject)
    .bind(message.text_body)
    .bind(message.html_body)
    .bind(message.calendar)
    .bind(message.appointment_id)
    .bind(message.message_id)
    .bind(timestamp(now))
    .bind(&due)
    .bind(&due)
    .execute(connection)
    .await?;
    Ok(())
}

/// Withdraws the case's reminders not sent yet: their appointment ended,
/// or another replaced it.
pub async fn withdraw_reminders(
    connection: &mut AnyConnection,
    case_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE messages SET status = 'withdrawn' \
         WHERE case_id = $1 AND kind = 'reminder' AND status = 'queued'",
    )
    .bind(case_id)
    .execute(connection)
    .await?;
    Ok(())
}

/// The appointments that have begun by a moment bound as [`japan_minute`]
/// at the placeholder `$n`: stored as the day and the time in Japan,
/// compared as text.
fn begun_appointments(n: u8) -> String {
    format!("SELECT id FROM appointments WHERE day || ' ' || start_time <= ${n}")
}

/// `now` as appointments are stored, to the minute in Japan
/// (`2026-12-03 10:30`), for [`begun_appointments`].
fn japan_minute(now: DateTime<Utc>) -> String {
    domain::japan_time(&now)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Withdraws the queued message `id`, which [`due`] found overtaken by its
/// appointment: a booking or a reminder still being tried when the
/// patient should already be at the hospital would only confuse.
pub async fn withdraw(pool: &AnyPool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE messages SET status = 'withdrawn' WHERE id = $1 AND status = 'queued'")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct MessageSqlRow {
    id: i64,
    kind: String,
    recipient: String,
    status: String,
    due_at: String,
    attempts: i64,
    last_attempt_at: Option<String>,
    last_answer: Option<String>,
    sent_at: Option<String>,
}

/// The case's messages, oldest first.
pub async fn messages_of(pool: &AnyPool, case_id: i64) -> Result<Vec<MessageRow>, sqlx::Error> {
    let rows: Vec<MessageSqlRow> = sqlx::query_as(
        "SELECT id, kind, recipient, status, due_at, attempts, last_attempt_at, last_answer, sent_at \
         FROM messages WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(MessageRow {
                id: row.id,
                kind: MessageKind::from_code(&row.kind).ok_or_else(|| undecodable("kind"))?,
                recipient: row.recipient,
                status: MessageStatus::from_code(&row.status)
                    .ok_or_else(|| undecodable("message status"))?,
                due_at: crate::store::in_japan(&row.due_at),
                attempts: row.attempts,
                last_attempt_at: row.last_attempt_at.as_deref().map(crate::store::in_japan),
                last_answer: row.last_answer,
                sent_at: row.sent_at.as_deref().map(crate::store::in_japan),
            })
        })
        .collect()
}

/// Puts a sent or failed message of the case back in the queue, due now,
/// with a fresh day of tries and the `Message-ID` `fresh_id`: its kind, or
/// `None` when the case has no such message, it is still queued or
/// withdrawn, or it is about an appointment that has since ended, changed
/// or begun.
pub async fn requeue(
    connection: &mut AnyConnection,
    case_id: i64,
    message_id: i64,
    fresh_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "UPDATE messages SET status = 'queued', attempts = 0, first_tried_at = NULL, due_at = $1, \
         next_attempt_at = $2, message_id = $3 \
         WHERE id = $4 AND case_id = $5 AND status IN ('sent', 'failed') \
         AND (appointment_id IS NULL OR (appointment_id IN \
              (SELECT id FROM appointments WHERE case_id = $6 AND ended_at IS NULL) \
              AND appointment_id NOT IN ({}))) \
         RETURNING kind",
        begun_appointments(7)
    ))
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(fresh_id)
    .bind(message_id)
    .bind(case_id)
    .bind(case_id)
    .bind(japan_minute(now))
    .fetch_optional(connection)
    .await
}

/// A message to send now, as the mail task needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Outgoing {
    pub id: i64,
    pub case_id: i64,
    pub appointment_id: Option<i64>,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub calendar: Option<String>,
    pub message_id: String,
    pub created_at: String,
    pub due_at: String,
    pub attempts: i64,
    /// The first try, from which a day of tries is counted.
    pub first_tried_at: Option<String>,
    /// Its appointment has begun: it is withdrawn, not sent.
    #[sqlx(try_from = "crate::store::Flag")]
    pub overtaken: bool,
}

impl Outgoing {
    /// The calendar part's MIME type, with its method.
    pub fn calendar_type(&self) -> &'static str {
        if self.kind == MessageKind::Cancelled.code() {
            "text/calendar; method=CANCEL; charset=utf-8"
        } else {
            "text/calendar; method=REQUEST; charset=utf-8"
        }
    }
}

/// The day and start of appointment `id`, while it stands.
pub async fn standing_appointment(
    pool: &AnyPool,
    id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT day, start_time FROM appointments WHERE id = $1 AND ended_at IS NULL")
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Keeps the hash of an answer link's token (for the case, its appointment
/// and the answer), valid until `expires` (again, harmlessly, at a second
/// attempt).
pub async fn keep_answer_token(
    pool: &AnyPool,
    token_hash: &str,
    (case_id, appointment_id, answer): (i64, i64, domain::contact::PatientAnswer),
    expires: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO response_tokens (token_hash, case_id, appointment_id, answer, expires_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (token_hash) DO NOTHING",
    )
    .bind(token_hash)
    .bind(case_id)
    .bind(appointment_id)
    .bind(answer.code())
    .bind(timestamp(expires))
    .execute(pool)
    .await?;
    Ok(())
}

/// How many messages are due by `now` and still queued: what waits for a
/// mail server while none is configured.
/// (Not those about an appointment that has begun: the mail task would
/// withdraw them rather than send them.)
/// A message (`m`) not held: the confirmation itself, or one of a case
/// whose address is confirmed (or that asked before confirmations).
const NOT_HELD: &str = "(m.kind = 'confirm_address' OR NOT EXISTS (SELECT 1 FROM address_confirmations a \
     WHERE a.case_id = m.case_id AND a.confirmed_at IS NULL))";

/// Keeps the hash of the confirmation link's token of case `case_id`, as
/// its message goes out.
pub async fn keep_confirmation_token(
    pool: &AnyPool,
    case_id: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE address_confirmations SET token_hash = $1, sent_at = COALESCE(sent_at, $2) \
         WHERE case_id = $3 AND confirmed_at IS NULL",
    )
    .bind(hash)
    .bind(timestamp(now))
    .bind(case_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// The row of a request-form link, written with its message.
pub async fn insert_form_link(
    connection: &mut AnyConnection,
    message_id: &str,
    case_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO form_links (message_id, case_id, asked_at) VALUES ($1, $2, $3)")
        .bind(message_id)
        .bind(case_id)
        .bind(timestamp(now))
        .execute(connection)
        .await?;
    Ok(())
}

/// The hash of a request-form link's token, kept as its message goes out;
/// the first attempt's moment starts the link's 24 hours.
pub async fn keep_form_link_token(
    pool: &AnyPool,
    message_id: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE form_links SET token_hash = $1, sent_at = COALESCE(sent_at, $2) WHERE message_id = $3",
    )
    .bind(hash)
    .bind(timestamp(now))
    .bind(message_id)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn waiting(pool: &AnyPool, now: DateTime<Utc>) -> Result<u32, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM messages m WHERE status = 'queued' AND due_at <= $1 \
         AND (appointment_id IS NULL OR appointment_id NOT IN ({})) \
         AND {NOT_HELD}",
        begun_appointments(2)
    ))
    .bind(timestamp(now))
    .bind(japan_minute(now))
    .fetch_one(pool)
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Up to `limit` messages due at `now`, the longest waiting first (each
/// marked when its appointment has begun); a
/// message waits while an earlier one of its case, meant to go before it,
/// is still queued (so "booked" never arrives after "cancelled").
pub async fn due(
    pool: &AnyPool,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Outgoing>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT id, case_id, appointment_id, kind, recipient, subject, text_body, html_body, calendar, message_id, created_at, \
         due_at, attempts, first_tried_at, COALESCE(appointment_id IN ({}), FALSE) AS overtaken \
         FROM messages m WHERE status = 'queued' AND next_attempt_at <= $2 \
         AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.case_id = m.case_id AND o.status = 'queued' \
         AND o.id < m.id AND o.due_at <= m.due_at) \
         AND {NOT_HELD} \
         ORDER BY next_attempt_at, id LIMIT $3",
        begun_appointments(1)
    ))
    .bind(japan_minute(now))
    .bind(timestamp(now))
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// A message held for its sending by this process (see [`claim`]).
#[derive(Debug)]
pub struct Claim {
    /// PostgreSQL's connection holding the message's lock (none on SQLite,
    /// where one process serves).
    connection: Option<sqlx::pool::PoolConnection<sqlx::Any>>,
    id: i64,
}

/// The advisory locks' first key for messages being sent ("SO2M"); the
/// second is the message's id.
const SENDING: i32 = 0x534F_324D;

/// Claims message `id` for its sending, if it is still queued and due at
/// `now` and no other service process is sending it: on PostgreSQL, a
/// session's advisory lock on the message (released by [`release`], or by
/// the server when the process holding it dies, so that a crash never
/// leaves a message unsent). The state is read again once the lock is
/// held: another process may have sent it since this one read the outbox.
pub async fn claim(
    pool: &AnyPool,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Claim>, sqlx::Error> {
    let mut connection = None;
    if crate::store::is_postgres(pool) {
        let mut held = pool.acquire().await?;
        let locked: crate::store::Flag = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
            .bind(SENDING)
            .bind(i32::try_from(id).map_err(|_| undecodable("message id"))?)
            .fetch_one(&mut *held)
            .await?;
        if !locked.0 {
            return Ok(None);
        }
        connection = Some(held);
    }
    let claim = Claim { connection, id };
    let due: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM messages WHERE id = $1 AND status = 'queued' AND next_attempt_at <= $2",
    )
    .bind(id)
    .bind(timestamp(now))
    .fetch_optional(pool)
    .await?;
    if due.is_none() {
        release(claim).await;
        return Ok(None);
    }
    Ok(Some(claim))
}

/// Lets go of a message claimed, once its attempt is recorded. A lock that
/// cannot be let go of closes its connection (which lets go of it).
pub async fn release(claim: Claim) {
    let Some(mut connection) = claim.connection else {
        return;
    };
    let Ok(id) = i32::try_from(claim.id) else {
        return;
    };
    let released = sqlx::query("SELECT pg_advisory_unlock($1, $2)")
        .bind(SENDING)
        .bind(id)
        .execute(&mut *connection)
        .await;
    if released.is_err() {
        let _ = connection.close().await;
    }
}

/// Marks a message sent, with the mail server's answer.
pub async fn mark_sent(
    pool: &AnyPool,
    id: i64,
    answer: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE messages SET status = 'sent', attempts = attempts + 1, last_attempt_at = $1, \
         first_tried_at = COALESCE(first_tried_at, $2), last_answer = $3, sent_at = $4 \
         WHERE id = $5 AND status = 'queued'",
    )
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(answer)
    .bind(timestamp(now))
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a failed try: again at `next`, or failed for good when `None`.
/// A message withdrawn meanwhile (its appointment ended) stays withdrawn.
pub async fn mark_not_sent(
    pool: &AnyPool,
    id: i64,
    answer: &str,
    next: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    failed: Option<crate::audit::chain::Entry<'_>>,
) -> Result<(), sqlx::Error> {
    // A message given up and its audit line are one write: nobody sees
    // the one without the other.
    let mut transaction = crate::store::begin_write(pool).await?;
    let status = if next.is_some() {
        MessageStatus::Queued
    } else {
        MessageStatus::Failed
    };
    sqlx::query(
        "UPDATE messages SET status = $1, attempts = attempts + 1, last_attempt_at = $2, \
         first_tried_at = COALESCE(first_tried_at, $3), last_answer = $4, \
         next_attempt_at = COALESCE($5, next_attempt_at) WHERE id = $6 AND status = 'queued'",
    )
    .bind(status.code())
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(answer)
    .bind(next.map(timestamp))
    .bind(id)
    .execute(&mut *transaction)
    .await?;
    if let Some(entry) = failed {
        crate::audit::chain::append(&mut transaction, now, entry).await?;
    }
    transaction.commit().await
}

/// The outbox as a monitor sees it: messages due and not sent yet, the
/// moment the longest waiting of them fell due, and messages failed (each
/// waits for reception to send it again or let it be).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxHealth {
    pub queued: i64,
    pub oldest_due_at: Option<String>,
    pub failed: i64,
}

pub async fn health(pool: &AnyPool, now: DateTime<Utc>) -> Result<OutboxHealth, sqlx::Error> {
    let (queued, oldest_due_at): (i64, Option<String>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(due_at) FROM messages WHERE status = 'queued' AND due_at <= $1",
    )
    .bind(timestamp(now))
    .fetch_one(pool)
    .await?;
    let failed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE status = 'failed'")
        .fetch_one(pool)
        .await?;
    Ok(OutboxHealth {
        queued,
        oldest_due_at,
        failed,
    })
}
