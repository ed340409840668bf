//! The outbox's throughput: how many queued messages a second the mail
//! task delivers to a local SMTP server (Debian's aiosmtpd writing each
//! into a Maildir). 500 requests asking for news are stored with no mail
//! server set; the server is then restarted with one, and the time until
//! the last message is marked sent is measured. Printed, not asserted.

// The tests' helper set; the bench uses the server and the mail server.
#[allow(dead_code)]
#[path = "../tests/api/helpers.rs"]
mod helpers;

use std::time::{Duration, Instant};

use helpers::{MailServer, TestServer, eligible_submission};

const MESSAGES: i64 = 500;

#[allow(clippy::print_stdout, reason = "the figure is the output")]
fn main() {
    let mail = MailServer::start();
    let mut server = TestServer::start_with(&["--trusted-proxy", "127.0.0.1"]);
    for n in 0..MESSAGES {
        let mut fields = eligible_submission(&format!("outbox-{n:08}"));
        fields.push((
            "input[form][patient_email]".into(),
            format!("patient{n}@example.jp"),
        ));
        fields.push(("input[form][email_updates]".into(), "true".into()));
        let address = format!("10.9.{}.{}", n / 256, n % 256);
        let (status, body) = server.call_server_fn_from("submit_request", &fields, Some(&address));
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(
        server.count("SELECT COUNT(*) FROM messages WHERE status = 'queued'"),
        MESSAGES
    );
    let options = mail.options();
    let options: Vec<&str> = options.iter().map(String::as_str).collect();
    let started = Instant::now();
    server.kill_and_restart(&options);
    loop {
        let sent = server.count("SELECT COUNT(*) FROM messages WHERE status = 'sent'");
        if sent == MESSAGES {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(600), "{sent} sent");
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = started.elapsed();
    let received = mail.messages().len();
    println!(
        "outbox: {MESSAGES} messages delivered to aiosmtpd in {:.2} s (restart included): {:.0} messages/s; {received} received",
        elapsed.as_secs_f64(),
        f64::from(u32::try_from(MESSAGES).unwrap_or(0)) / elapsed.as_secs_f64()
    );
}
