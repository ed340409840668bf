//! The baseline of the durable-submission benchmark: the same rows written
//! straight to the database with sqlx, one transaction each, from as many
//! concurrent tasks as the HTTP run has clients: SQLite with the server's
//! pragmas (WAL, `synchronous=FULL`) and schema, or the empty PostgreSQL
//! database of `--database-url` with its schema. What a submission over
//! HTTP costs beyond this is the stack's share; this is the engine's limit
//! on this disk.

use std::str::FromStr;
use std::time::Instant;

use anyhow::Result;
use clap::Parser;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

#[derive(Debug, Parser)]
struct Args {
    #[arg(long, default_value_t = 5_000)]
    rows: usize,
    #[arg(long, default_value_t = 50)]
    clients: usize,
    /// An empty PostgreSQL database; a fresh SQLite file when not given.
    #[arg(long)]
    database_url: Option<String>,
}

#[tokio::main]
#[allow(clippy::print_stdout, reason = "the report is the output")]
async fn main() -> Result<()> {
    let args = Args::parse();
    let directory = tempfile::tempdir()?;
    let pool: sqlx::AnyPool = if let Some(url) = &args.database_url {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(u32::try_from(args.clients).unwrap_or(u32::MAX))
            .connect(url)
            .await?;
        sqlx::migrate!("../server/migrations/postgres")
            .run(&pool)
            .await?;
        pool.close().await;
        sqlx::any::install_default_drivers();
        sqlx::any::AnyPoolOptions::new()
            .max_connections(u32::try_from(args.clients).unwrap_or(u32::MAX))
            .connect(url)
            .await?
    } else {
        let url = format!(
            "sqlite://{}",
            directory.path().join("baseline.db").display()
        );
        let options = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().connect_with(options).await?;
        sqlx::migrate!("../server/migrations/sqlite")
            .run(&pool)
            .await?;
        pool.close().await;
        sqlx::any::install_default_drivers();
        // Through sqlx's `Any`, as the service (and the PostgreSQL run);
        // the server's pragmas on every connection.
        sqlx::any::AnyPoolOptions::new()
            .after_connect(|connection, _| {
                Box::pin(async move {
                    for pragma in ["PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"] {
                        sqlx::query(pragma).execute(&mut *connection).await?;
                    }
                    Ok(())
                })
            })
            .connect(&format!("{url}?mode=rw"))
            .await?
    };
    // A stored submission's answers are about this long.
    let answers = format!(
        "{{\"patient_name\":\"Patient\",\"diagnosis\":\"{}\"}}",
        "x".repeat(900)
    );
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..args.clients {
        let (pool, answers) = (pool.clone(), answers.clone());
        let rows = (client..args.rows)
            .step_by(args.clients)
            .collect::<Vec<_>>();
        tasks.push(tokio::spawn(async move {
            for n in rows {
                let mut transaction = pool.begin().await?;
                sqlx::query(
                    "INSERT INTO cases (reference, submission_id, verdict, reasons, contact_first, received_at, \
                     receipt_day, earliest_day, latest_day, language, patient_name, patient_name_reading, \
                     patient_date_of_birth, area, answers) \
                     VALUES ($1, $2, 'eligible', '[]', FALSE, '2026-11-26T01:00:00.000Z', '2026-11-26', '2026-12-07', \
                     '2026-12-16', 'en', 'Patient', 'ヤマダ ハナコ', '1970-04-01', 'cancer', $3) \
                     ON CONFLICT (submission_id) DO NOTHING",
                )
                .bind(format!("{n:08}"))
                .bind(format!("baseline-{n:08}"))
                .bind(&answers)
                .execute(&mut *transaction)
                .await?;
                transaction.commit().await?;
            }
            Ok::<_, sqlx::Error>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let elapsed = started.elapsed();
    #[allow(clippy::cast_precision_loss)]
    let rate = args.rows as f64 / elapsed.as_secs_f64();
    println!(
        "{} rows in {:.2} s from {} tasks, one transaction each ({}): {rate:.0} per second",
        args.rows,
        elapsed.as_secs_f64(),
        args.clients,
        if args.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite, WAL, synchronous=FULL"
        }
    );
    Ok(())
}
