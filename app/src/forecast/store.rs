//! The forecast's and the figures' one query: each case's course, read
//! from the moments the service stores (server only).

use chrono::NaiveDate;
use domain::case::{CaseStatus, DeclineReason};
use domain::forecast::Course;
use domain::reference::Reference;
use sqlx::AnyPool;

use super::day_in_japan;
use crate::area::AreaCode;

/// What the figures and the forecast know of a case: its status, area,
/// why it was declined, the days of its course, and the day of its last
/// appointment (a no-show's day).
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub status: CaseStatus,
    pub area: AreaCode,
    pub decline_reason: Option<DeclineReason>,
    pub course: Course,
    pub last_appointment: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct FactsRow {
    status: String,
    area: String,
    decline_reason: Option<String>,
    receipt_day: String,
    reviewed_at: Option<String>,
    documents_in: Option<String>,
    booked_at: Option<String>,
    appointment: Option<String>,
    last_appointment: Option<String>,
    visit: Option<String>,
    report_due: Option<String>,
    report_sent: Option<String>,
}

/// The documents every request needs (the request form, the referral
/// letter, the test records): "all documents in" is the day the last of
/// them arrived. (The family's two come with them on the day.)
const CORE_DOCUMENTS: &str = "('request_form', 'referral_letter', 'test_records')";

/// The facts of the cases received within `received` (first and last
/// day, inclusive), or of the case `reference`: one query, its steps as
/// correlated look-ups on the case's own indexes.
pub async fn load_facts(
    pool: &AnyPool,
    received: Option<(NaiveDate, NaiveDate)>,
    reference: Option<&Reference>,
) -> Result<Vec<CaseFacts>, sqlx::Error> {
    let mut sql = format!(
        "SELECT c.status, c.area, c.decline_reason, c.receipt_day, \
         (SELECT MIN(u.at) FROM audit u WHERE u.case_id = c.id AND u.action = 'status_changed' \
          AND u.after = 'under_review') AS reviewed_at, \
         (SELECT CASE WHEN COUNT(*) = 3 THEN MAX(d.received_on) END FROM case_documents d \
          WHERE d.case_id = c.id AND d.document IN {CORE_DOCUMENTS}) AS documents_in, \
         (SELECT MIN(a.booked_at) FROM appointments a WHERE a.case_id = c.id) AS booked_at, \
         (SELECT MAX(a.day) FROM appointments a WHERE a.case_id = c.id AND a.ended_at IS NULL) AS appointment, \
         (SELECT MAX(a.day) FROM appointments a WHERE a.case_id = c.id \
          AND (a.ended_how IS NULL OR a.ended_how <> 'cancelled')) AS last_appointment, \
         (SELECT MAX(h.day) FROM visits v JOIN appointments h ON h.id = v.appointment_id \
          WHERE v.case_id = c.id AND v.held_recorded_at IS NOT NULL) AS visit, \
         (SELECT MAX(v.report_due_on) FROM visits v WHERE v.case_id = c.id) AS report_due, \
         (SELECT MIN(s.sent_on) FROM report_sendings s WHERE s.case_id = c.id \
          AND s.recipient = 'present_doctor') AS report_sent \
         FROM cases c"
    );
    let mut binds = Vec::new();
    if let Some((first, last)) = received {
        sql.push_str(" WHERE c.receipt_day >= $1 AND c.receipt_day <= $2");
        binds.extend([first.to_string(), last.to_string()]);
    } else if let Some(reference) = reference {
        sql.push_str(" WHERE c.reference = $1");
        binds.push(reference.compact().to_string());
    }
    let mut query = sqlx::query_as::<_, FactsRow>(&sql);
    for bind in binds {
        query = query.bind(bind);
    }
    let rows = query.fetch_all(pool).await?;
    let day = |text: Option<String>| text.and_then(|t| t.parse::<NaiveDate>().ok());
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(CaseFacts {
                status: CaseStatus::from_code(&row.status)?,
                area: AreaCode::from_code(&row.area).unwrap_or(AreaCode::Other),
                decline_reason: row
                    .decline_reason
                    .as_deref()
                    .and_then(DeclineReason::from_code),
                course: Course {
                    receipt: row.receipt_day.parse().ok()?,
                    reviewed: row.reviewed_at.as_deref().and_then(day_in_japan),
                    documents_in: day(row.documents_in),
                    booked: row.booked_at.as_deref().and_then(day_in_japan),
                    appointment: day(row.appointment),
                    visit: day(row.visit),
                    report_due: day(row.report_due),
                    report_sent: day(row.report_sent),
                },
                last_appointment: day(row.last_appointment),
            })
        })
        .collect())
}
