//! The two engines' migrations make the same schema: the same tables,
//! columns (type, null or not, key), unique constraints, foreign keys,
//! indexes, checks and guards. A migration added to one folder and not the
//! other fails here. (Run by the PostgreSQL pass of the suite.)

use std::collections::BTreeSet;

use sqlx::AnyPool;

/// A column's type as both engines mean it: SQLite's yes/no is an integer
/// checked to be 0 or 1, PostgreSQL's a boolean.
fn kind(sqlite_or_pg: &str, boolean: bool) -> &'static str {
    match sqlite_or_pg.to_ascii_lowercase().as_str() {
        _ if boolean => "boolean",
        "integer" | "bigint" => "integer",
        "text" => "text",
        "blob" | "bytea" => "blob",
        "boolean" => "boolean",
        _ => "other",
    }
}

/// A column as both sides write it (a key's column is never null, whatever
/// SQLite says of its own).
fn column_line((table, column): (&str, &str), kind: &str, not_null: bool, key: bool) -> String {
    let null = if not_null || key { "not null" } else { "null" };
    let key = if key { " key" } else { "" };
    format!("column {table}.{column} {kind} {null}{key}")
}

/// An index as both sides write it.
fn index_line((table, index, columns): (&str, &str, &str), unique: bool, partial: bool) -> String {
    let unique = if unique { "unique " } else { "" };
    let partial = if partial { " partial" } else { "" };
    format!("{unique}index {index} on {table}({columns}){partial}")
}

async fn sqlite_schema(pool: &AnyPool) -> BTreeSet<String> {
    let mut schema = BTreeSet::new();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    for (table, sql) in &tables {
        schema.insert(format!("table {table}"));
        let columns: Vec<(String, String, i64, i64)> =
            sqlx::query_as("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)")
                .bind(table)
                .fetch_all(pool)
                .await
                .expect("columns");
        let mut booleans = 0;
        for (column, declared, not_null, key) in columns {
            let boolean = sql.contains(&format!("CHECK ({column} IN (0, 1))"));
            booleans += usize::from(boolean);
            let key = key > 0;
            schema.insert(column_line(
                (table, &column),
                kind(&declared, boolean),
                not_null == 1,
                key,
            ));
        }
        schema.insert(format!(
            "checks {table} {}",
            sql.matches("CHECK").count() - booleans
        ));
        let keys: Vec<(String, String, String)> =
            sqlx::query_as("SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list($1)")
                .bind(table)
                .fetch_all(pool)
                .await
                .expect("foreign keys");
        for (from, other, to) in keys {
            schema.insert(format!("foreign key {table}.{from} -> {other}.{to}"));
        }
        let indexes: Vec<(String, String)> =
            sqlx::query_as("SELECT name, origin FROM pragma_index_list($1)")
                .bind(table)
                .fetch_all(pool)
                .await
                .expect("indexes");
        for (index, origin) in indexes {
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(pool)
                    .await
                    .expect("index columns");
            let columns = columns.join(",");
            match origin.as_str() {
                "u" => {
                    schema.insert(format!("unique {table}({columns})"));
                }
                "c" => {
                    let sql: String =
                        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = $1")
                            .bind(&index)
                            .fetch_one(pool)
                            .await
                            .expect("index");
                    schema.insert(index_line(
                        (table, &index, &columns),
                        sql.starts_with("CREATE UNIQUE"),
                        sql.contains(" WHERE "),
                    ));
                }
                _ => {}
            }
        }
    }
    let triggers: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            .fetch_all(pool)
            .await
            .expect("triggers");
    schema.extend(triggers.into_iter().map(|name| format!("trigger {name}")));
    schema
}

async fn postgres_schema(pool: &AnyPool) -> BTreeSet<String> {
    let mut schema = BTreeSet::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
         AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    for table in &tables {
        postgres_table(pool, table, &mut schema).await;
    }
    // Row triggers (a TRUNCATE guard, which SQLite has no need of, is not
    // one of them).
    let triggers: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT trigger_name::text FROM information_schema.triggers \
         WHERE trigger_schema = current_schema()",
    )
    .fetch_all(pool)
    .await
    .expect("triggers");
    schema.extend(triggers.into_iter().map(|name| format!("trigger {name}")));
    schema
}

/// The columns of a constraint or index (`keys`, of `relation`), in order.
fn named(keys: &str, relation: &str) -> String {
    format!(
        "array_to_string(ARRAY(SELECT a.attname::text FROM unnest({keys}) WITH ORDINALITY k(n, o) \
         JOIN pg_attribute a ON a.attrelid = {relation} AND a.attnum = k.n ORDER BY k.o), ',')"
    )
}

/// One PostgreSQL table's columns, checks, uniques, keys and indexes.
async fn postgres_table(pool: &AnyPool, table: &str, schema: &mut BTreeSet<String>) {
    schema.insert(format!("table {table}"));
    let keyed: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT {} FROM pg_index i WHERE i.indrelid = $1::regclass AND i.indisprimary",
        named("i.indkey::int2[]", "i.indrelid")
    ))
    .bind(table)
    .fetch_all(pool)
    .await
    .expect("primary key");
    let keyed: Vec<&str> = keyed.iter().flat_map(|key| key.split(',')).collect();
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text, is_nullable::text \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1",
    )
    .bind(table)
    .fetch_all(pool)
    .await
    .expect("columns");
    for (column, declared, nullable) in columns {
        let key = keyed.contains(&column.as_str());
        schema.insert(column_line(
            (table, &column),
            kind(&declared, false),
            nullable == "NO",
            key,
        ));
    }
    let checks: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'c' AND conrelid = $1::regclass",
    )
    .bind(table)
    .fetch_one(pool)
    .await
    .expect("checks");
    schema.insert(format!("checks {table} {checks}"));
    let uniques: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT {} FROM pg_constraint c WHERE c.contype = 'u' AND c.conrelid = $1::regclass",
        named("c.conkey", "c.conrelid")
    ))
    .bind(table)
    .fetch_all(pool)
    .await
    .expect("unique");
    schema.extend(
        uniques
            .iter()
            .map(|columns| format!("unique {table}({columns})")),
    );
    let keys: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT a.attname::text, f.relname::text, b.attname::text FROM pg_constraint c \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
             JOIN pg_class f ON f.oid = c.confrelid \
             JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1] \
             WHERE c.contype = 'f' AND c.conrelid = $1::regclass",
    )
    .bind(table)
    .fetch_all(pool)
    .await
    .expect("foreign keys");
    for (from, other, to) in keys {
        schema.insert(format!("foreign key {table}.{from} -> {other}.{to}"));
    }
    let indexes: Vec<(String, app::store::Flag, app::store::Flag, String)> =
        sqlx::query_as(&format!(
            "SELECT x.relname::text, i.indisunique, i.indpred IS NOT NULL, {} \
                 FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid \
                 WHERE i.indrelid = $1::regclass AND NOT i.indisprimary \
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            named("i.indkey::int2[]", "i.indrelid")
        ))
        .bind(table)
        .fetch_all(pool)
        .await
        .expect("indexes");
    for (index, unique, partial, columns) in indexes {
        schema.insert(index_line((table, &index, &columns), unique.0, partial.0));
    }
}

#[test]
fn the_migrations_of_both_engines_make_the_same_schema() {
    if crate::helpers::postgres().is_none() {
        eprintln!("needs PostgreSQL (SECOND_OPINION_TEST_POSTGRES): the suite's second pass");
        return;
    }
    let directory = tempfile::tempdir().expect("directory");
    let file = directory.path().join("schema.db");
    let postgres = crate::helpers::fresh_database(&file);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (sqlite, postgres) = runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let sqlite = AnyPool::connect(&format!("sqlite://{}?mode=rwc", file.display()))
            .await
            .expect("sqlite");
        sqlx::migrate!("./migrations/sqlite")
            .run(&sqlite)
            .await
            .expect("SQLite's migrations");
        let postgres = AnyPool::connect(&postgres).await.expect("postgres");
        sqlx::migrate!("./migrations/postgres")
            .run(&postgres)
            .await
            .expect("PostgreSQL's migrations");
        (
            sqlite_schema(&sqlite).await,
            postgres_schema(&postgres).await,
        )
    });
    assert!(
        sqlite.len() > 300,
        "{} lines: the schema was read",
        sqlite.len()
    );
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only on SQLite: {only_sqlite:#?}\nonly on PostgreSQL: {only_postgres:#?}"
    );
}
