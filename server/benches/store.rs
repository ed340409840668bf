//! The time to send and durably store one request: the real server on a
//! fresh database (WAL, `synchronous=FULL`), one client, one submission at
//! a time through the `submit_request` endpoint the browser uses. Each
//! iteration is a new submission, so each one is parsed, assessed and
//! committed to disk.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicU64, Ordering};

use common::{TestServer, call_server_fn};
use criterion::{Criterion, criterion_group, criterion_main};

fn eligible(submission_id: &str) -> Vec<(String, String)> {
    let form = [
        ("requester", "patient"),
        ("patient_name", "Hanako Yamada"),
        ("patient_date_of_birth", "1970-04-01"),
        ("patient_phone", "090-1234-5678"),
        ("present_doctor_name", "Ichiro Sato"),
        ("present_institution", "Sakura Clinic"),
        ("patient_agrees", "yes"),
        ("present_doctor_refers", "yes"),
        ("report_shared_with_present_doctor", "yes"),
        ("purpose", "diagnosis_or_treatment"),
        ("area", "cancer"),
        ("diagnosis", "Stage II breast cancer"),
        ("questions", "Surgery or chemotherapy first?"),
        ("attendance", "patient_alone"),
        ("acknowledges_in_person_only", "true"),
        ("acknowledges_fee_paid_on_the_day", "true"),
        ("acknowledges_not_covered_by_insurance", "true"),
    ];
    let mut fields = vec![
        ("input[submission_id]".to_owned(), submission_id.to_owned()),
        ("input[language]".to_owned(), "en".to_owned()),
    ];
    fields.extend(
        form.iter()
            .map(|(k, v)| (format!("input[form][{k}]"), (*v).to_owned())),
    );
    fields
}

fn store(c: &mut Criterion) {
    let server = TestServer::start();
    let counter = AtomicU64::new(0);
    c.bench_function("submit_request over HTTP, stored durably", |b| {
        b.iter(|| {
            let id = format!("bench-{:012}", counter.fetch_add(1, Ordering::Relaxed));
            let (status, body) = call_server_fn(&server, "submit_request", &eligible(&id));
            assert_eq!(status, 200, "{body}");
        });
    });
}

criterion_group!(benches, store);
criterion_main!(benches);
