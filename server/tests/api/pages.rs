//! The patient's pages over HTTP, as a browser without JavaScript uses them:
//! the form posted to `/request` and `/status`, and the confirmation page.

use crate::helpers::{Answer, TestServer};

/// The fields of an eligible request, named as the form's inputs.
pub fn eligible(submission_id: &str, step: &str) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = crate::helpers::ELIGIBLE
        .iter()
        .map(|(k, v)| (*k, (*v).to_owned()))
        .collect();
    fields.push(("language", "en".to_owned()));
    fields.push(("submission_id", submission_id.to_owned()));
    fields.push(("step", step.to_owned()));
    fields
}

pub(crate) fn with(
    mut fields: Vec<(&'static str, String)>,
    key: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    fields.retain(|(k, _)| *k != key);
    fields.push((key, value.to_owned()));
    fields
}

/// Posts the form as a browser without JavaScript, in English.
pub(crate) fn post(server: &TestServer, path: &str, fields: &[(&'static str, String)]) -> Answer {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    server.send_with("POST", path, None, &pairs, &[("Accept-Language", "en")])
}

pub(crate) fn get(server: &TestServer, path: &str) -> Answer {
    server.send_with("GET", path, None, &[], &[("Accept-Language", "en")])
}

pub(crate) fn get_with_cookie(server: &TestServer, path: &str, cookie: &str) -> Answer {
    server.send_with("GET", path, Some(cookie), &[], &[("Accept-Language", "en")])
}

#[test]
fn a_form_posted_without_javascript_is_checked_then_sent_once() {
    let server = TestServer::start();
    let checked = post(&server, "/request", &eligible("nojs-0001", "check"));
    assert_eq!(checked.status, 200);
    assert_eq!(checked.cache_control(), "no-store");
    assert!(checked.body.contains("Check your answers"), "check step");
    // The answers travel on as hidden inputs.
    assert!(
        checked
            .body
            .contains(r#"name="patient_name" value="Hanako Yamada""#)
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 0);

    let sent = post(&server, "/request", &eligible("nojs-0001", "send"));
    assert_eq!(sent.status, 303);
    let location = sent.location().to_owned();
    assert!(location.starts_with("/request/sent/"), "{location}");
    let again = post(&server, "/request", &eligible("nojs-0001", "send"));
    assert_eq!(again.location(), location);
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 1);

    // The confirmation shows only in the browser that sent the request.
    let cookie = sent.set_cookie().to_owned();
    assert!(!cookie.is_empty(), "the sent cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap_or_default().to_owned();
    let elsewhere = get(&server, &location);
    assert_eq!(elsewhere.status, 404);
    assert!(!elsewhere.body.contains("The referral letter"));

    let confirmation = get_with_cookie(&server, &location, &cookie);
    assert_eq!(confirmation.status, 200);
    assert_eq!(confirmation.cache_control(), "no-store");
    let reference = location.trim_start_matches("/request/sent/");
    assert!(confirmation.body.contains(reference));
    assert!(confirmation.body.contains("Request received"));
    assert!(
        confirmation
            .body
            .contains("The referral letter from your present doctor")
    );
    // It prints as the request form, with every answer: only for the
    // browser that sent it.
    assert!(confirmation.body.contains("Hanako Yamada"));
    assert!(!elsewhere.body.contains("Hanako"));
}

#[test]
fn a_form_with_errors_comes_back_with_every_answer_kept_and_nothing_stored() {
    let server = TestServer::start();
    let fields = with(eligible("nojs-0002", "send"), "patient_phone", "call me");
    let answer = post(&server, "/request", &fields);
    assert_eq!(answer.status, 422);
    assert_eq!(answer.cache_control(), "no-store");
    assert!(answer.body.contains("Please correct these answers"));
    assert!(answer.body.contains("Please enter a phone number"));
    assert!(answer.body.contains(r#"value="call me""#));
    assert!(answer.body.contains(r#"value="Hanako Yamada""#));
    assert!(answer.body.contains(">Stage II breast cancer</textarea>"));
    assert!(
        answer
            .body
            .contains(r#"aria-describedby="patient_phone-hint patient_phone-error""#)
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 0);
}

#[test]
fn a_litigation_request_posted_without_javascript_is_refused_with_its_reason() {
    let server = TestServer::start();
    let fields = with(eligible("nojs-0003", "send"), "purpose", "litigation");
    let answer = post(&server, "/request", &fields);
    assert_eq!(answer.status, 422);
    assert!(answer.body.contains("This request cannot be sent yet"));
    assert!(
        answer
            .body
            .contains("We do not accept a second opinion for a dispute or a lawsuit.")
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 0);
}

#[test]
fn the_status_posted_without_javascript_answers_and_keeps_the_reference() {
    let server = TestServer::start();
    let sent = post(&server, "/request", &eligible("nojs-0004", "send"));
    let location = sent.location().to_owned();
    assert!(!location.is_empty(), "redirect");
    let reference = location.trim_start_matches("/request/sent/").to_owned();

    let found = post(
        &server,
        "/status",
        &[
            ("reference", reference.clone()),
            ("date_of_birth", "1970-04-01".into()),
        ],
    );
    assert_eq!(found.status, 200);
    assert!(found.body.contains("Received on"), "received");
    assert_eq!(found.cache_control(), "no-store");

    let wrong = post(
        &server,
        "/status",
        &[
            ("reference", reference.clone()),
            ("date_of_birth", "1970-04-02".into()),
        ],
    );
    assert_eq!(wrong.status, 404);
    assert!(
        wrong
            .body
            .contains("We found no request with this reference and date of birth")
    );
    assert!(wrong.body.contains(&format!(r#"value="{reference}""#)));
}

#[test]
fn an_unknown_confirmation_says_so_with_404() {
    let server = TestServer::start();
    let answer = get(&server, "/request/sent/ZZZZ-ZZZZ");
    assert_eq!(answer.status, 404);
    assert!(
        answer
            .body
            .contains("We found no request with this reference.")
    );
}

#[test]
fn a_posted_form_over_the_size_limit_is_refused_with_413_before_it_is_read() {
    let server = TestServer::start();
    for path in ["/request", "/status"] {
        let status_line = server.answer_to_oversized_post(path);
        assert!(
            status_line.starts_with("HTTP/1.1 413"),
            "{path}: {status_line}"
        );
    }
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 0);
}

#[test]
fn changed_answers_sent_again_from_the_same_form_get_a_new_id_to_send_with() {
    let server = TestServer::start();
    let first = post(&server, "/request", &eligible("nojs-0006", "send"));
    assert_eq!(first.status, 303);
    // The answer to the first send was lost; the patient changed an answer.
    let changed = with(
        eligible("nojs-0006", "send"),
        "questions",
        "Another question",
    );
    let answer = post(&server, "/request", &changed);
    assert_eq!(answer.status, 409);
    assert!(
        answer
            .body
            .contains("Press Send again to send them as a new request.")
    );
    assert!(answer.body.contains(r#"value="Another question""#));
    assert!(
        !answer.body.contains(r#"value="nojs-0006""#),
        "a new submission id"
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 1);
}
