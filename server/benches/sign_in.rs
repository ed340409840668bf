//! What signing in and checking the audit trail cost.
//!
//! - The two steps of a sign-in over HTTP against the real server (release
//!   build, fresh database): the password step (Argon2id verification, the
//!   throttle's conditional insert, the pending record, two audit lines) and
//!   the code step (the throttle, the code accepted once, the session, an
//!   audit line). A time-based code is accepted once per account and 30
//!   seconds, so the code step is measured with recovery codes (ten per
//!   account, over as many accounts as the run needs); the check itself
//!   differs by microseconds (three HMAC-SHA-1 against one SHA-256).
//! - `audit verify` on 100,000 audit lines: the chain walked in id order.

#[allow(dead_code)]
#[path = "../tests/api/helpers.rs"]
mod helpers;

use std::cell::RefCell;
use std::time::{Duration, Instant};

use app::audit::AuditAction;
use app::audit::chain::{Entry, append, verify};
use criterion::{Criterion, criterion_group, criterion_main};
use helpers::{LOCALHOST, TestServer};

fn sign_in(c: &mut Criterion) {
    let server = TestServer::start();
    server.add_staff("sato", "reception", "Sato");
    let mut group = c.benchmark_group("sign-in over HTTP");
    group.bench_function("password step (Argon2id)", |b| {
        b.iter(|| server.password_step(LOCALHOST, "sato"));
    });
    // Recovery codes of accounts made as the run goes.
    let codes: RefCell<Vec<(String, String)>> = RefCell::default();
    let accounts = RefCell::new(0_u32);
    group.bench_function("code step (recovery code)", |b| {
        b.iter_custom(|iterations| {
            let mut spent = Duration::ZERO;
            for _ in 0..iterations {
                if codes.borrow().is_empty() {
                    let login = format!("member{}", accounts.replace_with(|n| *n + 1));
                    let enrolment = server.add_staff(&login, "reception", "Member");
                    codes.borrow_mut().extend(
                        enrolment
                            .recovery_codes
                            .into_iter()
                            .map(|code| (login.clone(), code)),
                    );
                }
                let (login, code) = codes.borrow_mut().pop().expect("a code");
                let pending = server.password_step(LOCALHOST, &login);
                let started = Instant::now();
                let answer = server.send(
                    "POST",
                    "/staff/login/code",
                    Some(&pending),
                    &[("code", &code)],
                );
                spent += started.elapsed();
                assert_eq!(answer.status, 303, "{}", answer.body);
            }
            spent
        });
    });
    group.finish();
}

fn audit_verify(c: &mut Criterion) {
    const LINES: u64 = 100_000;
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let directory = tempfile::tempdir().expect("directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        directory.path().join("audit.db").display()
    );
    let pool = runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.expect("open");
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .expect("migrate");
        // Lines are sealed under the key file's audit key, as the service
        // seals them.
        app::audit::chain::use_key(app::audit::chain::AuditKey::derive(&[9; 32]));
        let mut transaction = pool.begin().await.expect("begin");
        let now = app::clock::now();
        for n in 0..LINES {
            let detail = format!("status=received page={}", n % 7 + 1);
            let entry = Entry {
                actor: Some("sato"),
                after: Some(&detail),
                ..Entry::of(AuditAction::QueueViewed)
            };
            append(&mut transaction, now, entry).await.expect("append");
        }
        transaction.commit().await.expect("commit");
        pool
    });
    c.bench_function("audit verify, 100,000 lines", |b| {
        b.iter(|| {
            let check = runtime.block_on(verify(&pool)).expect("verify");
            assert!(check.to_string().starts_with("ok 100000 rows"), "{check}");
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = sign_in, audit_verify
}
criterion_main!(benches);
