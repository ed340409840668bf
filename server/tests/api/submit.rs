//! Sending a request over HTTP through the same server function the form uses.

use crate::helpers::TestServer;

fn eligible(submission_id: &str) -> Vec<(String, String)> {
    crate::helpers::eligible_submission(submission_id)
}

fn with(mut fields: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    let name = format!("input[form][{key}]");
    fields.retain(|(k, _)| *k != name);
    fields.push((name, value.to_owned()));
    fields
}

fn reference_in(body: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(body).expect("json");
    json["reference"].as_str().expect("reference").to_owned()
}

#[test]
fn an_eligible_request_is_stored_once_with_a_reference() {
    let server = TestServer::start();
    let (status, body) = server.call_server_fn("submit_request", &eligible("submission-0001"));
    assert_eq!(status, 200, "{body}");
    let reference = reference_in(&body);
    assert_eq!(reference.len(), 8);
    assert!(
        reference
            .bytes()
            .all(|b| b"23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(&b)),
        "{reference}"
    );
    assert!(body.contains(r#""verdict":"eligible""#), "{body}");
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 1);
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM cases WHERE status = 'received' AND contact_first = FALSE"
        ),
        1
    );
}

#[test]
fn the_same_submission_sent_twice_gets_the_same_reference_and_one_row() {
    let server = TestServer::start();
    let (_, first) = server.call_server_fn("submit_request", &eligible("submission-0002"));
    let (status, second) = server.call_server_fn("submit_request", &eligible("submission-0002"));
    assert_eq!(status, 200);
    assert_eq!(reference_in(&first), reference_in(&second));
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 1);
    let (_, other) = server.call_server_fn("submit_request", &eligible("submission-0003"));
    assert_ne!(
        reference_in(&first),
        reference_in(&other),
        "references are never reused"
    );
}

#[test]
fn a_litigation_request_is_refused_with_its_reason_and_not_stored() {
    let server = TestServer::start();
    let (status, body) = server.call_server_fn(
        "submit_request",
        &with(eligible("submission-0004"), "purpose", "litigation"),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("purpose_is_litigation"), "{body}");
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 0);
}

#[test]
fn a_request_outside_the_main_areas_is_stored_and_flagged_for_a_call() {
    let server = TestServer::start();
    let fields = with(
        with(eligible("submission-0005"), "area", "other"),
        "area_other",
        "kidney disease",
    );
    let (status, body) = server.call_server_fn("submit_request", &fields);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("contact_first"), "{body}");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases WHERE contact_first = TRUE"),
        1
    );
}

#[test]
fn an_over_long_field_is_refused_with_the_field_and_the_limit() {
    let server = TestServer::start();
    let long = "x".repeat(2_001);
    let (status, body) = server.call_server_fn(
        "submit_request",
        &with(eligible("submission-0006"), "questions", &long),
    );
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains(r#""questions""#) && body.contains(r#""max":2000"#),
        "{body}"
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 0);
}

#[test]
fn an_incomplete_request_is_refused_with_the_questions_still_open() {
    let server = TestServer::start();
    let fields = with(
        eligible("submission-0007"),
        "acknowledges_fee_paid_on_the_day",
        "false",
    );
    let (status, body) = server.call_server_fn("submit_request", &fields);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("acknowledges_fee_paid_on_the_day"), "{body}");
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 0);
}

#[test]
fn a_malformed_body_is_a_400_without_internal_details() {
    let server = TestServer::start();
    let (status, body) = server.call_server_fn(
        "submit_request",
        &[("input[form][weekday_mon]".to_owned(), "maybe".to_owned())],
    );
    assert_eq!(status, 400, "{body}");
    assert!(
        !body.contains("serde") && !body.contains("deserializ"),
        "{body}"
    );
}

#[test]
fn the_status_lookup_needs_the_right_reference_and_date_of_birth() {
    let server = TestServer::start();
    let (_, body) = server.call_server_fn("submit_request", &eligible("submission-0008"));
    let reference = reference_in(&body);
    let lookup = |reference: &str, born: &str| {
        server.call_server_fn(
            "find_status",
            &[
                ("query[reference]".to_owned(), reference.to_owned()),
                ("query[date_of_birth]".to_owned(), born.to_owned()),
            ],
        )
    };
    let (status, found) = lookup(
        &format!("{}-{}", &reference[..4], &reference[4..]),
        "1970-04-01",
    );
    assert_eq!(status, 200, "{found}");
    assert!(found.contains(r#""status":"received""#), "{found}");

    let (wrong_birth_status, wrong_birth) = lookup(&reference, "1970-04-02");
    let (wrong_reference_status, wrong_reference) = lookup("ZZZZ-ZZZZ", "1970-04-01");
    assert_eq!(wrong_birth_status, 404);
    assert_eq!(
        (wrong_birth_status, wrong_birth),
        (wrong_reference_status, wrong_reference),
        "same answer for both"
    );
}

#[test]
fn an_oversized_body_is_refused_with_413_before_it_is_read() {
    let server = TestServer::start();
    let status_line = server.answer_to_oversized_post("/api/submit_request");
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line}");
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 0);
}

#[test]
fn the_status_lookup_allows_ten_attempts_per_address_then_asks_to_try_later() {
    let server = TestServer::start();
    let (_, body) = server.call_server_fn("submit_request", &eligible("submission-0010"));
    let reference = reference_in(&body);
    let lookup = |born: &str| {
        let fields = [
            ("query[reference]".to_owned(), reference.clone()),
            ("query[date_of_birth]".to_owned(), born.to_owned()),
        ];
        server.call_server_fn("find_status", &fields)
    };
    for _ in 0..9 {
        assert_eq!(lookup("1999-01-01").0, 404);
    }
    assert_eq!(
        lookup("1970-04-01").0,
        200,
        "the tenth attempt still counts"
    );
    let (status, body) = lookup("1970-04-01");
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("too_many_attempts"), "{body}");
}

#[test]
fn behind_a_proxy_the_limit_counts_each_forwarded_client_apart() {
    let server = TestServer::start_with(&["--trusted-proxy", "127.0.0.1"]);
    // Each look-up of another reference, so that no reference's own limit
    // (ten misses a day) is what answers.
    let references = std::cell::Cell::new(0_usize);
    let next_reference = || {
        let n = references.get();
        references.set(n + 1);
        let alphabet = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        format!(
            "ZZZZ-ZZ{}{}",
            char::from(alphabet[n / alphabet.len() % alphabet.len()]),
            char::from(alphabet[n % alphabet.len()])
        )
    };
    let lookup = |client: &str| {
        let fields = [
            ("query[reference]".to_owned(), next_reference()),
            ("query[date_of_birth]".to_owned(), "1970-04-01".to_owned()),
        ];
        server
            .call_server_fn_from("find_status", &fields, Some(client))
            .0
    };
    for _ in 0..10 {
        assert_eq!(lookup("203.0.113.1, 192.0.2.10"), 404);
    }
    assert_eq!(lookup("192.0.2.10"), 429);
    // A client cannot escape by forging an earlier entry; another real client is not blocked.
    assert_eq!(lookup("198.51.100.1, 192.0.2.10"), 429);
    assert_eq!(lookup("192.0.2.11"), 404);

    // Straight to the port, not through the proxy: the header is not
    // believed, and every forged address counts as the one connection.
    let direct = |forged: &str| {
        server
            .send_from(
                std::net::Ipv4Addr::new(127, 0, 0, 2).into(),
                "POST",
                "/api/find_status",
                None,
                &[
                    ("query[reference]", &next_reference()),
                    ("query[date_of_birth]", "1970-04-01"),
                ],
                &[("Accept", "application/json"), ("X-Forwarded-For", forged)],
            )
            .status
    };
    for n in 0..10 {
        assert_eq!(direct(&format!("198.51.100.{n}")), 404);
    }
    assert_eq!(direct("198.51.100.99"), 429);
    assert!(
        server.log_contains(
            "client addresses come from X-Forwarded-For on connections from 127.0.0.1/32"
        ),
        "the start says where client addresses come from"
    );
}

#[test]
fn a_submission_id_sent_again_with_other_answers_does_not_reveal_the_first_reference() {
    let server = TestServer::start();
    let (status, first) = server.call_server_fn("submit_request", &eligible("submission-0009"));
    assert_eq!(status, 200, "{first}");
    let reference = reference_in(&first);
    let other = with(eligible("submission-0009"), "patient_name", "Someone Else");
    let (status, body) = server.call_server_fn("submit_request", &other);
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("resubmitted"), "{body}");
    assert!(!body.contains(&reference), "{body}");
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 1);
}

#[test]
fn a_locked_database_answers_busy_and_the_same_submission_goes_through_later() {
    let server = TestServer::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // Another writer holds the database (a backup, a long admin task):
    // SQLite's one write lock, or PostgreSQL's write turn.
    let (hold, release) = if crate::helpers::postgres().is_some() {
        let turn = app::store::WRITE_TURN;
        (
            format!("SELECT pg_advisory_lock({turn})"),
            format!("SELECT pg_advisory_unlock({turn})"),
        )
    } else {
        ("BEGIN EXCLUSIVE".to_owned(), "ROLLBACK".to_owned())
    };
    let mut holder = runtime.block_on(async {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut connection = sqlx::AnyConnection::connect(&server.database_url())
            .await
            .expect("open");
        sqlx::query(&hold)
            .execute(&mut connection)
            .await
            .expect("lock");
        connection
    });
    let fields = crate::helpers::eligible_submission("locked-00001");
    let (status, body) = server.call_server_fn("submit_request", &fields);
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        body, r#"{"kind":"busy"}"#,
        "the page says: busy, please try again"
    );
    runtime.block_on(async {
        sqlx::query(&release)
            .execute(&mut holder)
            .await
            .expect("unlock");
    });
    let (status, body) = server.call_server_fn("submit_request", &fields);
    assert_eq!(status, 200, "{body}");
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 1);
}

#[test]
fn a_birth_date_typed_in_an_era_reaches_reception_and_the_csv_with_its_era() {
    let server = TestServer::start();
    let reference = server.submit(
        "era-00000001",
        &[
            ("patient_birth_era", "showa"),
            ("patient_birth_year", "21"),
            ("patient_birth_month", "3"),
            ("patient_birth_day", "15"),
        ],
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases WHERE patient_date_of_birth = '1946-03-15'"),
        1
    );
    server.add_staff("rita", "reception", "Rita");
    let rita = server.sign_in("rita");
    let case = server.send(
        "GET",
        &format!("/staff/cases/{reference}"),
        Some(&rita),
        &[],
    );
    assert!(
        case.body.contains("1946年(昭和21年)3月15日"),
        "{}",
        case.body
    );
    let csv = server.send("POST", "/staff/export.csv", Some(&rita), &[]);
    assert!(
        csv.body.contains("\"1946年(昭和21年)3月15日\""),
        "{}",
        csv.body
    );
    let english = server.send_with(
        "POST",
        "/staff/export.csv",
        Some(&rita),
        &[],
        &[("Accept-Language", "en")],
    );
    assert!(
        english.body.contains("\"15 March 1946\""),
        "{}",
        english.body
    );

    // A part that is wrong is named, and nothing is stored.
    let (status, body) = server.call_server_fn(
        "submit_request",
        &with(eligible("era-00000002"), "patient_birth_month", "13"),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("month_out_of_range"), "{body}");
    let (status, body) = server.call_server_fn(
        "submit_request",
        &with(
            with(eligible("era-00000003"), "patient_birth_era", "showa"),
            "patient_birth_year",
            "64",
        ),
    );
    assert_eq!(status, 422, "昭和64年4月1日 is not in 昭和: {body}");
    assert!(body.contains("not_in_era"), "{body}");
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 1);
}

#[test]
fn answers_to_questions_that_do_not_apply_are_not_stored() {
    let server = TestServer::start();
    let reference = server.submit(
        "applies-0001",
        &[
            ("requester", "patient"),
            ("requester_name", "Taro Yamada"),
            ("requester_relationship", "Son"),
            ("interpreter_language", "Klingon"),
            ("area_other", "Kidney"),
        ],
    );
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM cases WHERE answers LIKE '%Taro%' OR answers LIKE '%Klingon%' \
             OR answers LIKE '%Kidney%'"
        ),
        0
    );
    server.add_staff("rita", "reception", "Rita");
    let rita = server.sign_in("rita");
    let case = server.send(
        "GET",
        &format!("/staff/cases/{reference}"),
        Some(&rita),
        &[],
    );
    assert!(!case.body.contains("Taro Yamada"));
}
