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

/// The forecast of every open case of a queue of 2,000 (what `/staff`
/// and `/status` ask of it), from a history of 3,300 cases (half a year
/// at 20,000 in three years): it must fit in a frame (16 ms).
fn forecasts(c: &mut Criterion) {
    use chrono::{Duration, NaiveDate};
    use domain::forecast::{Course, History, forecast};
    let calendar = Calendar::new();
    let today: NaiveDate = "2027-01-20".parse().expect("date");
    let after = |day, n| calendar.nth_consultation_day_after(day, n);
    let past: Vec<Course> = (0..3_300u32)
        .map(|i| {
            let receipt = today - Duration::days(30 + i64::from(i % 170));
            let booked = after(receipt, 2 + i % 5);
            let visit = after(booked, 4 + i % 7);
            Course {
                reviewed: Some(after(receipt, 1 + i % 2)),
                documents_in: Some(after(receipt, 1 + i % 6)),
                booked: Some(booked),
                appointment: Some(visit),
                visit: Some(visit),
                report_due: None,
                report_sent: Some(after(visit, 3 + i % 6)),
                ..Course::received(receipt)
            }
        })
        .collect();
    c.bench_function("history of 3,300 cases", |b| {
        b.iter(|| History::of(black_box(&past), today, &calendar));
    });
    let history = History::of(&past, today, &calendar);
    let open: Vec<Course> = (0..2_000u32)
        .map(|i| {
            let receipt = today - Duration::days(i64::from(i % 20));
            Course {
                reviewed: (i % 3 > 0).then_some(receipt),
                ..Course::received(receipt)
            }
        })
        .collect();
    c.bench_function("forecasts of 2,000 open cases", |b| {
        b.iter(|| {
            for course in &open {
                black_box(forecast(course, &history, today, &calendar, 7));
            }
        });
    });
}

criterion_group!(benches, rules, forecasts);
criterion_main!(benches);
