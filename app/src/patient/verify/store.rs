//! The verify page's one query: a signed version by its code's hash.

use sqlx::AnyPool;

/// A signed version of a report, as much as `/verify` may say of it.
pub(super) struct Found {
    pub version: i64,
    /// RFC 3339, UTC.
    pub signed_at: String,
    pub signer: String,
    pub department: String,
    pub superseded_at: Option<String>,
    /// The next signed version, when there is one.
    pub superseded_by: Option<i64>,
}

/// The signed version whose verification code has the hash `hash`.
pub(super) async fn signed_by_hash(
    pool: &AnyPool,
    hash: &str,
) -> Result<Option<Found>, sqlx::Error> {
    type Row = (i64, String, String, String, Option<String>, Option<i64>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT r.version, r.signed_at, COALESCE(r.signer_name, ''), COALESCE(r.signer_department, ''), \
         r.superseded_at, \
         (SELECT MIN(n.version) FROM reports n WHERE n.case_id = r.case_id AND n.version > r.version \
          AND n.signed_at IS NOT NULL) \
         FROM reports r WHERE r.verification_hash = $1 AND r.signed_at IS NOT NULL",
    )
    .bind(hash)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(
        |(version, signed_at, signer, department, superseded_at, superseded_by)| Found {
            version,
            signed_at,
            signer,
            department,
            superseded_at,
            superseded_by,
        },
    ))
}
