//! The time to send and durably store one request: the real server on a
//! fresh database (WAL, `synchronous=FULL`), one client, one submission at
//! a time through the `submit_request` server function. Each
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

/// A client address of its own for the `n`th call, as the trusted proxy
/// names it: no per-client limit (20 new requests an hour, 10 look-ups a
/// quarter) is what is measured.
fn address(n: u64) -> String {
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

/// A request, and the same asking for news by e-mail: the "received"
/// message is written in the same transaction (no mail server is set, so
/// nothing is sent during the measurement).
fn store(c: &mut Criterion) {
    let server = TestServer::start_with(&["--trusted-proxy", "127.0.0.1"]);
    let counter = AtomicU64::new(0);
    let mut group = c.benchmark_group("submit_request over HTTP, stored durably");
    for (name, by_email) in [
        ("without e-mail", false),
        ("with its 'received' message", true),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let id = format!("bench-{n:012}");
                let mut fields = eligible_submission(&id);
                if by_email {
                    fields.push((
                        "input[form][patient_email]".into(),
                        "hanako@example.jp".into(),
                    ));
                    fields.push(("input[form][email_updates]".into(), "true".into()));
                }
                let (status, body) =
                    server.call_server_fn_from("submit_request", &fields, Some(&address(n)));
                assert_eq!(status, 200, "{body}");
            });
        });
    }
    group.finish();
}

/// Stored requests enough that no reference reaches its own limit (ten
/// misses a day lock it) within a measurement.
const STORED: u64 = 1_500;

/// A reference that does not exist, another for every ten calls.
fn made_up(n: u64) -> String {
    let alphabet = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rest = n / 10;
    let mut tail = String::new();
    for _ in 0..6 {
        tail.insert(
            0,
            char::from(alphabet[usize::try_from(rest % 31).unwrap_or(0)]),
        );
        rest /= 31;
    }
    format!("ZZ{}-{}", &tail[..2], &tail[2..])
}

/// The status lookup, answered "not found" for a wrong reference and for a
/// wrong date of birth: both do the same work (the reference's lock, one
/// query on the pair, the miss recorded), so the two times should not tell
/// an attacker which half was wrong. Each call comes from its own address
/// (behind the proxy), and no reference is missed ten times, so the limits
/// stay out of the measurement.
fn lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("find_status over HTTP");
    for (name, wrong_reference, date_of_birth) in [
        ("wrong reference", true, "1970-04-01"),
        ("wrong date of birth", false, "1970-04-02"),
        ("both right", false, "1970-04-01"),
    ] {
        // A server of its own for each case: no case inherits another's
        // state (the limiter's addresses, the misses, the page cache).
        let server = TestServer::start_with(&["--trusted-proxy", "127.0.0.1"]);
        let stored: Vec<String> = (0..STORED)
            .map(|n| {
                let (status, body) = server.call_server_fn_from(
                    "submit_request",
                    &eligible_submission(&format!("lookup-{n:08}")),
                    Some(&address(n)),
                );
                assert_eq!(status, 200, "{body}");
                let json: serde_json::Value = serde_json::from_str(&body).expect("json");
                json["reference"].as_str().expect("reference").to_owned()
            })
            .collect();
        let counter = AtomicU64::new(0);
        group.bench_function(name, |b| {
            b.iter(|| {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let reference = if wrong_reference {
                    made_up(n)
                } else {
                    stored[usize::try_from(n / 10 % STORED).unwrap_or(0)].clone()
                };
                let fields = [
                    ("query[reference]".to_owned(), reference),
                    ("query[date_of_birth]".to_owned(), date_of_birth.to_owned()),
                ];
                let (status, _) =
                    server.call_server_fn_from("find_status", &fields, Some(&address(n)));
                assert!(status == 200 || status == 404, "{status}");
            });
        });
    }
    group.finish();
}

criterion_group!(benches, store, lookup);
criterion_main!(benches);
