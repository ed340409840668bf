//! The metrics, in Prometheus's text format on a listener of their own
//! (`--metrics-addr`, off by default; loopback in the shipped unit), never
//! on the service's port. The counters are kept where things happen (the
//! `metrics` facade: requests, busy answers, a full disk, refused
//! sign-ins, locked look-ups, panics); the outbox and the last backup are
//! read from the database at each scrape, so that every process reports
//! the same. No label carries a reference, a name or an address.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sqlx::AnyPool;

use super::probes::{Probes, REASONS};

/// Request times' buckets, in seconds: a page is expected within 0.1 s,
/// a sign-in's hash takes about 0.1–0.3 s, and anything past 5 s is a fault.
const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Installs the recorder (so that the counters count from the start) and
/// serves it at `addr`'s `/metrics`.
pub async fn serve(addr: SocketAddr, probes: Probes) -> Result<()> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full("http_request_duration_seconds".to_owned()),
            LATENCY_BUCKETS,
        )
        .context("the latency buckets")?
        .install_recorder()
        .context("cannot install the metrics recorder")?;
    describe();
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen for metrics on {addr}"))?;
    tracing::info!("metrics on http://{}/metrics", listener.local_addr()?);
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    let router = Router::new()
        .route("/metrics", get(scrape))
        .with_state((handle, probes));
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!("the metrics listener stopped: {error}");
        }
    });
    Ok(())
}

/// Each metric's help text, and the counters at zero, so that a monitor
/// sees them before the first event (an alert on `increase()` needs it).
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "http_requests_total",
        "Requests answered, by route template, method and status."
    );
    describe_histogram!(
        "http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer a request, by route template and method."
    );
    for (name, help) in [
        (
            "second_opinion_database_busy_total",
            "Database errors answered as \"busy, try again\".",
        ),
        (
            "second_opinion_database_disk_full_total",
            "Writes refused because the database's disk is full.",
        ),
        (
            "second_opinion_sign_in_throttled_total",
            "Staff sign-ins held back by a limit.",
        ),
        (
            "second_opinion_status_lookup_locked_total",
            "Status look-ups refused: the reference is locked after ten misses.",
        ),
        (
            "second_opinion_panics_total",
            "Panics in any task (each logged once).",
        ),
    ] {
        describe_counter!(name, help);
        metrics::counter!(name).absolute(0);
    }
    describe_counter!(
        "second_opinion_sign_in_failures_total",
        "Wrong passwords or codes at staff sign-in, by step."
    );
    for step in ["password", "code"] {
        metrics::counter!("second_opinion_sign_in_failures_total", "step" => step).absolute(0);
    }
    describe_gauge!(
        "second_opinion_outbox_queued",
        "Messages due and not sent yet."
    );
    describe_gauge!(
        "second_opinion_outbox_oldest_queued_seconds",
        metrics::Unit::Seconds,
        "How long the longest-waiting due message has waited."
    );
    describe_gauge!(
        "second_opinion_outbox_failed",
        "Messages failed, waiting for reception."
    );
    describe_gauge!(
        "second_opinion_backup_last_success_timestamp_seconds",
        metrics::Unit::Seconds,
        "When the last backup that succeeded ended (Unix time; 0: none yet)."
    );
    describe_gauge!(
        "second_opinion_build_info",
        "This build: its version and git commit."
    );
    metrics::gauge!("second_opinion_build_info", "version" => crate::VERSION).set(1.0);
}

async fn scrape(State((handle, probes)): State<(PrometheusHandle, Probes)>) -> impl IntoResponse {
    read_database(&probes.pool).await;
    // Readiness, as `/readyz` answers it now: for an alert without a
    // probe of its own.
    let problem = probes.problem().await;
    metrics::gauge!("second_opinion_ready").set(if problem.is_none() { 1.0 } else { 0.0 });
    for reason in REASONS {
        let now = if problem == Some(reason) { 1.0 } else { 0.0 };
        metrics::gauge!("second_opinion_readiness_problem", "reason" => reason).set(now);
    }
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
}

/// The gauges the database holds, read now (within two seconds; when the
/// database does not answer, the last values stand and `/readyz` says so).
async fn read_database(pool: &AnyPool) {
    let now = app::clock::now();
    let read = async {
        let outbox = app::mail::store::health(pool, now).await?;
        let backup = crate::database::last_backup(pool).await?;
        Ok::<_, sqlx::Error>((outbox, backup))
    };
    let Ok(Ok((outbox, backup))) = tokio::time::timeout(Duration::from_secs(2), read).await else {
        tracing::warn!("metrics: cannot read the outbox and the backups from the database");
        return;
    };
    #[allow(
        clippy::cast_precision_loss,
        reason = "counts and seconds far below 2^52"
    )]
    {
        metrics::gauge!("second_opinion_outbox_queued").set(outbox.queued as f64);
        metrics::gauge!("second_opinion_outbox_failed").set(outbox.failed as f64);
        let waited = outbox
            .oldest_due_at
            .as_deref()
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
            .map_or(0, |at| (now - at.to_utc()).num_seconds().max(0));
        metrics::gauge!("second_opinion_outbox_oldest_queued_seconds").set(waited as f64);
        let backup = backup
            .as_deref()
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
            .map_or(0, |at| at.timestamp());
        metrics::gauge!("second_opinion_backup_last_success_timestamp_seconds").set(backup as f64);
    }
}
