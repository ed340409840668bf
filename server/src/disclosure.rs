//! `second-opinion case export XXXX-XXXX --to FILE`: everything the service
//! holds about one request, for the patient's disclosure request (APPI
//! art. 33), as one JSON file readable by its owner only. Every table that
//! belongs to a case is read whole (`SELECT *`), so a column added later is
//! exported without this file changing; only the hashes of tokens, which
//! are keys rather than the patient's data, are left out. The export is in
//! the audit trail with who ran it.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};
use sqlx::any::AnyRow;
use sqlx::any::AnyTypeInfoKind;
use sqlx::{AnyPool, Column, Row, ValueRef};

use crate::cli::DatabaseArgs;
use crate::database;

/// The tables that hold a case's record, how a row is the case's (`$1`
/// is its id), and the order its rows are written in.
const TABLES: &[(&str, &str, &str)] = &[
    ("case_documents", "case_id = $1", "document"),
    ("document_requests", "case_id = $1", "id"),
    ("appointments", "case_id = $1", "id"),
    ("calls", "case_id = $1", "id"),
    ("messages", "case_id = $1", "id"),
    ("visits", "case_id = $1", "appointment_id"),
    ("payments", "case_id = $1", "id"),
    (
        "receipt_prints",
        "payment_id IN (SELECT id FROM payments WHERE case_id = $1)",
        "id",
    ),
    ("reports", "case_id = $1", "id"),
    ("report_sendings", "case_id = $1", "id"),
    ("case_notes", "case_id = $1", "id"),
    ("address_confirmations", "case_id = $1", "case_id"),
    ("audit", "case_id = $1", "id"),
];

/// Columns never exported: keys, not the patient's data.
const LEFT_OUT: &[&str] = &["token_hash", "verification_hash", "address_hash", "hash"];

pub async fn export(reference: &str, to: &Path, database: &DatabaseArgs) -> Result<()> {
    let Some(reference) = domain::reference::Reference::parse(reference) else {
        bail!("{reference} is not a reference (XXXX-XXXX)");
    };
    let pool = database::open_existing(database).await?;
    let case: Option<AnyRow> = sqlx::query("SELECT * FROM cases WHERE reference = $1")
        .bind(reference.compact())
        .fetch_optional(&pool)
        .await?;
    let Some(case) = case else {
        bail!("no request has the reference {reference}");
    };
    let case_id: i64 = case.try_get("id")?;
    let mut record = Map::new();
    record.insert("reference".into(), Value::String(reference.to_string()));
    record.insert(
        "exported_at".into(),
        Value::String(app::store::timestamp(app::clock::now())),
    );
    record.insert("case".into(), json_of(&case));
    for (table, belongs, order) in TABLES {
        let rows = sqlx::query(&format!(
            "SELECT * FROM {table} WHERE {belongs} ORDER BY {order}"
        ))
        .bind(case_id)
        .fetch_all(&pool)
        .await
        .with_context(|| format!("cannot read {table}"))?;
        record.insert(
            (*table).to_owned(),
            Value::Array(rows.iter().map(json_of).collect()),
        );
    }
    write_private(to, &serde_json::to_vec_pretty(&Value::Object(record))?)?;
    record_export(&pool, case_id, to).await?;
    writeln!(
        std::io::stdout(),
        "the record of {reference} written to {}",
        to.display()
    )?;
    Ok(())
}

/// A row as a JSON object: each column as its stored value (the answers'
/// JSON stays text, as stored).
fn json_of(row: &AnyRow) -> Value {
    let mut object = Map::new();
    for column in row.columns() {
        let name = column.name();
        if LEFT_OUT.contains(&name) {
            continue;
        }
        let index = column.ordinal();
        let value = match row.try_get_raw(index) {
            Ok(raw) if raw.is_null() => Value::Null,
            Ok(raw) => match raw.type_info().kind() {
                // A yes/no is 1 or 0 from either engine, as SQLite stores it.
                AnyTypeInfoKind::Bool => row
                    .try_get::<app::store::Flag, _>(index)
                    .map_or(Value::Null, |flag| Value::from(i64::from(flag.0))),
                kind if kind.is_integer() => row
                    .try_get::<i64, _>(index)
                    .map_or(Value::Null, Value::from),
                AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => row
                    .try_get::<f64, _>(index)
                    .map_or(Value::Null, Value::from),
                _ => row
                    .try_get::<String, _>(index)
                    .map_or(Value::Null, Value::String),
            },
            Err(_) => Value::Null,
        };
        object.insert(name.to_owned(), value);
    }
    Value::Object(object)
}

/// Writes `bytes` into the new file `file`, readable by its owner only
/// from its first byte.
fn write_private(file: &Path, bytes: &[u8]) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::AlreadyExists => {
                anyhow::anyhow!("{} exists already; choose a new file", file.display())
            }
            _ => anyhow::Error::new(error).context(format!("cannot create {}", file.display())),
        })?;
    out.write_all(bytes)
        .and_then(|()| out.sync_all())
        .with_context(|| format!("cannot write {}", file.display()))
}

/// The export in the audit trail: who ran it, and where the file went.
async fn record_export(pool: &AnyPool, case_id: i64, to: &Path) -> Result<()> {
    let actor = crate::users::operator();
    let target = to.display().to_string();
    let entry = app::audit::chain::Entry {
        actor: Some(&actor),
        case_id: Some(case_id),
        after: Some(&target),
        ..app::audit::chain::Entry::of(app::audit::AuditAction::CaseExported)
    };
    app::audit::chain::record(pool, app::clock::now(), entry).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::TABLES;

    /// Tables tied to a case that hold no data of the patient's: the
    /// tokens' hashes of the confirmation page, the answer links and the
    /// request form's links, and a reference's look-up misses.
    const NOT_THE_PATIENTS: &[&str] = &[
        "sent_tokens",
        "response_tokens",
        "form_links",
        "status_misses",
    ];

    #[tokio::test]
    async fn every_table_tied_to_a_case_is_exported_or_said_not_to_be_the_patients() {
        let pool = crate::database::schema::migrated().await;
        let tied = crate::database::schema::tables_tied_to_a_case(&pool).await;
        for table in &tied {
            assert!(
                TABLES.iter().any(|(name, ..)| name == table)
                    || NOT_THE_PATIENTS.contains(&table.as_str()),
                "{table} holds case_id: export it, or say why not"
            );
        }
    }
}
