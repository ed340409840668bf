//! The reference deployment for real: Debian's nginx started with the
//! shipped `deploy/nginx/second-opinion.conf` (only its ports, certificate
//! and upstream changed, by `scripts/nginx-front.sh`) in front of the
//! binary run with `--trusted-proxy 127.0.0.1`, driven with curl over TLS
//! and HTTP/2 from several loopback addresses; and the shipped systemd
//! units checked by `systemd-analyze verify`. They need nginx, openssl,
//! curl and systemd-analyze, so `cargo test` leaves them out and `make
//! test` runs them (`make deploy-check`, which installs nginx if missing).

use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::{Answer, TestServer};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the repository")
        .to_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// nginx in front of `server`, stopped when dropped.
struct Front {
    directory: tempfile::TempDir,
    http: u16,
    https: u16,
}

impl Front {
    fn start(server: &TestServer) -> Self {
        let directory = tempfile::tempdir().expect("nginx's directory");
        let app_port = server
            .url("")
            .rsplit(':')
            .next()
            .and_then(|port| port.parse::<u16>().ok())
            .expect("the app's port");
        let (http, https) = (free_port(), free_port());
        let started = Command::new(repository().join("scripts/nginx-front.sh"))
            .arg(directory.path())
            .args([app_port, http, https].map(|port| port.to_string()))
            .output()
            .expect("run scripts/nginx-front.sh");
        assert!(
            started.status.success(),
            "nginx did not start: {}",
            String::from_utf8_lossy(&started.stderr)
        );
        Self {
            directory,
            http,
            https,
        }
    }

    fn https(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.https)
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.directory.path().join("nginx.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}

/// What curl got, with the HTTP version it spoke.
struct Reply {
    answer: Answer,
    version: String,
}

/// One request with curl (certificate not checked: it is this run's own),
/// from the local address `from`, never following a redirect.
fn curl(from: IpAddr, method: &str, url: &str, form: &[(&str, &str)], headers: &[&str]) -> Reply {
    let directory = tempfile::tempdir().expect("curl's directory");
    let (head, body) = (directory.path().join("head"), directory.path().join("body"));
    let mut command = Command::new("curl");
    command
        .args(["--silent", "--insecure", "--http2", "--request", method])
        .args(["--interface", &from.to_string()])
        .arg("--dump-header")
        .arg(&head)
        .arg("--output")
        .arg(&body)
        .args(["--write-out", "%{http_code} %{http_version}"]);
    for header in headers {
        command.args(["--header", header]);
    }
    if !form.is_empty() {
        let posted = directory.path().join("form");
        std::fs::write(&posted, serde_urlencoded::to_string(form).expect("form")).expect("form");
        command.args(["--data-binary", &format!("@{}", posted.display())]);
    }
    let output = command.arg(url).output().expect("run curl");
    let written = String::from_utf8_lossy(&output.stdout).into_owned();
    let (status, version) = written.split_once(' ').unwrap_or(("0", ""));
    let mut map = ureq::http::HeaderMap::new();
    for line in std::fs::read_to_string(&head).unwrap_or_default().lines() {
        if let Some((name, value)) = line.split_once(':')
            && let (Ok(name), Ok(value)) = (
                ureq::http::HeaderName::from_bytes(name.trim().as_bytes()),
                ureq::http::HeaderValue::from_str(value.trim()),
            )
        {
            map.append(name, value);
        }
    }
    let bytes = std::fs::read(&body).unwrap_or_default();
    Reply {
        answer: Answer {
            status: status.parse().unwrap_or(0),
            headers: map,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        },
        version: version.to_owned(),
    }
}

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn loopback(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

#[test]
#[ignore = "needs nginx, openssl and curl: make deploy-check"]
fn behind_nginx_with_tls_each_client_is_itself_and_the_session_is_secure() {
    let server = TestServer::start_on(&["--trusted-proxy", "127.0.0.1"], &[], |_| {});
    assert!(
        server.log_contains("client addresses"),
        "the start says where they come from"
    );
    let front = Front::start(&server);
    let origin = format!("Origin: https://127.0.0.1:{}", front.https);
    pages_come_over_https_compressed_and_within_limits(&front);
    reception_signs_in_with_secure_cookies(&server, &front, &origin);
    each_client_is_counted_by_its_own_address(&server, &front, &origin);
    a_flood_of_sign_ins_meets_nginx_first(&server, &front, &origin);
    the_probes_answer_this_machine_only_and_stay_out_of_the_access_log(&front);
}

fn the_probes_answer_this_machine_only_and_stay_out_of_the_access_log(front: &Front) {
    let log = front.directory.path().join("access.log");
    let before = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .count();
    for probe in ["/healthz", "/readyz"] {
        let here = curl(LOCAL, "GET", &front.https(probe), &[], &[]);
        assert_eq!(here.answer.status, 200, "{probe}: {}", here.answer.body);
        // Any other address is outside, for nginx.
        let outside = curl(loopback(61), "GET", &front.https(probe), &[], &[]);
        assert_eq!(outside.answer.status, 403, "{probe} from outside");
    }
    assert!(
        curl(LOCAL, "GET", &front.https("/readyz"), &[], &[])
            .answer
            .body
            .starts_with("ready\n")
    );
    let after = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        !after.lines().skip(before).any(|line| line.contains("zz ")),
        "{after}"
    );
}

fn a_flood_of_sign_ins_meets_nginx_first(server: &TestServer, front: &Front, origin: &str) {
    // Forty sign-ins at once from 127.0.0.7: nginx's zone lets a burst of
    // twenty through and answers the rest 429 itself, before the service's
    // own limit (thirty in fifteen minutes) is reached; 127.0.0.8 is
    // another client.
    let attempt = |from: IpAddr, n: usize| {
        curl(
            from,
            "POST",
            &front.https("/staff/login"),
            &[
                ("login", &format!("flood{n}")),
                ("password", "not the password"),
            ],
            &[origin],
        )
        .answer
    };
    let answers: Vec<Answer> = (0..40).map(|n| attempt(loopback(7), n)).collect();
    let refused_by_nginx = answers
        .iter()
        .filter(|answer| {
            answer.status == 429 && answer.body.contains("<title>429 Too Many Requests</title>")
        })
        .count();
    assert!(
        refused_by_nginx >= 15,
        "nginx answered {refused_by_nginx} of 40 itself: {:?}",
        answers
            .iter()
            .map(|answer| answer.status)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        attempt(loopback(8), 0).status,
        401,
        "another client is not held"
    );
    assert!(
        server.count("SELECT COUNT(*) FROM sign_in_attempts WHERE address = '127.0.0.7'") <= 22
    );
}

fn pages_come_over_https_compressed_and_within_limits(front: &Front) {
    // HTTPS over HTTP/2, with HSTS, compressed as asked, nginx's version untold.
    let home = curl(
        LOCAL,
        "GET",
        &front.https("/"),
        &[],
        &["Accept-Encoding: br"],
    );
    assert_eq!(home.answer.status, 200);
    assert_eq!(home.version, "2");
    assert!(
        home.answer
            .header("strict-transport-security")
            .contains("max-age="),
        "HSTS over HTTPS"
    );
    assert_eq!(home.answer.header("content-encoding"), "br");
    assert_eq!(home.answer.header("server"), "nginx");
    let zipped = curl(
        LOCAL,
        "GET",
        &front.https("/request"),
        &[],
        &["Accept-Encoding: gzip"],
    );
    assert_eq!(zipped.answer.header("content-encoding"), "gzip");
    assert_eq!(zipped.answer.header("cache-control"), "no-store");

    // Plain HTTP is sent on to HTTPS.
    let plain = curl(
        LOCAL,
        "GET",
        &format!("http://127.0.0.1:{}/status", front.http),
        &[],
        &[],
    );
    assert_eq!(plain.answer.status, 301);
    assert!(
        plain.answer.location().starts_with("https://"),
        "{}",
        plain.answer.location()
    );

    // A body over the limit stops at nginx.
    let big = "x".repeat(300 * 1024);
    let refused = curl(
        LOCAL,
        "POST",
        &front.https("/request"),
        &[("notes", &big)],
        &[],
    );
    assert_eq!(refused.answer.status, 413);
}

fn reception_signs_in_with_secure_cookies(server: &TestServer, front: &Front, origin: &str) {
    // Reception signs in through it, as a browser would (its Origin, the
    // port included): the cookies are __Host- and Secure.
    server.add_staff("rita", "reception", "Rita Tanaka");
    let password = curl(
        LOCAL,
        "POST",
        &front.https("/staff/login"),
        &[
            ("login", "rita"),
            ("password", crate::helpers::STAFF_PASSWORD),
            ("next", "/staff"),
        ],
        &[origin],
    );
    assert_eq!(password.answer.status, 303, "{}", password.answer.body);
    let pending = password
        .answer
        .cookie("__Host-second_opinion_sign_in")
        .expect("the pending sign-in's __Host- cookie");
    let code = server.fresh_code("rita");
    let signed_in = curl(
        LOCAL,
        "POST",
        &front.https("/staff/login/code"),
        &[("code", &code)],
        &[origin, &format!("Cookie: {pending}")],
    );
    assert_eq!(signed_in.answer.status, 303, "{}", signed_in.answer.body);
    let set = signed_in
        .answer
        .set_cookie_of("__Host-second_opinion_staff");
    assert!(set.contains("Secure") && set.contains("HttpOnly"), "{set}");
    let session = signed_in
        .answer
        .cookie("__Host-second_opinion_staff")
        .expect("the session");
    let queue = curl(
        LOCAL,
        "GET",
        &front.https("/staff"),
        &[],
        &[&format!("Cookie: {session}")],
    );
    assert_eq!(queue.answer.status, 200, "{}", queue.answer.body);
}

fn each_client_is_counted_by_its_own_address(server: &TestServer, front: &Front, origin: &str) {
    // The status limit counts each client by its own address, as nginx
    // names it: 127.0.0.2 spends its ten look-ups; 127.0.0.3 still has its.
    // (Each look-up of another reference: a reference's own limit, ten
    // misses a day from anyone, is not what is checked here.)
    let references = std::cell::Cell::new(0_u8);
    let next_reference = || {
        let n = references.get();
        references.set(n + 1);
        let alphabet = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        format!(
            "AAAA-BB{}{}",
            char::from(alphabet[usize::from(n / 31)]),
            char::from(alphabet[usize::from(n % 31)])
        )
    };
    let look_up = |from: IpAddr| {
        let reference = next_reference();
        curl(
            from,
            "POST",
            &front.https("/status"),
            &[("reference", &reference), ("date_of_birth", "1970-04-01")],
            &[origin],
        )
        .answer
        .status
    };
    for _ in 0..10 {
        assert_eq!(look_up(loopback(2)), 404);
    }
    assert_eq!(look_up(loopback(2)), 429, "the eleventh from 127.0.0.2");
    assert_eq!(look_up(loopback(3)), 404, "127.0.0.3 is another client");

    // Straight to the app's port, a forged X-Forwarded-For is no one's word:
    // 127.0.0.5 is counted as itself, whoever it claims to be, and a forged
    // X-Forwarded-Proto earns no HSTS.
    let direct = |forged: &str| {
        server
            .send_from(
                loopback(5),
                "POST",
                "/status",
                None,
                &[
                    ("reference", next_reference().as_str()),
                    ("date_of_birth", "1970-04-01"),
                ],
                &[("X-Forwarded-For", forged)],
            )
            .status
    };
    for _ in 0..10 {
        assert_eq!(direct("127.0.0.3"), 404);
    }
    assert_eq!(direct("127.0.0.9"), 429, "counted as 127.0.0.5 all along");
    assert_eq!(
        look_up(loopback(3)),
        404,
        "127.0.0.3's look-ups were not spent"
    );
    let forged_https = server.send_from(
        loopback(5),
        "GET",
        "/",
        None,
        &[],
        &[("X-Forwarded-Proto", "https")],
    );
    assert_eq!(forged_https.header("strict-transport-security"), "");
}

#[test]
#[ignore = "needs systemd-analyze: make deploy-check"]
fn the_shipped_systemd_units_verify() {
    let directory = tempfile::tempdir().expect("units' directory");
    let binary = Path::new(crate::helpers::BINARY);
    for unit in [
        "second-opinion.service",
        "second-opinion-backup.service",
        "second-opinion-backup.timer",
    ] {
        let text = std::fs::read_to_string(repository().join("deploy/systemd").join(unit))
            .expect("a shipped unit");
        // Checked as shipped, but for the binary's place (verify wants it to exist).
        let text = text.replace(
            "/opt/second-opinion/second-opinion",
            &binary.display().to_string(),
        );
        std::fs::write(directory.path().join(unit), text).expect("unit");
    }
    let units = ["second-opinion.service", "second-opinion-backup.timer"];
    let verified = Command::new("systemd-analyze")
        .arg("verify")
        .args(units.map(|unit| directory.path().join(unit)))
        .env("SYSTEMD_LOG_LEVEL", "notice")
        .output()
        .expect("run systemd-analyze");
    let said = String::from_utf8_lossy(&verified.stderr);
    // Outside a booted systemd (a container) it may only regret that it
    // cannot reach the manager; anything about the units themselves fails.
    let complaints: Vec<&str> = said
        .lines()
        .filter(|line| line.contains("second-opinion"))
        .collect();
    assert!(verified.status.success() && complaints.is_empty(), "{said}");
    // Confined as before the unit became Type=notify with a watchdog:
    // systemd's exposure score at most 1.5 ("OK"); with its limits.
    let unit = directory.path().join("second-opinion.service");
    let security = Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--threshold=15", "--no-pager"])
        .arg(&unit)
        .output()
        .expect("run systemd-analyze security");
    let scored = String::from_utf8_lossy(&security.stdout);
    assert!(
        security.status.success(),
        "{scored}{}",
        String::from_utf8_lossy(&security.stderr)
    );
    let text = std::fs::read_to_string(&unit).expect("the unit");
    for line in ["Type=notify", "WatchdogSec=30s", "MemoryMax=", "TasksMax="] {
        assert!(text.lines().any(|l| l.starts_with(line)), "{line} missing");
    }
}
