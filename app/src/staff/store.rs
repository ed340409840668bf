//! The queries more than one of reception's slices make (server only): a
//! case's stored row and what is read from it, its current appointment,
//! the departments and the specialists. Each slice's own queries are in its
//! `store`; the closure days and stored moments, which the patient's side
//! reads too, are in `crate::store`.

use chrono::{DateTime, NaiveDate, NaiveTime};
use domain::form::Submission;
use domain::reference::Reference;
use domain::{AppointmentWindow, Calendar, appointment_window, japan_time};
use sqlx::{SqliteExecutor, SqlitePool};

use super::{Department, Specialist};
use crate::store::undecodable;

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
