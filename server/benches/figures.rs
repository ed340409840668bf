//! Three years of a hospital's requests (20,000, each with its whole
//! course: reviewed, documents in, booked, seen, report sent; some
//! declined, some no-shows, the latest still open), written straight into
//! the database, on the engine the tests run on (SQLite; PostgreSQL when
//! `SECOND_OPINION_TEST_POSTGRES` names a cluster): the service started on
//! it (which reads the history of the last 180 days), then over HTTP as a
//! signed-in member: the queue's first page, the queue filtered to the
//! late, `/staff/figures` for its default 26 weeks and for the three years,
//! and the CSV of the three years; and `/status` with its forecast.

#[allow(dead_code)]
#[path = "../tests/api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../tests/api/seed.rs"]
mod seed;

use criterion::{Criterion, criterion_group, criterion_main};
use helpers::{TestServer, japan_today};

/// Requests over the three years.
const CASES: usize = 20_000;

fn figures(c: &mut Criterion) {
    let engine = if helpers::postgres().is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let today = japan_today();
    // Through a trusted proxy, each look-up from an address of its own:
    // the look-up's limit (10 in 15 minutes per client) is not what is
    // measured.
    let mut server = TestServer::start_with(&["--trusted-proxy", "127.0.0.1"]);
    let seeding = std::time::Instant::now();
    seed::seed(&server.database_url(), &seed::years(CASES, today, 3 * 365));
    eprintln!(
        "seeded {CASES} cases in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    // What a database in service has: its planner's statistics (autovacuum
    // gathers them within a minute of a bulk load; right after one,
    // PostgreSQL plans the history's query blind: 3.2 s at start, measured).
    if helpers::postgres().is_some() {
        helpers::execute_on(&server.database_url(), "ANALYZE");
    }
    // The history is read at start.
    let starting = std::time::Instant::now();
    server.kill_and_restart(&["--trusted-proxy", "127.0.0.1"]);
    eprintln!(
        "started (history read) in {:.2} s",
        starting.elapsed().as_secs_f64()
    );
    let reference = server.submit("figures-bench-0001", &[]);
    server.add_staff("sato", "reception", "Sato");
    let cookie = server.sign_in("sato");
    let three_years = format!(
        "from={}&to={today}",
        today - chrono::Duration::days(3 * 365)
    );
    let mut group = c.benchmark_group(format!("20,000 requests over three years, {engine}"));
    for (name, path) in [
        ("the queue's first page", "/staff".to_owned()),
        (
            "the queue, next step late",
            "/staff?needs=step_late".to_owned(),
        ),
        ("figures, 26 weeks", "/staff/figures".to_owned()),
        (
            "figures, three years",
            format!("/staff/figures?{three_years}"),
        ),
        (
            "figures CSV, three years",
            format!("/staff/figures.csv?{three_years}"),
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let page = server.send("GET", &path, Some(&cookie), &[]);
                assert_eq!(page.status, 200);
            });
        });
    }
    let client = std::sync::atomic::AtomicU32::new(0);
    group.bench_function("a status look-up with its forecast", |b| {
        b.iter(|| {
            let n = client.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let [_, a, b, c] = n.to_be_bytes();
            let from = format!("10.{a}.{b}.{c}");
            let page = server.send_with(
                "POST",
                "/status",
                None,
                &[("reference", &reference), ("date_of_birth", "1970-04-01")],
                &[("X-Forwarded-For", &from)],
            );
            assert_eq!(page.status, 200);
        });
    });
    group.finish();
    let page = server.send("GET", "/staff/figures", Some(&cookie), &[]);
    eprintln!("/staff/figures: {} bytes", page.body.len());
}

criterion_group!(benches, figures);
criterion_main!(benches);
