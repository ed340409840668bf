//! The time to send and durably store one request: the real server on a
//! fresh database (WAL, `synchronous=FULL`), one client, one submission at
//! a time through the `submit_request` endpoint the browser uses. Each
//! iteration is a new submission, so each one is parsed, assessed and
//! committed to disk.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicU64, Ordering};

use common::{TestServer, call_server_fn, eligible_submission};
use criterion::{Criterion, criterion_group, criterion_main};

fn store(c: &mut Criterion) {
    let server = TestServer::start();
    let counter = AtomicU64::new(0);
    c.bench_function("submit_request over HTTP, stored durably", |b| {
        b.iter(|| {
            let id = format!("bench-{:012}", counter.fetch_add(1, Ordering::Relaxed));
            let (status, body) =
                call_server_fn(&server, "submit_request", &eligible_submission(&id));
            assert_eq!(status, 200, "{body}");
        });
    });
}

criterion_group!(benches, store);
criterion_main!(benches);
