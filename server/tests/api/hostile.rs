//! Hostile input against every endpoint a stranger can reach: random and
//! malformed bodies, wrong types, missing fields, invalid UTF-8, 100,000
//! character fields, control characters, SQL and `<script>` payloads. The
//! answer is always a 4xx with a readable body (or the page rendered again
//! with its errors), never a 5xx; nothing is stored; the server lives on.

use std::io::{Read, Write};

use crate::helpers::{ELIGIBLE, TestServer};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Where a stranger can post.
const ENDPOINTS: &[&str] = &[
    "/api/submit_request",
    "/api/find_status",
    "/api/find_sent",
    "/request",
    "/status",
    "/staff/login",
    "/staff/login/code",
];

/// Sends raw bytes as a form post and returns the status and the body.
fn raw_post(server: &TestServer, path: &str, content_type: &str, body: &[u8]) -> (u16, String) {
    let address = server.base_url.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .expect("headers");
    stream.write_all(body).expect("body");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("answer");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("' OR 1=1; DROP TABLE cases; --".to_owned()),
        Just("<script>alert(1)</script>".to_owned()),
        Just("\u{0}\u{7}\u{1b}[31m\r\n".to_owned()),
        Just("\u{202e}evil\u{200b}".to_owned()),
        Just("a".repeat(100_000)),
        Just("1970-02-30".to_owned()),
        Just("true".to_owned()),
        Just("[]".to_owned()),
        "\\PC{0,40}",
        any::<String>(),
    ]
}

fn field_name() -> impl Strategy<Value = String> {
    let known: Vec<String> = ELIGIBLE
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    prop_oneof![
        proptest::sample::select(known.clone()).prop_map(|name| format!("input[form][{name}]")),
        proptest::sample::select(known),
        Just("input[submission_id]".to_owned()),
        Just("input[language]".to_owned()),
        Just("query[reference]".to_owned()),
        Just("reference".to_owned()),
        Just("step".to_owned()),
        Just("input[form][patient_name][0][x]".to_owned()),
        "[a-z\\[\\]_]{0,30}",
    ]
}

/// A form body of hostile pairs, percent-encoded as a browser would.
fn hostile_form() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec((field_name(), hostile_text()), 0..12).prop_map(|pairs| {
        serde_urlencoded::to_string(pairs)
            .unwrap_or_default()
            .into_bytes()
    })
}

fn any_body() -> impl Strategy<Value = (String, Vec<u8>)> {
    let form = "application/x-www-form-urlencoded".to_owned();
    prop_oneof![
        4 => hostile_form().prop_map({ let form = form.clone(); move |body| (form.clone(), body) }),
        // Bytes that are not a form, nor UTF-8.
        1 => proptest::collection::vec(any::<u8>(), 0..2_000).prop_map({ let form = form.clone(); move |body| (form.clone(), body) }),
        1 => Just((form.clone(), b"input%5Bform%5D%5Bpatient_name%5D=%FF%FE%00".to_vec())),
        1 => Just(("application/json".to_owned(), br#"{"input": {"form": 42, "submission_id": null}}"#.to_vec())),
        1 => Just(("text/plain".to_owned(), b"hello".to_vec())),
    ]
}

#[test]
fn no_hostile_body_gets_a_server_error_or_stores_anything() {
    let server = TestServer::start();
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    for endpoint in ENDPOINTS {
        runner
            .run(&any_body(), |(content_type, body)| {
                let (status, answer) = raw_post(&server, endpoint, &content_type, &body);
                prop_assert!(
                    (200..500).contains(&status) && status != 0,
                    "{endpoint} answered {status} to {} bytes of {content_type}",
                    body.len()
                );
                if status >= 400 {
                    prop_assert!(
                        !answer.trim().is_empty(),
                        "{endpoint}: {status} without a word"
                    );
                }
                prop_assert!(
                    !answer.contains("panicked") && !answer.contains("sqlx"),
                    "{endpoint} leaked internals"
                );
                Ok(())
            })
            .unwrap_or_else(|failure| panic!("{failure}"));
    }
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases"),
        0,
        "nothing stored"
    );
    // Still serving.
    let (status, _) = raw_post(
        &server,
        "/api/find_status",
        "application/x-www-form-urlencoded",
        b"query[reference]=AAAA-BBBB&query[date_of_birth]=1970-01-01",
    );
    assert!((200..500).contains(&status));
}

#[test]
fn stored_markup_is_text_on_the_case_page() {
    let server = TestServer::start();
    let mut fields = crate::helpers::eligible_submission("markup-0001");
    for (name, value) in &mut fields {
        if name == "input[form][questions]" {
            *value = "<img src=x onerror=alert(1)><script>alert(2)</script>".to_owned();
        }
    }
    let (status, body) = server.call_server_fn("submit_request", &fields);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases WHERE answers LIKE '%<script>%'"),
        1,
        "stored as typed"
    );
    let reference = serde_json::from_str::<serde_json::Value>(&body).expect("json")["reference"]
        .as_str()
        .expect("reference")
        .replace('-', "");
    server.add_staff("rita", "reception", "Rita");
    let cookie = server.sign_in("rita");
    let answer = server.send(
        "GET",
        &format!("/staff/cases/{reference}"),
        Some(&cookie),
        &[],
    );
    let (status, page) = (answer.status, answer.body);
    assert_eq!(status, 200);
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;"),
        "shown as text"
    );
    assert!(!page.contains("<img src=x") && !page.contains("<script>alert(2)"));
}
