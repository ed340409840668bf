//! `loadtest`: starts the real `second-opinion` server on a fresh database,
//! sends real submissions over HTTP through the endpoint the browser uses
//! (`/api/submit_request`) from many concurrent clients, optionally kills
//! the server with SIGKILL at random moments and restarts it on the same
//! database, then checks the database as an outside observer:
//!
//! - every acknowledged reference is stored exactly once, with its answers;
//! - no refused request is stored;
//! - retries of a submission id never made a second case;
//! - `PRAGMA integrity_check` is `ok` (SQLite), and `second-opinion audit
//!   verify` finds the audit chain whole (both engines).
//!
//! The database is a fresh SQLite file, or the empty database of
//! `--database-url` (PostgreSQL). On PostgreSQL the database server itself
//! can be crashed mid-load (`--database-crash`, a command that kills it
//! with SIGKILL and starts it again), or failed over (`--failover`, a
//! command that kills the primary, promotes the replica and prints its
//! URL, on which the service is started again).
//!
//! It prints throughput, latency percentiles and how long each disruption
//! left the clients without an answer, and exits non-zero on any loss,
//! duplicate or corruption.
//!
//! Each submission comes from a patient of its own, as through the
//! hospital's nginx: the server trusts 127.0.0.1 as its proxy and each
//! request names its client in `X-Forwarded-For` (the server takes at most
//! 20 new requests an hour from one client).

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use rand::Rng;

/// Load, durability and crash test of the second-opinion server.
#[derive(Debug, Parser)]
struct Args {
    /// The server binary to start.
    #[arg(long, default_value = "target/release/second-opinion")]
    server: PathBuf,
    /// Submissions to send (each a new request; some are also retried).
    #[arg(long, default_value_t = 5_000)]
    submissions: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 50)]
    clients: usize,
    /// Times to kill the server with SIGKILL during the load (and restart it).
    #[arg(long, default_value_t = 0)]
    kills: usize,
    /// The database to load: an empty PostgreSQL database (`postgres://…`);
    /// a fresh SQLite file when not given.
    #[arg(long)]
    database_url: Option<String>,
    /// A shell command run once, half-way, that kills the database server
    /// with SIGKILL and starts it again (the service keeps running).
    #[arg(long)]
    database_crash: Option<String>,
    /// A shell command run once, half-way, that kills the primary database
    /// server, promotes its replica and prints the replica's URL last; the
    /// service is then started again on that URL.
    #[arg(long)]
    failover: Option<String>,
}

/// What happens to the service or its database during the load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Disruption {
    /// The service killed with SIGKILL and started again.
    KillService,
    /// The database server killed with SIGKILL and started again.
    CrashDatabase,
    /// The primary killed, the replica promoted, the service moved to it.
    Failover,
}

/// Where the service's data is: the URL, and its key file.
#[derive(Debug, Clone)]
struct Database {
    url: String,
    key_file: PathBuf,
}

/// What a submission should become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Eligible: stored as received.
    Eligible,
    /// Outside the main areas: stored, flagged "contact first".
    ContactFirst,
    /// For litigation: refused with its reason, never stored.
    Refused,
}

/// One planned submission.
#[derive(Debug, Clone)]
struct Planned {
    id: String,
    kind: Kind,
    patient_name: String,
    /// Sent a second time after its answer, as a double click would.
    retried: bool,
    /// The patient's address, as the proxy names it.
    client: std::net::Ipv4Addr,
}

/// What the clients saw.
#[derive(Debug, Default)]
struct Seen {
    /// submission id → the reference acknowledged (compact).
    acknowledged: HashMap<String, String>,
    /// Submission ids the server refused (422).
    refused: HashSet<String>,
    /// A retry that came back with another reference, or any other surprise.
    problems: Vec<String>,
    latencies: Vec<Duration>,
    /// When each acknowledgement came.
    answered_at: Vec<Instant>,
    /// When each disruption began, and when it was over (the database
    /// back, the service started again).
    disruptions: Vec<(Disruption, Instant, Instant)>,
    /// "Busy, try again" answers (503), each retried.
    busy: usize,
    /// Calls that found no server (killed), each retried.
    unreachable: usize,
}

/// The server process and the address it listens on.
struct Server {
    child: Child,
    base_url: String,
}

fn start(binary: &Path, database: &Database) -> Result<Server> {
    let mut child = Command::new(binary)
        .args(["--addr", "127.0.0.1:0", "--trusted-proxy", "127.0.0.1"])
        // Thousands of requests in minutes: over the service's hourly
        // ceiling by design.
        .args(["--new-request-ceiling", "10000000"])
        .env("DATABASE_URL", &database.url)
        .env("SECOND_OPINION_KEY_FILE", &database.key_file)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    let stderr = child.stderr.take().context("no stderr")?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(address) = line.split("listening on ").nth(1) {
                let _ = sender.send(address.trim().to_owned());
            }
            // What went wrong, as the service logged it (never patient data).
            if line.contains(" WARN ") || line.contains(" ERROR ") {
                eprintln!("service: {line}");
            }
        }
    });
    let base_url = receiver
        .recv_timeout(Duration::from_secs(60))
        .context("the server did not report its address")?;
    Ok(Server { child, base_url })
}

fn plan(count: usize) -> Vec<Planned> {
    let mut rng = rand::rng();
    let run: u32 = rng.random();
    (0..count)
        .map(|n| {
            let kind = match rng.random_range(0..100) {
                0..70 => Kind::Eligible,
                70..85 => Kind::ContactFirst,
                _ => Kind::Refused,
            };
            Planned {
                id: format!("load-{run:08x}-{n:07}"),
                kind,
                patient_name: format!("Patient {n}"),
                retried: rng.random_range(0..10) == 0,
                client: std::net::Ipv4Addr::from(
                    0x0A00_0000_u32 + u32::try_from(n).unwrap_or(u32::MAX) % 0x00FF_FFFF,
                ),
            }
        })
        .collect()
}

/// The form fields of a submission, named as the browser's form sends them.
fn fields(planned: &Planned) -> Vec<(String, String)> {
    let (purpose, area) = match planned.kind {
        Kind::Eligible => ("diagnosis_or_treatment", "cancer"),
        Kind::ContactFirst => ("diagnosis_or_treatment", "other"),
        Kind::Refused => ("litigation", "cancer"),
    };
    let answers = [
        ("requester", "patient"),
        ("patient_name", planned.patient_name.as_str()),
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
        ("purpose", purpose),
        ("area", area),
        ("area_other", "Kidney disease"),
        ("diagnosis", "Stage II breast cancer"),
        ("questions", "Surgery or chemotherapy first?"),
        ("attendance", "patient_alone"),
        ("weekday_tue", "true"),
        ("acknowledges_in_person_only", "true"),
        ("acknowledges_fee_paid_on_the_day", "true"),
        ("acknowledges_not_covered_by_insurance", "true"),
    ];
    let mut fields = vec![
        ("input[submission_id]".to_owned(), planned.id.clone()),
        ("input[language]".to_owned(), "en".to_owned()),
    ];
    fields.extend(
        answers
            .iter()
            .filter(|(name, _)| *name != "area_other" || area == "other")
            .map(|(name, value)| (format!("input[form][{name}]"), (*value).to_owned())),
    );
    fields
}

/// The answer to one call.
enum Answer {
    Stored(String),
    Refused,
    Busy,
    Unreachable,
    Other(u16),
}

fn send(
    agent: &ureq::Agent,
    base_url: &str,
    client: std::net::Ipv4Addr,
    fields: &[(String, String)],
) -> Answer {
    let response = agent
        .post(&format!("{base_url}/api/submit_request"))
        .header("Accept", "application/json")
        .header("X-Forwarded-For", client.to_string())
        .send_form(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let Ok(mut response) = response else {
        return Answer::Unreachable;
    };
    match response.status().as_u16() {
        200 => {
            let body = response.body_mut().read_to_string().unwrap_or_default();
            serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|json| json["reference"].as_str().map(|r| r.replace('-', "")))
                .map_or(Answer::Other(200), Answer::Stored)
        }
        422 => Answer::Refused,
        503 => Answer::Busy,
        status => Answer::Other(status),
    }
}

/// Sends a submission until the server gives an answer that is not "try
/// again", as a patient whose draft stays in the browser would.
fn submit(
    agent: &ureq::Agent,
    base_url: &RwLock<String>,
    planned: &Planned,
    seen: &Mutex<Seen>,
    stop: &AtomicBool,
) {
    let fields = fields(planned);
    let times = if planned.retried { 2 } else { 1 };
    for _ in 0..times {
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let url = base_url.read().map(|url| url.clone()).unwrap_or_default();
            let started = Instant::now();
            let answer = send(agent, &url, planned.client, &fields);
            let took = started.elapsed();
            let mut seen = seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match answer {
                Answer::Stored(reference) => {
                    seen.latencies.push(took);
                    seen.answered_at.push(Instant::now());
                    if planned.kind == Kind::Refused {
                        seen.problems
                            .push(format!("{}: a refused request was stored", planned.id));
                    }
                    if let Some(first) = seen
                        .acknowledged
                        .insert(planned.id.clone(), reference.clone())
                        && first != reference
                    {
                        seen.problems
                            .push(format!("{}: a retry got another reference", planned.id));
                    }
                    break;
                }
                Answer::Refused => {
                    seen.latencies.push(took);
                    if planned.kind != Kind::Refused {
                        seen.problems
                            .push(format!("{}: refused but should be stored", planned.id));
                    }
                    seen.refused.insert(planned.id.clone());
                    break;
                }
                Answer::Busy => seen.busy += 1,
                Answer::Unreachable => seen.unreachable += 1,
                Answer::Other(status) => {
                    seen.problems
                        .push(format!("{}: answered {status}", planned.id));
                    break;
                }
            }
            drop(seen);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// A stored case, as the check reads it: submission id, reference, the
/// patient's name, the answers, whether reception contacts first.
type StoredRow = (String, String, String, String, bool);

const STORED: &str =
    "SELECT submission_id, reference, patient_name, answers, contact_first FROM cases";

/// Every stored case, and what the engine's own check found wrong.
async fn stored_cases(database: &Database) -> Result<(Vec<StoredRow>, Vec<String>)> {
    let mut problems = Vec::new();
    if database.url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&database.url).await?;
        let rows = sqlx::query_as(STORED).fetch_all(&pool).await?;
        pool.close().await;
        return Ok((rows, problems));
    }
    let pool = sqlx::SqlitePool::connect(&format!("{}?mode=ro", database.url)).await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await?;
    if integrity != "ok" {
        problems.push(format!("integrity_check: {integrity}"));
    }
    let rows = sqlx::query_as(STORED).fetch_all(&pool).await?;
    pool.close().await;
    Ok((rows, problems))
}

/// `second-opinion audit verify` on the database: the chain whole.
fn audit_verify(binary: &Path, database: &Database) -> Result<Option<String>> {
    let output = Command::new(binary)
        .args(["audit", "verify"])
        .env("DATABASE_URL", &database.url)
        .env("SECOND_OPINION_KEY_FILE", &database.key_file)
        .output()
        .with_context(|| format!("cannot run {} audit verify", binary.display()))?;
    Ok((!output.status.success()).then(|| {
        format!(
            "audit verify: {}{}",
            String::from_utf8_lossy(&output.stdout).trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        )
    }))
}

/// Checks the database against what the clients were told.
async fn verify(database: &Database, planned: &[Planned], seen: &Seen) -> Result<Vec<String>> {
    let (rows, mut problems) = stored_cases(database).await?;
    let by_id: HashMap<&str, &Planned> = planned.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut stored: HashMap<&str, (&str, &str, &str, bool)> = HashMap::new();
    for (id, reference, name, answers, contact_first) in &rows {
        if stored
            .insert(id, (reference, name, answers, *contact_first))
            .is_some()
        {
            problems.push(format!("{id}: stored twice"));
        }
    }
    let references: HashSet<&str> = rows.iter().map(|row| row.1.as_str()).collect();
    if references.len() != rows.len() {
        problems.push("two cases share a reference".to_owned());
    }
    for (id, reference) in &seen.acknowledged {
        let Some((stored_reference, name, answers, contact_first)) = stored.get(id.as_str()) else {
            problems.push(format!("{id}: acknowledged as {reference} but lost"));
            continue;
        };
        let planned = by_id[id.as_str()];
        if stored_reference != reference {
            problems.push(format!(
                "{id}: acknowledged {reference}, stored {stored_reference}"
            ));
        }
        let intact = *name == planned.patient_name
            && serde_json::from_str::<serde_json::Value>(answers)
                .is_ok_and(|json| json["patient_name"] == planned.patient_name.as_str());
        if !intact {
            problems.push(format!("{id}: answers not intact"));
        }
        if *contact_first != (planned.kind == Kind::ContactFirst) {
            problems.push(format!("{id}: wrong contact-first flag"));
        }
    }
    for id in stored.keys() {
        match by_id.get(id) {
            Some(planned) if planned.kind == Kind::Refused => {
                problems.push(format!("{id}: refused but stored"));
            }
            Some(_) => {}
            None => problems.push(format!("{id}: stored but never sent")),
        }
    }
    Ok(problems)
}

/// Runs `command` with the shell: its standard output.
fn shell(command: &str) -> Result<String> {
    let output = Command::new("sh")
        .args(["-c", command])
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {command}"))?;
    if !output.status.success() {
        bail!("{command} failed ({})", output.status);
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The disruptions of the run, each with the number of submissions begun
/// before it: the service's kills spread over the load (with jitter), the
/// database's crash or failover half-way.
fn schedule(args: &Args) -> Vec<(usize, Disruption)> {
    let mut rng = rand::rng();
    let mut events: Vec<(usize, Disruption)> = (1..=args.kills)
        .map(|kill| {
            let target = args.submissions * kill / (args.kills + 1);
            let jitter = rng.random_range(0..=args.submissions / (2 * (args.kills + 1)).max(1));
            (
                (target + jitter).min(args.submissions),
                Disruption::KillService,
            )
        })
        .collect();
    let half = args.submissions / 2 + rng.random_range(0..=args.submissions / 10);
    if args.database_crash.is_some() {
        events.push((half, Disruption::CrashDatabase));
    }
    if args.failover.is_some() {
        events.push((half, Disruption::Failover));
    }
    events.sort_by_key(|(at, _)| *at);
    events
}

/// The crash test: SIGKILL at random moments while the load runs, each
/// followed by a restart on the same database; the database crashed or
/// failed over half-way. The database the service ends on.
#[allow(clippy::print_stdout, reason = "the report is the output")]
fn disrupt(
    args: &Args,
    server: &Mutex<Server>,
    base_url: &RwLock<String>,
    next: &AtomicUsize,
    (mut database, seen): (Database, &Mutex<Seen>),
) -> Result<Database> {
    for (at, disruption) in schedule(args) {
        while next.load(Ordering::Relaxed) < at {
            std::thread::sleep(Duration::from_millis(5));
        }
        let began = next.load(Ordering::Relaxed).min(args.submissions);
        let moment = Instant::now();
        let mut current = server.lock().map_err(|_| anyhow::anyhow!("server lock"))?;
        match disruption {
            Disruption::CrashDatabase => {
                let command = args.database_crash.as_deref().unwrap_or_default();
                shell(command)?;
                println!(
                    "crashed the database (SIGKILL) and started it again after {began} submissions began"
                );
                if let Ok(mut seen) = seen.lock() {
                    seen.disruptions.push((disruption, moment, Instant::now()));
                }
                continue;
            }
            Disruption::Failover => {
                let command = args.failover.as_deref().unwrap_or_default();
                let said = shell(command)?;
                let url = said.lines().rfind(|line| !line.trim().is_empty());
                url.context("the failover command printed no URL")?
                    .trim()
                    .clone_into(&mut database.url);
                println!(
                    "failed over to {} after {began} submissions began",
                    database.url
                );
            }
            Disruption::KillService => {
                println!(
                    "killed the server (SIGKILL) after {began} of {} submissions began",
                    args.submissions
                );
            }
        }
        current.child.kill().context("kill the server")?;
        current.child.wait()?;
        *current = start(&args.server, &database)?;
        if let Ok(mut url) = base_url.write() {
            url.clone_from(&current.base_url);
        }
        if let Ok(mut seen) = seen.lock() {
            seen.disruptions.push((disruption, moment, Instant::now()));
        }
    }
    Ok(database)
}

/// How long the clients were without an acknowledgement through each
/// disruption: the longest time between two, from the last before it
/// began to the first after it was over.
#[allow(clippy::print_stdout, reason = "the report is the output")]
fn report_gaps(seen: &Seen) {
    let mut answered = seen.answered_at.clone();
    answered.sort_unstable();
    for (disruption, began, over) in &seen.disruptions {
        let from = answered
            .iter()
            .rposition(|moment| moment <= began)
            .unwrap_or(0);
        let to = answered
            .iter()
            .position(|moment| moment > over)
            .unwrap_or(answered.len().saturating_sub(1));
        let longest = answered
            .get(from..=to)
            .unwrap_or_default()
            .windows(2)
            .map(|pair| pair[1].duration_since(pair[0]))
            .max()
            .unwrap_or_default();
        println!(
            "{disruption:?}: took {:.2} s; the clients were without an acknowledgement for {:.2} s at most",
            over.duration_since(*began).as_secs_f64(),
            longest.as_secs_f64()
        );
    }
}

/// Throughput and latency, as the clients measured them.
#[allow(clippy::print_stdout, reason = "the report is the output")]
fn report(args: &Args, seen: &Seen, elapsed: Duration) {
    let mut latencies = seen.latencies.clone();
    latencies.sort_unstable();
    let calls = latencies.len();
    #[allow(clippy::cast_precision_loss)]
    let rate = calls as f64 / elapsed.as_secs_f64();
    println!(
        "{} submissions ({} stored and acknowledged, {} refused as they should be), {} clients, {} kills",
        args.submissions,
        seen.acknowledged.len(),
        seen.refused.len(),
        args.clients,
        args.kills
    );
    println!(
        "{calls} answered calls in {:.2} s: {rate:.0} per second; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.95).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    println!(
        "busy answers retried: {}; calls that found no server (retried): {}",
        seen.busy, seen.unreachable
    );
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("loadtest: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[allow(clippy::print_stdout, reason = "the report is the output")]
fn run(args: &Args) -> Result<bool> {
    if args.clients == 0 || args.submissions == 0 {
        bail!("--clients and --submissions must be at least 1");
    }
    let directory = tempfile::tempdir()?;
    let database = Database {
        url: args
            .database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", directory.path().join("load.db").display())),
        key_file: directory.path().join("second-opinion.key"),
    };
    let server = Arc::new(Mutex::new(start(&args.server, &database)?));
    let base_url = Arc::new(RwLock::new(
        server
            .lock()
            .map(|s| s.base_url.clone())
            .unwrap_or_default(),
    ));
    let planned = Arc::new(plan(args.submissions));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();

    let workers: Vec<_> = (0..args.clients)
        .map(|_| {
            let (base_url, planned, seen, next, stop) = (
                base_url.clone(),
                planned.clone(),
                seen.clone(),
                next.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build()
                    .into();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = planned.get(n) else { break };
                    submit(&agent, &base_url, item, &seen, &stop);
                }
            })
        })
        .collect();

    let database = disrupt(args, &server, &base_url, &next, (database, &seen))?;
    for worker in workers {
        let _ = worker.join();
    }
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    if let Ok(mut server) = server.lock() {
        let _ = server.child.kill();
        let _ = server.child.wait();
    }

    let seen = seen.lock().map_err(|_| anyhow::anyhow!("results lock"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut problems = runtime.block_on(verify(&database, &planned, &seen))?;
    problems.extend(audit_verify(&args.server, &database)?);
    problems.extend(seen.problems.iter().cloned());

    report(args, &seen, elapsed);
    report_gaps(&seen);
    if problems.is_empty() {
        println!(
            "ok: every acknowledged request stored once with its answers, nothing refused stored, the audit chain whole{}",
            if database.url.starts_with("sqlite") {
                ", integrity_check ok"
            } else {
                ""
            }
        );
        Ok(true)
    } else {
        for problem in problems.iter().take(50) {
            println!("PROBLEM {problem}");
        }
        println!("FAILED: {} problems", problems.len());
        Ok(false)
    }
}
