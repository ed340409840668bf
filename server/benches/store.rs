//! The time to send and durably store one request: the real server on a
//! fresh database (WAL, `synchronous=FULL`), one client, one submission at
//! a time through the `submit_request` endpoint the browser uses. Each
//! iteration is a new submission, so each one is parsed, assessed and
//! committed to disk.

// The tests' helper set; the bench uses only starting a server and
// calling server functions.
#[allow(dead_code)]
#[path = "../tests/api/helpers.rs"]
mod helpers;

use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use helpers::{TestServer, eligible_submission};

fn store(c: &mut Criterion) {
    let server = TestServer::start();
    let counter = AtomicU64::new(0);
    c.bench_function("submit_request over HTTP, stored durably", |b| {
        b.iter(|| {
            let id = format!("bench-{:012}", counter.fetch_add(1, Ordering::Relaxed));
            let (status, body) = server.call_server_fn("submit_request", &eligible_submission(&id));
            assert_eq!(status, 200, "{body}");
        });
    });
}

/// The status lookup, answered "not found" for a wrong reference and for a
/// wrong date of birth: both are one query on the pair, so the two times
/// should not tell an attacker which half was wrong. Each call comes from
/// its own address (behind the proxy), so the attempt limit stays out of
/// the measurement.
fn lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("find_status over HTTP");
    for (name, wrong_reference, date_of_birth) in [
        ("wrong reference", true, "1970-04-01"),
        ("wrong date of birth", false, "1970-04-02"),
        ("both right", false, "1970-04-01"),
    ] {
        // A server of its own for each case: no case inherits another's
        // state (the limiter's addresses, the page cache).
        let server = TestServer::start_with(&["--trusted-proxy", "127.0.0.1"]);
        let (status, body) =
            server.call_server_fn("submit_request", &eligible_submission("lookup-00001"));
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("json");
        let stored = json["reference"].as_str().expect("reference").to_owned();
        let reference = if wrong_reference {
            "ZZZZ-ZZZZ".to_owned()
        } else {
            stored
        };
        let counter = AtomicU64::new(0);
        group.bench_function(name, |b| {
            b.iter(|| {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let address = format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
                let fields = [
                    ("query[reference]".to_owned(), reference.clone()),
                    ("query[date_of_birth]".to_owned(), date_of_birth.to_owned()),
                ];
                let (status, _) =
                    server.call_server_fn_from("find_status", &fields, Some(&address));
                assert!(status == 200 || status == 404, "{status}");
            });
        });
    }
    group.finish();
}

criterion_group!(benches, store, lookup);
criterion_main!(benches);
