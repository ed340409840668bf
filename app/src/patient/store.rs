//! The patient's side of the database (server only): storing a request
//! durably and exactly once, and reading it back for the confirmation and
//! the status.

use chrono::{DateTime, NaiveDate, Utc};
use domain::fields::NameReading;
use domain::form::Submission;
use domain::reference::{REFERENCE_ALPHABET, REFERENCE_LENGTH, Reference};
use domain::{AppointmentWindow, Request, Verdict};
use rand::Rng;
use sqlx::AnyPool;

use crate::area::AreaCode;
use crate::http::limits::{NewCaseLimiter, NotTaken};
use crate::mail::MailSetup;
use crate::mail::outbox;
use crate::store::{Flag, MISSES_PER_REFERENCE, a_day_before, timestamp, undecodable};

/// A request the server accepted, ready to store.
#[derive(Debug)]
pub struct NewCase<'a> {
    pub submission_id: &'a str,
    pub submission: &'a Submission,
    pub verdict: &'a Verdict,
    pub window: AppointmentWindow,
    /// The days its steps are expected on, for the "received" message.
    pub expected: &'a [domain::forecast::Expected],
    pub received_at: DateTime<Utc>,
    pub language: &'a str,
    /// The limit a new request counts against, and its sender (`None`: a
    /// resend, which does not count).
    pub limit: Option<(&'a NewCaseLimiter, std::net::IpAddr)>,
    /// How long the confirmation page's token opens it.
    pub token_lifetime: chrono::Duration,
}

/// What became of a request to store.
#[derive(Debug)]
pub enum Storing {
    /// Stored now or before (a resend), with a new confirmation token.
    Stored { case: StoredCase, token: String },
    /// The submission id was used before with other answers.
    Resubmitted,
    /// Over a limit: nothing stored.
    NotTaken(NotTaken),
}

/// A fresh reference from the operating system's secure random source.
fn new_reference() -> Reference {
    let mut rng = rand::rng();
    let indices: [usize; REFERENCE_LENGTH] =
        std::array::from_fn(|_| rng.random_range(0..REFERENCE_ALPHABET.len()));
    Reference::from_indices(indices).expect("indices are within the alphabet")
}

/// A stored case as the patient's pages need it.
#[derive(Debug)]
pub struct StoredCase {
    pub reference: Reference,
    pub verdict: Verdict,
    pub window: AppointmentWindow,
    pub request: Request,
}

#[derive(sqlx::FromRow)]
struct StoredRow {
    id: i64,
    reference: String,
    verdict: String,
    reasons: String,
    receipt_day: String,
    earliest_day: String,
    latest_day: String,
    answers: String,
}

const STORED_COLUMNS: &str =
    "id, reference, verdict, reasons, receipt_day, earliest_day, latest_day, answers";

impl StoredRow {
    fn into_case(self) -> Result<StoredCase, sqlx::Error> {
        let day = |text: &str| text.parse().map_err(|_| undecodable("day"));
        let verdict = match self.verdict.as_str() {
            "eligible" => Verdict::Eligible,
            "contact_first" => Verdict::ContactFirst {
                reasons: serde_json::from_str(&self.reasons).map_err(|_| undecodable("reasons"))?,
            },
            _ => return Err(undecodable("verdict")),
        };
        let submission: Submission =
            serde_json::from_str(&self.answers).map_err(|_| undecodable("answers"))?;
        Ok(StoredCase {
            reference: Reference::parse(&self.reference).ok_or_else(|| undecodable("reference"))?,
            verdict,
            window: AppointmentWindow {
                receipt: day(&self.receipt_day)?,
                earliest: day(&self.earliest_day)?,
                latest: day(&self.latest_day)?,
            },
            request: submission.request,
        })
    }
}

/// Stores the case in one transaction (one commit: one `fsync` on
/// SQLite), with the attempt it counts against the sender's limit and the
/// service's ceiling, the "received" message when the patient asked for
/// news by e-mail, and the confirmation page's token. A submission id seen
/// before with the same answers (a double click, a retry) returns the case
/// stored then and stores nothing new but a token; seen before with other
/// answers, it is `Resubmitted`: an id is not a way to read someone else's
/// reference.
pub async fn store_case(
    pool: &AnyPool,
    case: &NewCase<'_>,
    mail: &MailSetup,
) -> Result<Storing, sqlx::Error> {
    let reasons: Vec<&str> = match case.verdict {
        Verdict::ContactFirst { reasons } => reasons.iter().map(|r| r.code()).collect(),
        _ => Vec::new(),
    };
    let reasons = serde_json::to_string(&reasons).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let answers =
        serde_json::to_string(case.submission).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let submission = case.submission;

    let mut transaction = crate::store::begin_write(pool).await?;
    if let Some((limiter, client)) = case.limit
        && let Err(not) = limiter
            .take_in(&mut transaction, client, case.received_at)
            .await?
    {
        transaction.commit().await?;
        return Ok(Storing::NotTaken(not));
    }
    // A reference drawn twice (one chance in 10^11) breaks the UNIQUE
    // constraint; draw again. Each draw is a savepoint: PostgreSQL would
    // otherwise end the whole transaction at the first error.
    for _ in 0..5 {
        let mut draw = sqlx::Connection::begin(&mut *transaction).await?;
        let inserted: Result<Option<i64>, _> = sqlx::query_scalar(
            "INSERT INTO cases (reference, submission_id, verdict, reasons, contact_first, received_at, \
             receipt_day, earliest_day, latest_day, language, patient_name, patient_name_reading, \
             patient_date_of_birth, area, answers) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             ON CONFLICT (submission_id) DO NOTHING RETURNING id",
        )
        .bind(new_reference().compact())
        .bind(case.submission_id)
        .bind(case.verdict.code())
        .bind(&reasons)
        .bind(matches!(case.verdict, Verdict::ContactFirst { .. }))
        .bind(timestamp(case.received_at))
        .bind(case.window.receipt.to_string())
        .bind(case.window.earliest.to_string())
        .bind(case.window.latest.to_string())
        .bind(case.language)
        .bind(submission.patient_name.as_str())
        .bind(submission.patient_name_reading.as_ref().map(NameReading::as_str))
        .bind(submission.patient_date_of_birth.date().to_string())
        .bind(AreaCode::of(submission.request.area.as_ref()).code())
        .bind(&answers)
        .fetch_optional(&mut *draw)
        .await;
        match inserted {
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                draw.rollback().await?;
            }
            Err(error) => return Err(error),
            Ok(inserted) => {
                draw.commit().await?;
                if let Some(case_id) = inserted {
                    tell_received(&mut transaction, case, case_id, mail).await?;
                }
                let stored: StoredRow = sqlx::query_as(&format!(
                    "SELECT {STORED_COLUMNS} FROM cases WHERE submission_id = $1"
                ))
                .bind(case.submission_id)
                .fetch_one(&mut *transaction)
                .await?;
                if stored.answers != answers {
                    transaction.commit().await?;
                    return Ok(Storing::Resubmitted);
                }
                let resent = inserted.is_none();
                let token = sent_token_in(&mut transaction, stored.id, resent, case).await?;
                transaction.commit().await?;
                return Ok(Storing::Stored {
                    case: stored.into_case()?,
                    token,
                });
            }
        }
    }
    Err(sqlx::Error::Protocol(
        "could not draw a unique reference".into(),
    ))
}

/// A new confirmation-page token for case `case_id`, in the transaction
/// that stores it. A resend gets a token of its own (the browser that
/// resent may never have had the first answer), and keeps at most the two
/// before it of the last minute: a loop of resends adds no rows.
async fn sent_token_in(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    case_id: i64,
    resent: bool,
    case: &NewCase<'_>,
) -> Result<String, sqlx::Error> {
    let now = case.received_at;
    sqlx::query("DELETE FROM sent_tokens WHERE expires_at <= $1 OR issued_at <= $2")
        .bind(timestamp(now))
        .bind(timestamp(now - SENT_TOKEN))
        .execute(&mut **transaction)
        .await?;
    if resent {
        sqlx::query(
            "DELETE FROM sent_tokens WHERE case_id = $1 AND issued_at > $2 \
             AND token_hash NOT IN (SELECT token_hash FROM sent_tokens \
             WHERE case_id = $1 AND issued_at > $2 ORDER BY issued_at DESC LIMIT 2)",
        )
        .bind(case_id)
        .bind(timestamp(now - chrono::Duration::minutes(1)))
        .execute(&mut **transaction)
        .await?;
    }
    let token = crate::http::tokens::new_token();
    sqlx::query(
        "INSERT INTO sent_tokens (token_hash, case_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(crate::http::tokens::token_hash(&token))
    .bind(case_id)
    .bind(timestamp(now))
    .bind(timestamp(now + case.token_lifetime))
    .execute(&mut **transaction)
    .await?;
    Ok(token)
}

/// Confirmation messages one address gets in a day, whatever the
/// requests: the form cannot be used to mail a stranger more.
pub const CONFIRMATIONS_PER_ADDRESS_A_DAY: i64 = 3;

/// How long a confirmation link opens, from its message's sending.
pub const CONFIRMATION_HOURS: i64 = 24;

/// The e-mail state of the case with `reference` (`None`: no e-mail asked
/// for, or a case from before confirmations).
pub async fn address_state(
    pool: &AnyPool,
    reference: &Reference,
) -> Result<Option<crate::message::AddressState>, sqlx::Error> {
    use crate::message::AddressState;
    let row: Option<(Flag, Option<String>)> = sqlx::query_as(
        "SELECT a.asked, a.confirmed_at FROM address_confirmations a \
         JOIN cases c ON c.id = a.case_id WHERE c.reference = $1",
    )
    .bind(reference.compact())
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(asked, confirmed)| match (confirmed, asked.0) {
        (Some(_), _) => AddressState::Confirmed,
        (None, true) => AddressState::Pending,
        (None, false) => AddressState::NotAsked,
    }))
}

/// Confirms the address whose link's token has the hash `hash`, if the
/// link is within its hours: the case's id.
pub async fn confirm_address(
    pool: &AnyPool,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let since = timestamp(now - chrono::Duration::hours(CONFIRMATION_HOURS));
    sqlx::query_scalar(
        "UPDATE address_confirmations SET confirmed_at = COALESCE(confirmed_at, $1) \
         WHERE token_hash = $2 AND (confirmed_at IS NOT NULL OR sent_at > $3) RETURNING case_id",
    )
    .bind(timestamp(now))
    .bind(hash)
    .bind(since)
    .fetch_optional(pool)
    .await
}

/// Writes the "received" message of a case just inserted, if its patient
/// asked for one.
async fn tell_received(
    connection: &mut sqlx::AnyConnection,
    case: &NewCase<'_>,
    case_id: i64,
    mail: &MailSetup,
) -> Result<(), sqlx::Error> {
    let Some(recipient) = outbox::recipient(case.submission) else {
        return Ok(());
    };
    let reference: String = sqlx::query_scalar("SELECT reference FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&mut *connection)
        .await?;
    let reference = Reference::parse(&reference).ok_or_else(|| undecodable("reference"))?;
    let documents = domain::documents_to_bring(&case.submission.request);
    let to = outbox::Addressee {
        case_id,
        reference: &reference,
        locale: outbox::locale_of(case.language),
        recipient,
        documents: &documents,
    };
    // The first message to the address asks to confirm it (at most three
    // a day to one address, whatever the requests); "received" and the
    // rest wait until the link is followed.
    let address_hash = crate::http::tokens::token_hash(&recipient.trim().to_lowercase());
    let since = timestamp(case.received_at - chrono::Duration::days(1));
    let asked_today: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM address_confirmations WHERE address_hash = $1 AND asked = TRUE AND created_at > $2",
    )
    .bind(&address_hash)
    .bind(&since)
    .fetch_one(&mut *connection)
    .await?;
    let ask = asked_today < CONFIRMATIONS_PER_ADDRESS_A_DAY;
    sqlx::query(
        "INSERT INTO address_confirmations (case_id, address_hash, created_at, asked) VALUES ($1, $2, $3, $4)",
    )
    .bind(case_id)
    .bind(&address_hash)
    .bind(timestamp(case.received_at))
    .bind(ask)
    .execute(&mut *connection)
    .await?;
    if ask {
        outbox::tell_confirm_address(connection, mail, &to, case.received_at).await?;
    }
    let contact_first = matches!(case.verdict, Verdict::ContactFirst { .. });
    outbox::tell_received(
        connection,
        mail,
        &to,
        &case.window,
        contact_first,
        case.expected,
        case.received_at,
    )
    .await
}

/// The id of the case with this reference.
pub async fn case_id(pool: &AnyPool, reference: &Reference) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1")
        .bind(reference.compact())
        .fetch_optional(pool)
        .await
}

/// The case with this reference (a reduced case is none: its answers are
/// gone).
pub async fn find_case(
    pool: &AnyPool,
    reference: &Reference,
) -> Result<Option<StoredCase>, sqlx::Error> {
    let row: Option<StoredRow> = sqlx::query_as(&format!(
        "SELECT {STORED_COLUMNS} FROM cases WHERE reference = $1 AND reduced_at IS NULL"
    ))
    .bind(reference.compact())
    .fetch_optional(pool)
    .await?;
    row.map(StoredRow::into_case).transpose()
}

/// The case with this reference, with every answer as checked.
pub async fn find_submission(
    pool: &AnyPool,
    reference: &Reference,
) -> Result<Option<(StoredCase, Submission)>, sqlx::Error> {
    let row: Option<StoredRow> = sqlx::query_as(&format!(
        "SELECT {STORED_COLUMNS} FROM cases WHERE reference = $1 AND reduced_at IS NULL"
    ))
    .bind(reference.compact())
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let submission: Submission =
        serde_json::from_str(&row.answers).map_err(|_| undecodable("answers"))?;
    Ok(Some((row.into_case()?, submission)))
}

/// What the status page shows of a case.
#[derive(Debug, sqlx::FromRow)]
pub struct CaseStatusRow {
    pub status: String,
    #[sqlx(try_from = "crate::store::Flag")]
    pub contact_first: bool,
    pub received_at: String,
    pub decline_reason: Option<String>,
    pub department_ja: Option<String>,
    pub department_en: Option<String>,
    pub appointment_day: Option<String>,
    pub appointment_start: Option<String>,
    pub patient_answer: Option<String>,
    pub patient_answer_at: Option<String>,
    /// The day the consultation was held.
    pub seen_on: Option<String>,
    /// The day the written opinion was last sent to the present doctor,
    /// and the report sent (its JSON, which names the doctor).
    pub sent_on: Option<String>,
    sent_report: Option<String>,
}

impl CaseStatusRow {
    /// The present doctor the report sent is addressed to (read here, not
    /// in SQL: the engines' JSON functions differ).
    pub fn sent_to(&self) -> Option<String> {
        crate::store::doctor_of_report(self.sent_report.as_deref()?)
    }
}

/// The case with this reference, only if the date of birth matches too.
pub async fn find_case_status(
    pool: &AnyPool,
    reference: &Reference,
    date_of_birth: NaiveDate,
) -> Result<Option<CaseStatusRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.status, c.contact_first, c.received_at, c.decline_reason, \
         d.name_ja AS department_ja, d.name_en AS department_en, \
         a.day AS appointment_day, a.start_time AS appointment_start, \
         c.patient_answer, c.patient_answer_at, \
         (SELECT h.day FROM visits v JOIN appointments h ON h.id = v.appointment_id \
          WHERE v.case_id = c.id AND v.held_recorded_at IS NOT NULL \
          ORDER BY h.day DESC LIMIT 1) AS seen_on, \
         s.sent_on, r.text AS sent_report \
         FROM cases c LEFT JOIN departments d ON d.code = c.department \
         LEFT JOIN appointments a ON a.case_id = c.id AND a.ended_at IS NULL \
         LEFT JOIN report_sendings s ON s.id = (SELECT MAX(id) FROM report_sendings \
            WHERE case_id = c.id AND recipient = 'present_doctor') \
         LEFT JOIN reports r ON r.id = s.report_id \
         WHERE c.reference = $1 AND c.patient_date_of_birth = $2 AND c.reduced_at IS NULL",
    )
    .bind(reference.compact())
    .bind(date_of_birth.to_string())
    .fetch_optional(pool)
    .await
}

/// Whether the status look-up of `reference` is locked at `now`.
pub async fn status_lookup_locked(
    pool: &AnyPool,
    reference: &Reference,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let misses: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM status_misses WHERE reference = $1 AND at > $2")
            .bind(reference.compact())
            .bind(a_day_before(now))
            .fetch_one(pool)
            .await?;
    Ok(misses >= MISSES_PER_REFERENCE)
}

/// Records a look-up of `reference` that matched nothing (whether the
/// reference exists or not: the same work either way). The miss that
/// locks a real case's look-up is written in its audit trail.
pub async fn record_status_miss(
    pool: &AnyPool,
    reference: &Reference,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let since = a_day_before(now);
    let mut transaction = crate::store::begin_write(pool).await?;
    sqlx::query("DELETE FROM status_misses WHERE at <= $1")
        .bind(&since)
        .execute(&mut *transaction)
        .await?;
    sqlx::query("INSERT INTO status_misses (reference, at) VALUES ($1, $2)")
        .bind(reference.compact())
        .bind(timestamp(now))
        .execute(&mut *transaction)
        .await?;
    let misses: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM status_misses WHERE reference = $1 AND at > $2")
            .bind(reference.compact())
            .bind(&since)
            .fetch_one(&mut *transaction)
            .await?;
    if misses == MISSES_PER_REFERENCE {
        let case: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1")
            .bind(reference.compact())
            .fetch_optional(&mut *transaction)
            .await?;
        if let Some(case_id) = case {
            let entry = crate::audit::chain::Entry {
                case_id: Some(case_id),
                ..crate::audit::chain::Entry::of(crate::audit::AuditAction::StatusLookupLocked)
            };
            crate::audit::chain::append(&mut transaction, now, entry).await?;
        }
    }
    transaction.commit().await
}

/// Whether a case was sent with this submission id already (a resend).
pub async fn submission_is_known(pool: &AnyPool, submission_id: &str) -> Result<bool, sqlx::Error> {
    let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM cases WHERE submission_id = $1")
        .bind(submission_id)
        .fetch_optional(pool)
        .await?;
    Ok(known.is_some())
}

/// How long the browser that sent a case may show its confirmation…
pub const SENT_TOKEN: chrono::Duration = chrono::Duration::days(1);
/// …and from a shared computer (with a cookie for the browser's session).
pub const SHARED_SENT_TOKEN: chrono::Duration = chrono::Duration::hours(1);

/// Ends the confirmation token `token` ("Finish" on the confirmation).
pub async fn end_sent_token(pool: &AnyPool, token: &str) -> Result<(), sqlx::Error> {
    if !crate::http::tokens::is_token(token) {
        return Ok(());
    }
    sqlx::query("DELETE FROM sent_tokens WHERE token_hash = $1")
        .bind(crate::http::tokens::token_hash(token))
        .execute(pool)
        .await?;
    Ok(())
}

/// Whether `token` was given, within its day, to the browser that sent
/// `reference`.
pub async fn sent_with_token(
    pool: &AnyPool,
    reference: &Reference,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    if !crate::http::tokens::is_token(token) {
        return Ok(false);
    }
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM sent_tokens t JOIN cases c ON c.id = t.case_id \
         WHERE t.token_hash = $1 AND c.reference = $2 AND t.issued_at > $3 \
         AND COALESCE(t.expires_at > $4, TRUE)",
    )
    .bind(crate::http::tokens::token_hash(token))
    .bind(reference.compact())
    .bind(timestamp(now - SENT_TOKEN))
    .bind(timestamp(now))
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// The current appointment of the case as a calendar file (the version
/// the last message carried), in the case's language; `None` without one.
pub async fn calendar_file(
    pool: &AnyPool,
    reference: &Reference,
    mail: &MailSetup,
    now: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    let found: Option<(String, String, String, i64)> = sqlx::query_as(
        "SELECT c.language, a.day, a.start_time, \
         (SELECT COUNT(*) FROM appointments b WHERE b.case_id = c.id) \
         FROM cases c JOIN appointments a ON a.case_id = c.id AND a.ended_at IS NULL \
         WHERE c.reference = $1 AND c.status = 'scheduled'",
    )
    .bind(reference.compact())
    .fetch_optional(pool)
    .await?;
    let Some((language, day, start, booked)) = found else {
        return Ok(None);
    };
    let slot = crate::mail::letter::Slot {
        day: day.parse().map_err(|_| undecodable("day"))?,
        start: outbox::start_of(&start)?,
    };
    let sequence = u32::try_from(booked.saturating_sub(1)).unwrap_or(0);
    let (file, _) = outbox::invitation_file(
        mail,
        outbox::locale_of(&language),
        reference,
        slot,
        sequence,
        crate::mail::invitation::Method::Publish,
        None,
        now,
    );
    Ok(Some(file))
}

/// An answer link that still holds: the case, the answer, and the
/// appointment it is about.
#[derive(Debug, sqlx::FromRow)]
pub struct AnswerLink {
    pub case_id: i64,
    pub answer: String,
    pub day: String,
    pub start_time: String,
}

/// The link of `token`, if it holds at `now`: known, before its
/// appointment, and that appointment still the case's current one.
async fn answer_link(
    executor: impl sqlx::any::AnyExecutor<'_>,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<AnswerLink>, sqlx::Error> {
    if !crate::http::tokens::is_token(token) {
        return Ok(None);
    }
    sqlx::query_as(
        "SELECT t.case_id, t.answer, a.day, a.start_time FROM response_tokens t \
         JOIN appointments a ON a.id = t.appointment_id AND a.ended_at IS NULL \
         JOIN cases c ON c.id = t.case_id AND c.status = 'scheduled' \
         WHERE t.token_hash = $1 AND t.expires_at > $2",
    )
    .bind(crate::http::tokens::token_hash(token))
    .bind(timestamp(now))
    .fetch_optional(executor)
    .await
}

/// The link of `token`, if it holds (changes nothing).
pub async fn find_answer_link(
    pool: &AnyPool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<AnswerLink>, sqlx::Error> {
    answer_link(pool, token, now).await
}

/// Records the answer of the link of `token`, if it holds, for reception
/// to see (audited); returns it.
pub async fn record_answer(
    pool: &AnyPool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<AnswerLink>, sqlx::Error> {
    // Not a token's shape: nothing to find, and no write lock taken for it.
    if !crate::http::tokens::is_token(token) {
        return Ok(None);
    }
    let mut transaction = crate::store::begin_write(pool).await?;
    let Some(link) = answer_link(&mut *transaction, token, now).await? else {
        return Ok(None);
    };
    sqlx::query("UPDATE cases SET patient_answer = $1, patient_answer_at = $2 WHERE id = $3")
        .bind(&link.answer)
        .bind(timestamp(now))
        .bind(link.case_id)
        .execute(&mut *transaction)
        .await?;
    let entry = crate::audit::chain::Entry {
        case_id: Some(link.case_id),
        after: Some(&link.answer),
        ..crate::audit::chain::Entry::of(crate::audit::AuditAction::PatientAnswered)
    };
    crate::audit::chain::append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(Some(link))
}

/// The documents the case needs, each with the day reception recorded it
/// (none yet: not received).
pub async fn documents_received(
    pool: &AnyPool,
    reference: &Reference,
) -> Result<Vec<(domain::Document, Option<NaiveDate>)>, sqlx::Error> {
    let Some(case) = find_case(pool, reference).await? else {
        return Ok(Vec::new());
    };
    let received: Vec<(String, String)> = sqlx::query_as(
        "SELECT d.document, d.received_on FROM case_documents d JOIN cases c ON c.id = d.case_id \
         WHERE c.reference = $1",
    )
    .bind(reference.compact())
    .fetch_all(pool)
    .await?;
    Ok(domain::documents_to_bring(&case.request)
        .into_iter()
        .map(|document| {
            let on = received
                .iter()
                .find(|(code, _)| code == document.code())
                .and_then(|(_, on)| on.parse().ok());
            (document, on)
        })
        .collect())
}

/// The days of a case's course, as `/status` lists them: its status, when
/// it was received and first reviewed, the current appointment, the day
/// the consultation was held and the first day the report reached the
/// present doctor.
#[derive(Debug, sqlx::FromRow)]
pub struct CourseRow {
    pub status: String,
    pub received_at: String,
    pub reviewed_at: Option<String>,
    pub booked_day: Option<String>,
    pub booked_start: Option<String>,
    pub held_on: Option<String>,
    pub sent_on: Option<String>,
}

/// The course of the case with this reference, if any.
pub async fn course(
    pool: &AnyPool,
    reference: &Reference,
) -> Result<Option<CourseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.status, c.received_at, \
         (SELECT MIN(u.at) FROM audit u WHERE u.case_id = c.id AND u.action = 'status_changed' \
          AND u.after = 'under_review') AS reviewed_at, \
         a.day AS booked_day, a.start_time AS booked_start, \
         (SELECT h.day FROM visits v JOIN appointments h ON h.id = v.appointment_id \
          WHERE v.case_id = c.id AND v.held_recorded_at IS NOT NULL \
          ORDER BY h.day DESC LIMIT 1) AS held_on, \
         (SELECT MIN(s.sent_on) FROM report_sendings s \
          WHERE s.case_id = c.id AND s.recipient = 'present_doctor') AS sent_on \
         FROM cases c \
         LEFT JOIN appointments a ON a.case_id = c.id AND a.ended_at IS NULL \
         WHERE c.reference = $1",
    )
    .bind(reference.compact())
    .fetch_optional(pool)
    .await
}

/// Links to the request form one request may be sent in 24 hours.
pub const FORM_LINKS_A_DAY: i64 = 3;

/// How long a request-form link opens the form, from its sending.
pub const FORM_LINK_HOURS: i64 = 24;

/// Writes the one-time link to the request form of `reference` to its
/// confirmed address, audited with the client's address `from`; or why
/// not. An unconfirmed address never gets it: the form holds every answer.
pub async fn ask_form_link(
    pool: &AnyPool,
    mail: &MailSetup,
    reference: &Reference,
    from: &str,
    now: DateTime<Utc>,
) -> Result<crate::message::FormLinkAnswer, sqlx::Error> {
    use crate::message::FormLinkAnswer;
    let mut transaction = crate::store::begin_write(pool).await?;
    let row: Option<(i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT c.id, c.language, c.answers, a.confirmed_at FROM cases c \
         LEFT JOIN address_confirmations a ON a.case_id = c.id \
         WHERE c.reference = $1 AND c.reduced_at IS NULL",
    )
    .bind(reference.compact())
    .fetch_optional(&mut *transaction)
    .await?;
    let Some((case_id, language, answers, Some(_confirmed))) = row else {
        return Ok(FormLinkAnswer::NoConfirmedAddress);
    };
    let submission: Submission =
        serde_json::from_str(&answers).map_err(|_| undecodable("answers"))?;
    let Some(recipient) = outbox::recipient(&submission) else {
        return Ok(FormLinkAnswer::NoConfirmedAddress);
    };
    let asked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM form_links WHERE case_id = $1 AND asked_at > $2")
            .bind(case_id)
            .bind(a_day_before(now))
            .fetch_one(&mut *transaction)
            .await?;
    if asked >= FORM_LINKS_A_DAY {
        return Ok(FormLinkAnswer::TooMany);
    }
    let documents = domain::documents_to_bring(&submission.request);
    let to = outbox::Addressee {
        case_id,
        reference,
        locale: outbox::locale_of(&language),
        recipient,
        documents: &documents,
    };
    outbox::tell_form_link(&mut transaction, mail, &to, now).await?;
    let entry = crate::audit::chain::Entry {
        address: Some(from),
        case_id: Some(case_id),
        ..crate::audit::chain::Entry::of(crate::audit::AuditAction::FormLinkAsked)
    };
    crate::audit::chain::append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(FormLinkAnswer::Sent)
}

/// The request of the request-form link whose token has the hash `hash`,
/// if the link was sent less than [`FORM_LINK_HOURS`] ago and never used.
pub async fn form_link_request(
    pool: &AnyPool,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Reference>, sqlx::Error> {
    let reference: Option<String> = sqlx::query_scalar(
        "SELECT c.reference FROM form_links f JOIN cases c ON c.id = f.case_id \
         WHERE f.token_hash = $1 AND f.used_at IS NULL AND f.sent_at > $2 AND c.reduced_at IS NULL",
    )
    .bind(hash)
    .bind(timestamp(now - chrono::Duration::hours(FORM_LINK_HOURS)))
    .fetch_optional(pool)
    .await?;
    Ok(reference.as_deref().and_then(Reference::parse))
}

/// Spends the request-form link whose token has the hash `hash`, audited
/// with the client's address `from`: whether it was still unused (of two
/// uses at once, one only).
pub async fn spend_form_link(
    pool: &AnyPool,
    hash: &str,
    from: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut transaction = crate::store::begin_write(pool).await?;
    let spent: Option<i64> = sqlx::query_scalar(
        "UPDATE form_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL RETURNING case_id",
    )
    .bind(timestamp(now))
    .bind(hash)
    .fetch_optional(&mut *transaction)
    .await?;
    let Some(case_id) = spent else {
        return Ok(false);
    };
    let entry = crate::audit::chain::Entry {
        address: Some(from),
        case_id: Some(case_id),
        ..crate::audit::chain::Entry::of(crate::audit::AuditAction::FormLinkUsed)
    };
    crate::audit::chain::append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(true)
}
