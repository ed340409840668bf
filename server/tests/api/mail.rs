//! E-mail to the patient through a real SMTP server (aiosmtpd), and
//! reception's calls: what is sent and when, in the request's words and
//! with nothing medical; the outbox's retries, failures and restarts; the
//! calendar entries; the call log and the proposal to decline.

use std::time::{Duration, Instant};

use icalendar::{Calendar, Component};
use mail_parser::{MessageParser, MimeHeaders};

use crate::helpers::{MailServer, TestServer, free_port, mail_options};
use crate::staff::{EVERY_WEEKDAY, admin_with_specialist, assign_and_book, hidden_value};

/// The answers that ask for news by e-mail.
const WITH_UPDATES: &[(&str, &str)] = &[
    ("patient_email", "hanako@example.jp"),
    ("email_updates", "true"),
];

/// `EVERY_WEEKDAY` with news by e-mail.
fn booked_by_email() -> Vec<(&'static str, &'static str)> {
    EVERY_WEEKDAY.iter().chain(WITH_UPDATES).copied().collect()
}

fn options(mail: &[String]) -> Vec<&str> {
    mail.iter().map(String::as_str).collect()
}

/// Waits (up to 30 s) until `sql` counts `expected`.
fn wait_until(server: &TestServer, sql: &str, expected: i64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let count = server.count(sql);
        if count == expected {
            return;
        }
        assert!(Instant::now() < deadline, "{sql}: {count}, not {expected}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Follows the link of the address confirmation, the `n`th message the
/// mail server has, as the patient does: the page, then its button.
fn confirm_from(server: &TestServer, mail: &MailServer, n: usize) {
    let messages = mail.wait_for(n);
    let (_, text) = subject_and_text(&messages[n - 1]);
    let start = text.find("/confirm/").expect("the confirmation link") + "/confirm/".len();
    let token: String = text[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    let path = format!("/confirm/{token}");
    let page = server.send("GET", &path, None, &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(server.send("POST", &path, None, &[]).status, 200);
}

/// Posts a change to the case at `path` on the version it shows now.
fn change(server: &TestServer, cookie: &str, path: &str, fields: &[(&str, &str)]) {
    let page = server.send("GET", path, Some(cookie), &[]).body;
    let version = hidden_value(&page, "version");
    let mut form = fields.to_vec();
    form.push(("version", &version));
    let answer = server.send("POST", path, Some(cookie), &form);
    assert_eq!(answer.status, 303, "{}", answer.body);
}

/// A staff page, in English.
fn english(server: &TestServer, path: &str, cookie: &str) -> String {
    server
        .send_with("GET", path, Some(cookie), &[], &[("Accept-Language", "en")])
        .body
}

/// The calendar part of a message, parsed.
fn calendar_of(raw: &str) -> (String, Calendar) {
    let message = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a message");
    let part = message
        .parts
        .iter()
        .find(|part| {
            part.content_type()
                .is_some_and(|kind| kind.ctype() == "text" && kind.subtype() == Some("calendar"))
        })
        .expect("a text/calendar part");
    let method = part
        .content_type()
        .and_then(|kind| kind.attribute("method"))
        .unwrap_or_default()
        .to_owned();
    let text = part.text_contents().expect("calendar text").to_owned();
    (method, text.parse().expect("the .ics parses"))
}

fn subject_and_text(raw: &str) -> (String, String) {
    let message = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a message");
    (
        message.subject().unwrap_or_default().to_owned(),
        message.body_text(0).expect("a text part").into_owned(),
    )
}

#[test]
fn a_request_that_asks_for_news_gets_exactly_one_received_message_with_no_diagnosis() {
    let mail = MailServer::start();
    let server = TestServer::start_with(&options(&mail.options()));
    let reference = server.submit("mail-0001", WITH_UPDATES);
    // The same submission again (a double click) sends nothing new; a
    // request without the box ticked sends nothing.
    server.submit("mail-0001", WITH_UPDATES);
    server.submit("mail-0002", &[("patient_email", "taro@example.jp")]);
    // The first message to the address only asks to confirm it; nothing
    // else goes before.
    let first = mail.wait_for(1);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(mail.messages().len(), 1);
    let (_, asking) = subject_and_text(&first[0]);
    assert!(asking.contains("confirm that it is yours"), "{asking}");
    for secret in ["breast", "Stage II", "cancer", "Hanako", "33,000"] {
        assert!(!asking.contains(secret), "{secret} in {asking}");
    }
    confirm_from(&server, &mail, 1);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'address_confirmed'"),
        1
    );
    let messages = mail.wait_for(2);
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(mail.messages().len(), 2);
    let raw = &messages[1];
    let parsed = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a message");
    let dashed = format!("{}-{}", &reference[..4], &reference[4..]);
    assert_eq!(
        parsed.subject(),
        Some(format!("Second opinion outpatient service: reference {dashed}").as_str())
    );
    assert_eq!(
        parsed
            .to()
            .and_then(|to| to.first())
            .and_then(|to| to.address()),
        Some("hanako@example.jp")
    );
    assert!(
        parsed
            .message_id()
            .is_some_and(|id| id.ends_with("@hospital.example.jp"))
    );
    let text = parsed.body_text(0).expect("text");
    let html = parsed.body_html(0).expect("html");
    for body in [&text, &html] {
        assert!(body.contains(&dashed), "{body}");
        assert!(body.contains("33,000 yen"), "{body}");
        assert!(
            body.contains("The referral letter from your present doctor"),
            "{body}"
        );
        for secret in [
            "breast", "Stage II", "cancer", "Surgery", "Hanako", "Yamada",
        ] {
            assert!(!body.contains(secret), "{secret} in {body}");
        }
    }
    assert!(
        text.contains(&format!("{}/status", server.base_url)),
        "{text}"
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM messages WHERE status = 'sent' AND attempts = 1"),
        2
    );
    // Nothing of the message reaches the log.
    assert!(!server.log_contains("hanako@example.jp"));
}

#[test]
fn ticking_news_without_an_address_is_refused_with_the_reason() {
    let server = TestServer::start();
    let mut fields = crate::helpers::eligible_submission("mail-0003");
    fields.push(("input[form][email_updates]".into(), "true".into()));
    let (status, body) = server.call_server_fn("submit_request", &fields);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("needed_for_email_updates"), "{body}");
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 0);
}

#[test]
fn without_a_mail_server_messages_wait_and_the_case_page_and_the_queue_say_so() {
    let server = TestServer::start();
    let reference = server.submit("mail-0004", WITH_UPDATES);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM messages WHERE status = 'queued' AND kind = 'received'"),
        1
    );
    // (As if the confirmation had gone out before and been followed.)
    server.execute(
        "UPDATE messages SET status = 'sent', sent_at = first_tried_at WHERE kind = 'confirm_address'",
    );
    server.confirm_addresses_directly();
    server.add_staff("sato", "reception", "Sato");
    let cookie = server.sign_in("sato");
    let page = server.send(
        "GET",
        &format!("/staff/cases/{reference}"),
        Some(&cookie),
        &[],
    );
    assert!(
        page.body.contains("data-testid=\"mail-not-configured\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("hanako@example.jp"));
    // The queue says how many wait, so that reception calls instead.
    let queue = english(&server, "/staff", &cookie);
    assert!(
        queue.contains("E-mails to patients waiting to be sent: 1. No mail server"),
        "{queue}"
    );
    // A booking's e-mail waits too, until its appointment begins: then it
    // would be withdrawn, not sent, and is no longer counted.
    let (admin, specialist) = admin_with_specialist(&server);
    let (_, booked) = assign_and_book(&server, &admin, &reference, &specialist, "10:30");
    assert_eq!(booked.status, 303);
    assert!(english(&server, "/staff", &admin).contains("waiting to be sent: 2."));
    server.execute(&format!(
        "UPDATE appointments SET day = '{}'",
        crate::helpers::japan_today() - chrono::Duration::days(2)
    ));
    assert!(english(&server, "/staff", &admin).contains("waiting to be sent: 1."));
}

#[test]
fn booking_moving_and_cancelling_update_one_calendar_entry_and_the_reminder() {
    let mail = MailServer::start();
    let server = TestServer::start_with(&options(&mail.options()));
    let reference = server.submit("mail-0005", &booked_by_email());
    confirm_from(&server, &mail, 1);
    mail.wait_for(2);
    let (admin, specialist) = admin_with_specialist(&server);
    let (day, booked) = assign_and_book(&server, &admin, &reference, &specialist, "10:30");
    assert_eq!(booked.status, 303);
    let queue = server.send("GET", "/staff", Some(&admin), &[]).body;
    assert!(
        !queue.contains("data-testid=\"mail-waiting\""),
        "a mail server sends"
    );
    let messages = mail.wait_for(3);
    let (method, calendar) = calendar_of(&messages[2]);
    assert_eq!(method, "REQUEST");
    assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));
    let event = calendar.events().next().expect("an event");
    let uid = event.get_uid().expect("a UID").to_owned();
    assert_eq!(event.get_sequence(), Some(0));
    let start = event.properties().get("DTSTART").expect("DTSTART");
    assert_eq!(
        start.value(),
        format!("{}T103000", day.replace('-', "")),
        "the start in Japan time"
    );
    assert_eq!(
        start.params().get("TZID").map(icalendar::Parameter::value),
        Some("Asia/Tokyo")
    );
    let (_, text) = subject_and_text(&messages[2]);
    assert!(text.contains("10:30"), "{text}");

    // The reminder waits for 10:00 Japan time on the consultation day before.
    let due = server.count(&format!(
        "SELECT COUNT(*) FROM messages WHERE kind = 'reminder' AND status = 'queued' \
         AND due_at = '{}'",
        reminder_due_utc(&day)
    ));
    assert_eq!(
        due, 1,
        "one reminder, due the consultation day before at 10:00 JST"
    );

    // Moved: the same entry, a higher SEQUENCE; the old reminder withdrawn.
    let path = format!("/staff/cases/{reference}");
    change(
        &server,
        &admin,
        &path,
        &[("action", "schedule"), ("day", &day), ("start", "14:00")],
    );
    let messages = mail.wait_for(4);
    let (_, calendar) = calendar_of(&messages[3]);
    let event = calendar.events().next().expect("an event");
    assert_eq!(event.get_uid(), Some(uid.as_str()));
    assert_eq!(event.get_sequence(), Some(1));
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM messages WHERE kind = 'reminder' AND status = 'withdrawn'"
        ),
        1
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM messages WHERE kind = 'reminder' AND status = 'queued'"),
        1
    );

    // The patient downloads the same entry from the status page.
    let status = server.send(
        "POST",
        "/status/calendar",
        None,
        &[("reference", &reference), ("date_of_birth", "1970-04-01")],
    );
    assert_eq!(status.status, 200);
    assert!(status.header("content-type").starts_with("text/calendar"));
    let downloaded: Calendar = status.body.parse().expect("the .ics parses");
    let event = downloaded.events().next().expect("an event");
    assert_eq!(event.get_uid(), Some(uid.as_str()));
    assert_eq!(event.get_sequence(), Some(1));
    // A wrong date of birth gets the status page's "not found", no file.
    let wrong = server.send(
        "POST",
        "/status/calendar",
        None,
        &[("reference", &reference), ("date_of_birth", "1970-04-02")],
    );
    assert!(!wrong.header("content-type").starts_with("text/calendar"));

    // Cancelled: METHOD:CANCEL for the same entry, and no reminder left.
    change(&server, &admin, &path, &[("action", "cancel_appointment")]);
    let messages = mail.wait_for(5);
    let (method, calendar) = calendar_of(&messages[4]);
    assert_eq!(method, "CANCEL");
    let event = calendar.events().next().expect("an event");
    assert_eq!(event.get_uid(), Some(uid.as_str()));
    assert_eq!(event.get_sequence(), Some(2));
    assert_eq!(
        server.count("SELECT COUNT(*) FROM messages WHERE kind = 'reminder' AND status = 'queued'"),
        0
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'message_queued'"),
        3
    );
}

/// When the reminder of an appointment on `day` is due, as stored (UTC).
fn reminder_due_utc(day: &str) -> String {
    let calendar = domain::Calendar::new();
    let due = domain::contact::reminder_due(&calendar, day.parse().expect("a day"));
    let utc = due - chrono::Duration::hours(9);
    format!("{}Z", utc.format("%Y-%m-%dT%H:%M:%S%.3f"))
}

#[test]
fn a_declined_request_tells_the_reason_in_the_hospitals_words_without_the_note() {
    let mail = MailServer::start();
    let server = TestServer::start_with(&options(&mail.options()));
    let reference = server.submit("mail-0006", WITH_UPDATES);
    confirm_from(&server, &mail, 1);
    mail.wait_for(2);
    server.add_staff("sato", "reception", "Sato");
    let cookie = server.sign_in("sato");
    let path = format!("/staff/cases/{reference}");
    let page = server.send("GET", &path, Some(&cookie), &[]).body;
    let declined = server.send(
        "POST",
        &path,
        Some(&cookie),
        &[
            ("action", "decline"),
            ("decline_reason", "outside_specialties"),
            (
                "decline_note",
                "Internal: rare sarcoma, refer to the cancer centre",
            ),
            ("version", &hidden_value(&page, "version")),
        ],
    );
    assert_eq!(declined.status, 303);
    let messages = mail.wait_for(3);
    let (_, text) = subject_and_text(&messages[2]);
    assert!(text.contains("outside the specialties"), "{text}");
    assert!(text.contains("present doctor"), "{text}");
    assert!(!text.contains("sarcoma"), "{text}");
}

#[test]
fn a_refusing_mail_server_leaves_the_message_retried_then_failed_and_shown_to_reception() {
    let mail = MailServer::refusing();
    let server = TestServer::start_with(&options(&mail.options()));
    let reference = server.submit("mail-0007", WITH_UPDATES);
    wait_until(
        &server,
        "SELECT COUNT(*) FROM messages WHERE status = 'failed' AND attempts >= 3 \
         AND last_answer LIKE '%550%'",
        1,
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'message_failed'"),
        1
    );
    server.add_staff("sato", "reception", "Sato");
    let cookie = server.sign_in("sato");
    let queue = english(&server, "/staff", &cookie);
    assert!(queue.contains("data-testid=\"mail-failed\""), "{queue}");
    let page = english(&server, &format!("/staff/cases/{reference}"), &cookie);
    assert!(page.contains("Relaying denied"), "{page}");
    assert!(page.contains("Failed"), "{page}");
    // Sent again: queued afresh, and audited.
    let id = server
        .count("SELECT id FROM messages WHERE status = 'failed'")
        .to_string();
    let again = server.send(
        "POST",
        &format!("/staff/cases/{reference}"),
        Some(&cookie),
        &[("action", "send_again"), ("message", &id)],
    );
    assert_eq!(again.status, 303);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'message_sent_again'"),
        1
    );
    assert!(!server.log_contains("hanako@example.jp"));
}

#[test]
fn a_mail_server_that_is_down_is_tried_again_until_it_answers() {
    let port = free_port();
    let settings = mail_options(port, "1");
    let server = TestServer::start_with(&options(&settings));
    server.submit("mail-0008", WITH_UPDATES);
    wait_until(
        &server,
        "SELECT COUNT(*) FROM messages WHERE status = 'queued' AND attempts >= 2",
        1,
    );
    let mail = MailServer::start_on(port, false);
    mail.wait_for(1);
    wait_until(
        &server,
        "SELECT COUNT(*) FROM messages WHERE status = 'sent'",
        1,
    );
}

#[test]
fn a_booking_still_waiting_when_its_appointment_begins_is_withdrawn_not_sent() {
    let port = free_port();
    let settings = mail_options(port, "24");
    let server = TestServer::start_with(&options(&settings));
    let reference = server.submit("mail-0010", &booked_by_email());
    server.confirm_addresses_directly();
    let (admin, specialist) = admin_with_specialist(&server);
    let (_, booked) = assign_and_book(&server, &admin, &reference, &specialist, "10:30");
    assert_eq!(booked.status, 303);
    let about_the_appointment =
        server.count("SELECT COUNT(*) FROM messages WHERE appointment_id IS NOT NULL");
    assert!(about_the_appointment >= 1, "the booking (and its reminder)");
    // The mail server stays down until the appointment has begun; then
    // every message is due again.
    server.execute(&format!(
        "UPDATE appointments SET day = '{}'",
        crate::helpers::japan_today() - chrono::Duration::days(2)
    ));
    server.execute(
        "UPDATE messages SET next_attempt_at = (SELECT due_at FROM messages WHERE kind = 'received')",
    );
    let mail = MailServer::start_on(port, false);
    wait_until(
        &server,
        "SELECT COUNT(*) FROM messages WHERE status = 'sent' AND kind = 'received'",
        1,
    );
    wait_until(
        &server,
        "SELECT COUNT(*) FROM messages WHERE status = 'withdrawn' AND appointment_id IS NOT NULL",
        about_the_appointment,
    );
    std::thread::sleep(Duration::from_secs(2));
    let delivered = mail.messages();
    assert_eq!(
        delivered.len(),
        2,
        "only the address's confirmation and the request's receipt went"
    );
    server.add_staff("sato", "reception", "Sato");
    let cookie = server.sign_in("sato");
    let page = english(&server, &format!("/staff/cases/{reference}"), &cookie);
    assert!(page.contains("Withdrawn"), "{page}");
}

#[test]
fn killed_while_sending_then_restarted_every_message_is_delivered_at_least_once() {
    let mail = MailServer::start();
    let settings = mail.options();
    let mut server = TestServer::start_with(&options(&settings));
    let references: Vec<String> = (0..30)
        .map(|n| server.submit(&format!("kill-{n:05}"), WITH_UPDATES))
        .collect();
    // (The address confirmed as if its link had been followed: the
    // "received" messages follow.)
    server.confirm_addresses_directly();
    // Killed as the mail task works through them.
    server.kill_and_restart(&options(&settings));
    // Thirty "received", and three confirmations: one address gets at most
    // three a day, whatever the requests.
    wait_until(
        &server,
        "SELECT COUNT(*) FROM messages WHERE status = 'sent'",
        33,
    );
    let messages = mail.wait_for(33);
    for reference in references {
        let dashed = format!("{}-{}", &reference[..4], &reference[4..]);
        assert!(
            messages.iter().any(|raw| {
                let (subject, text) = subject_and_text(raw);
                subject.ends_with(&dashed) && text.contains("33,000 yen")
            }),
            "{dashed}'s \"received\" was not delivered"
        );
    }
}

#[test]
fn the_case_page_dials_the_patient_and_the_family_member_who_asked() {
    let server = TestServer::start();
    let family = [
        ("requester", "family_member"),
        ("requester_name", "Taro Yamada"),
        ("requester_relationship", "Son"),
        ("requester_phone", "080-9876-5432"),
        ("patient_consents_to_family_request", "yes"),
    ];
    let reference = server.submit("dial-0001", &family);
    // The patient asks: a number typed for a representative is not kept.
    let alone = server.submit("dial-0002", &[("requester_phone", "080-9876-5432")]);
    server.add_staff("sato", "reception", "Sato");
    let cookie = server.sign_in("sato");
    let page = |reference: &str| english(&server, &format!("/staff/cases/{reference}"), &cookie);
    let both = page(&reference);
    assert!(both.contains("href=\"tel:09012345678\""), "{both}");
    assert!(both.contains("href=\"tel:08098765432\""), "{both}");
    assert!(both.contains("Requester&#x27;s phone") || both.contains("Requester's phone"));
    assert!(both.contains("(Taro Yamada, Son)"), "{both}");
    let one = page(&alone);
    assert!(!one.contains("tel:08098765432"), "{one}");
    assert!(!one.contains("data-testid=\"requester-phone\""));
}

#[test]
fn calls_are_logged_and_unanswered_ones_on_two_days_propose_declining() {
    let server = TestServer::start();
    let reference = server.submit("call-0001", &[]);
    server.add_staff("sato", "reception", "Sato");
    let cookie = server.sign_in("sato");
    let path = format!("/staff/cases/{reference}");
    let page = server.send("GET", &path, Some(&cookie), &[]).body;
    assert!(
        page.contains("href=\"tel:090-12345678\"") || page.contains("href=\"tel:09012345678\""),
        "{page}"
    );
    // A call needs its outcome.
    let refused = server.send_with(
        "POST",
        &path,
        Some(&cookie),
        &[("action", "call")],
        &[("Accept-Language", "en")],
    );
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("Choose how the call ended"),
        "{}",
        refused.body
    );
    for outcome in ["no_answer", "left_message"] {
        let called = server.send(
            "POST",
            &path,
            Some(&cookie),
            &[
                ("action", "call"),
                ("outcome", outcome),
                ("call_note", "tried the mobile"),
            ],
        );
        assert_eq!(called.status, 303);
    }
    let queue = english(&server, "/staff", &cookie);
    assert!(queue.contains("data-testid=\"to-call\""), "{queue}");
    assert!(queue.contains("Calls: 2 · last: Left a message"), "{queue}");
    let page = server.send("GET", &path, Some(&cookie), &[]).body;
    assert!(!page.contains("data-testid=\"propose-declining\""));

    // Calls on a closed day do not count (the patient may be away for a
    // holiday), so the two made now are moved to the last consultation
    // day, whatever day the test runs; a third unanswered call, on the
    // consultation day before that, makes two days.
    let mut earlier = crate::helpers::consultation_days_before(crate::helpers::japan_today());
    let (last, before) = (earlier.next(), earlier.next());
    let (last, before) = (last.expect("a consultation day"), before.expect("another"));
    server.execute(&format!("UPDATE calls SET at = '{last}T02:00:00.000Z'"));
    let page = server.send("GET", &path, Some(&cookie), &[]).body;
    assert!(!page.contains("data-testid=\"propose-declining\""));
    server.execute(&format!(
        "INSERT INTO calls (case_id, at, outcome, caller) \
         SELECT id, '{before}T02:00:00.000Z', 'no_answer', 'Sato' FROM cases"
    ));
    let page = server.send("GET", &path, Some(&cookie), &[]).body;
    assert!(page.contains("data-testid=\"propose-declining\""), "{page}");
    assert!(
        page.contains("<option value=\"could_not_contact\" selected"),
        "the decline form proposes the reason"
    );

    // Reached at last: nothing to call, nothing proposed.
    let reached = server.send(
        "POST",
        &path,
        Some(&cookie),
        &[("action", "call"), ("outcome", "reached")],
    );
    assert_eq!(reached.status, 303);
    let page = server.send("GET", &path, Some(&cookie), &[]).body;
    assert!(!page.contains("data-testid=\"propose-declining\""));
    let queue = server.send("GET", "/staff", Some(&cookie), &[]).body;
    assert!(!queue.contains("data-testid=\"to-call\""), "{queue}");
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM audit WHERE action = 'call_recorded' AND actor = 'sato'"),
        3
    );
}

/// The answer links of a message's text, by their words.
fn links_of(raw: &str) -> Vec<(String, String)> {
    let (_, text) = subject_and_text(raw);
    let lines: Vec<&str> = text.lines().collect();
    lines
        .windows(2)
        .filter_map(|pair| {
            let url = pair[1].trim();
            url.contains("/respond/").then(|| {
                let words = pair[0].trim_start_matches("- ").trim_end_matches(':');
                (words.to_owned(), url.to_owned())
            })
        })
        .collect()
}

#[test]
fn the_answer_links_change_nothing_until_confirmed_and_reception_sees_the_answer() {
    let mail = MailServer::start();
    let server = TestServer::start_with(&options(&mail.options()));
    let reference = server.submit("mail-0009", &booked_by_email());
    confirm_from(&server, &mail, 1);
    mail.wait_for(2);
    let (admin, specialist) = admin_with_specialist(&server);
    let (day, _) = assign_and_book(&server, &admin, &reference, &specialist, "11:00");
    let messages = mail.wait_for(3);
    let links = links_of(&messages[2]);
    let words: Vec<&str> = links.iter().map(|(words, _)| words.as_str()).collect();
    assert_eq!(
        words,
        ["I will come", "I need another day", "Cancel my request"]
    );
    // The stored message holds placeholders, never a token.
    let token = links[1].1.rsplit('/').next().expect("a token").to_owned();
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM messages WHERE text_body LIKE '%{token}%' OR html_body LIKE '%{token}%'"
        )),
        0
    );
    let path = links[1].1.trim_start_matches(&server.base_url).to_owned();

    // Opening the link (as a mail system's scanner would) changes nothing.
    let opened = server.send_with("GET", &path, None, &[], &[("Accept-Language", "en")]);
    assert_eq!(opened.status, 200);
    assert!(
        opened.body.contains("I need another day"),
        "{}",
        opened.body
    );
    assert!(opened.body.contains("11:00"));
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases WHERE patient_answer IS NOT NULL"),
        0
    );
    // Confirmed: recorded, audited, shown to reception and on /status.
    let confirmed = server.send("POST", &path, None, &[]);
    assert_eq!(confirmed.status, 200);
    assert!(confirmed.body.contains("data-testid=\"answer-recorded\""));
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases WHERE patient_answer = 'another_day'"),
        1
    );
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM audit WHERE action = 'patient_answered' AND after = 'another_day'"
        ),
        1
    );
    let queue = english(&server, "/staff", &admin);
    assert!(queue.contains("Wants another day"), "{queue}");
    let page = english(&server, &format!("/staff/cases/{reference}"), &admin);
    assert!(page.contains("data-testid=\"patient-answer\""), "{page}");
    let status = server.send_with(
        "POST",
        "/status",
        None,
        &[("reference", &reference), ("date_of_birth", "1970-04-01")],
        &[("Accept-Language", "en")],
    );
    assert!(
        status.body.contains("You told us: I need another day"),
        "{}",
        status.body
    );

    // Moved: the old links no longer hold; the answer is cleared.
    change(
        &server,
        &admin,
        &format!("/staff/cases/{reference}"),
        &[("action", "schedule"), ("day", &day), ("start", "13:00")],
    );
    let stale = server.send(
        "GET",
        links[0].1.trim_start_matches(&server.base_url),
        None,
        &[],
    );
    assert_eq!(stale.status, 404);
    assert!(stale.body.contains("data-testid=\"link-invalid\""));
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases WHERE patient_answer IS NOT NULL"),
        0
    );
    // A made-up token is refused the same way.
    let made_up = server.send("POST", &format!("/respond/{}", "ab".repeat(32)), None, &[]);
    assert_eq!(made_up.status, 404);
}

/// The request form's link, the `n`th message the mail server has: its
/// path (`/form/<token>`).
fn form_link_in(mail: &MailServer, n: usize) -> String {
    let messages = mail.wait_for(n);
    let (subject, text) = subject_and_text(&messages[n - 1]);
    assert!(
        !subject.contains("form"),
        "the subject says nothing: {subject}"
    );
    for secret in ["breast", "Stage II", "Surgery", "Hanako", "Yamada"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let start = text.find("/form/").expect("the form's link") + "/form/".len();
    let token: String = text[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    format!("/form/{token}")
}

#[test]
fn the_full_request_form_opens_once_through_a_link_mailed_to_the_confirmed_address_only() {
    use crate::pages::post;
    let mail = MailServer::start();
    let server = TestServer::start_with(&options(&mail.options()));
    let reference = server.submit("form-0001", WITH_UPDATES);
    let ask = || {
        post(
            &server,
            "/status/form-link",
            &[
                ("reference", reference.clone()),
                ("date_of_birth", "1970-04-01".to_owned()),
            ],
        )
    };
    // The status answer offers the link, never the form itself…
    let status = post(
        &server,
        "/status",
        &[
            ("reference", reference.clone()),
            ("date_of_birth", "1970-04-01".to_owned()),
        ],
    );
    assert!(
        status.body.contains("action=\"/status/form-link\""),
        "{}",
        status.body
    );
    assert!(!status.body.contains("Stage II breast cancer"));
    // …and sends it only to a confirmed address.
    let unconfirmed = ask();
    assert_eq!(unconfirmed.status, 200);
    assert!(
        unconfirmed.body.contains("no confirmed e-mail address"),
        "{}",
        unconfirmed.body
    );
    confirm_from(&server, &mail, 1);
    mail.wait_for(2); // "received", which waited for the confirmation
    let asked = ask();
    assert!(
        asked.body.contains("We are sending a link"),
        "{}",
        asked.body
    );
    assert!(!asked.body.contains("Stage II breast cancer"));
    let path = form_link_in(&mail, 3);
    // A mail scanner opening the link sees a button and nothing else; the
    // language switch posts the way back, keeping the token out of logged
    // addresses.
    let page = server.send("GET", &path, None, &[]);
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Stage II breast cancer"));
    assert!(!page.body.contains("set-lang?"), "{}", page.body);
    // The button shows every answer, once.
    let form = server.send("POST", &path, None, &[]);
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.body.contains("Stage II breast cancer"),
        "{}",
        form.body
    );
    assert!(form.body.contains("Surgery or chemotherapy first?"));
    let again = server.send("POST", &path, None, &[]);
    assert_eq!(again.status, 410);
    assert!(!again.body.contains("Stage II breast cancer"));
    // Not a link of ours: not found, before any query.
    assert_eq!(server.send("POST", "/form/zz", None, &[]).status, 404);
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM audit WHERE action IN ('form_link_asked', 'form_link_used') \
             AND address = '127.0.0.1' AND case_id IS NOT NULL"
        ),
        2
    );
    // Three links a day for a request.
    for _ in 0..2 {
        assert!(ask().body.contains("We are sending a link"));
    }
    let fourth = ask();
    assert!(fourth.body.contains("three links"), "{}", fourth.body);
    assert_eq!(server.count("SELECT COUNT(*) FROM form_links"), 3);
    // Past its 24 hours a link opens nothing.
    let late = form_link_in(&mail, 4);
    server.execute(&format!(
        "UPDATE form_links SET sent_at = {}",
        crate::helpers::moment(-25 * 3600)
    ));
    assert_eq!(server.send("POST", &late, None, &[]).status, 410);
}

#[test]
fn two_service_processes_on_one_postgresql_send_each_message_once() {
    if crate::helpers::postgres().is_none() {
        eprintln!("needs PostgreSQL: SQLite is served by one process");
        return;
    }
    let mail = MailServer::start();
    let settings = mail.options();
    let first = TestServer::start_with(&options(&settings));
    let second = first.another_process(&options(&settings));
    // Requests come in through both, and both mail tasks work the outbox.
    let references: Vec<String> = (0..40)
        .map(|n| {
            let server = if n % 2 == 0 { &first } else { &second };
            server.submit(&format!("twice-{n:05}"), WITH_UPDATES)
        })
        .collect();
    first.confirm_addresses_directly();
    // Forty "received", and three confirmations (three a day per address).
    wait_until(
        &first,
        "SELECT COUNT(*) FROM messages WHERE status = 'sent'",
        43,
    );
    std::thread::sleep(Duration::from_secs(2));
    let messages = mail.wait_for(43);
    let mut ids: Vec<String> = messages
        .iter()
        .filter_map(|raw| {
            raw.lines()
                .find_map(|line| line.strip_prefix("Message-ID: "))
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(ids.len(), 43, "every message has its Message-ID");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 43, "no message was sent twice");
    assert_eq!(references.len(), 40);
}
