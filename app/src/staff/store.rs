//! The queries more than one of reception's slices make (server only): a
//! case's stored row and what is read from it, its current appointment,
//! the departments and the specialists. Each slice's own queries are in its
//! `store`; the closure days and stored moments, which the patient's side
//! reads too, are in `crate::store`.

use chrono::{DateTime, NaiveDate, NaiveTime};
use domain::Document;
use domain::case::{CaseStatus, Progress};
use domain::form::Submission;
use domain::reference::Reference;
use domain::{AppointmentWindow, Calendar, appointment_window, japan_time};
use sqlx::{AnyConnection, AnyExecutor, AnyPool};

use super::{Department, Specialist};
use crate::store::{Flag, undecodable};

/// The stored case row reception works on.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub reference: String,
    pub status: String,
    pub version: i64,
    #[sqlx(try_from = "crate::store::Flag")]
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
    pub area: String,
    /// When the case was reduced to statistics (`second-opinion reduce`).
    pub reduced_at: Option<String>,
}

impl CaseRow {
    /// Refused with what is left when the case was reduced: no page or
    /// change reads a reduced case's personal data, which is gone.
    pub fn whole(self) -> Result<Self, super::StaffError> {
        let Some(reduced_at) = &self.reduced_at else {
            return Ok(self);
        };
        let on = |at: &str| {
            DateTime::parse_from_rfc3339(at)
                .map(|at| japan_time(&at).date())
                .map_err(|_| undecodable("reduced_at"))
        };
        Err(super::StaffError::Reduced(super::error::Reduced {
            reference: Reference::parse(&self.reference).ok_or_else(|| undecodable("reference"))?,
            status: CaseStatus::from_code(&self.status).ok_or_else(|| undecodable("status"))?,
            area: crate::area::AreaCode::from_code(&self.area)
                .unwrap_or(crate::area::AreaCode::Other),
            received_on: on(&self.received_at)?,
            reduced_on: on(reduced_at)?,
        }))
    }
}

pub async fn case_row(
    executor: impl AnyExecutor<'_>,
    reference: &Reference,
) -> Result<Option<CaseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, reference, status, version, contact_first, received_at, language, answers, department, \
         specialist_id, decline_reason, decline_note, updated_at, updated_by, patient_answer, \
         patient_answer_at, area, reduced_at FROM cases WHERE reference = $1",
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
    executor: impl AnyExecutor<'_>,
    case_id: i64,
) -> Result<Option<(NaiveDate, NaiveTime)>, sqlx::Error> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT day, start_time FROM appointments WHERE case_id = $1 AND ended_at IS NULL ORDER BY id DESC LIMIT 1",
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

pub async fn departments(pool: &AnyPool) -> Result<Vec<Department>, sqlx::Error> {
    let rows: Vec<(String, String, String, Flag)> =
        sqlx::query_as("SELECT code, name_ja, name_en, active FROM departments ORDER BY position")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(code, name_ja, name_en, active)| Department {
            code,
            name_ja,
            name_en,
            active: active.into(),
        })
        .collect())
}

pub async fn specialists(pool: &AnyPool) -> Result<Vec<Specialist>, sqlx::Error> {
    let rows: Vec<(i64, String, String, Flag)> = sqlx::query_as(
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
            active: active.into(),
        })
        .collect())
}

/// What the case has come to beyond its status: its current appointment's
/// check-in and payment, and its report's versions.
pub async fn progress(
    connection: &mut AnyConnection,
    case_id: i64,
) -> Result<Progress, sqlx::Error> {
    let (checked_in, paid, signed, draft): (Flag, Flag, Option<i64>, Flag) = sqlx::query_as(
        "SELECT \
         EXISTS (SELECT 1 FROM visits v JOIN appointments a ON a.id = v.appointment_id \
                 WHERE a.case_id = $1 AND a.ended_at IS NULL), \
         EXISTS (SELECT 1 FROM payments p JOIN appointments a ON a.id = p.appointment_id \
                 WHERE a.case_id = $1 AND a.ended_at IS NULL), \
         (SELECT MAX(version) FROM reports WHERE case_id = $1 AND signed_at IS NOT NULL), \
         EXISTS (SELECT 1 FROM reports WHERE case_id = $1 AND signed_at IS NULL)",
    )
    .bind(case_id)
    .fetch_one(connection)
    .await?;
    Ok(Progress {
        checked_in: checked_in.into(),
        paid: paid.into(),
        signed: signed.and_then(|v| u32::try_from(v).ok()),
        draft: draft.into(),
    })
}

/// The case's status, as stored.
pub async fn status_of(
    connection: &mut AnyConnection,
    case_id: i64,
) -> Result<CaseStatus, sqlx::Error> {
    let status: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(connection)
        .await?;
    CaseStatus::from_code(&status).ok_or_else(|| undecodable("status"))
}

/// The documents handed in for the case, with their days, in the order
/// they are brought.
pub async fn documents_received(
    pool: &AnyPool,
    case_id: i64,
) -> Result<Vec<(Document, NaiveDate)>, sqlx::Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT document, received_on FROM case_documents WHERE case_id = $1")
            .bind(case_id)
            .fetch_all(pool)
            .await?;
    Ok(Document::ALL
        .iter()
        .filter_map(|document| {
            let (_, on) = rows.iter().find(|(code, _)| code == document.code())?;
            Some((*document, on.parse().ok()?))
        })
        .collect())
}

/// A request for further documents of the case: what is needed, the
/// words of "other", the note, and the specialist's name.
#[derive(Debug, Clone)]
pub struct DocumentRequest {
    pub needed: Vec<domain::report::NeededDocument>,
    pub other: Option<String>,
    pub note: Option<String>,
    pub specialist: String,
}

pub async fn document_request(
    pool: &AnyPool,
    case_id: i64,
    id: i64,
) -> Result<Option<DocumentRequest>, sqlx::Error> {
    let row: Option<(String, Option<String>, Option<String>, String)> = sqlx::query_as(
        "SELECT r.needed, r.other, r.note, COALESCE(s.name, r.requested_by) \
         FROM document_requests r JOIN cases c ON c.id = r.case_id \
         LEFT JOIN specialists s ON s.id = c.specialist_id \
         WHERE r.id = $1 AND r.case_id = $2",
    )
    .bind(id)
    .bind(case_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(needed, other, note, specialist)| {
        let codes: Vec<String> = serde_json::from_str(&needed).unwrap_or_default();
        DocumentRequest {
            needed: codes
                .iter()
                .filter_map(|code| domain::report::NeededDocument::from_code(code))
                .collect(),
            other,
            note,
            specialist,
        }
    }))
}
