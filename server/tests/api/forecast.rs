//! What to expect, from the hospital's own figures: `/status` and the
//! "received" message forecast the steps to come from the durations of
//! seeded past cases (computed here independently: the median and 80th
//! percentile of durations the test chose, counted forward in consultation
//! days), fall back to the rules with too few cases; reception's queue
//! colours and filters by each case's next due day; `/staff/figures` draws
//! the weeks and gives the same numbers as CSV, to reception and admins
//! only.

use chrono::{Datelike, Duration, NaiveDate};

use crate::helpers::{TestServer, japan_today};
use crate::seed::{Seeded, seed};

fn after(day: NaiveDate, n: u32) -> NaiveDate {
    domain::Calendar::new().nth_consultation_day_after(day, n)
}

/// "Tue 12 Jan 2027", as the English pages write a day.
fn en_day(day: NaiveDate) -> String {
    day.format("%a %-d %b %Y").to_string()
}

/// 25 past cases, all finished well before today: booking took 3
/// consultation days in 15 of them and 6 in 10 (median 3, 80th percentile
/// 6), the visit 4 days after booking, the report 5 after the visit.
fn history(today: NaiveDate) -> Vec<Seeded> {
    (0..25)
        .map(|n| {
            let receipt = today - Duration::days(100 - n);
            let booking = if n < 15 { 3 } else { 6 };
            Seeded::completed(after(receipt, 0), [1, 2, booking, 4, 5], 7)
        })
        .collect()
}

fn status_page(server: &TestServer, reference: &str) -> String {
    let answer = server.send_with(
        "POST",
        "/status",
        None,
        &[("reference", reference), ("date_of_birth", "1970-04-01")],
        &[("Accept-Language", "en")],
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body
}

/// The `.when` of the course's step expected for `stage`.
fn expected_when(page: &str, stage: &str) -> String {
    let marker = format!(r#"data-expected="{stage}""#);
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {stage} in {page}"));
    let rest = &page[start..];
    let when = rest.find(r#"<span class="when">"#).expect("when") + r#"<span class="when">"#.len();
    let end = rest[when..].find("</span>").expect("end");
    rest[when..when + end].replace("<!-- -->", "")
}

#[test]
fn status_forecasts_each_step_to_come_from_the_recent_cases() {
    let mut server = TestServer::start();
    let today = japan_today();
    let reference = server.submit("forecast-0001", &[]);
    seed(&server.database_url(), &history(today));
    // The history is read at start (and every ten minutes).
    server.kill_and_restart(&[]);
    let receipt: NaiveDate = server.texts(&format!(
        "SELECT receipt_day FROM cases WHERE reference = '{reference}'"
    ))[0]
        .parse()
        .expect("receipt day");

    let page = status_page(&server, &reference);
    // Computed here: booking 3 (median) to 6 (80th percentile) days after
    // receipt, then the visit 4 after booking, the report 5 after it.
    let visit_from = after(after(receipt, 3), 4).max(today);
    let visit_to = after(after(receipt, 6), 4);
    assert_eq!(
        expected_when(&page, "visit"),
        format!(
            "most likely between {} and {}",
            en_day(visit_from),
            en_day(visit_to)
        )
    );
    assert_eq!(
        expected_when(&page, "report"),
        format!("by {}", en_day(after(visit_to, 5)))
    );
    assert_eq!(
        expected_when(&page, "booking"),
        format!(
            "most likely between {} and {}",
            en_day(after(receipt, 3)),
            en_day(after(receipt, 6))
        )
    );
    assert!(
        page.contains("at least 25 requests for each step"),
        "{page}"
    );
    // A screen reader reads the course, forecasts included, as one list.
    let list = &page[page.find(r#"data-testid="course""#).expect("course")..];
    assert!(
        list.find("</ol>").expect("end") > list.find("data-expected=\"report\"").expect("report")
    );
    // The home page says what booking really took.
    let home = server.send_with("GET", "/", None, &[], &[("Accept-Language", "en")]);
    assert!(
        home.body.contains("half of the appointments were booked within 3 consultation days of receiving the request, and 8 in 10 within 6 (25 requests)"),
        "{}",
        home.body
    );
}

#[test]
fn with_too_few_cases_the_forecast_follows_the_rules_and_says_so() {
    let mut server = TestServer::start();
    let today = japan_today();
    let reference = server.submit("forecast-0002", &[]);
    seed(&server.database_url(), &history(today)[..19]);
    server.kill_and_restart(&[]);
    let (earliest, latest): (String, String) = {
        let days = server.texts(&format!(
            "SELECT earliest_day || ' ' || latest_day FROM cases WHERE reference = '{reference}'"
        ));
        let (a, b) = days[0].split_once(' ').expect("two days");
        (a.to_owned(), b.to_owned())
    };
    let page = status_page(&server, &reference);
    let day = |text: &str| en_day(text.parse().expect("day"));
    assert_eq!(
        expected_when(&page, "visit"),
        format!(
            "most likely between {} and {}",
            day(&earliest),
            day(&latest)
        )
    );
    assert!(page.contains("follow the hospital's usual rules"), "{page}");
    let home = server.send_with("GET", "/", None, &[], &[("Accept-Language", "en")]);
    assert!(
        !home.body.contains("recent-figures"),
        "no figures from 19 cases"
    );
}

#[test]
fn the_received_message_and_the_confirmation_carry_the_forecast() {
    let mut server = TestServer::start();
    let today = japan_today();
    seed(&server.database_url(), &history(today));
    server.kill_and_restart(&[]);
    let reference = server.submit(
        "forecast-0003",
        &[
            ("patient_email", "hanako@example.jp"),
            ("email_updates", "true"),
        ],
    );
    let bodies = server.texts(&format!(
        "SELECT m.text_body FROM messages m JOIN cases c ON c.id = m.case_id \
         WHERE c.reference = '{reference}' AND m.kind = 'received'"
    ));
    assert_eq!(bodies.len(), 1);
    let receipt: NaiveDate = server.texts(&format!(
        "SELECT receipt_day FROM cases WHERE reference = '{reference}'"
    ))[0]
        .parse()
        .expect("receipt day");
    let visit_to = after(after(receipt, 6), 4);
    assert!(
        bodies[0].contains(&format!(
            "The report to your doctor: by {}",
            en_day(after(visit_to, 5))
        )),
        "{}",
        bodies[0]
    );
    assert!(bodies[0].contains("What to expect"), "{}", bodies[0]);

    // The confirmation page, in the browser that sent a request.
    let sent =
        crate::limits::submit_from(&server, "127.3.0.9".parse().expect("ip"), "forecast-0004");
    let cookie = sent.cookie("second_opinion_sent").expect("the sent cookie");
    let json: serde_json::Value = serde_json::from_str(&sent.body).expect("json");
    let shown = json["reference"].as_str().expect("reference");
    let page = server.send_with(
        "GET",
        &format!("/request/sent/{shown}"),
        Some(&cookie),
        &[],
        &[("Accept-Language", "en")],
    );
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(r#"data-testid="expected""#),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("by {}", en_day(after(visit_to, 5)))),
        "{}",
        page.body
    );
}

/// The queue's next step: a new request past its review day is late, one
/// received today is on time; the filter finds exactly the late.
#[test]
fn the_queue_shows_each_next_due_day_and_filters_the_late() {
    let server = TestServer::start();
    let today = japan_today();
    let calendar = domain::Calendar::new();
    // Received 5 consultation days ago, not reviewed: its review was due
    // 3 days ago.
    let old = crate::helpers::consultation_days_before(today)
        .nth(4)
        .expect("a day");
    let late = Seeded {
        status: "received",
        reviewed: None,
        documents_in: None,
        booked: None,
        visit: None,
        report_due: None,
        report_sent: None,
        ..Seeded::completed(old, [1, 1, 1, 1, 1], 7)
    };
    let fresh = Seeded {
        receipt: if calendar.is_consultation_day(today) {
            today
        } else {
            calendar.next_consultation_day(today)
        },
        ..late.clone()
    };
    seed(&server.database_url(), &[late, fresh]);
    server.add_staff("sato", "reception", "Sato");
    let cookie = server.sign_in("sato");
    let queue = server.send_with(
        "GET",
        "/staff",
        Some(&cookie),
        &[],
        &[("Accept-Language", "en")],
    );
    assert_eq!(queue.status, 200);
    let due_late = after(old, 2);
    assert!(
        queue
            .body
            .contains(&format!(r#"data-due="{due_late}" data-timeliness="late""#)),
        "{}",
        queue.body
    );
    assert!(
        queue.body.contains(r#"data-timeliness="on_time""#)
            || queue.body.contains(r#"data-timeliness="due_soon""#)
    );
    let filtered = server.send_with(
        "GET",
        "/staff?needs=step_late",
        Some(&cookie),
        &[],
        &[("Accept-Language", "en")],
    );
    assert!(
        filtered
            .body
            .contains(r#"<strong data-testid="matching">1</strong>"#),
        "{}",
        filtered.body
    );
    assert!(
        filtered.body.contains(&crate::seed::reference(0)[..4]),
        "the late one is listed"
    );
}

#[test]
fn figures_are_drawn_for_reception_and_admins_and_given_as_csv_without_a_patient() {
    let server = TestServer::start();
    let today = japan_today();
    let cases = crate::seed::years(300, today, 200);
    seed(&server.database_url(), &cases);
    server.add_staff("sato", "reception", "Sato");
    server
        .execute("INSERT INTO specialists (id, name, department) VALUES (7001, 'Kato', 'cancer')");
    crate::the_day::add_specialist_account(&server, "kato", "Kato", "7001");
    let cookie = server.sign_in("sato");
    let from = today - Duration::weeks(12);
    let path = format!("/staff/figures?from={from}&to={today}");
    let page = server.send_with(
        "GET",
        &path,
        Some(&cookie),
        &[],
        &[("Accept-Language", "en")],
    );
    assert_eq!(page.status, 200, "{}", page.body);
    for chart in ["received", "declined", "stage-booking", "open", "late"] {
        assert!(
            page.body.contains(&format!(r#"data-chart="{chart}""#)),
            "{chart}"
        );
        assert!(
            page.body
                .contains(&format!(r#"<title id="{chart}-title">"#)),
            "{chart}"
        );
    }
    // The weeks' total is every request received in the range.
    // The weeks start on the Monday of the first day asked for.
    let monday = from - Duration::days(i64::from(from.weekday().num_days_from_monday()));
    let received = cases
        .iter()
        .filter(|c| c.receipt >= monday && c.receipt <= today)
        .count();
    let total: usize = page
        .body
        .match_indices("data-total=")
        .map(|(at, _)| {
            let rest = &page.body[at..];
            let open = rest.find('>').expect("cell") + 1;
            let close = rest.find("</td>").expect("cell end");
            rest[open..close]
                .replace("<!-- -->", "")
                .parse::<usize>()
                .expect("a count")
        })
        .sum();
    assert_eq!(total, received, "every request received in the range, once");
    // No patient: no seeded name, no reference.
    assert!(!page.body.contains("Seeded "));
    assert!(!page.body.contains(&crate::seed::reference(1)));

    let csv = server.send_with(
        "GET",
        &format!("/staff/figures.csv?from={from}&to={today}"),
        Some(&cookie),
        &[],
        &[("Accept-Language", "en")],
    );
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(csv.body.contains("\"Requests received per week, by area\""));
    assert!(!csv.body.contains("Seeded "));
    let csv_total: usize = csv
        .body
        .lines()
        .filter(|line| line.starts_with("\"20"))
        .filter(|line| line.split(',').count() == 7)
        .map(|line| {
            line.split(',')
                .nth(5)
                .expect("total")
                .trim_matches('"')
                .parse::<usize>()
                .expect("n")
        })
        .sum();
    assert_eq!(csv_total, total, "the CSV's weeks are the page's");

    // A range that cannot be read: said, and the last 26 weeks shown.
    let bad = server.send_with(
        "GET",
        "/staff/figures?from=2027-05-01&to=2027-01-01",
        Some(&cookie),
        &[],
        &[],
    );
    assert_eq!(bad.status, 200);
    assert!(bad.body.contains(r#"data-testid="bad-range""#));

    // A specialist's role has no figures.
    let specialist = server.sign_in("kato");
    let refused = server.send("GET", "/staff/figures", Some(&specialist), &[]);
    assert_ne!(refused.status, 200);
    assert!(!refused.body.contains("data-chart"));
}

/// Not a test: fills the database at `SEED_DATABASE_URL` (migrated: start
/// the service on it once) with `SEED_CASES` (3,000) past requests over the
/// last `SEED_DAYS` (400) days, to look at the forecasts and the figures by
/// hand. `cargo test -p server --test api seed_a_database -- --ignored`.
#[test]
#[ignore = "a developer's tool, not a test"]
fn seed_a_database_to_look_at() {
    let Ok(url) = std::env::var("SEED_DATABASE_URL") else {
        return;
    };
    let count = std::env::var("SEED_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3_000);
    let days = std::env::var("SEED_DAYS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400);
    seed(&url, &crate::seed::years(count, japan_today(), days));
}
