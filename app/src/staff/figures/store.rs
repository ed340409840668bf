//! The figures' own query (server only): the open cases now.

use chrono::NaiveDate;
use domain::case::CaseStatus;

/// Every open case's status, receipt day and report due day.
pub async fn open_cases(
    pool: &sqlx::AnyPool,
) -> Result<Vec<(CaseStatus, NaiveDate, Option<NaiveDate>)>, sqlx::Error> {
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT c.status, c.receipt_day, \
         (SELECT MAX(v.report_due_on) FROM visits v WHERE v.case_id = c.id) \
         FROM cases c WHERE c.status IN ('received', 'under_review', 'scheduled', 'seen')",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(status, receipt, due)| {
            Some((
                CaseStatus::from_code(&status)?,
                receipt.parse().ok()?,
                due.and_then(|d| d.parse().ok()),
            ))
        })
        .collect())
}
