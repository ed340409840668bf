//! Reception's data in SQLite (server only): the queue, a case with its
//! history, the lists admins keep, and the audit trail. The closure days
//! and stored moments, which the patient's side reads too, are in
//! `crate::store`.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::case::{CaseStatus, DeclineReason, proposed_days, queue_age};
use domain::contact::{CallOutcome, PatientAnswer};
use domain::form::Submission;
use domain::reference::Reference;
use domain::{
    AppointmentWindow, Arrival, Calendar, Document, appointment_window, assess, documents_to_bring,
    japan_time,
};
use sqlx::{SqliteExecutor, SqlitePool};

use crate::audit::AuditAction;
use crate::audit::chain::{Entry, record};

use super::{
    AppointmentRow, AuditRow, CallRow, CaseDetail, CasePage, DaySheetRow, Department,
    DocumentState, Note, QUEUE_PAGE_SIZE, QueueFilters, QueuePage, QueueRow, QueueSort, Specialist,
};
use crate::area::AreaCode;
use crate::store::{calendar, in_japan, undecodable};

/// Hiragana to katakana, so that a search typed in either finds a reading.
fn katakana(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// `LIKE` with the user's `%`, `_` and `\` taken literally.
fn like_pattern(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

/// The `WHERE` clause of every filter and its arguments, in order.
fn filter_clause(filters: &QueueFilters) -> (String, Vec<String>) {
    let (mut clause, mut arguments) = filter_clause_but_status(filters);
    if let Some(status) = filters.status {
        clause.push_str(" AND c.status = ?");
        arguments.push(status.code().to_owned());
    }
    (clause, arguments)
}

/// The `WHERE` clause of every filter but the status (for the counts per
/// status) and its arguments, in order.
fn filter_clause_but_status(filters: &QueueFilters) -> (String, Vec<String>) {
    let mut conditions = vec!["1 = 1".to_owned()];
    let mut arguments = Vec::new();
    if let Some(area) = filters.area {
        conditions.push("c.area = ?".into());
        arguments.push(area.code().to_owned());
    }
    if let Some(from) = filters.from {
        conditions.push("c.receipt_day >= ?".into());
        arguments.push(from.to_string());
    }
    if let Some(to) = filters.to {
        conditions.push("c.receipt_day <= ?".into());
        arguments.push(to.to_string());
    }
    let search = filters.search.trim();
    if !search.is_empty() {
        let compact: String = search
            .chars()
            .filter(|c| *c != '-' && !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        conditions.push(
            "(c.reference LIKE ? ESCAPE '\\' OR c.patient_name LIKE ? ESCAPE '\\' \
             OR c.patient_name_reading LIKE ? ESCAPE '\\' OR replace(replace(c.patient_name_reading, ' ', ''), '\u{3000}', '') LIKE ? ESCAPE '\\')"
                .into(),
        );
        arguments.push(like_pattern(&compact));
        arguments.push(like_pattern(search));
        arguments.push(like_pattern(&katakana(search)));
        arguments.push(like_pattern(&katakana(
            &search.replace([' ', '\u{3000}'], ""),
        )));
    }
    (conditions.join(" AND "), arguments)
}

type QueueSqlRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    bool,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    bool,
    Option<String>,
    bool,
    Option<String>,
);

const QUEUE_SELECT: &str = "SELECT c.reference, c.patient_name, c.patient_name_reading, \
     c.patient_date_of_birth, c.area, c.contact_first, \
     c.status, c.receipt_day, a.day, a.start_time, \
     (SELECT COUNT(*) FROM calls k WHERE k.case_id = c.id), \
     EXISTS (SELECT 1 FROM calls k WHERE k.case_id = c.id AND k.outcome = 'reached'), \
     (SELECT k.outcome || ' ' || k.at FROM calls k WHERE k.case_id = c.id ORDER BY k.at DESC, k.id DESC LIMIT 1), \
     EXISTS (SELECT 1 FROM messages m WHERE m.case_id = c.id AND m.status = 'failed'), \
     c.patient_answer \
     FROM cases c \
     LEFT JOIN appointments a ON a.case_id = c.id AND a.ended_at IS NULL";

fn order_by(sort: QueueSort) -> &'static str {
    match sort {
        QueueSort::Oldest => "c.receipt_day ASC, c.received_at ASC, c.id ASC",
        QueueSort::Newest => "c.receipt_day DESC, c.received_at DESC, c.id DESC",
        QueueSort::Reference => "c.reference ASC",
        QueueSort::Name => "COALESCE(c.patient_name_reading, c.patient_name) ASC, c.id ASC",
    }
}

fn queue_row(row: QueueSqlRow, calendar: &Calendar, today: NaiveDate) -> Option<QueueRow> {
    let (
        reference,
        name,
        reading,
        born,
        area,
        contact_first,
        status,
        receipt,
        day,
        start,
        calls,
        reached,
        last_call,
        mail_failed,
        answer,
    ) = row;
    let status = CaseStatus::from_code(&status)?;
    let receipt_day: NaiveDate = receipt.parse().ok()?;
    let (age, urgency) = queue_age(calendar, receipt_day, today, status);
    let appointment = match (day, start) {
        (Some(day), Some(start)) => Some((
            day.parse().ok()?,
            NaiveTime::parse_from_str(&start, "%H:%M").ok()?,
        )),
        _ => None,
    };
    Some(QueueRow {
        reference: Reference::parse(&reference)?,
        patient_name: name,
        patient_name_reading: reading,
        // Nor over a date of birth it cannot read: the CSV leaves it blank.
        patient_date_of_birth: born.parse().ok(),
        // Never a case lost from the queue over its area's code.
        area: AreaCode::from_code(&area).unwrap_or(AreaCode::Other),
        contact_first,
        status,
        receipt_day,
        age,
        urgency,
        appointment,
        // Still to be called: open before booking, and nobody reached yet.
        to_call: matches!(status, CaseStatus::Received | CaseStatus::UnderReview) && !reached,
        calls: u32::try_from(calls).unwrap_or(u32::MAX),
        last_call: last_call.and_then(|text| {
            let (outcome, at) = text.split_once(' ')?;
            Some((CallOutcome::from_code(outcome)?, in_japan(at)))
        }),
        mail_failed,
        patient_answer: answer.as_deref().and_then(PatientAnswer::from_code),
    })
}

/// The queue: one page of the filtered cases, the counts per status and
/// the number of pages.
pub async fn queue_page(
    pool: &SqlitePool,
    filters: QueueFilters,
    today: NaiveDate,
) -> Result<QueuePage, sqlx::Error> {
    let calendar = calendar(pool).await?;
    let (clause, arguments) = filter_clause(&filters);
    let total_sql = format!("SELECT COUNT(*) FROM cases c WHERE {clause}");
    let mut count = sqlx::query_scalar::<_, i64>(&total_sql);
    for argument in &arguments {
        count = count.bind(argument);
    }
    let matching = u32::try_from(count.fetch_one(pool).await?).unwrap_or(u32::MAX);
    let pages = matching.div_ceil(QUEUE_PAGE_SIZE).max(1);
    let page = filters.page.min(pages);
    let limit = format!(
        " LIMIT {QUEUE_PAGE_SIZE} OFFSET {}",
        (page - 1) * QUEUE_PAGE_SIZE
    );
    let rows = queue_rows(pool, &filters, &limit, &calendar, today).await?;

    let (clause, arguments) = filter_clause_but_status(&filters);
    let counts_sql =
        format!("SELECT c.status, COUNT(*) FROM cases c WHERE {clause} GROUP BY c.status");
    let mut counts = sqlx::query_as::<_, (String, i64)>(&counts_sql);
    for argument in &arguments {
        counts = counts.bind(argument);
    }
    let counted = counts.fetch_all(pool).await?;
    let counts = CaseStatus::ALL
        .iter()
        .map(|status| {
            let n = counted
                .iter()
                .find(|(code, _)| code == status.code())
                .map_or(0, |(_, n)| u32::try_from(*n).unwrap_or(u32::MAX));
            (*status, n)
        })
        .collect();
    Ok(QueuePage {
        filters: QueueFilters { page, ..filters },
        rows,
        counts,
        matching,
        pages,
        today,
        scan_missed: None,
        mail_waiting: 0,
    })
}

/// Every case matching the filters, in the queue's order (the CSV).
pub async fn queue_all(
    pool: &SqlitePool,
    filters: &QueueFilters,
    today: NaiveDate,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    let calendar = calendar(pool).await?;
    queue_rows(pool, filters, "", &calendar, today).await
}

/// The rows matching the filters, in their order, within `limit`.
async fn queue_rows(
    pool: &SqlitePool,
    filters: &QueueFilters,
    limit: &str,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    let (clause, arguments) = filter_clause(filters);
    let sql = format!(
        "{QUEUE_SELECT} WHERE {clause} ORDER BY {}{limit}",
        order_by(filters.sort)
    );
    let mut rows = sqlx::query_as::<_, QueueSqlRow>(&sql);
    for argument in &arguments {
        rows = rows.bind(argument);
    }
    Ok(rows
        .fetch_all(pool)
        .await?
        .into_iter()
        .filter_map(|row| queue_row(row, calendar, today))
        .collect())
}

/// The stored case row reception works on.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub reference: String,
    pub status: String,
    pub version: i64,
    pub contact_first: bool,
    pub received_at: String,
    pub language: String,
    pub answers: String,
    pub department: Option<String>,
    pub specialist_id: Option<i64>,
    pub decline_reason: Option<String>,
    pub decline_note: Option<String>,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
    pub patient_answer: Option<String>,
    pub patient_answer_at: Option<String>,
}

pub async fn case_row(
    executor: impl SqliteExecutor<'_>,
    reference: &Reference,
) -> Result<Option<CaseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, reference, status, version, contact_first, received_at, language, answers, department, \
         specialist_id, decline_reason, decline_note, updated_at, updated_by, patient_answer, \
         patient_answer_at FROM cases WHERE reference = ?",
    )
    .bind(reference.compact())
    .fetch_optional(executor)
    .await
}

/// The patient's answers of a stored case.
pub fn submission(row: &CaseRow) -> Result<Submission, sqlx::Error> {
    serde_json::from_str(&row.answers).map_err(|_| undecodable("answers"))
}

/// The window of a case with today's calendar.
pub fn window_of(row: &CaseRow, calendar: &Calendar) -> Result<AppointmentWindow, sqlx::Error> {
    let received =
        DateTime::parse_from_rfc3339(&row.received_at).map_err(|_| undecodable("received_at"))?;
    Ok(appointment_window(japan_time(&received), calendar))
}

/// The current appointment of a case.
pub async fn current_appointment(
    executor: impl SqliteExecutor<'_>,
    case_id: i64,
) -> Result<Option<(NaiveDate, NaiveTime)>, sqlx::Error> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT day, start_time FROM appointments WHERE case_id = ? AND ended_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(executor)
    .await?;
    Ok(row.and_then(|(day, start)| {
        Some((
            day.parse().ok()?,
            NaiveTime::parse_from_str(&start, "%H:%M").ok()?,
        ))
    }))
}

/// Each document to bring and the day it was handed in, if it was.
async fn documents_of(
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
async fn appointments_of(
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

async fn notes_of(pool: &SqlitePool, case_id: i64) -> Result<Vec<Note>, sqlx::Error> {
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
async fn audit_of(pool: &SqlitePool, case_id: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
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
async fn calls_of(pool: &SqlitePool, case_id: i64) -> Result<Vec<CallRow>, sqlx::Error> {
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

/// Whether the calls so far propose declining with "could not be reached".
fn proposes_declining(calendar: &Calendar, calls: &[CallRow]) -> bool {
    let calls: Vec<(NaiveDate, CallOutcome)> = calls
        .iter()
        .filter_map(|call| Some((call.at.get(..10)?.parse().ok()?, call.outcome)))
        .collect();
    domain::contact::proposes_declining_unreachable(calendar, &calls)
}

/// Everything the case page shows. Records that `viewer` viewed it.
pub async fn case_page(
    pool: &SqlitePool,
    reference: &Reference,
    viewer: &str,
    mail_sending: bool,
    now: DateTime<Utc>,
) -> Result<Option<CasePage>, sqlx::Error> {
    let Some(row) = case_row(pool, reference).await? else {
        return Ok(None);
    };
    let seen = Entry {
        actor: Some(viewer),
        case_id: Some(row.id),
        ..Entry::of(AuditAction::CaseViewed)
    };
    record(pool, now, seen).await?;
    let calendar = calendar(pool).await?;
    let today = japan_time(&now).date();
    let submission = submission(&row)?;
    let window = window_of(&row, &calendar)?;
    let proposals = proposed_days(
        &calendar,
        &window,
        today,
        &submission.preferred_weekdays,
        &submission.unsuitable_dates,
    );
    let case = CaseDetail {
        reference: Reference::parse(&row.reference).ok_or_else(|| undecodable("reference"))?,
        status: CaseStatus::from_code(&row.status).ok_or_else(|| undecodable("status"))?,
        version: row.version,
        contact_first: row.contact_first,
        received_at: in_japan(&row.received_at),
        language: row.language.clone(),
        answers: submission.to_form(),
        // As of the receipt day: a patient who comes of age while waiting
        // does not change what was decided.
        verdict: assess(&submission.request, window.receipt),
        window,
        documents: documents_of(pool, row.id, &submission).await?,
        department: row.department.clone(),
        specialist_id: row.specialist_id,
        decline: row
            .decline_reason
            .as_deref()
            .and_then(DeclineReason::from_code)
            .map(|reason| (reason, row.decline_note.clone())),
        appointment: current_appointment(pool, row.id).await?,
        updated: row
            .updated_by
            .clone()
            .zip(row.updated_at.as_deref().map(in_japan)),
        patient_answer: row
            .patient_answer
            .as_deref()
            .and_then(PatientAnswer::from_code)
            .zip(row.patient_answer_at.as_deref().map(in_japan)),
        look_up_locked_until: crate::store::status_lookup_locked_until(pool, reference, now)
            .await?
            .map(|until| in_japan(&crate::store::timestamp(until))),
    };
    let calls = calls_of(pool, row.id).await?;
    let propose_declining = case.status.after(domain::case::Step::Decline).is_ok()
        && proposes_declining(&calendar, &calls);
    Ok(Some(CasePage {
        case,
        problem: None,
        propose_declining,
        calls,
        messages: crate::mail::outbox::messages_of(pool, row.id).await?,
        mail_sending,
        notice: None,
        departments: departments(pool).await?,
        specialists: specialists(pool).await?,
        proposals,
        appointments: appointments_of(pool, row.id).await?,
        notes: notes_of(pool, row.id).await?,
        audit: audit_of(pool, row.id).await?,
        posted: Vec::new(),
        today,
    }))
}

pub async fn departments(pool: &SqlitePool) -> Result<Vec<Department>, sqlx::Error> {
    let rows: Vec<(String, String, String, bool)> =
        sqlx::query_as("SELECT code, name_ja, name_en, active FROM departments ORDER BY rowid")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(code, name_ja, name_en, active)| Department {
            code,
            name_ja,
            name_en,
            active,
        })
        .collect())
}

pub async fn specialists(pool: &SqlitePool) -> Result<Vec<Specialist>, sqlx::Error> {
    let rows: Vec<(i64, String, String, bool)> = sqlx::query_as(
        "SELECT id, name, department, active FROM specialists ORDER BY department, name",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, department, active)| Specialist {
            id,
            name,
            department,
            active,
        })
        .collect())
}

type DaySheetSqlRow = (i64, String, String, String, Option<String>, Option<String>);

/// The appointments of `day`, in time order, with the documents to bring.
pub async fn day_sheet(pool: &SqlitePool, day: NaiveDate) -> Result<Vec<DaySheetRow>, sqlx::Error> {
    let rows: Vec<DaySheetSqlRow> = sqlx::query_as(
        "SELECT c.id, a.start_time, c.reference, c.answers, d.name_ja || ' / ' || d.name_en, s.name \
         FROM appointments a JOIN cases c ON c.id = a.case_id \
         LEFT JOIN departments d ON d.code = c.department LEFT JOIN specialists s ON s.id = c.specialist_id \
         WHERE a.day = ? AND a.ended_at IS NULL AND c.status = 'scheduled' ORDER BY a.start_time, c.reference",
    )
    .bind(day.to_string())
    .fetch_all(pool)
    .await?;
    let mut sheet = Vec::with_capacity(rows.len());
    for (case_id, start, reference, answers, department, specialist) in rows {
        let submission: Submission =
            serde_json::from_str(&answers).map_err(|_| undecodable("answers"))?;
        let handed_in: Vec<String> =
            sqlx::query_scalar("SELECT document FROM case_documents WHERE case_id = ?")
                .bind(case_id)
                .fetch_all(pool)
                .await?;
        sheet.push(DaySheetRow {
            start: NaiveTime::parse_from_str(&start, "%H:%M").map_err(|_| undecodable("start"))?,
            reference: Reference::parse(&reference).ok_or_else(|| undecodable("reference"))?,
            patient_name: submission.patient_name.as_str().to_owned(),
            department,
            specialist,
            interpreter: submission
                .interpreter_language
                .as_ref()
                .map(|l| l.as_str().to_owned()),
            documents: documents_to_bring(&submission.request)
                .into_iter()
                .map(|document: Document| {
                    (
                        document,
                        handed_in.iter().any(|code| code == document.code()),
                    )
                })
                .collect(),
        });
    }
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hiragana_searches_find_katakana_readings() {
        assert_eq!(katakana("やまだ はなこ"), "ヤマダ ハナコ");
        assert_eq!(katakana("Yamada"), "Yamada");
    }

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_pattern("100%_a\\"), "%100\\%\\_a\\\\%");
    }
}
