//! Reception's queue with 20,000 requests in it, on the engine the tests
//! run on (SQLite; PostgreSQL when `SECOND_OPINION_TEST_POSTGRES` names a
//! cluster): the first page of the queue as a signed-in member opens it,
//! and a search by a name, over HTTP to the real server.

// The tests' helper set; the bench uses only starting a server, sending
// requests and signing in.
#[allow(dead_code)]
#[path = "../tests/api/helpers.rs"]
mod helpers;

use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use helpers::{TestServer, eligible_submission};

/// Requests in the queue.
const CASES: u64 = 20_000;

/// Fills the queue through the endpoint the browser uses, from eight
/// clients side by side, each request from an address of its own.
fn fill(server: &TestServer) {
    let next = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= CASES {
                        break;
                    }
                    let mut fields = eligible_submission(&format!("queue-{n:012}"));
                    fields.retain(|(name, _)| name != "input[form][patient_name]");
                    fields.push(("input[form][patient_name]".into(), format!("Patient {n}")));
                    let from = format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
                    let (status, body) =
                        server.call_server_fn_from("submit_request", &fields, Some(&from));
                    assert_eq!(status, 200, "{body}");
                }
            });
        }
    });
}

fn queue(c: &mut Criterion) {
    let engine = if helpers::postgres().is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let server = TestServer::start_with(&[
        "--trusted-proxy",
        "127.0.0.1",
        "--new-request-ceiling",
        "1000000",
    ]);
    fill(&server);
    server.add_staff("sato", "reception", "Sato");
    let cookie = server.sign_in("sato");
    let mut group = c.benchmark_group(format!("the queue at 20,000 requests, {engine}"));
    for (name, path) in [
        ("first page", "/staff"),
        ("a name searched", "/staff?q=Patient%2012345"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let page = server.send("GET", path, Some(&cookie), &[]);
                assert_eq!(page.status, 200);
            });
        });
    }
    group.finish();
}

criterion_group!(benches, queue);
criterion_main!(benches);
