//! My cases' queries (server only): the specialist's open cases with their
//! current appointment, and the documents handed in for them.

use sqlx::AnyPool;

/// One of the specialist's open cases, as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct CaseSqlRow {
    pub id: i64,
    pub reference: String,
    pub status: String,
    pub answers: String,
    pub day: Option<String>,
    pub start_time: Option<String>,
    #[sqlx(try_from = "crate::store::Flag")]
    pub reviewed: bool,
    #[sqlx(try_from = "crate::store::Flag")]
    pub drafting: bool,
    pub report_due: Option<String>,
    /// A signed amendment not yet sent to the present doctor.
    #[sqlx(try_from = "crate::store::Flag")]
    pub resend: bool,
}

/// The open cases assigned to `specialist` (under review, booked, seen and
/// waiting for the report), and the reported ones with an amendment being
/// written.
pub async fn cases_of(pool: &AnyPool, specialist: i64) -> Result<Vec<CaseSqlRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.reference, c.status, c.answers, a.day, a.start_time, \
         c.records_reviewed_at IS NOT NULL AS reviewed, \
         EXISTS (SELECT 1 FROM reports r WHERE r.case_id = c.id AND r.signed_at IS NULL) AS drafting, \
         (SELECT v.report_due_on FROM visits v WHERE v.appointment_id = a.id) AS report_due, \
         c.status = 'reported' AND (SELECT MAX(r.version) FROM reports r \
            WHERE r.case_id = c.id AND r.signed_at IS NOT NULL) > \
           (SELECT MAX(r.version) FROM report_sendings s JOIN reports r ON r.id = s.report_id \
            WHERE s.case_id = c.id AND s.recipient = 'present_doctor') AS resend \
         FROM cases c LEFT JOIN appointments a ON a.case_id = c.id AND a.ended_at IS NULL \
         WHERE c.specialist_id = $1 AND c.reduced_at IS NULL AND (c.status IN ('under_review', 'scheduled', 'seen') \
            OR (c.status = 'reported' AND EXISTS (SELECT 1 FROM reports r \
                WHERE r.case_id = c.id AND r.signed_at IS NULL)))",
    )
    .bind(specialist)
    .fetch_all(pool)
    .await
}

/// The documents handed in for the specialist's cases: case id and code.
pub async fn documents_received(
    pool: &AnyPool,
    specialist: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.case_id, d.document FROM case_documents d JOIN cases c ON c.id = d.case_id \
         WHERE c.specialist_id = $1",
    )
    .bind(specialist)
    .fetch_all(pool)
    .await
}
