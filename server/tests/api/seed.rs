//! Past cases written straight into a database, with every moment of
//! their course (received, reviewed, documents in, booked, seen, report
//! sent): the history the forecasts and `/staff/figures` count from, for
//! the tests and the benchmarks. Written as the service would store them,
//! on either engine; their audit lines carry no hash (nothing here checks
//! the chain).

use chrono::{Duration, NaiveDate, NaiveTime};

/// A past case: its receipt day and the day of each step it reached.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub receipt: NaiveDate,
    pub status: &'static str,
    pub area: &'static str,
    pub decline_reason: Option<&'static str>,
    pub reviewed: Option<NaiveDate>,
    pub documents_in: Option<NaiveDate>,
    pub booked: Option<NaiveDate>,
    pub visit: Option<NaiveDate>,
    pub report_due: Option<NaiveDate>,
    pub report_sent: Option<NaiveDate>,
    /// The visit's appointment was not kept.
    pub no_show: bool,
}

impl Seeded {
    /// A case that went the whole way, each step taking the consultation
    /// days given (review, documents, booking from receipt; the visit from
    /// booking; the report from the visit; the report due `report_days`
    /// after the visit).
    pub fn completed(receipt: NaiveDate, took: [u32; 5], report_days: u32) -> Self {
        let calendar = domain::Calendar::new();
        let after = |day, n| calendar.nth_consultation_day_after(day, n);
        let booked = after(receipt, took[2]);
        let visit = after(booked, took[3]);
        Self {
            receipt,
            status: "completed",
            area: "cancer",
            decline_reason: None,
            reviewed: Some(after(receipt, took[0])),
            documents_in: Some(after(receipt, took[1])),
            booked: Some(booked),
            visit: Some(visit),
            report_due: Some(after(visit, report_days)),
            report_sent: Some(after(visit, took[4])),
            no_show: false,
        }
    }
}

/// The reference of the `n`th seeded case: "H" and seven characters of the
/// references' alphabet (never one the service draws twice: a test's own
/// requests are random and 8 long, a clash one in 10^11).
pub fn reference(n: usize) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut n = n;
    let mut text = vec![b'2'; 7];
    for place in text.iter_mut().rev() {
        *place = ALPHABET[n % ALPHABET.len()];
        n /= ALPHABET.len();
    }
    format!("H{}", String::from_utf8(text).expect("ascii"))
}

/// A moment of `day` (Japan time `hour`:00) as the service stores it.
fn at(day: NaiveDate, hour: u32) -> String {
    let japan = day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).expect("time"));
    app::store::timestamp((japan - Duration::hours(9)).and_utc())
}

/// Writes `cases` into the database at `database_url`, in one transaction.
pub fn seed(database_url: &str, cases: &[Seeded]) {
    super::helpers::on_database_at(database_url, |pool| async move {
        let mut tx = pool.begin().await.expect("begin");
        for (n, case) in cases.iter().enumerate() {
            seed_case(&mut tx, n, case).await;
        }
        tx.commit().await.expect("commit the seed");
    });
}

/// One case and its course up to the appointment.
async fn seed_case(connection: &mut sqlx::AnyConnection, n: usize, case: &Seeded) {
    let window = domain::appointment_window(
        case.receipt.and_hms_opt(10, 0, 0).expect("moment"),
        &domain::Calendar::new(),
    );
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO cases (reference, submission_id, status, verdict, reasons, contact_first, \
         received_at, receipt_day, earliest_day, latest_day, language, patient_name, \
         patient_date_of_birth, area, answers, decline_reason) \
         VALUES ($1, $2, $3, 'eligible', '[]', FALSE, $4, $5, $6, $7, 'ja', $8, '1960-01-01', $9, '{}', $10) \
         RETURNING id",
    )
    .bind(reference(n))
    .bind(format!("seeded-{n:012}"))
    .bind(case.status)
    .bind(at(case.receipt, 10))
    .bind(case.receipt.to_string())
    .bind(window.earliest.to_string())
    .bind(window.latest.to_string())
    .bind(format!("Seeded {n}"))
    .bind(case.area)
    .bind(case.decline_reason)
    .fetch_one(&mut *connection)
    .await
    .expect("seed a case");
    if let Some(day) = case.reviewed {
        sqlx::query(
            // The service numbers the trail's lines itself (PostgreSQL's
            // identity is never advanced): the next number.
            "INSERT INTO audit (id, at, actor, action, case_id, before, after) \
             SELECT COALESCE(MAX(id), 0) + 1, $1, 'seed', 'status_changed', $2, 'received', \
             'under_review' FROM audit",
        )
        .bind(at(day, 11))
        .bind(id)
        .execute(&mut *connection)
        .await
        .expect("seed a review");
    }
    if let Some(day) = case.documents_in {
        for document in ["request_form", "referral_letter", "test_records"] {
            sqlx::query(
                "INSERT INTO case_documents (case_id, document, received_on, recorded_by) \
                 VALUES ($1, $2, $3, 'seed')",
            )
            .bind(id)
            .bind(document)
            .bind(day.to_string())
            .execute(&mut *connection)
            .await
            .expect("seed a document");
        }
    }
    let (Some(booked), Some(visit)) = (case.booked, case.visit.or(case.booked)) else {
        return;
    };
    let appointment: i64 = sqlx::query_scalar(
        "INSERT INTO appointments (case_id, day, start_time, booked_by, booked_at) \
         VALUES ($1, $2, '10:00', 'seed', $3) RETURNING id",
    )
    .bind(id)
    .bind(visit.to_string())
    .bind(at(booked, 14))
    .fetch_one(&mut *connection)
    .await
    .expect("seed an appointment");
    seed_visit(connection, id, appointment, case).await;
}

/// The visit of `appointment` and the report sent after it, as far as the
/// case went.
async fn seed_visit(
    connection: &mut sqlx::AnyConnection,
    id: i64,
    appointment: i64,
    case: &Seeded,
) {
    let Some(visit) = case.visit else {
        return;
    };
    if case.visit.is_none()
        || case.no_show
        || !matches!(case.status, "seen" | "reported" | "completed")
    {
        return;
    }
    sqlx::query(
        "INSERT INTO visits (appointment_id, case_id, arrived_at, who_came, identification_seen, \
         relationship_seen, consent_form_seen, checked_in_by, report_due_on, held_recorded_by, \
         held_recorded_at) VALUES ($1, $2, $3, 'patient', TRUE, FALSE, FALSE, 'seed', $4, 'seed', $3)",
    )
    .bind(appointment)
    .bind(id)
    .bind(at(visit, 10))
    .bind(case.report_due.map(|d| d.to_string()))
    .execute(&mut *connection)
    .await
    .expect("seed a visit");
    let Some(sent) = case.report_sent else {
        return;
    };
    let report: i64 = sqlx::query_scalar(
        "INSERT INTO reports (case_id, version, text, language, written_by, updated_at, signed_at, \
         signed_by) VALUES ($1, 1, '{}', 'ja', 'seed', $2, $2, 'seed') RETURNING id",
    )
    .bind(id)
    .bind(at(sent, 9))
    .fetch_one(&mut *connection)
    .await
    .expect("seed a report");
    sqlx::query(
        "INSERT INTO report_sendings (report_id, case_id, recipient, method, sent_on, recorded_by, \
         recorded_at) VALUES ($1, $2, 'present_doctor', 'post', $3, 'seed', $4)",
    )
    .bind(report)
    .bind(id)
    .bind(sent.to_string())
    .bind(at(sent, 12))
    .execute(&mut *connection)
    .await
    .expect("seed a sending");
}

/// `count` cases received over the `days` days before `last` (evenly),
/// as a hospital's years look: most completed, some declined, a few
/// no-shows, the latest still open; the areas in turn; each step's days
/// varying from case to case.
pub fn years(count: usize, last: NaiveDate, days: i64) -> Vec<Seeded> {
    const AREAS: [&str; 4] = ["cancer", "cardiovascular", "cerebrovascular", "cancer"];
    let calendar = domain::Calendar::new();
    (0..count)
        .map(|n| {
            let offset = days
                - (days * i64::try_from(n).unwrap_or(0)) / i64::try_from(count.max(1)).unwrap_or(1);
            let receipt = last - Duration::days(offset);
            let receipt = if calendar.is_consultation_day(receipt) {
                receipt
            } else {
                calendar.next_consultation_day(receipt)
            };
            let k = u32::try_from(n % 97).unwrap_or(0);
            let mut case = Seeded::completed(
                receipt,
                [1 + k % 2, 1 + k % 6, 2 + k % 5, 3 + k % 6, 3 + k % 7],
                7,
            );
            case.area = AREAS[n % 4];
            match n % 23 {
                0 | 11 => {
                    case = Seeded {
                        status: "declined",
                        decline_reason: Some(if n % 2 == 0 {
                            "transfer"
                        } else {
                            "present_doctor_does_not_encourage"
                        }),
                        reviewed: case.reviewed,
                        documents_in: None,
                        booked: None,
                        visit: None,
                        report_due: None,
                        report_sent: None,
                        ..case
                    };
                }
                5 => {
                    case.status = "no_show";
                    case.no_show = true;
                    case.report_due = None;
                    case.report_sent = None;
                }
                _ => {}
            }
            // What has not happened yet by `last` has not happened.
            let done = |day: Option<NaiveDate>| day.filter(|d| *d <= last);
            case.reviewed = done(case.reviewed);
            case.documents_in = done(case.documents_in);
            case.booked = done(case.booked);
            case.visit = if case.booked.is_some() {
                case.visit
            } else {
                None
            };
            case.report_sent =
                done(case.report_sent).filter(|_| case.visit.is_some_and(|v| v <= last));
            if case.status == "completed" || case.status == "no_show" {
                case.status = match (case.reviewed, case.booked, case.visit, case.report_sent) {
                    (None, ..) => "received",
                    (Some(_), None, ..) => "under_review",
                    (_, Some(_), Some(visit), _) if visit > last => "scheduled",
                    _ if case.no_show => "no_show",
                    (_, _, _, None) => "seen",
                    _ => "completed",
                };
            }
            if case.status != "seen" && case.status != "completed" {
                case.report_due = if case.status == "no_show" {
                    None
                } else {
                    case.report_due
                };
            }
            case
        })
        .collect()
}
