//! The report's queries (server only): its versions, the open draft
//! written and saved, a version signed (and the one before superseded), an
//! amendment begun.

use chrono::{DateTime, Utc};
use domain::report::ReportText;
use sqlx::{AnyConnection, AnyPool};

use crate::store::{timestamp, undecodable};

/// A version of the report as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub id: i64,
    pub version: i64,
    pub text: String,
    pub language: String,
    pub amendment_reason: Option<String>,
    pub updated_at: String,
    pub signed_at: Option<String>,
    pub signer_name: Option<String>,
    pub signer_department: Option<String>,
    pub digest: Option<String>,
    pub superseded_at: Option<String>,
}

impl VersionRow {
    pub fn text(&self) -> Result<ReportText, sqlx::Error> {
        serde_json::from_str(&self.text).map_err(|_| undecodable("report text"))
    }
}

const COLUMNS: &str = "id, version, text, language, amendment_reason, updated_at, signed_at, \
     signer_name, signer_department, digest, superseded_at";

/// Every version of the case's report, newest first.
pub async fn versions(pool: &AnyPool, case_id: i64) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM reports WHERE case_id = $1 ORDER BY version DESC"
    ))
    .bind(case_id)
    .fetch_all(pool)
    .await
}

/// The version `version` of the case's report.
pub async fn version(
    pool: &AnyPool,
    case_id: i64,
    version: u32,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM reports WHERE case_id = $1 AND version = $2"
    ))
    .bind(case_id)
    .bind(i64::from(version))
    .fetch_optional(pool)
    .await
}

fn encode(text: &ReportText) -> Result<String, sqlx::Error> {
    serde_json::to_string(text).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Keeps `text` as the open draft: the draft's row changed, or version 1
/// written when the case has no report yet. `None` when a signed version
/// stands and no amendment is open (the text is frozen).
pub async fn save_draft(
    connection: &mut AnyConnection,
    case_id: i64,
    (text, language): (&ReportText, &str),
    by: &str,
    now: DateTime<Utc>,
) -> Result<Option<u32>, sqlx::Error> {
    let json = encode(text)?;
    let updated: Option<i64> = sqlx::query_scalar(
        "UPDATE reports SET text = $1, language = $2, written_by = $3, updated_at = $4 \
         WHERE case_id = $5 AND signed_at IS NULL RETURNING version",
    )
    .bind(&json)
    .bind(language)
    .bind(by)
    .bind(timestamp(now))
    .bind(case_id)
    .fetch_optional(&mut *connection)
    .await?;
    if let Some(version) = updated {
        return Ok(u32::try_from(version).ok());
    }
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO reports (case_id, version, text, language, written_by, updated_at) \
         SELECT $1, 1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM reports WHERE case_id = $6) \
         RETURNING version",
    )
    .bind(case_id)
    .bind(&json)
    .bind(language)
    .bind(by)
    .bind(timestamp(now))
    .bind(case_id)
    .fetch_optional(connection)
    .await?;
    Ok(inserted.and_then(|version| u32::try_from(version).ok()))
}

/// The open draft of the case's report.
pub async fn draft(
    connection: &mut AnyConnection,
    case_id: i64,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM reports WHERE case_id = $1 AND signed_at IS NULL"
    ))
    .bind(case_id)
    .fetch_optional(connection)
    .await
}

/// What signing a draft records.
#[derive(Debug, Clone, Copy)]
pub struct Signature<'a> {
    pub by: &'a str,
    pub name: &'a str,
    pub department: &'a str,
    pub digest: &'a str,
    pub verification_hash: &'a str,
}

/// Signs the draft `id` (frozen from now on) and marks the version signed
/// before it superseded.
pub async fn sign(
    connection: &mut AnyConnection,
    (case_id, id): (i64, i64),
    signature: &Signature<'_>,
    signed_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE reports SET superseded_at = $1 \
         WHERE case_id = $2 AND signed_at IS NOT NULL AND superseded_at IS NULL",
    )
    .bind(signed_at)
    .bind(case_id)
    .execute(&mut *connection)
    .await?;
    sqlx::query(
        "UPDATE reports SET signed_at = $1, signed_by = $2, signer_name = $3, signer_department = $4, \
         digest = $5, verification_hash = $6 WHERE id = $7 AND signed_at IS NULL",
    )
    .bind(signed_at)
    .bind(signature.by)
    .bind(signature.name)
    .bind(signature.department)
    .bind(signature.digest)
    .bind(signature.verification_hash)
    .bind(id)
    .execute(connection)
    .await?;
    Ok(())
}

/// Begins an amendment: the next version, a draft holding the text of the
/// version signed last, with the reason.
pub async fn amend(
    connection: &mut AnyConnection,
    case_id: i64,
    reason: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Option<u32>, sqlx::Error> {
    let version: Option<i64> = sqlx::query_scalar(
        "INSERT INTO reports (case_id, version, text, language, amendment_reason, written_by, updated_at) \
         SELECT case_id, version + 1, text, language, $1, $2, $3 FROM reports \
         WHERE case_id = $4 AND signed_at IS NOT NULL ORDER BY version DESC LIMIT 1 \
         RETURNING version",
    )
    .bind(reason)
    .bind(by)
    .bind(timestamp(now))
    .bind(case_id)
    .fetch_optional(connection)
    .await?;
    Ok(version.and_then(|version| u32::try_from(version).ok()))
}

/// The department of the specialist `id`, in both languages.
pub async fn department_of(
    pool: &AnyPool,
    specialist: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.name_ja, d.name_en FROM specialists s JOIN departments d ON d.code = s.department \
         WHERE s.id = $1",
    )
    .bind(specialist)
    .fetch_optional(pool)
    .await
}
