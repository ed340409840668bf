//! `second-opinion reduce`: the requests closed longer ago than the
//! retention period (`--retain-years`, five by default, as medical records
//! are kept; `domain::retention` says when a case is due) are reduced to
//! what the hospital's statistics need — the area, the dates, the outcome,
//! the department and specialist, the fee's amount and receipt number, the
//! report's dates and verification code — and everything else that is the
//! patient's is erased: in one transaction, one audit line per case, with
//! SQLite's `secure_delete` (on for every connection, `database::open`) so
//! that the erased text is overwritten in the file, and the write-ahead log
//! emptied after. The nightly unit runs it
//! before the backup. Pages show a reduced case as such (`reduced_at`).

use std::io::Write;

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::case::CaseStatus;
use sqlx::{AnyConnection, AnyPool};

use crate::cli::ReduceArgs;
use crate::database;

/// The columns of `cases` erased (a text column cannot be dropped from a
/// row: emptied, or NULL where allowed).
const CASE_ERASED: &str = "patient_name = '', patient_name_reading = NULL, \
     patient_date_of_birth = '', answers = '', decline_note = NULL, decline_proposed_note = NULL";

/// The columns of `cases` kept: codes, dates and the staff's logins.
#[cfg(test)]
const CASE_KEPT: &[&str] = &[
    "id",
    "reference",
    "submission_id",
    "status",
    "verdict",
    "reasons",
    "contact_first",
    "received_at",
    "receipt_day",
    "earliest_day",
    "latest_day",
    "language",
    "area",
    "version",
    "department",
    "specialist_id",
    "decline_reason",
    "updated_at",
    "updated_by",
    "patient_answer",
    "patient_answer_at",
    "records_reviewed_at",
    "records_reviewed_by",
    "decline_proposed_reason",
    "decline_proposed_by",
    "reduced_at",
];

/// What is erased in each other table tied to a case (`$1` is its id).
const ERASED: &[(&str, &str)] = &[
    ("case_notes", "DELETE FROM case_notes WHERE case_id = $1"),
    ("calls", "UPDATE calls SET note = NULL WHERE case_id = $1"),
    (
        "messages",
        "UPDATE messages SET recipient = '', subject = '', text_body = '', html_body = '', \
         calendar = NULL, last_answer = NULL WHERE case_id = $1",
    ),
    (
        "document_requests",
        "UPDATE document_requests SET other = NULL, note = NULL WHERE case_id = $1",
    ),
    (
        "appointments",
        "UPDATE appointments SET reason_outside_window = NULL WHERE case_id = $1",
    ),
    (
        "visits",
        "UPDATE visits SET longer_reason = NULL WHERE case_id = $1",
    ),
    (
        "payments",
        "UPDATE payments SET payer = '' WHERE case_id = $1",
    ),
    // Signed versions too: the trigger that freezes them lets exactly this
    // through once the case is reduced.
    (
        "reports",
        "UPDATE reports SET text = '', amendment_reason = NULL WHERE case_id = $1",
    ),
    (
        "address_confirmations",
        "DELETE FROM address_confirmations WHERE case_id = $1",
    ),
    ("sent_tokens", "DELETE FROM sent_tokens WHERE case_id = $1"),
    ("form_links", "DELETE FROM form_links WHERE case_id = $1"),
    (
        "response_tokens",
        "DELETE FROM response_tokens WHERE case_id = $1",
    ),
];

/// Tables tied to a case that hold nothing of the patient's, kept whole:
/// which documents arrived (codes and days), the receipts' printings, the
/// report's sendings (to whom, how, when), and the audit trail (codes; it
/// is append-only).
#[cfg(test)]
const KEPT: &[&str] = &[
    "case_documents",
    "receipt_prints",
    "report_sendings",
    "audit",
];

pub async fn reduce(args: &ReduceArgs, out: &mut impl Write) -> Result<()> {
    let pool = database::open_existing(&args.database).await?;
    let now = app::clock::now();
    let today = app::clock::now_in_japan().date();
    let years = args.retain_years;
    let (due, waiting) = due_cases(&pool, today, years).await?;
    // For the message: the last day of closing that is due today.
    let before = today
        .checked_sub_months(chrono::Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MIN);
    if args.dry_run {
        writeln!(
            out,
            "would reduce: {} (closed requests whose last step was on or before {before}, \
             kept {years} years); closed and kept whole for now: {waiting}",
            due.len()
        )?;
        return Ok(());
    }
    let mut transaction = app::store::begin_write(&pool).await?;
    let operator = crate::users::operator();
    let kept = format!("kept {years} years");
    for case_id in &due {
        reduce_case(&mut transaction, *case_id, now).await?;
        let entry = app::audit::chain::Entry {
            actor: Some(&operator),
            case_id: Some(*case_id),
            after: Some(&kept),
            ..app::audit::chain::Entry::of(app::audit::AuditAction::CaseReduced)
        };
        app::audit::chain::append(&mut transaction, now, entry).await?;
    }
    transaction
        .commit()
        .await
        .context("cannot reduce the requests: nothing was changed")?;
    // Nothing reduced, nothing to erase (the nightly unit runs this daily).
    let busy = !due.is_empty() && erase_old_versions(&pool).await?;
    writeln!(
        out,
        "reduced: {} (closed requests whose last step was on or before {before}, \
         kept {years} years); closed and kept whole for now: {waiting}",
        due.len()
    )?;
    if busy {
        writeln!(
            out,
            "the write-ahead log was in use: the erased text leaves it at the service's next checkpoint"
        )?;
    }
    Ok(())
}

/// Makes the rows as they were before the reduction go from the files as
/// far as the engine can: whether some are left for later.
///
/// SQLite's log still holds the pages as they were until a checkpoint
/// copies them back and empties it (`secure_delete` has overwritten them
/// in the file); the service's readers may hold the log for a moment, in
/// which case the next checkpoint does it. PostgreSQL keeps a row's old
/// version until `VACUUM` frees its space, which new rows then overwrite:
/// the tables reduced are vacuumed now (its write-ahead log and its
/// archive keep them until they are recycled: the README says so).
async fn erase_old_versions(pool: &AnyPool) -> Result<bool> {
    if app::store::is_postgres(pool) {
        for table in std::iter::once("cases").chain(ERASED.iter().map(|(table, _)| *table)) {
            sqlx::query(&format!("VACUUM {table}"))
                .execute(pool)
                .await
                .with_context(|| format!("cannot vacuum {table}"))?;
        }
        return Ok(false);
    }
    let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(pool)
        .await?;
    Ok(busy != 0)
}

/// A case's id, status and the moments of its steps: received, updated,
/// and the latest report drafted, sent, note, call and payment.
type LastSteps = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The closed cases due for reduction today, and how many closed cases
/// still wait for their years. A case's last step is the latest moment
/// anything was done with it.
async fn due_cases(pool: &AnyPool, today: NaiveDate, years: u32) -> Result<(Vec<i64>, usize)> {
    // Each moment apart, the latest taken here: SQLite's MAX of several
    // values is PostgreSQL's GREATEST.
    let rows: Vec<LastSteps> = sqlx::query_as(
        "SELECT c.id, c.status, c.received_at, c.updated_at, \
         (SELECT MAX(updated_at) FROM reports WHERE case_id = c.id), \
         (SELECT MAX(recorded_at) FROM report_sendings WHERE case_id = c.id), \
         (SELECT MAX(at) FROM case_notes WHERE case_id = c.id), \
         (SELECT MAX(at) FROM calls WHERE case_id = c.id), \
         (SELECT MAX(taken_at) FROM payments WHERE case_id = c.id) \
         FROM cases c WHERE c.reduced_at IS NULL ORDER BY c.id",
    )
    .fetch_all(pool)
    .await
    .context("cannot read the requests")?;
    let (mut due, mut waiting) = (Vec::new(), 0);
    for (id, status, received, updated, reported, sent, noted, called, paid) in rows {
        // Stored moments sort as text.
        let last = [updated, reported, sent, noted, called, paid]
            .into_iter()
            .flatten()
            .fold(received, std::cmp::max);
        let Some(status) = CaseStatus::from_code(&status).filter(|status| !status.is_open()) else {
            continue;
        };
        let last = DateTime::parse_from_rfc3339(&last)
            .with_context(|| format!("request {id}: its last step has no readable time"))?;
        let closed_on = domain::japan_time(&last).date();
        if domain::retention::is_due(status, closed_on, today, years) {
            due.push(id);
        } else {
            waiting += 1;
        }
    }
    Ok((due, waiting))
}

async fn reduce_case(
    connection: &mut AnyConnection,
    case_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    // First, so that the signed reports' trigger lets their texts go.
    sqlx::query(&format!(
        "UPDATE cases SET {CASE_ERASED}, reduced_at = $1 WHERE id = $2"
    ))
    .bind(app::store::timestamp(now))
    .bind(case_id)
    .execute(&mut *connection)
    .await
    .with_context(|| format!("cannot reduce request {case_id}"))?;
    for (table, erase) in ERASED {
        sqlx::query(erase)
            .bind(case_id)
            .execute(&mut *connection)
            .await
            .with_context(|| format!("cannot reduce request {case_id}: {table}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{CASE_ERASED, CASE_KEPT, ERASED, KEPT};
    use crate::database::schema::{migrated, tables_tied_to_a_case};

    #[tokio::test]
    async fn every_table_tied_to_a_case_is_reduced_or_said_to_hold_nothing_of_the_patients() {
        let pool = migrated().await;
        let tied = tables_tied_to_a_case(&pool).await;
        for table in &tied {
            assert!(
                ERASED.iter().any(|(name, _)| name == table) || KEPT.contains(&table.as_str()),
                "{table} holds case_id: erase what is the patient's in it, or say why it is kept"
            );
        }
    }

    #[tokio::test]
    async fn every_table_tied_to_a_case_is_found_by_its_case_through_an_index() {
        let pool = migrated().await;
        // Tables with a case_id column, and whether it is the primary key
        // or an index starts with it.
        let tables: Vec<(String, bool)> = sqlx::query_as(
            "SELECT m.name, p.pk = 1 OR EXISTS (SELECT 1 FROM pragma_index_list(m.name) l \
               WHERE (SELECT i.name FROM pragma_index_info(l.name) i WHERE i.seqno = 0) = 'case_id') \
             FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND p.name = 'case_id' ORDER BY m.name",
        )
        .fetch_all(&pool)
        .await
        .expect("tables");
        assert!(tables.len() > 10, "{tables:?}");
        for (table, indexed) in tables {
            assert!(indexed, "{table}: no index starts with case_id");
        }
    }

    #[tokio::test]
    async fn every_column_of_a_case_is_erased_or_said_to_be_kept() {
        let pool = migrated().await;
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info('cases')")
                .fetch_all(&pool)
                .await
                .expect("columns");
        for column in &columns {
            let erased = CASE_ERASED.contains(&format!("{column} = "));
            assert!(
                erased != CASE_KEPT.contains(&column.as_str()),
                "cases.{column}: erase it on reduction or keep it, not both or neither"
            );
        }
    }
}
