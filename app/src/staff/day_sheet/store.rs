//! The day sheet's query (server only): a day's appointments with the
//! documents each patient brings.

use chrono::{NaiveDate, NaiveTime};
use domain::form::Submission;
use domain::reference::Reference;
use domain::{Document, documents_to_bring};
use sqlx::SqlitePool;

use super::DaySheetRow;
use crate::store::undecodable;

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
