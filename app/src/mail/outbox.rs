//! The outbox (server only): what each change tells the patient, written
//! in the same transaction as the change (`tell_*`), where it stays until
//! the server's mail task has sent it (at least once: after a crash between
//! sending and marking, it goes again, with the same `Message-ID`) or has
//! given up after a day of tries (`Retries`). Reception sees each message
//! and can send it again. Its queries are `mail::store`.

use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeZone, Utc};
use domain::form::Submission;
use domain::reference::Reference;
use domain::{Calendar, Document};
use sqlx::{AnyConnection, AnyPool};

use super::MailSetup;
use super::invitation::{Invitation, Method, uid};
use super::letter::{About, Letter, Slot};
use super::store::{self, Outgoing};
use crate::i18n::Locale;
use crate::message::MessageKind;
use crate::store::undecodable;

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
    connection: &mut AnyConnection,
    setup: &MailSetup,
    message: NewMessage<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let message_id = new_message_id(setup, message.kind.code());
    enqueue_as(connection, message, &message_id, now).await
}

/// [`enqueue`], with its `Message-ID` chosen by the caller.
async fn enqueue_as(
    connection: &mut AnyConnection,
    message: NewMessage<'_>,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let language = match message.letter.locale {
        Locale::ja => "ja",
        Locale::en => "en",
    };
    let stored = store::StoredMessage {
        case_id: message.case_id,
        kind: message.kind.code(),
        recipient: message.recipient,
        language,
        subject: &message.letter.subject,
        text_body: &message.letter.text(),
        html_body: &message.letter.html(),
        calendar: message.calendar.as_deref(),
        appointment_id: message.appointment_id,
        message_id,
    };
    store::insert(connection, &stored, message.due, now).await
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

    /// `letter` as a message of `kind` to go now, about no appointment.
    fn now(&self, kind: MessageKind, letter: Letter, now: DateTime<Utc>) -> NewMessage<'_> {
        NewMessage {
            case_id: self.case_id,
            kind,
            recipient: self.recipient,
            letter,
            calendar: None,
            appointment_id: None,
            due: now,
        }
    }
}

/// Writes "request received".
pub async fn tell_received(
    connection: &mut AnyConnection,
    setup: &MailSetup,
    to: &Addressee<'_>,
    window: &domain::AppointmentWindow,
    contact_first: bool,
    expected: &[domain::forecast::Expected],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let letter = to.about(super::answer_links::STATUS_URL).received(
        window,
        contact_first,
        to.documents,
        expected,
    );
    let message = to.now(MessageKind::Received, letter, now);
    enqueue(connection, setup, message, now).await
}

/// Writes "confirm your address": the first message to an address. The
/// case's other messages wait until the link is followed.
pub async fn tell_confirm_address(
    connection: &mut AnyConnection,
    setup: &MailSetup,
    to: &Addressee<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let letter = to.about(super::answer_links::STATUS_URL).confirm_address();
    let message = to.now(MessageKind::ConfirmAddress, letter, now);
    enqueue(connection, setup, message, now).await
}

/// Writes "your request form": the one-time link to it (filled at
/// sending, [`form_link`]), and the link's row.
pub async fn tell_form_link(
    connection: &mut AnyConnection,
    setup: &MailSetup,
    to: &Addressee<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let letter = to.about(super::answer_links::STATUS_URL).form_link();
    let message = to.now(MessageKind::FormLink, letter, now);
    let message_id = new_message_id(setup, MessageKind::FormLink.code());
    enqueue_as(connection, message, &message_id, now).await?;
    store::insert_form_link(connection, &message_id, to.case_id, now).await
}

/// The one-time link of a request-form message, its token's hash kept
/// with the link's row (set once: the first attempt to send starts its
/// 24 hours).
pub async fn form_link(
    pool: &AnyPool,
    message: &Outgoing,
    key: &super::answer_links::LinkKey,
    setup: &MailSetup,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let token = key.form_link(&message.message_id);
    let hash = crate::http::tokens::token_hash(&token);
    store::keep_form_link_token(pool, &message.message_id, &hash, now).await?;
    Ok(format!("{}/form/{token}", setup.public_url))
}

/// The link of a confirmation message, its token's hash kept with the
/// case's confirmation (again, harmlessly, at a second attempt).
pub async fn confirmation_link(
    pool: &AnyPool,
    message: &Outgoing,
    key: &super::answer_links::LinkKey,
    setup: &MailSetup,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let token = key.confirmation(&message.message_id);
    let hash = crate::http::tokens::token_hash(&token);
    store::keep_confirmation_token(pool, message.case_id, &hash, now).await?;
    Ok(format!("{}/confirm/{token}", setup.public_url))
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
    connection: &mut AnyConnection,
    setup: &MailSetup,
    to: &Addressee<'_>,
    appointment_id: i64,
    slot: Slot,
    previous: Option<Slot>,
    sequence: u32,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    store::withdraw_reminders(connection, to.case_id).await?;
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
    connection: &mut AnyConnection,
    setup: &MailSetup,
    to: &Addressee<'_>,
    slot: Slot,
    sequence: u32,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    store::withdraw_reminders(connection, to.case_id).await?;
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
    connection: &mut AnyConnection,
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

/// Writes "the report was sent to your doctor".
pub async fn tell_report_sent(
    connection: &mut AnyConnection,
    setup: &MailSetup,
    to: &Addressee<'_>,
    on: chrono::NaiveDate,
    doctor: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let message = NewMessage {
        case_id: to.case_id,
        kind: MessageKind::ReportSent,
        recipient: to.recipient,
        letter: to
            .about(super::answer_links::STATUS_URL)
            .report_sent(on, doctor),
        calendar: None,
        appointment_id: None,
        due: now,
    };
    enqueue(connection, setup, message, now).await
}

/// Puts a sent or failed message of the case back in the queue, due now,
/// with a fresh day of tries and a new `Message-ID` (mail systems drop a
/// message whose identity they have seen). Returns its kind, or `None`
/// when the case has no such message, it is still queued or withdrawn, or
/// it is about an appointment that has since ended, changed or begun.
pub async fn send_again(
    connection: &mut AnyConnection,
    setup: &MailSetup,
    case_id: i64,
    message_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<MessageKind>, sqlx::Error> {
    let fresh_id = new_message_id(setup, "again");
    let kind = store::requeue(connection, case_id, message_id, &fresh_id, now).await?;
    Ok(kind.as_deref().and_then(MessageKind::from_code))
}

/// The answer links of a message about an appointment that still stands
/// and has not begun: each token's hash stored (again, harmlessly, at a
/// second attempt), the links returned. `None` when the message has no
/// links to offer (any left in its text lead to the status page).
pub async fn response_links(
    pool: &AnyPool,
    message: &Outgoing,
    key: &super::answer_links::LinkKey,
    setup: &MailSetup,
    now: DateTime<Utc>,
) -> Result<Vec<(domain::contact::PatientAnswer, String)>, sqlx::Error> {
    let Some(appointment_id) = message.appointment_id else {
        return Ok(Vec::new());
    };
    let Some((day, start)) = store::standing_appointment(pool, appointment_id).await? else {
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
        let hash = crate::http::tokens::token_hash(&token);
        let link = (message.case_id, appointment_id, *answer);
        store::keep_answer_token(pool, &hash, link, starts).await?;
        links.push((*answer, format!("{}/respond/{token}", setup.public_url)));
    }
    Ok(links)
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
