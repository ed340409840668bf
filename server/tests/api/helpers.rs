//! The one helper set of the HTTP tests: a [`TestServer`] (the real
//! `second-opinion` binary on a free port with a fresh database, killed
//! when the test ends) whose methods speak the steps of a test, and the
//! answers of an eligible request.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const BINARY: &str = env!("CARGO_BIN_EXE_second-opinion");

/// The password of the staff accounts the tests make.
pub const STAFF_PASSWORD: &str = "correct horse battery";

/// A server started on 127.0.0.1 with its own database, killed on drop.
pub struct TestServer {
    child: Child,
    pub base_url: String,
    pub database: PathBuf,
    _directory: tempfile::TempDir,
}

/// What a browser that follows no redirect sees of an answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl Answer {
    fn read(mut response: ureq::http::Response<ureq::Body>) -> Self {
        Self {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.body_mut().read_to_string().unwrap_or_default(),
        }
    }

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

    pub fn database_url(&self) -> String {
        format!("sqlite://{}", self.database.display())
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

    /// Runs a statement on the server's database, as an operator with the
    /// `sqlite3` shell would.
    pub fn execute(&self, sql: &str) {
        self.on_database(|pool| async move {
            sqlx::query(sql).execute(&pool).await.expect("execute");
        });
    }

    fn on_database<F, T>(&self, work: impl FnOnce(sqlx::SqlitePool) -> F) -> T
    where
        F: Future<Output = T>,
    {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let pool = sqlx::SqlitePool::connect(&self.database_url())
                .await
                .expect("open test database");
            let outcome = work(pool.clone()).await;
            pool.close().await;
            outcome
        })
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
        let (status, body) = self.call_server_fn("submit_request", &fields);
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
        let mut child = Command::new(BINARY)
            .arg("user")
            .args(args)
            .env("DATABASE_URL", self.database_url())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run user");
        write!(child.stdin.take().expect("stdin"), "{stdin}").expect("stdin");
        child.wait_with_output().expect("user")
    }

    /// `second-opinion user add`, as the IT admin makes an account.
    pub fn add_staff(&self, login: &str, role: &str, name: &str) {
        let output = self.user(
            &["add", login, "--role", role, "--name", name],
            &format!("{STAFF_PASSWORD}\n"),
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Signs in and returns the `Cookie` header value of the session.
    pub fn sign_in(&self, login: &str) -> String {
        let answer = self.send(
            "POST",
            "/staff/login",
            None,
            &[
                ("login", login),
                ("password", STAFF_PASSWORD),
                ("next", "/staff"),
            ],
        );
        assert_eq!(answer.status, 303, "{}", answer.body);
        answer
            .set_cookie()
            .split(';')
            .next()
            .expect("cookie")
            .to_owned()
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
        let agent = browser();
        let url = self.url(path);
        let mut all_headers: Vec<(&str, &str)> =
            cookie.map(|c| ("Cookie", c)).into_iter().collect();
        all_headers.extend_from_slice(headers);
        let response = if method == "GET" {
            let mut request = agent.get(&url);
            for (name, value) in &all_headers {
                request = request.header(*name, *value);
            }
            request.call().expect("GET")
        } else {
            let mut request = agent.post(&url);
            for (name, value) in &all_headers {
                request = request.header(*name, *value);
            }
            request.send_form(form.iter().copied()).expect("POST")
        };
        Answer::read(response)
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
