//! The one helper set of the HTTP tests: a [`TestServer`] (the real
//! `second-opinion` binary on a free port with a fresh database, killed
//! when the test ends) whose methods speak the steps of a test, and the
//! answers of an eligible request.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

pub const BINARY: &str = env!("CARGO_BIN_EXE_second-opinion");

/// Seconds since the Unix epoch, by the same clock as the server's
/// (`app::clock`; under `faketime`, every process of a run shares it).
pub fn now_seconds() -> u64 {
    u64::try_from(app::clock::now().timestamp()).expect("after 1970")
}

/// Today in Japan, as the server counts it.
pub fn japan_today() -> chrono::NaiveDate {
    app::clock::now_in_japan().date()
}

/// The consultation days before `day` (not `day` itself), latest first.
pub fn consultation_days_before(day: chrono::NaiveDate) -> impl Iterator<Item = chrono::NaiveDate> {
    let calendar = domain::Calendar::new();
    day.iter_days()
        .rev()
        .skip(1)
        .filter(move |day| calendar.is_consultation_day(*day))
}

/// A moment `seconds` from now (negative: ago) as the service stores it,
/// quoted for SQL: computed here by the tests' clock (which `faketime`
/// sets), never by the database's, which PostgreSQL's server does not
/// share.
pub fn moment(seconds: i64) -> String {
    format!(
        "'{}'",
        app::store::timestamp(app::clock::now() + chrono::Duration::seconds(seconds))
    )
}

/// The password of the staff accounts the tests make.
pub const STAFF_PASSWORD: &str = "correct horse battery";

/// The loopback address the tests' requests come from unless they say.
pub const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// A server started on 127.0.0.1 with its own database, killed on drop.
pub struct TestServer {
    child: Child,
    pub base_url: String,
    /// The SQLite file (on PostgreSQL, where it would be: its key file is
    /// beside it, as on SQLite).
    pub database: PathBuf,
    database_url: String,
    /// Each account's enrolment, as `user add` printed it.
    enrolments: Mutex<HashMap<String, Enrolment>>,
    /// Each account's last time step used for a code: a code is accepted
    /// once, so the next sign-in takes a later one.
    last_steps: Mutex<HashMap<String, u64>>,
    /// What the server has logged so far, line by line.
    log: std::sync::Arc<Mutex<Vec<String>>>,
    /// How many requests `submit` has sent: each comes from a loopback
    /// address of its own, as patients each send from their own
    /// connection (the server takes 20 new requests an hour per address).
    submitted: std::sync::atomic::AtomicU32,
    _directory: tempfile::TempDir,
}

/// What `user add` or `user totp-reset` printed for an account.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub uri: String,
    pub recovery_codes: Vec<String>,
}

impl Enrolment {
    /// Reads the enrolment address and the recovery codes from the output.
    pub fn read(stdout: &str) -> Self {
        let uri = stdout
            .lines()
            .find(|line| line.starts_with("otpauth://totp/"))
            .expect("the enrolment address")
            .to_owned();
        let recovery_codes = stdout
            .lines()
            .filter_map(|line| line.strip_prefix("  "))
            .filter(|code| code.len() == 19 && code.matches('-').count() == 3)
            .map(str::to_owned)
            .collect();
        Self {
            uri,
            recovery_codes,
        }
    }

    /// The code the authenticator app shows for the 30-second step `step`.
    pub fn code_at(&self, step: u64) -> String {
        let totp = totp_rs::TOTP::from_url(&self.uri).expect("a TOTP address");
        totp.generate(step * 30)
    }
}

/// What a browser that follows no redirect sees of an answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    /// The body as text (bytes that are no UTF-8 replaced)…
    pub body: String,
    /// …and as it came.
    pub bytes: Vec<u8>,
}

impl Answer {
    /// A header of the answer, "" when it is absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn location(&self) -> &str {
        self.header("location")
    }

    pub fn set_cookie(&self) -> &str {
        self.header("set-cookie")
    }

    pub fn cache_control(&self) -> &str {
        self.header("cache-control")
    }

    /// The `name=value` part of the `Set-Cookie` that sets `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with(&format!("{name}=")))
            .and_then(|value| value.split(';').next())
            .map(str::to_owned)
    }

    /// The whole `Set-Cookie` that sets `name`, attributes and all.
    pub fn set_cookie_of(&self, name: &str) -> String {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with(&format!("{name}=")))
            .unwrap_or_default()
            .to_owned()
    }
}

impl TestServer {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts the server with extra command-line options.
    pub fn start_with(options: &[&str]) -> Self {
        Self::start_on(options, &[], |_| {})
    }

    /// Starts the server with extra command-line options and environment
    /// variables, on a database that `prepare` makes first at the URL it is
    /// given (an older database, to be upgraded).
    pub fn start_on(
        options: &[&str],
        environment: &[(&str, &str)],
        prepare: impl FnOnce(&str),
    ) -> Self {
        let directory = tempfile::tempdir().expect("temporary directory");
        let database = directory.path().join("nested").join("test.db");
        let database_url = fresh_database(&database);
        prepare(&database_url);
        let (child, base_url, log) = spawn(&database_url, options, environment);
        Self {
            child,
            base_url,
            database,
            database_url,
            enrolments: Mutex::default(),
            last_steps: Mutex::default(),
            submitted: std::sync::atomic::AtomicU32::default(),
            log,
            _directory: directory,
        }
    }

    /// A second service process on this server's database and key file
    /// (as a hospital runs two behind one proxy), with `options`.
    pub fn another_process(&self, options: &[&str]) -> Self {
        let directory = tempfile::tempdir().expect("temporary directory");
        let (child, base_url, log) = spawn(&self.database_url, options, &[]);
        Self {
            child,
            base_url,
            database: self.database.clone(),
            database_url: self.database_url.clone(),
            enrolments: Mutex::default(),
            last_steps: Mutex::default(),
            submitted: std::sync::atomic::AtomicU32::new(10_000),
            log,
            _directory: directory,
        }
    }

    /// Kills the server outright (`SIGKILL`, as a crash or a power cut
    /// would) and starts it again on the same database with `options`.
    pub fn kill_and_restart(&mut self, options: &[&str]) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (child, base_url, log) = spawn(&self.database_url, options, &[]);
        self.child = child;
        self.base_url = base_url;
        self.log = log;
    }

    /// Every line the server has logged so far.
    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The SQLite file of the server's database.
    pub fn database_file(&self) -> PathBuf {
        self.database.clone()
    }

    /// The server's key file.
    pub fn key_file(&self) -> PathBuf {
        let (_, key) = KEY_FILES
            .lock()
            .expect("key files")
            .iter()
            .find(|(url, _)| url == &self.database_url)
            .cloned()
            .unwrap_or_else(|| (String::new(), self.database.with_extension("key")));
        key
    }

    /// Whether the server has logged a line containing `text`.
    pub fn log_contains(&self, text: &str) -> bool {
        self.log
            .lock()
            .expect("log")
            .iter()
            .any(|line| line.contains(text))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone()
    }

    /// The service's binary, run as a command on this server's database
    /// and key file (`DATABASE_URL`, `SECOND_OPINION_KEY_FILE`).
    pub fn command(&self) -> Command {
        command_on(&self.database_url)
    }

    /// Runs a `SELECT COUNT(*)` (or any one number) on the server's
    /// database through a fresh connection, as an outside observer of what
    /// was stored.
    pub fn count(&self, sql: &str) -> i64 {
        self.on_database(|pool| async move {
            sqlx::query_scalar(sql)
                .fetch_one(&pool)
                .await
                .expect("count")
        })
    }

    /// Drops the trigger `name` of the audit table, as someone with write
    /// access to the database could.
    pub fn drop_trigger(&self, name: &str) {
        let on = if postgres().is_some() {
            " ON audit"
        } else {
            ""
        };
        self.execute(&format!("DROP TRIGGER {name}{on}"));
    }

    /// The first column of every row `sql` gives, as text.
    pub fn texts(&self, sql: &str) -> Vec<String> {
        self.on_database(|pool| async move {
            sqlx::query_scalar(sql)
                .fetch_all(&pool)
                .await
                .expect("texts")
        })
    }

    /// Runs a statement on the server's database, as an operator with the
    /// `sqlite3` shell would.
    pub fn execute(&self, sql: &str) {
        execute_on(&self.database_url(), sql);
    }

    fn on_database<F, T>(&self, work: impl FnOnce(sqlx::AnyPool) -> F) -> T
    where
        F: Future<Output = T>,
    {
        on_database_at(&self.database_url(), work)
    }

    /// POSTs form fields to a server function as the browser's `ActionForm`
    /// does, and returns the status and the body.
    pub fn call_server_fn(&self, endpoint: &str, fields: &[(String, String)]) -> (u16, String) {
        self.call_server_fn_from(endpoint, fields, None)
    }

    /// The same, through a reverse proxy that says the client is `forwarded_for`.
    pub fn call_server_fn_from(
        &self,
        endpoint: &str,
        fields: &[(String, String)],
        forwarded_for: Option<&str>,
    ) -> (u16, String) {
        let mut request = agent()
            .post(&self.url(&format!("/api/{endpoint}")))
            .header("Accept", "application/json");
        if let Some(address) = forwarded_for {
            request = request.header("X-Forwarded-For", address);
        }
        let mut response = request
            .send_form(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .expect("request");
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().expect("body");
        (status, body)
    }

    /// Sends an eligible request, with some answers replaced, and returns
    /// its reference without the dash.
    pub fn submit(&self, id: &str, extra: &[(&str, &str)]) -> String {
        let mut fields = eligible_submission(id);
        for (name, value) in extra {
            fields.retain(|(k, _)| k != &format!("input[form][{name}]"));
            fields.push((format!("input[form][{name}]"), (*value).to_owned()));
        }
        let n = self
            .submitted
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let [_, _, high, low] = n.to_be_bytes();
        let from = IpAddr::V4(std::net::Ipv4Addr::new(127, 2, high, low));
        let form: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let answer = self.send_from(
            from,
            "POST",
            "/api/submit_request",
            None,
            &form,
            &[("Accept", "application/json")],
        );
        let (status, body) = (answer.status, answer.body);
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("json");
        json["reference"]
            .as_str()
            .expect("reference")
            .replace('-', "")
    }

    /// Announces a 10 MB form body to `path` and sends none of it; returns
    /// the first line of the answer, which must not wait for the body.
    pub fn answer_to_oversized_post(&self, path: &str) -> String {
        use std::io::Read;
        let address = self.base_url.trim_start_matches("http://").to_owned();
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

    /// `second-opinion user ARGS…` on the server's database, `stdin` typed in.
    pub fn user(&self, args: &[&str], stdin: &str) -> Output {
        user_on(&self.database_url(), args, stdin)
    }

    /// `second-opinion user add`, as the IT admin makes an account; keeps
    /// the enrolment it printed, as the member's authenticator app would.
    pub fn add_staff(&self, login: &str, role: &str, name: &str) -> Enrolment {
        let output = self.user(
            &["add", login, "--role", role, "--name", name],
            &format!("{STAFF_PASSWORD}\n"),
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        self.enrolled(login, &output)
    }

    /// Keeps the enrolment that `output` (of `user add` or `user
    /// totp-reset`) printed for `login`.
    pub fn enrolled(&self, login: &str, output: &Output) -> Enrolment {
        let enrolment = Enrolment::read(&String::from_utf8_lossy(&output.stdout));
        assert_eq!(enrolment.recovery_codes.len(), 10);
        self.enrolments
            .lock()
            .expect("enrolments")
            .insert(login.to_owned(), enrolment.clone());
        self.last_steps.lock().expect("steps").remove(login);
        enrolment
    }

    /// The time step of the last code `login` used.
    pub fn last_step(&self, login: &str) -> Option<u64> {
        self.last_steps.lock().expect("steps").get(login).copied()
    }

    pub fn enrolment(&self, login: &str) -> Enrolment {
        self.enrolments.lock().expect("enrolments")[login].clone()
    }

    /// A code the server has not seen for `login` yet: of the steps it
    /// accepts now (one either way), the first after the last one used,
    /// away from a step's edge so that the server's clock agrees; when all
    /// three are used, the next step's.
    pub fn fresh_code(&self, login: &str) -> String {
        let enrolment = self.enrolment(login);
        loop {
            let now = now_seconds();
            let (step, into) = (now / 30, now % 30);
            if !(3..=26).contains(&into) {
                std::thread::sleep(Duration::from_secs(4));
                continue;
            }
            let mut last_steps = self.last_steps.lock().expect("steps");
            let last = last_steps.get(login).copied();
            if let Some(step) = (step - 1..=step + 1).find(|s| last.is_none_or(|last| *s > last)) {
                last_steps.insert(login.to_owned(), step);
                return enrolment.code_at(step);
            }
            drop(last_steps);
            std::thread::sleep(Duration::from_secs(30 - into + 3));
        }
    }

    /// The first step of signing in from `from`: the pending sign-in's
    /// cookie.
    pub fn password_step(&self, from: IpAddr, login: &str) -> String {
        let answer = self.send_from(
            from,
            "POST",
            "/staff/login",
            None,
            &[
                ("login", login),
                ("password", STAFF_PASSWORD),
                ("next", "/staff"),
            ],
            &[],
        );
        assert_eq!(answer.status, 303, "{}", answer.body);
        assert_eq!(answer.location(), "/staff/login/code");
        answer
            .cookie("second_opinion_sign_in")
            .expect("the pending sign-in's cookie")
    }

    /// Signs in from `from` with the password and a fresh code; the
    /// `Cookie` header value of the session.
    pub fn sign_in_from(&self, from: IpAddr, login: &str) -> String {
        let pending = self.password_step(from, login);
        let code = self.fresh_code(login);
        let answer = self.send_from(
            from,
            "POST",
            "/staff/login/code",
            Some(&pending),
            &[("code", &code)],
            &[],
        );
        assert_eq!(answer.status, 303, "{}", answer.body);
        answer
            .cookie("second_opinion_staff")
            .expect("the session's cookie")
    }

    /// Signs in and returns the `Cookie` header value of the session.
    pub fn sign_in(&self, login: &str) -> String {
        self.sign_in_from(LOCALHOST, login)
    }

    /// A GET (without `form`) or a form POST, with the session `cookie` if
    /// any, as a browser that follows no redirect.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        form: &[(&str, &str)],
    ) -> Answer {
        self.send_with(method, path, cookie, form, &[])
    }

    /// [`send`](Self::send) with more request headers.
    pub fn send_with(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Answer {
        self.send_from(LOCALHOST, method, path, cookie, form, headers)
    }

    /// [`send_with`](Self::send_with) from the local address `from` (any
    /// of 127.0.0.0/8 is this machine): the server counts each address as
    /// another client. One connection per request, in HTTP/1.0, so the
    /// answer ends where the connection does.
    pub fn send_from(
        &self,
        from: IpAddr,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Answer {
        let server: SocketAddr = self
            .base_url
            .trim_start_matches("http://")
            .parse()
            .expect("the server's address");
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
            .expect("socket");
        socket
            .bind(&SocketAddr::new(from, 0).into())
            .expect("bind the client's address");
        socket.connect(&server.into()).expect("connect");
        let mut stream: TcpStream = socket.into();
        let body = if method == "GET" {
            String::new()
        } else {
            serde_urlencoded::to_string(form).expect("form")
        };
        let mut lines = vec![
            format!("{method} {path} HTTP/1.0"),
            format!("Host: {server}"),
        ];
        lines.extend(cookie.map(|cookie| format!("Cookie: {cookie}")));
        lines.extend(
            headers
                .iter()
                .map(|(name, value)| format!("{name}: {value}")),
        );
        if method != "GET" {
            lines.push("Content-Type: application/x-www-form-urlencoded".to_owned());
            lines.push(format!("Content-Length: {}", body.len()));
        }
        let request = format!("{}\r\n\r\n{body}", lines.join("\r\n"));
        stream.write_all(request.as_bytes()).expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("the answer");
        Answer::parse(&raw)
    }
}

impl Answer {
    /// An HTTP/1.x answer read to its end.
    fn parse(raw: &[u8]) -> Self {
        let split = raw
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .expect("the end of the headers");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .expect("a status line");
        let mut headers = ureq::http::HeaderMap::new();
        for line in lines {
            let (name, value) = line.split_once(':').expect("a header line");
            headers.append(
                ureq::http::HeaderName::from_bytes(name.trim().as_bytes()).expect("name"),
                ureq::http::HeaderValue::from_bytes(value.trim().as_bytes()).expect("value"),
            );
        }
        let bytes = raw[split + 4..].to_vec();
        Self {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }
}

/// Starts the binary on `database`; returns it, its address and its log.
fn spawn(
    database_url: &str,
    options: &[&str],
    environment: &[(&str, &str)],
) -> (Child, String, std::sync::Arc<Mutex<Vec<String>>>) {
    let mut child = command_on(database_url)
        .args(["--addr", "127.0.0.1:0"])
        .args(options)
        // The tests send many requests in an hour; the ceiling's own test
        // sets it with the option.
        .env("SECOND_OPINION_NEW_REQUEST_CEILING", "100000")
        .envs(environment.iter().copied())
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the server");

    // The server logs the address it bound; port 0 lets the OS pick a free one.
    let stderr = child.stderr.take().expect("stderr");
    let (sender, receiver) = mpsc::channel();
    let log = std::sync::Arc::new(Mutex::new(Vec::new()));
    let lines = std::sync::Arc::clone(&log);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            // (In a JSON line, the message ends at its quote.)
            if let Some(address) = line.split("listening on ").nth(1) {
                let address = address.split('"').next().unwrap_or_default();
                let _ = sender.send(address.trim().to_owned());
            }
            lines.lock().expect("log").push(line);
        }
    });
    let base_url = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("server reported its address");
    (child, base_url, log)
}

impl TestServer {
    /// Stops the server as systemd does (SIGTERM) and waits for it to end.
    pub fn terminate(&mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|status| status.success()), "kill -TERM");
        let _ = self.child.wait();
    }

    /// Every e-mail address given counted as confirmed, as if each patient
    /// had followed their confirmation link (for tests about what comes
    /// after).
    pub fn confirm_addresses_directly(&self) {
        self.execute(&format!(
            "UPDATE address_confirmations SET confirmed_at = {} WHERE confirmed_at IS NULL",
            moment(0)
        ));
    }

    /// The server's resident memory now, in KiB (Linux's `VmRSS`).
    pub fn resident_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server's /proc status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
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

/// A client that reads every status and follows no redirect, as the tests
/// that look at redirects and cookies need.
pub fn browser() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// The answers of an eligible request, by the form's input names.
pub const ELIGIBLE: &[(&str, &str)] = &[
    ("requester", "patient"),
    ("patient_name", "Hanako Yamada"),
    ("patient_name_reading", "ヤマダ ハナコ"),
    ("patient_birth_year", "1970"),
    ("patient_birth_month", "4"),
    ("patient_birth_day", "1"),
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

/// `second-opinion user ARGS…` on the database at `database_url` (which
/// need not have a server yet), `stdin` typed in.
pub fn user_on(database_url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = command_on(database_url)
        .arg("user")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run user");
    write!(child.stdin.take().expect("stdin"), "{stdin}").expect("stdin");
    child.wait_with_output().expect("user")
}

/// The PostgreSQL server the suite runs on, when
/// `SECOND_OPINION_TEST_POSTGRES` names one (`make test` starts a
/// throw-away cluster and runs the suite a second time on it): the URL of
/// a database there to make others from. Without it, SQLite files.
pub fn postgres() -> Option<String> {
    std::env::var("SECOND_OPINION_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// Whether the suite runs on PostgreSQL (a test of SQLite's own files says
/// why it has nothing to check there, and returns).
pub fn on_postgres(skipped: &str) -> bool {
    let on = postgres().is_some();
    if on {
        eprintln!("SQLite only: {skipped}");
    }
    on
}

/// The key files of the PostgreSQL databases made, by URL.
static KEY_FILES: Mutex<Vec<(String, PathBuf)>> = Mutex::new(Vec::new());

/// A fresh database for a server whose SQLite file would be `file`: that
/// file's URL, or a new database on the suite's PostgreSQL (its key file
/// where SQLite's would be).
pub fn fresh_database(file: &std::path::Path) -> String {
    static MADE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let Some(admin) = postgres() else {
        return format!("sqlite://{}", file.display());
    };
    let name = format!(
        "t{}_{}",
        std::process::id(),
        MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    on_database_at(&admin, |pool| {
        let name = name.clone();
        async move {
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .expect("create a test database");
        }
    });
    let (server, _) = admin.rsplit_once('/').expect("a database URL");
    let url = format!("{server}/{name}");
    KEY_FILES
        .lock()
        .expect("key files")
        .push((url.clone(), file.with_extension("key")));
    url
}

/// The service's binary as a command on the database at `database_url`
/// and its key file.
pub fn command_on(database_url: &str) -> Command {
    let key_file = KEY_FILES
        .lock()
        .expect("key files")
        .iter()
        .find(|(url, _)| url == database_url)
        .map_or_else(
            || {
                std::path::Path::new(database_url.trim_start_matches("sqlite://"))
                    .with_extension("key")
            },
            |(_, key)| key.clone(),
        );
    let mut command = Command::new(BINARY);
    command
        .env("DATABASE_URL", database_url)
        .env("SECOND_OPINION_KEY_FILE", key_file);
    command
}

/// Runs a statement on the database at `database_url`, as an operator with
/// the `sqlite3` shell would.
pub fn execute_on(database_url: &str, sql: &str) {
    on_database_at(database_url, |pool| async move {
        sqlx::query(sql).execute(&pool).await.expect("execute");
    });
}

/// `work` on the database at `database_url`, through a fresh connection.
pub fn on_database_at<F, T>(database_url: &str, work: impl FnOnce(sqlx::AnyPool) -> F) -> T
where
    F: Future<Output = T>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(database_url)
            .await
            .expect("open test database");
        let outcome = work(pool.clone()).await;
        pool.close().await;
        outcome
    })
}

/// The Python that has Debian's `aiosmtpd` (`make test` installs
/// `python3-aiosmtpd`; `SMTP_PYTHON` names another).
fn smtp_python() -> String {
    std::env::var("SMTP_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_owned())
}

/// A real SMTP server (aiosmtpd) on a free loopback port, writing what it
/// receives into a Maildir the test reads; stopped on drop.
pub struct MailServer {
    child: Option<Child>,
    pub port: u16,
    folder: tempfile::TempDir,
}

impl MailServer {
    /// A server that accepts every message.
    pub fn start() -> Self {
        Self::start_on(free_port(), false)
    }

    /// A server that refuses every recipient (550).
    pub fn refusing() -> Self {
        Self::start_on(free_port(), true)
    }

    /// A server that accepts every message, each after 3 seconds.
    pub fn slow() -> Self {
        Self::start_with_handler(free_port(), Some("slow_smtp.SlowMailbox"))
    }

    /// An accepting server on `port` (one the service was told of before).
    pub fn start_on(port: u16, refusing: bool) -> Self {
        if refusing {
            Self::start_with_handler(port, None)
        } else {
            Self::start_with_handler(port, Some("aiosmtpd.handlers.Mailbox"))
        }
    }

    /// A server on `port` whose handler keeps messages in a Maildir, or
    /// refuses every recipient (`None`).
    fn start_with_handler(port: u16, mailbox: Option<&str>) -> Self {
        let folder = tempfile::tempdir().expect("mail folder");
        let handler = match mailbox {
            None => vec!["-c".to_owned(), "refusing_smtp.Refuse".to_owned()],
            Some(mailbox) => vec![
                "-c".to_owned(),
                mailbox.to_owned(),
                folder.path().join("maildir").display().to_string(),
            ],
        };
        let child = Command::new(smtp_python())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(handler)
            .env(
                "PYTHONPATH",
                concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api"),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd (apt-get install python3-aiosmtpd)");
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child: Some(child),
            port,
            folder,
        }
    }

    /// The service's options to send through this server, giving up on a
    /// message after about seven seconds.
    pub fn options(&self) -> Vec<String> {
        mail_options(self.port, "0.002")
    }

    /// Every message received so far, as raw RFC 5322 text.
    pub fn messages(&self) -> Vec<String> {
        let new = self.folder.path().join("maildir").join("new");
        let Ok(entries) = std::fs::read_dir(new) else {
            return Vec::new();
        };
        let mut messages: Vec<(std::path::PathBuf, String)> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let text = std::fs::read_to_string(entry.path()).ok()?;
                Some((entry.path(), text))
            })
            .collect();
        messages.sort();
        messages.into_iter().map(|(_, text)| text).collect()
    }

    /// Waits (up to 30 s) until at least `count` messages have arrived.
    pub fn wait_for(&self, count: usize) -> Vec<String> {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{} messages arrived, not {count}",
                messages.len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A loopback port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// The service's options to send through a mail server on `port`, trying
/// again after a second (then 2, 4, 8…) and giving up after
/// `give_up_hours`.
pub fn mail_options(port: u16, give_up_hours: &str) -> Vec<String> {
    vec![
        "--smtp-url".to_owned(),
        format!("smtp://127.0.0.1:{port}"),
        "--mail-from".to_owned(),
        "Second opinion <second-opinion@hospital.example.jp>".to_owned(),
        "--mail-retry-seconds".to_owned(),
        "1".to_owned(),
        "--mail-give-up-hours".to_owned(),
        give_up_hours.to_owned(),
    ]
}
