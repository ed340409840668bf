//! Micro-benchmarks of the rules the browser runs on every change of the form.

use std::hint::black_box;

use chrono::NaiveDateTime;
use criterion::{Criterion, criterion_group, criterion_main};
use domain::{
    Attendance, Calendar, DiagnosisArea, Purpose, Request, Requester, appointment_window, assess,
    documents_to_bring, national_holidays,
};

fn eligible_request() -> Request {
    Request {
        requester: Some(Requester::FamilyMember),
        patient_consents_to_family_request: Some(true),
        patient_date_of_birth: "1958-03-14".parse().ok(),
        attendance: Some(Attendance::FamilyWithoutPatient),
        area: Some(DiagnosisArea::Cardiovascular),
        patient_agrees: Some(true),
        present_doctor_refers: Some(true),
        report_shared_with_present_doctor: Some(true),
        purpose: Some(Purpose::DiagnosisOrTreatment),
        acknowledges_in_person_only: true,
        acknowledges_fee_paid_on_the_day: true,
        acknowledges_not_covered_by_insurance: true,
    }
}

fn rules(c: &mut Criterion) {
    let today = "2026-11-25".parse().expect("date");
    let request = eligible_request();
    c.bench_function("assess eligible request", |b| {
        b.iter(|| assess(black_box(&request), black_box(today)));
    });
    let empty = Request::default();
    c.bench_function("assess empty request", |b| {
        b.iter(|| assess(black_box(&empty), black_box(today)));
    });
    c.bench_function("documents to bring", |b| {
        b.iter(|| documents_to_bring(black_box(&request)));
    });

    let calendar = Calendar::new();
    let ordinary: NaiveDateTime = "2026-11-25T10:30:00".parse().expect("moment");
    let year_end: NaiveDateTime = "2026-12-25T17:00:00".parse().expect("moment");
    c.bench_function("appointment window (November)", |b| {
        b.iter(|| appointment_window(black_box(ordinary), black_box(&calendar)));
    });
    c.bench_function("appointment window (across the year-end closure)", |b| {
        b.iter(|| appointment_window(black_box(year_end), black_box(&calendar)));
    });
    c.bench_function("national holidays of a year", |b| {
        b.iter(|| national_holidays(black_box(2027)));
    });
}

criterion_group!(benches, rules);
criterion_main!(benches);
