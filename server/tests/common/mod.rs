//! Starting the real `second-opinion` binary for a test: a free port, a fresh
//! database in a temporary directory, and a kill when the test ends.

// Each test binary uses a part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const BINARY: &str = env!("CARGO_BIN_EXE_second-opinion");

/// A server started on 127.0.0.1 with its own database, killed on drop.
pub struct TestServer {
    child: Child,
    pub base_url: String,
    pub database: PathBuf,
    _directory: tempfile::TempDir,
}

impl TestServer {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts the server with extra command-line options.
    pub fn start_with(options: &[&str]) -> Self {
        let directory = tempfile::tempdir().expect("temporary directory");
        let database = directory.path().join("nested").join("test.db");
        let mut child = Command::new(BINARY)
            .args(["--addr", "127.0.0.1:0"])
            .args(options)
            .env("DATABASE_URL", format!("sqlite://{}", database.display()))
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the server");

        // The server logs the address it bound; port 0 lets the OS pick a free one.
        let stderr = child.stderr.take().expect("stderr");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(address) = line.split("listening on ").nth(1) {
                    let _ = sender.send(address.trim().to_owned());
                }
            }
        });
        let base_url = receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("server reported its address");
        Self {
            child,
            base_url,
            database,
            _directory: directory,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that reports every status instead of failing on 4xx/5xx.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// POSTs form fields to a server function as the browser's `ActionForm` does,
/// and returns the status and the body.
pub fn call_server_fn(
    server: &TestServer,
    endpoint: &str,
    fields: &[(String, String)],
) -> (u16, String) {
    call_server_fn_from(server, endpoint, fields, None)
}

/// The same, through a reverse proxy that says the client is `forwarded_for`.
pub fn call_server_fn_from(
    server: &TestServer,
    endpoint: &str,
    fields: &[(String, String)],
    forwarded_for: Option<&str>,
) -> (u16, String) {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut request = agent()
        .post(&server.url(&format!("/api/{endpoint}")))
        .header("Accept", "application/json");
    if let Some(address) = forwarded_for {
        request = request.header("X-Forwarded-For", address);
    }
    let mut response = request.send_form(pairs).expect("request");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().expect("body");
    (status, body)
}

/// Runs a `SELECT COUNT(*)` on the server's database through a fresh
/// connection, as an outside observer of what was stored.
pub fn count_rows(server: &TestServer, sql: &str) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let url = format!("sqlite://{}", server.database.display());
        let pool = sqlx::SqlitePool::connect(&url)
            .await
            .expect("open test database");
        let count: i64 = sqlx::query_scalar(sql)
            .fetch_one(&pool)
            .await
            .expect("count");
        pool.close().await;
        count
    })
}

/// Announces a 10 MB form body to `path` and sends none of it; returns the
/// first line of the answer, which must not wait for the body.
pub fn answer_to_oversized_post(server: &TestServer, path: &str) -> String {
    use std::io::{Read, Write};
    let address = server.base_url.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        10 * 1024 * 1024
    )
    .expect("send headers");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut answer = [0u8; 64];
    let read = stream.read(&mut answer).expect("an answer before the body");
    String::from_utf8_lossy(&answer[..read])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The answers of an eligible request, by the form's input names.
pub const ELIGIBLE: &[(&str, &str)] = &[
    ("requester", "patient"),
    ("patient_name", "Hanako Yamada"),
    ("patient_name_reading", "ヤマダ ハナコ"),
    ("patient_date_of_birth", "1970-04-01"),
    ("patient_phone", "090-1234-5678"),
    ("present_doctor_name", "Ichiro Sato"),
    ("present_institution", "Sakura Clinic"),
    ("patient_agrees", "yes"),
    ("present_doctor_refers", "yes"),
    ("report_shared_with_present_doctor", "yes"),
    ("purpose", "diagnosis_or_treatment"),
    ("area", "cancer"),
    ("diagnosis", "Stage II breast cancer"),
    ("questions", "Surgery or chemotherapy first?"),
    ("attendance", "patient_alone"),
    ("weekday_tue", "true"),
    ("acknowledges_in_person_only", "true"),
    ("acknowledges_fee_paid_on_the_day", "true"),
    ("acknowledges_not_covered_by_insurance", "true"),
];

/// An eligible request as the `submit_request` server function's fields,
/// named as `ActionForm` names them.
pub fn eligible_submission(submission_id: &str) -> Vec<(String, String)> {
    let mut fields = vec![
        ("input[submission_id]".to_owned(), submission_id.to_owned()),
        ("input[language]".to_owned(), "en".to_owned()),
    ];
    fields.extend(
        ELIGIBLE
            .iter()
            .map(|(k, v)| (format!("input[form][{k}]"), (*v).to_owned())),
    );
    fields
}

/// A client that reads every status and follows no redirect, as the tests
/// that look at redirects and cookies need.
pub fn browser() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// The password of the staff accounts the tests make.
pub const STAFF_PASSWORD: &str = "correct horse battery";

/// `second-opinion user add` on the server's database, the password on stdin.
pub fn add_staff(server: &TestServer, login: &str, role: &str, name: &str) {
    use std::io::Write;
    let mut child = Command::new(BINARY)
        .args(["user", "add", login, "--role", role, "--name", name])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", server.database.display()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run user add");
    writeln!(child.stdin.take().expect("stdin"), "{STAFF_PASSWORD}").expect("password");
    let output = child.wait_with_output().expect("user add");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Signs in and returns the `Cookie` header value of the session.
pub fn staff_cookie(server: &TestServer, login: &str) -> String {
    let agent = browser();
    let response = agent
        .post(&server.url("/staff/login"))
        .send_form([
            ("login", login),
            ("password", STAFF_PASSWORD),
            ("next", "/staff"),
        ])
        .expect("sign in");
    assert_eq!(response.status().as_u16(), 303, "signed in");
    response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|cookie| cookie.split(';').next())
        .expect("session cookie")
        .to_owned()
}

/// A page as a signed-in staff member sees it.
pub fn staff_page(server: &TestServer, cookie: &str, path: &str) -> (u16, String) {
    let mut response = agent()
        .get(&server.url(path))
        .header("Cookie", cookie)
        .call()
        .expect("GET");
    let status = response.status().as_u16();
    (
        status,
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}
