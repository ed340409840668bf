//! The outbox (server only): every message is written in the same
//! transaction as the change that causes it, and stays until the server's
//! mail task has sent it (at least once: after a crash between sending and
//! marking, it goes again, with the same `Message-ID`) or has given up
//! after a day of tries. Reception sees each message and can send it again.

use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeZone, Utc};
use domain::form::Submission;
use domain::reference::Reference;
use domain::{Calendar, Document};
use sqlx::SqliteConnection;
use sqlx::SqlitePool;

use super::MailSetup;
use super::invitation::{Invitation, Method, uid};
use super::letter::{About, Letter, Slot};
use crate::i18n::Locale;
use crate::message::{MessageKind, MessageRow, MessageStatus};
use crate::store::{timestamp, undecodable};

/// The language a case was sent in, as the messages' locale.
pub fn locale_of(language: &str) -> Locale {
    if language == "en" {
        Locale::en
    } else {
        Locale::ja
    }
}

/// Where the patient asked to be told, if they did: the e-mail address,
/// only when "Send me updates" was ticked.
pub fn recipient(submission: &Submission) -> Option<&str> {
    submission
        .patient_email
        .as_ref()
        .filter(|_| submission.email_updates)
        .map(domain::fields::EmailAddress::as_str)
}

/// A moment in Japan time as UTC.
fn from_japan(moment: NaiveDateTime) -> DateTime<Utc> {
    domain::window::japan()
        .from_local_datetime(&moment)
        .single()
        .map_or_else(
            || Utc.from_utc_datetime(&moment),
            |at| at.with_timezone(&Utc),
        )
}

/// A message to write.
struct NewMessage<'a> {
    case_id: i64,
    kind: MessageKind,
    recipient: &'a str,
    letter: Letter,
    calendar: Option<String>,
    appointment_id: Option<i64>,
    due: DateTime<Utc>,
}

/// A fresh, unique `Message-ID`.
fn new_message_id(setup: &MailSetup, what: &str) -> String {
    format!(
        "<{}.{what}@{}>",
        hex::encode(rand::random::<[u8; 12]>()),
        setup.domain
    )
}

async fn enqueue(
    connection: &mut SqliteConnection,
    setup: &MailSetup,
    message: NewMessage<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let language = match message.letter.locale {
        Locale::ja => "ja",
        Locale::en => "en",
    };
    let message_id = new_message_id(setup, message.kind.code());
    let due = timestamp(message.due);
    sqlx::query(
        "INSERT INTO messages (case_id, kind, recipient, language, subject, text_body, html_body, \
         calendar, appointment_id, message_id, created_at, due_at, next_attempt_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(message.case_id)
    .bind(message.kind.code())
    .bind(message.recipient)
    .bind(language)
    .bind(&message.letter.subject)
    .bind(message.letter.text())
    .bind(message.letter.html())
    .bind(message.calendar)
    .bind(message.appointment_id)
    .bind(message_id)
    .bind(timestamp(now))
    .bind(&due)
    .bind(&due)
    .execute(connection)
    .await?;
    Ok(())
}

/// A case as its messages need it.
#[derive(Debug)]
pub struct Addressee<'a> {
    pub case_id: i64,
    pub reference: &'a Reference,
    pub locale: Locale,
    pub recipient: &'a str,
    pub documents: &'a [Document],
}

impl Addressee<'_> {
    fn about<'s>(&'s self, status_url: &'s str) -> About<'s> {
        About {
            locale: self.locale,
            reference: self.reference,
            status_url,
        }
    }
}

/// Writes "request received".
pub async fn tell_received(
    connection: &mut SqliteConnection,
    setup: &MailSetup,
    to: &Addressee<'_>,
    window: &domain::AppointmentWindow,
    contact_first: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let letter =
        to.about(super::answer_links::STATUS_URL)
            .received(window, contact_first, to.documents);
    let message = NewMessage {
        case_id: to.case_id,
        kind: MessageKind::Received,
        recipient: to.recipient,
        letter,
        calendar: None,
        appointment_id: None,
        due: now,
    };
    enqueue(connection, setup, message, now).await
}

/// The calendar entry of a case's appointment: version `sequence`.
#[allow(clippy::too_many_arguments, reason = "each is one fact of the entry")]
pub fn invitation_file(
    setup: &MailSetup,
    locale: Locale,
    reference: &Reference,
    slot: Slot,
    sequence: u32,
    method: Method,
    attendee: Option<&str>,
    now: DateTime<Utc>,
) -> (String, &'static str) {
    let invitation = Invitation {
        locale,
        reference,
        uid: uid(reference),
        sequence,
        start: slot.day.and_time(slot.start),
        method,
        organizer: setup.organizer.as_deref(),
        attendee,
        stamp: now,
    };
    (invitation.to_ics(), invitation.content_type())
}

/// Writes "booked" (or "moved", from `previous`) with its invitation, and
/// the reminder due at 10:00 on the consultation day before (none when
/// that moment has passed); a reminder of the appointment it replaces is
/// withdrawn.
#[allow(clippy::too_many_arguments, reason = "each is one fact of the booking")]
pub async fn tell_booked(
    connection: &mut SqliteConnection,
    setup: &MailSetup,
    to: &Addressee<'_>,
    appointment_id: i64,
    slot: Slot,
    previous: Option<Slot>,
    sequence: u32,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    withdraw_reminders(connection, to.case_id).await?;
    let about = to.about(super::answer_links::STATUS_URL);
    let (ics, _) = invitation_file(
        setup,
        to.locale,
        to.reference,
        slot,
        sequence,
        Method::Request,
        Some(to.recipient),
        now,
    );
    let booked = NewMessage {
        case_id: to.case_id,
        kind: if previous.is_some() {
            MessageKind::Moved
        } else {
            MessageKind::Booked
        },
        recipient: to.recipient,
        letter: about.booked(slot, previous, to.documents),
        calendar: Some(ics),
        appointment_id: Some(appointment_id),
        due: now,
    };
    enqueue(&mut *connection, setup, booked, now).await?;
    // Booked on the day before (or the day itself), the booking is its own
    // reminder.
    let due = from_japan(domain::contact::reminder_due(calendar, slot.day));
    if due <= now {
        return Ok(());
    }
    let reminder = NewMessage {
        case_id: to.case_id,
        kind: MessageKind::Reminder,
        recipient: to.recipient,
        letter: about.reminder(slot, to.documents),
        calendar: None,
        appointment_id: Some(appointment_id),
        due,
    };
    enqueue(connection, setup, reminder, now).await
}

/// Writes "cancelled" with the invitation's cancellation, and withdraws
/// the reminder.
pub async fn tell_cancelled(
    connection: &mut SqliteConnection,
    setup: &MailSetup,
    to: &Addressee<'_>,
    slot: Slot,
    sequence: u32,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    withdraw_reminders(connection, to.case_id).await?;
    let (ics, _) = invitation_file(
        setup,
        to.locale,
        to.reference,
        slot,
        sequence,
        Method::Cancel,
        Some(to.recipient),
        now,
    );
    let message = NewMessage {
        case_id: to.case_id,
        kind: MessageKind::Cancelled,
        recipient: to.recipient,
        letter: to.about(super::answer_links::STATUS_URL).cancelled(slot),
        calendar: Some(ics),
        appointment_id: None,
        due: now,
    };
    enqueue(connection, setup, message, now).await
}

/// Writes "declined", with the reason in the hospital's words.
pub async fn tell_declined(
    connection: &mut SqliteConnection,
    setup: &MailSetup,
    to: &Addressee<'_>,
    reason: domain::case::DeclineReason,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let message = NewMessage {
        case_id: to.case_id,
        kind: MessageKind::Declined,
        recipient: to.recipient,
        letter: to.about(super::answer_links::STATUS_URL).declined(reason),
        calendar: None,
        appointment_id: None,
        due: now,
    };
    enqueue(connection, setup, message, now).await
}

/// Withdraws the case's reminders not sent yet: their appointment ended,
/// or another replaced it.
pub async fn withdraw_reminders(
    connection: &mut SqliteConnection,
    case_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE messages SET status = 'withdrawn' \
         WHERE case_id = ? AND kind = 'reminder' AND status = 'queued'",
    )
    .bind(case_id)
    .execute(connection)
    .await?;
    Ok(())
}

/// The appointments that have begun by a moment bound as [`japan_minute`]:
/// stored as the day and the time in Japan, compared as text.
const BEGUN_APPOINTMENTS: &str = "SELECT id FROM appointments WHERE day || ' ' || start_time <= ?";

/// `now` as appointments are stored, to the minute in Japan
/// (`2026-12-03 10:30`), for [`BEGUN_APPOINTMENTS`].
fn japan_minute(now: DateTime<Utc>) -> String {
    domain::japan_time(&now)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Withdraws the queued message `id`, which [`due`] found overtaken by its
/// appointment: a booking or a reminder still being tried when the
/// patient should already be at the hospital would only confuse.
pub async fn withdraw(pool: &SqlitePool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE messages SET status = 'withdrawn' WHERE id = ? AND status = 'queued'")
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
pub async fn messages_of(pool: &SqlitePool, case_id: i64) -> Result<Vec<MessageRow>, sqlx::Error> {
    let rows: Vec<MessageSqlRow> = sqlx::query_as(
        "SELECT id, kind, recipient, status, due_at, attempts, last_attempt_at, last_answer, sent_at \
         FROM messages WHERE case_id = ? ORDER BY id",
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
/// with a fresh day of tries and a new `Message-ID` (mail systems drop a
/// message whose identity they have seen). Returns its kind, or `None`
/// when the case has no such message, it is still queued or withdrawn, or
/// it is about an appointment that has since ended, changed or begun.
pub async fn send_again(
    connection: &mut SqliteConnection,
    setup: &MailSetup,
    case_id: i64,
    message_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<MessageKind>, sqlx::Error> {
    let kind: Option<String> = sqlx::query_scalar(&format!(
        "UPDATE messages SET status = 'queued', attempts = 0, first_tried_at = NULL, due_at = ?, \
         next_attempt_at = ?, message_id = ? \
         WHERE id = ? AND case_id = ? AND status IN ('sent', 'failed') \
         AND (appointment_id IS NULL OR (appointment_id IN \
              (SELECT id FROM appointments WHERE case_id = ? AND ended_at IS NULL) \
              AND appointment_id NOT IN ({BEGUN_APPOINTMENTS}))) \
         RETURNING kind"
    ))
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(new_message_id(setup, "again"))
    .bind(message_id)
    .bind(case_id)
    .bind(case_id)
    .bind(japan_minute(now))
    .fetch_optional(connection)
    .await?;
    Ok(kind.as_deref().and_then(MessageKind::from_code))
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

/// The answer links of a message about an appointment that still stands
/// and has not begun: each token's hash stored (again, harmlessly, at a
/// second attempt), the links returned. `None` when the message has no
/// links to offer (any left in its text lead to the status page).
pub async fn response_links(
    pool: &SqlitePool,
    message: &Outgoing,
    key: &super::answer_links::LinkKey,
    setup: &MailSetup,
    now: DateTime<Utc>,
) -> Result<Vec<(domain::contact::PatientAnswer, String)>, sqlx::Error> {
    let Some(appointment_id) = message.appointment_id else {
        return Ok(Vec::new());
    };
    let standing: Option<(String, String)> = sqlx::query_as(
        "SELECT day, start_time FROM appointments WHERE id = ? AND ended_at IS NULL",
    )
    .bind(appointment_id)
    .fetch_optional(pool)
    .await?;
    let Some((day, start)) = standing else {
        return Ok(Vec::new());
    };
    let day: chrono::NaiveDate = day.parse().map_err(|_| undecodable("day"))?;
    let starts = from_japan(day.and_time(start_of(&start)?));
    if starts <= now {
        return Ok(Vec::new());
    }
    let mut links = Vec::new();
    for answer in domain::contact::PatientAnswer::ALL {
        let token = key.token(&message.message_id, *answer);
        sqlx::query(
            "INSERT INTO response_tokens (token_hash, case_id, appointment_id, answer, expires_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING",
        )
        .bind(crate::http::tokens::token_hash(&token))
        .bind(message.case_id)
        .bind(appointment_id)
        .bind(answer.code())
        .bind(timestamp(starts))
        .execute(pool)
        .await?;
        links.push((*answer, format!("{}/respond/{token}", setup.public_url)));
    }
    Ok(links)
}

/// How many messages are due by `now` and still queued: what waits for a
/// mail server while none is configured.
/// (Not those about an appointment that has begun: the mail task would
/// withdraw them rather than send them.)
pub async fn waiting(pool: &SqlitePool, now: DateTime<Utc>) -> Result<u32, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM messages WHERE status = 'queued' AND due_at <= ? \
         AND (appointment_id IS NULL OR appointment_id NOT IN ({BEGUN_APPOINTMENTS}))"
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
    pool: &SqlitePool,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Outgoing>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT id, case_id, appointment_id, kind, recipient, subject, text_body, html_body, calendar, message_id, created_at, \
         due_at, attempts, first_tried_at, coalesce(appointment_id IN ({BEGUN_APPOINTMENTS}), 0) AS overtaken \
         FROM messages m WHERE status = 'queued' AND next_attempt_at <= ? \
         AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.case_id = m.case_id AND o.status = 'queued' \
         AND o.id < m.id AND o.due_at <= m.due_at) \
         ORDER BY next_attempt_at, id LIMIT ?"
    ))
    .bind(japan_minute(now))
    .bind(timestamp(now))
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// How the mail task tries again: after `first_delay`, doubling each time
/// up to `longest_delay`, and gives up `give_up_after` the first try (so a
/// message kept while no mail server was set gets its whole day).
#[derive(Debug, Clone, Copy)]
pub struct Retries {
    pub first_delay: chrono::Duration,
    pub longest_delay: chrono::Duration,
    pub give_up_after: chrono::Duration,
}

impl Default for Retries {
    fn default() -> Self {
        Self {
            first_delay: chrono::Duration::minutes(1),
            longest_delay: chrono::Duration::hours(2),
            give_up_after: chrono::Duration::hours(24),
        }
    }
}

impl Retries {
    /// When to try a message again after its `attempts`th failure, or
    /// `None` to give up.
    pub fn next_attempt(
        &self,
        first_try: DateTime<Utc>,
        attempts: i64,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
        let delay = self
            .first_delay
            .checked_mul(1 << doublings)
            .map_or(self.longest_delay, |delay| delay.min(self.longest_delay));
        let next = now + delay;
        (next < first_try + self.give_up_after).then_some(next)
    }
}

/// Marks a message sent, with the mail server's answer.
pub async fn mark_sent(
    pool: &SqlitePool,
    id: i64,
    answer: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE messages SET status = 'sent', attempts = attempts + 1, last_attempt_at = ?, \
         first_tried_at = COALESCE(first_tried_at, ?), last_answer = ?, sent_at = ? \
         WHERE id = ? AND status = 'queued'",
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
    pool: &SqlitePool,
    id: i64,
    answer: &str,
    next: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let status = if next.is_some() {
        MessageStatus::Queued
    } else {
        MessageStatus::Failed
    };
    sqlx::query(
        "UPDATE messages SET status = ?, attempts = attempts + 1, last_attempt_at = ?, \
         first_tried_at = COALESCE(first_tried_at, ?), last_answer = ?, \
         next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ? AND status = 'queued'",
    )
    .bind(status.code())
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(answer)
    .bind(next.map(timestamp))
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// The start of an appointment as stored (`HH:MM`).
pub fn start_of(text: &str) -> Result<NaiveTime, sqlx::Error> {
    NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| undecodable("start"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("a moment")
    }

    #[test]
    fn retries_wait_longer_each_time_and_stop_after_a_day() {
        let retries = Retries::default();
        let due = at("2026-12-03T01:00:00Z");
        let waits: Vec<i64> = (1..=9)
            .map(|attempts| {
                let next = retries.next_attempt(due, attempts, due).expect("again");
                (next - due).num_minutes()
            })
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 120, 120]);
        assert!(
            retries
                .next_attempt(due, 20, at("2026-12-04T00:59:00Z"))
                .is_none()
        );
        assert!(
            retries
                .next_attempt(due, 20, at("2026-12-03T22:00:00Z"))
                .is_some()
        );
    }
}
