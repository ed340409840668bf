//! The day sheet's query (server only): a day's appointments with the
//! documents each patient brings.

use chrono::{DateTime, NaiveDate, NaiveTime};
use domain::case::CaseStatus;
use domain::form::Submission;
use domain::reference::Reference;
use domain::report::report_clock;
use domain::{Document, documents_to_bring, japan_time};
use sqlx::AnyPool;

use super::DaySheetRow;
use crate::store::undecodable;

/// An appointment of the day as stored.
#[derive(Debug, sqlx::FromRow)]
struct DaySheetSqlRow {
    id: i64,
    start_time: String,
    reference: String,
    status: String,
    answers: String,
    department: Option<String>,
    specialist: Option<String>,
    arrived_at: Option<String>,
    #[sqlx(try_from = "crate::store::Flag")]
    paid: bool,
    report_due_on: Option<String>,
}

/// The appointments of `day`, in time order, with the documents to bring,
/// how far each visit went, and (seen on `today`'s clock) the report's.
pub async fn day_sheet(
    pool: &AnyPool,
    day: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<DaySheetRow>, sqlx::Error> {
    let calendar = crate::store::calendar(pool).await?;
    let rows: Vec<DaySheetSqlRow> = sqlx::query_as(
        "SELECT c.id, a.start_time, c.reference, c.status, c.answers, \
         d.name_ja || ' / ' || d.name_en AS department, s.name AS specialist, \
         v.arrived_at, EXISTS (SELECT 1 FROM payments p WHERE p.appointment_id = a.id) AS paid, \
         v.report_due_on \
         FROM appointments a JOIN cases c ON c.id = a.case_id \
         LEFT JOIN visits v ON v.appointment_id = a.id \
         LEFT JOIN departments d ON d.code = c.department LEFT JOIN specialists s ON s.id = c.specialist_id \
         WHERE a.day = $1 AND a.ended_at IS NULL AND c.status IN ('scheduled', 'seen', 'reported') \
         ORDER BY a.start_time, c.reference",
    )
    .bind(day.to_string())
    .fetch_all(pool)
    .await?;
    let mut sheet = Vec::with_capacity(rows.len());
    for row in rows {
        let submission: Submission =
            serde_json::from_str(&row.answers).map_err(|_| undecodable("answers"))?;
        let handed_in: Vec<String> =
            sqlx::query_scalar("SELECT document FROM case_documents WHERE case_id = $1")
                .bind(row.id)
                .fetch_all(pool)
                .await?;
        let status = CaseStatus::from_code(&row.status).ok_or_else(|| undecodable("status"))?;
        sheet.push(DaySheetRow {
            start: NaiveTime::parse_from_str(&row.start_time, "%H:%M")
                .map_err(|_| undecodable("start"))?,
            reference: Reference::parse(&row.reference).ok_or_else(|| undecodable("reference"))?,
            patient_name: submission.patient_name.as_str().to_owned(),
            status,
            arrived: row.arrived_at.as_deref().map(|at| {
                DateTime::parse_from_rfc3339(at).map_or_else(
                    |_| String::new(),
                    |at| japan_time(&at).format("%H:%M").to_string(),
                )
            }),
            paid: row.paid,
            report: row
                .report_due_on
                .and_then(|due| due.parse().ok())
                .filter(|_| status == CaseStatus::Seen)
                .map(|due| report_clock(&calendar, due, today)),
            department: row.department,
            specialist: row.specialist,
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
