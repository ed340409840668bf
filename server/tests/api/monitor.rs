//! What the hospital's IT watches: the probes and why they say "not
//! ready", the metrics scraped and parsed, the JSON log of a journey (one
//! line per request, no typed value in it), systemd's notifications on a
//! socket of the test's own, the mail in hand finished on SIGTERM, a full
//! disk answered in words and survived, and the build's name.

use std::os::unix::net::UnixDatagram;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::helpers::{
    BINARY, MailServer, TestServer, eligible_submission, execute_on, free_port, on_postgres,
    postgres,
};
use crate::pages::{eligible, post, with};

fn get(server: &TestServer, path: &str) -> (u16, String) {
    let answer = server.send("GET", path, None, &[]);
    (answer.status, answer.body)
}

/// The metrics, as Prometheus reads them: each sample's name with its
/// labels, and its value.
fn scrape(port: u16) -> Vec<(String, f64)> {
    let text = crate::helpers::agent()
        .get(&format!("http://127.0.0.1:{port}/metrics"))
        .call()
        .expect("the metrics answer")
        .body_mut()
        .read_to_string()
        .expect("text");
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("a sample: series and value");
            let value = value
                .parse::<f64>()
                .unwrap_or_else(|_| panic!("a number in {line}"));
            (series.to_owned(), value)
        })
        .collect()
}

fn sample(samples: &[(String, f64)], series: &str) -> Option<f64> {
    samples
        .iter()
        .find(|(name, _)| name == series)
        .map(|(_, value)| *value)
}

#[test]
fn the_version_names_the_commit_it_was_built_from() {
    let version = Command::new(BINARY)
        .arg("--version")
        .output()
        .expect("--version");
    let said = String::from_utf8_lossy(&version.stdout);
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("git");
    let head = String::from_utf8_lossy(&head.stdout).trim().to_owned();
    assert!(
        said.starts_with(&format!(
            "second-opinion {} (git {head}",
            env!("CARGO_PKG_VERSION")
        )),
        "{said}"
    );
}

#[test]
fn the_probes_answer_and_readiness_says_in_one_word_what_is_wrong() {
    let metrics = free_port();
    let server = TestServer::start_with(&["--metrics-addr", &format!("127.0.0.1:{metrics}")]);
    assert_eq!(get(&server, "/healthz"), (200, "ok\n".to_owned()));
    let (status, body) = get(&server, "/readyz");
    assert_eq!(status, 200, "{body}");
    let build = String::from_utf8_lossy(
        &Command::new(BINARY)
            .arg("--version")
            .output()
            .expect("--version")
            .stdout,
    )
    .trim()
    .trim_start_matches("second-opinion ")
    .to_owned();
    assert_eq!(body, format!("ready\n{build}\n"));
    // The same build in the metrics.
    let samples = scrape(metrics);
    assert_eq!(
        sample(
            &samples,
            &format!("second_opinion_build_info{{version=\"{build}\"}}")
        ),
        Some(1.0)
    );

    // A migration this build has that the database lost.
    let last = server.count("SELECT MAX(version) FROM _sqlx_migrations");
    let row = server.texts(&format!(
        "SELECT description FROM _sqlx_migrations WHERE version = {last}"
    ));
    server.execute(&format!(
        "UPDATE _sqlx_migrations SET version = -1 WHERE version = {last}"
    ));
    assert_eq!(get(&server, "/readyz"), (503, "migrations\n".to_owned()));
    server.execute(&format!(
        "UPDATE _sqlx_migrations SET version = {last} WHERE version = -1"
    ));
    assert_eq!(row.len(), 1);
    assert_eq!(get(&server, "/readyz").0, 200);

    // The key file moved away.
    let key = server.key_file();
    let moved = key.with_extension("moved");
    std::fs::rename(&key, &moved).expect("move the key file");
    assert_eq!(get(&server, "/readyz"), (503, "key\n".to_owned()));
    std::fs::rename(&moved, &key).expect("put the key file back");
    assert_eq!(get(&server, "/readyz").0, 200);

    // The database gone: SQLite's file moved (the service would write to a
    // file nobody reads), or PostgreSQL's database refusing connections.
    if let Some(admin) = postgres() {
        let name = server
            .database_url()
            .rsplit('/')
            .next()
            .expect("a database name")
            .to_owned();
        execute_on(
            &admin,
            &format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"),
        );
        execute_on(
            &admin,
            &format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ),
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut answer = get(&server, "/readyz");
        while answer.0 == 200 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(200));
            answer = get(&server, "/readyz");
        }
        assert_eq!(answer, (503, "database\n".to_owned()));
        execute_on(
            &admin,
            &format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"),
        );
    } else {
        let file = server.database_file();
        let moved = file.with_extension("moved");
        std::fs::rename(&file, &moved).expect("move the database");
        assert_eq!(get(&server, "/readyz"), (503, "database\n".to_owned()));
        std::fs::rename(&moved, &file).expect("put the database back");
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while get(&server, "/readyz").0 != 200 {
        assert!(
            Instant::now() < deadline,
            "ready again once the database is back"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // The process answered all along.
    assert_eq!(get(&server, "/healthz").0, 200);
}

#[test]
fn the_metrics_count_by_route_template_and_read_the_outbox_and_the_backups() {
    let metrics = free_port();
    let server = TestServer::start_with(&["--metrics-addr", &format!("127.0.0.1:{metrics}")]);
    let reference = server.submit(
        "metrics-0001",
        &[
            ("patient_email", "hanako@example.jp"),
            ("email_updates", "true"),
        ],
    );
    let dashed = format!("{}-{}", &reference[..4], &reference[4..]);
    server.add_staff("admin", "admin", "Admin");
    let cookie = server.sign_in("admin");
    let case = server.send("GET", &format!("/staff/cases/{dashed}"), Some(&cookie), &[]);
    assert_eq!(case.status, 200);
    get(&server, "/no-such-page-AAAA-BBBB");
    // A method nobody uses: counted as "other", not as a series of its own.
    server.send("INVENTEDMETHOD", "/", None, &[]);
    // A wrong password, counted.
    let refused = server.send_with(
        "POST",
        "/staff/login",
        None,
        &[("login", "admin"), ("password", "not the password at all")],
        &[],
    );
    assert_ne!(refused.status, 303);
    let backups = tempfile::tempdir().expect("backups' directory");
    let backup = server
        .command()
        .args(["backup", "--into"])
        .arg(backups.path())
        .args(["--keep-free-mib", "1"])
        .output()
        .expect("backup");
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );

    let samples = scrape(metrics);
    let text = samples
        .iter()
        .map(|(series, _)| series.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    // Named by templates: never a reference, a path not served, or a name.
    for secret in [
        reference.as_str(),
        dashed.as_str(),
        "AAAA-BBBB",
        "no-such-page",
        "INVENTEDMETHOD",
        "Hanako",
        "hanako@",
    ] {
        assert!(!text.contains(secret), "{secret} in the metrics");
    }
    let count = |series: &str| sample(&samples, series).unwrap_or(0.0);
    assert!(
        count(r#"http_requests_total{route="/staff/cases/{reference}",method="GET",status="200"}"#)
            >= 1.0,
        "{text}"
    );
    assert!(
        count(r#"http_requests_total{route="/api/submit_request",method="POST",status="200"}"#)
            >= 1.0
    );
    assert!(count(r#"http_requests_total{route="{unmatched}",method="GET",status="404"}"#) >= 1.0);
    assert!(
        count(
            r#"http_request_duration_seconds_count{route="/staff/cases/{reference}",method="GET"}"#
        ) >= 1.0
    );
    assert!(count(r#"second_opinion_sign_in_failures_total{step="password"}"#) >= 1.0);
    // No mail server: the address's confirmation waits in the outbox.
    assert!(count("second_opinion_outbox_queued") >= 1.0, "{text}");
    assert!(count("second_opinion_outbox_oldest_queued_seconds") >= 0.0);
    assert_eq!(sample(&samples, "second_opinion_outbox_failed"), Some(0.0));
    assert_eq!(sample(&samples, "second_opinion_ready"), Some(1.0));
    let backed_up = count("second_opinion_backup_last_success_timestamp_seconds");
    #[allow(clippy::cast_precision_loss, reason = "seconds since 1970")]
    let now = crate::helpers::now_seconds() as f64;
    assert!(
        (now - backed_up).abs() < 120.0,
        "{backed_up} is not now ({now})"
    );
    for counter in [
        "second_opinion_database_busy_total",
        "second_opinion_database_disk_full_total",
        "second_opinion_panics_total",
        "second_opinion_status_lookup_locked_total",
        "second_opinion_sign_in_throttled_total",
        r#"second_opinion_sign_in_failures_total{step="code"}"#,
    ] {
        assert!(sample(&samples, counter).is_some(), "{counter} is missing");
    }
}

#[test]
fn the_json_log_has_a_line_per_request_and_no_value_the_patient_typed() {
    let server = TestServer::start_with(&["--log-format", "json"]);
    let typed = [
        ("patient_name", "Kiyoshi Tanabe-Zed"),
        ("patient_name_reading", "タナベ キヨシ"),
        ("patient_phone", "080-9876-1234"),
        ("patient_email", "kiyoshi.zed@example.jp"),
        ("present_doctor_name", "Umeko Doctorsson"),
        ("present_institution", "Hinoki Unusual Clinic"),
        ("diagnosis", "Quixotic glioma of the left lobe"),
        ("questions", "Should radiotherapy precede the zebra trial?"),
        ("patient_birth_year", "1963"),
        ("patient_birth_month", "11"),
        ("patient_birth_day", "27"),
    ];
    let mut fields = eligible("json-0001", "send");
    for (name, value) in typed {
        fields = with(fields, name, value);
    }
    let sent = post(&server, "/request", &fields);
    assert_eq!(sent.status, 303, "{}", sent.body);
    let reference = server.texts("SELECT reference FROM cases").remove(0);
    let dashed = format!("{}-{}", &reference[..4], &reference[4..]);
    let (status, _) = server.call_server_fn(
        "find_status",
        &[
            ("query[reference]".to_owned(), dashed.clone()),
            ("query[date_of_birth]".to_owned(), "1963-11-27".to_owned()),
        ],
    );
    assert_eq!(status, 200);
    server.add_staff("reception", "reception", "Reception");
    let cookie = server.sign_in("reception");
    for path in ["/staff".to_owned(), format!("/staff/cases/{dashed}")] {
        assert_eq!(server.send("GET", &path, Some(&cookie), &[]).status, 200);
    }
    std::thread::sleep(Duration::from_millis(300));

    let lines = server.log_lines();
    let mut requests = Vec::new();
    for line in lines.iter().filter(|line| line.starts_with('{')) {
        let entry: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}"));
        for key in ["timestamp", "level", "target", "message"] {
            assert!(entry.get(key).is_some(), "{key} missing in {line}");
        }
        if entry["message"] == "request" {
            requests.push(entry);
        }
    }
    assert!(
        lines.iter().filter(|line| line.starts_with('{')).count() + 3 >= lines.len(),
        "every line but Leptos's own warnings is JSON: {lines:#?}"
    );
    let route_of = |route: &str, method: &str| {
        requests.iter().any(|entry| {
            entry["route"] == route
                && entry["method"] == method
                && entry["status"].is_u64()
                && entry["millis"].is_f64()
        })
    };
    assert!(route_of("/request", "POST"), "{requests:#?}");
    assert!(route_of("/api/find_status", "POST"), "{requests:#?}");
    assert!(route_of("/staff/cases/{reference}", "GET"), "{requests:#?}");
    let whole = lines.join("\n");
    for (field, value) in typed.iter().chain(&[
        ("reference", dashed.as_str()),
        ("reference", reference.as_str()),
    ]) {
        if value.len() > 3 {
            assert!(!whole.contains(value), "{field}'s value is in the log");
        }
    }
    assert!(!whole.contains("1963-11-27"));
}

#[test]
fn systemd_hears_ready_after_migrations_then_the_watchdog_then_stopping() {
    let socket_dir = tempfile::tempdir().expect("the socket's directory");
    let path = socket_dir.path().join("notify");
    let socket = UnixDatagram::bind(&path).expect("a notify socket");
    socket
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("a timeout");
    let started = Instant::now();
    let socket_path = path.display().to_string();
    let mut server = TestServer::start_on(
        &[],
        &[
            ("NOTIFY_SOCKET", &socket_path),
            ("WATCHDOG_USEC", "1000000"),
        ],
        |_| {},
    );
    let mut buffer = [0_u8; 4096];
    let mut receive = || {
        let n = socket.recv(&mut buffer).expect("a notification");
        String::from_utf8_lossy(&buffer[..n]).into_owned()
    };
    let first = receive();
    let ready_after = started.elapsed();
    assert!(first.lines().any(|line| line == "READY=1"), "{first}");
    // Ready means migrated and listening: it answers at once.
    assert!(server.count("SELECT COUNT(*) FROM _sqlx_migrations") > 0);
    assert_eq!(get(&server, "/readyz").0, 200);
    eprintln!("READY=1 {ready_after:?} after the start");
    // Pings at half the interval.
    let pinged = Instant::now();
    let mut pings = 0;
    while pings < 4 {
        let message = receive();
        assert!(
            message.lines().any(|line| line == "WATCHDOG=1"),
            "{message}"
        );
        pings += 1;
    }
    let between = pinged.elapsed() / 4;
    assert!(
        between >= Duration::from_millis(300) && between <= Duration::from_millis(900),
        "pings every {between:?}, not every 0.5 s"
    );
    let pid = server.pid().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status();
    assert!(sent.is_ok_and(|status| status.success()));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let message = receive();
        if message.lines().any(|line| line == "STOPPING=1") {
            break;
        }
        assert!(Instant::now() < deadline, "no STOPPING=1");
    }
    server.terminate();
}

#[test]
fn stopped_mid_send_the_message_in_hand_is_sent_once_and_recorded() {
    // The mail server holds each message 3 s before it answers "250".
    let mail = MailServer::slow();
    let settings = mail.options();
    let options: Vec<&str> = settings.iter().map(String::as_str).collect();
    let mut server = TestServer::start_with(&options);
    server.submit(
        "slow-0001",
        &[
            ("patient_email", "hanako@example.jp"),
            ("email_updates", "true"),
        ],
    );
    // The mail task takes the confirmation within a second; mid-send…
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(mail.messages().len(), 0, "still in hand");
    server.terminate();
    // …the service waited for the answer and recorded it before it ended.
    assert_eq!(
        server.count("SELECT COUNT(*) FROM messages WHERE status = 'sent'"),
        1
    );
    let log = server.log_lines();
    let stopping = log.iter().position(|line| line.contains("shutting down"));
    let sent = log.iter().position(|line| line.contains("message 1 sent"));
    assert!(
        matches!((stopping, sent), (Some(stopping), Some(sent)) if stopping < sent),
        "{log:#?}"
    );
    assert_eq!(mail.wait_for(1).len(), 1);
    // Started again: nothing goes twice.
    server.kill_and_restart(&options);
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(mail.messages().len(), 1);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM messages WHERE status = 'sent' AND attempts = 1"),
        1
    );
}

/// The `n`th client, as the trusted proxy names it: each its own address,
/// under every limit.
fn client(n: u32) -> String {
    let [_, _, high, low] = n.to_be_bytes();
    format!("10.4.{high}.{low}")
}

/// Sends requests until the disk is full, each answered 200 or 503, never
/// 500: how many were acknowledged, and the first refusal.
fn fill_with_requests(server: &TestServer) -> (u32, String) {
    let long = "x".repeat(1900);
    let mut acknowledged = 0;
    let refused = loop {
        let mut fields = eligible_submission(&format!("full-{acknowledged:05}"));
        fields.retain(|(name, _)| name != "input[form][diagnosis]");
        fields.push(("input[form][diagnosis]".to_owned(), long.clone()));
        let (status, body) =
            server.call_server_fn_from("submit_request", &fields, Some(&client(acknowledged)));
        match status {
            200 => acknowledged += 1,
            503 => break body,
            other => panic!("{other}: {body}"),
        }
        assert!(acknowledged < 2000, "the disk never filled");
    };
    (acknowledged, refused)
}

/// Three new requests taken within 5 s of the space coming back, and
/// `/readyz` ready again soon after.
fn taken_again_within_seconds(server: &TestServer) {
    let freed = Instant::now();
    let mut after = 0;
    while after < 3 {
        let (status, body) = server.call_server_fn_from(
            "submit_request",
            &eligible_submission(&format!("after-{after:05}")),
            Some(&client(5000 + after)),
        );
        if status == 200 {
            after += 1;
        } else {
            assert_eq!(status, 503, "{body}");
            assert!(
                freed.elapsed() < Duration::from_secs(5),
                "still refused: {body}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, body) = get(server, "/readyz");
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not ready again once there is room: {body}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// A tmpfs mounted at a directory, unmounted (lazily) when dropped.
struct Mounted(std::path::PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_answered_in_words_and_survived_without_a_restart() {
    if on_postgres("a small tmpfs holds the SQLite file") {
        return;
    }
    let root = Command::new("id").arg("-u").output().expect("id");
    if String::from_utf8_lossy(&root.stdout).trim() != "0" {
        eprintln!("needs root to mount a small tmpfs: skipped");
        return;
    }
    let metrics = free_port();
    let mut mounted = None;
    let server = TestServer::start_on(
        &[
            "--metrics-addr",
            &format!("127.0.0.1:{metrics}"),
            "--trusted-proxy",
            "127.0.0.1",
        ],
        &[],
        |url| {
            let directory = std::path::Path::new(url.trim_start_matches("sqlite://"))
                .parent()
                .expect("the database's directory")
                .to_path_buf();
            std::fs::create_dir_all(&directory).expect("the directory");
            let mount = Command::new("mount")
                .args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"])
                .arg(&directory)
                .status()
                .expect("mount");
            assert!(mount.success(), "mount a 3 MB tmpfs");
            mounted = Some(Mounted(directory));
        },
    );
    let directory = mounted.as_ref().expect("mounted").0.clone();
    let ballast = directory.join("ballast");
    std::fs::write(&ballast, vec![0_u8; 1024 * 1024]).expect("a 1 MiB ballast file");

    let (acknowledged, refused) = fill_with_requests(&server);
    assert!(refused.contains("\"kind\":\"unavailable\""), "{refused}");
    // Without a script: the page again, in words, every answer still in it.
    let mut fields = eligible("full-page", "send");
    fields = with(fields, "diagnosis", "A diagnosis typed by hand");
    let page = post(&server, "/request", &fields);
    assert_eq!(page.status, 503);
    assert!(
        page.body
            .contains("The hospital cannot take requests at the moment"),
        "{}",
        page.body
    );
    assert!(page.body.contains("A diagnosis typed by hand"));
    assert_eq!(get(&server, "/readyz"), (503, "disk-full\n".to_owned()));
    let samples = scrape(metrics);
    assert!(sample(&samples, "second_opinion_database_disk_full_total").unwrap_or(0.0) >= 1.0);
    assert_eq!(sample(&samples, "second_opinion_ready"), Some(0.0));
    assert_eq!(
        sample(
            &samples,
            r#"second_opinion_readiness_problem{reason="disk-full"}"#
        ),
        Some(1.0)
    );
    // A backup there would fill what is left: refused before it starts.
    let backup = server
        .command()
        .args(["backup", "--into"])
        .arg(directory.join("backups"))
        .output()
        .expect("backup");
    assert!(!backup.status.success());
    assert!(
        String::from_utf8_lossy(&backup.stderr).contains("not started"),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );

    // Space comes back: taken again within seconds, with no restart.
    std::fs::remove_file(&ballast).expect("remove the ballast");
    taken_again_within_seconds(&server);
    // Every request acknowledged is stored, once, and the file is whole.
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases"),
        i64::from(acknowledged) + 3
    );
    assert_eq!(
        server.texts("PRAGMA integrity_check"),
        vec!["ok".to_owned()]
    );
    let verified = server
        .command()
        .args(["audit", "verify"])
        .output()
        .expect("verify");
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
    drop(server);
    drop(mounted);
}

/// The journal's socket, as systemd's journald listens on it.
const JOURNAL: &str = "/run/systemd/journal/socket";

#[test]
fn under_systemd_the_log_goes_to_the_journal_with_its_own_fields() {
    let path = std::path::Path::new(JOURNAL);
    if UnixDatagram::unbound()
        .and_then(|probe| probe.connect(path))
        .is_ok()
    {
        eprintln!("a real journal listens at {JOURNAL}: skipped");
        return;
    }
    let _ = std::fs::remove_file(path);
    let Ok(journal) =
        std::fs::create_dir_all("/run/systemd/journal").and_then(|()| UnixDatagram::bind(path))
    else {
        eprintln!("cannot listen at {JOURNAL} (not root?): skipped");
        return;
    };
    let _removed = Removed(path.to_path_buf());
    journal
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a timeout");
    let directory = tempfile::tempdir().expect("a directory");
    let database = crate::helpers::fresh_database(&directory.path().join("journal.db"));
    let port = free_port();
    // Standard error is "the journal's stream" (systemd names it by device
    // and inode): the service chooses the journal by itself.
    let stderr = std::fs::File::create(directory.path().join("stderr")).expect("a file");
    let stream = {
        use std::os::unix::fs::MetadataExt as _;
        let metadata = stderr.metadata().expect("its metadata");
        format!("{}:{}", metadata.dev(), metadata.ino())
    };
    let mut child = crate::helpers::command_on(&database)
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env("JOURNAL_STREAM", stream)
        .stderr(stderr)
        .spawn()
        .expect("start the server");
    let mut buffer = vec![0_u8; 65_536];
    let mut receive = || {
        let n = journal.recv(&mut buffer).expect("an entry");
        journal_fields(&buffer[..n])
    };
    let field = |entry: &[(String, String)], name: &str| {
        entry
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    };
    let mut entry = receive();
    while !field(&entry, "MESSAGE").starts_with("listening on") {
        entry = receive();
    }
    assert_eq!(field(&entry, "SYSLOG_IDENTIFIER"), "second-opinion");
    // tracing-journald's levels: INFO is "notice".
    assert_eq!(field(&entry, "PRIORITY"), "5");
    let answer = crate::helpers::agent()
        .get(&format!("http://127.0.0.1:{port}/status"))
        .call()
        .expect("the status page");
    assert_eq!(answer.status().as_u16(), 200);
    let mut entry = receive();
    while field(&entry, "MESSAGE") != "request" {
        entry = receive();
    }
    assert_eq!(field(&entry, "ROUTE"), "/status", "{entry:?}");
    assert_eq!(field(&entry, "METHOD"), "GET");
    assert_eq!(field(&entry, "STATUS"), "200");
    assert_eq!(field(&entry, "CODE_FILE"), "server/src/monitor/requests.rs");
    let _ = child.kill();
    let _ = child.wait();
}

/// The fields of one entry in the journal's native protocol: `KEY=value`
/// lines, or `KEY`, a newline, the value's length (64 bits, little-endian),
/// the value and a newline.
fn journal_fields(mut bytes: &[u8]) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    while let Some(end) = bytes
        .iter()
        .position(|byte| *byte == b'\n' || *byte == b'=')
    {
        let key = String::from_utf8_lossy(&bytes[..end]).into_owned();
        if bytes[end] == b'=' {
            let rest = &bytes[end + 1..];
            let line = rest
                .iter()
                .position(|byte| *byte == b'\n')
                .unwrap_or(rest.len());
            fields.push((key, String::from_utf8_lossy(&rest[..line]).into_owned()));
            bytes = rest.get(line + 1..).unwrap_or_default();
        } else {
            let length: [u8; 8] = bytes[end + 1..end + 9].try_into().expect("a length");
            let length = usize::try_from(u64::from_le_bytes(length)).expect("a length");
            let value = &bytes[end + 9..end + 9 + length];
            fields.push((key, String::from_utf8_lossy(value).into_owned()));
            bytes = bytes.get(end + 10 + length..).unwrap_or_default();
        }
    }
    fields
}

/// A file removed when dropped.
struct Removed(std::path::PathBuf);

impl Drop for Removed {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
