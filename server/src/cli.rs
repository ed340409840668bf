//! The command line: what each subcommand takes.

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::database_url::DatabaseUrl;

/// The second-opinion request service of the university hospital.
#[derive(Debug, Parser)]
#[command(
    name = "second-opinion",
    version = crate::VERSION,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no command, `second-opinion` serves, and takes `serve`'s options.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default when no command is given).
    Serve(Box<ServeArgs>),
    /// List the national holidays and closure days in a range of dates.
    Calendar(CalendarArgs),
    /// Print the receipt day and the appointment window of a request.
    Window(WindowArgs),
    /// Write a consistent copy of the database while the service runs.
    Backup(BackupArgs),
    /// Manage reception's accounts (the password is read from standard input).
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// A patient's record, for a disclosure request.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Reduce the requests closed longer ago than the retention period to
    /// what statistics need, erasing their personal data (audited; the
    /// nightly unit runs it).
    Reduce(ReduceArgs),
}

#[derive(Debug, Args)]
pub struct ReduceArgs {
    /// Years a closed request is kept whole, counted from its last step:
    /// five at least, as medical records are kept.
    #[arg(
        long,
        env = "SECOND_OPINION_RETAIN_YEARS",
        default_value_t = domain::retention::LEGAL_YEARS,
        value_parser = clap::value_parser!(u32).range(5..=100),
        value_name = "YEARS"
    )]
    pub retain_years: u32,
    /// Only say how many requests would be reduced.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Write everything the service holds about one request (APPI art. 33
    /// disclosure) as a JSON file readable by its owner only: the answers,
    /// documents, appointments, calls, messages, the day, the reports and
    /// the case's audit lines. Audited, with who ran it.
    Export {
        /// The request's reference (XXXX-XXXX).
        reference: String,
        /// The file to write; it must not exist yet.
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account and enrol its second factor. The password (12 to 128
    /// characters, not easy to guess) is read from standard input, never
    /// from the command line; the authenticator app's address and ten
    /// recovery codes are printed once, to hand to the member.
    Add {
        login: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The name shown to colleagues [default: the login].
        #[arg(long, default_value = "")]
        name: String,
        /// For `--role specialist`: the specialist of the list this account
        /// is (its id, as the specialists page shows it).
        #[arg(long, value_name = "ID")]
        specialist: Option<i64>,
        #[command(flatten)]
        accounts: AccountsArgs,
    },
    /// Give an account a new second factor and new recovery codes (a lost
    /// phone, or an account made before two-factor sign-in); ends its
    /// sessions.
    TotpReset {
        login: String,
        #[command(flatten)]
        accounts: AccountsArgs,
    },
    /// Set an account's password from standard input; ends its sessions.
    Password {
        login: String,
        #[command(flatten)]
        accounts: AccountsArgs,
    },
    /// Disable an account and end its sessions.
    Disable {
        login: String,
        #[command(flatten)]
        accounts: AccountsArgs,
    },
    /// List the accounts.
    List {
        #[command(flatten)]
        accounts: AccountsArgs,
    },
}

/// What every account command needs.
#[derive(Debug, Args)]
pub struct AccountsArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The hospital's name: the authenticator app shows it, and no password may contain it.
    #[arg(long, env = "SECOND_OPINION_HOSPITAL_NAME", default_value = DEFAULT_HOSPITAL_NAME, value_name = "NAME")]
    pub hospital_name: String,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit trail's hash chain: `ok N rows` and the last hash, or
    /// the first row that does not fit (and a failure exit).
    Verify {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Reception,
    Admin,
    /// A specialist who sees the cases assigned to them and writes the
    /// reports (with `--specialist`).
    Specialist,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:3000, or LEPTOS_SITE_ADDR].
    #[arg(long, env = "SECOND_OPINION_ADDR", value_name = "HOST:PORT")]
    pub addr: Option<SocketAddr>,
    /// Serve Prometheus metrics at http://HOST:PORT/metrics, a listener of
    /// their own (keep it on loopback or the monitoring network) [default:
    /// no metrics].
    #[arg(long, env = "SECOND_OPINION_METRICS_ADDR", value_name = "HOST:PORT")]
    pub metrics_addr: Option<SocketAddr>,
    /// How the log is written: `auto` (the journal's fields under systemd,
    /// text otherwise), `text`, `json` (one object per line) or `journal`.
    #[arg(
        long,
        env = "SECOND_OPINION_LOG_FORMAT",
        value_enum,
        default_value_t = crate::monitor::logging::LogFormat::Auto,
        value_name = "FORMAT"
    )]
    pub log_format: crate::monitor::logging::LogFormat,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// A reverse proxy whose X-Forwarded-For and X-Forwarded-Proto are
    /// believed: an address or a network; repeatable (the environment
    /// variable takes them separated by commas). Requests from anywhere
    /// else are counted by their own connection, whatever they claim.
    #[arg(
        long = "trusted-proxy",
        env = "SECOND_OPINION_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = app::http::proxies::parse_trusted,
        value_name = "ADDRESS_OR_CIDR"
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The hospital's name: no new password may contain it.
    #[arg(long, env = "SECOND_OPINION_HOSPITAL_NAME", default_value = DEFAULT_HOSPITAL_NAME, value_name = "NAME")]
    pub hospital_name: String,
    #[command(flatten)]
    pub mail: MailArgs,
    /// The FAX number of the hospital's liaison office (地域医療連携室), printed
    /// on the letter to the present doctor and the FAX cover sheet.
    #[arg(long, env = "SECOND_OPINION_LIAISON_FAX", value_name = "NUMBER")]
    pub liaison_fax: Option<String>,
    /// The postal address documents are sent to, printed on the letter to
    /// the present doctor.
    #[arg(long, env = "SECOND_OPINION_POSTAL_ADDRESS", value_name = "ADDRESS")]
    pub postal_address: Option<String>,
    /// Within how many consultation days after the visit the written
    /// opinion is due (the hospital's calendar counts them).
    #[arg(
        long,
        env = "SECOND_OPINION_REPORT_DAYS",
        default_value_t = domain::report::DEFAULT_REPORT_DAYS,
        value_parser = clap::value_parser!(u32).range(1..=60),
        value_name = "DAYS"
    )]
    pub report_days: u32,
    /// New requests the whole service takes in an hour, from every address
    /// together; beyond it, "busy", and reception's queue says so.
    #[arg(
        long,
        env = "SECOND_OPINION_NEW_REQUEST_CEILING",
        default_value_t = app::http::limits::SERVICE_CEILING,
        value_name = "N"
    )]
    pub new_request_ceiling: usize,
}

/// Where e-mail to patients goes. Without `--smtp-url`, messages are kept,
/// queued, and reception's pages say so.
#[derive(Debug, Args)]
pub struct MailArgs {
    /// The mail server: `smtp://host:25` (plain, for a relay on the same
    /// host or network), `smtp://host:587?tls=required` (STARTTLS) or
    /// `smtps://host:465` (TLS); credentials as `smtp://user:password@host`.
    #[arg(
        long,
        env = "SECOND_OPINION_SMTP_URL",
        value_name = "URL",
        requires = "mail_from"
    )]
    pub smtp_url: Option<String>,
    /// The sender of the messages, e.g. `"Second opinion <so@hospital.example.jp>"`.
    #[arg(long, env = "SECOND_OPINION_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<lettre::message::Mailbox>,
    /// Where patients' replies go (e.g. reception's mailbox).
    #[arg(long, env = "SECOND_OPINION_MAIL_REPLY_TO", value_name = "ADDRESS")]
    pub mail_reply_to: Option<lettre::message::Mailbox>,
    /// The address patients reach the service at, for the links in the
    /// messages [default: http:// and the listening address].
    #[arg(long, env = "SECOND_OPINION_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// The first wait before a message that could not be sent is tried
    /// again, in seconds; each wait doubles, up to two hours.
    #[arg(
        long,
        env = "SECOND_OPINION_MAIL_RETRY_SECONDS",
        default_value_t = 60,
        value_name = "SECONDS",
        hide = true
    )]
    pub mail_retry_seconds: u32,
    /// How long a message is tried before it is marked failed, in hours.
    #[arg(
        long,
        env = "SECOND_OPINION_MAIL_GIVE_UP_HOURS",
        default_value_t = 24.0,
        value_name = "HOURS",
        hide = true
    )]
    pub mail_give_up_hours: f64,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/second-opinion.db";

/// Where the service's data and key are: every command takes them.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// The database: `sqlite://PATH` (the embedded default; the file and
    /// its directory are made when missing) or
    /// `postgres://USER@HOST:PORT/DATABASE` (the password from `PGPASSWORD`
    /// or `~/.pgpass`, never in the URL of a unit file).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = DEFAULT_DATABASE_URL,
        value_parser = DatabaseUrl::parse,
        value_name = "URL"
    )]
    pub database_url: DatabaseUrl,
    /// The service's key file (32 bytes, its owner's only; made at first
    /// start) [default: beside a SQLite database, as `NAME.key`; with
    /// PostgreSQL it must be said, and kept off the database's server].
    #[arg(long, env = "SECOND_OPINION_KEY_FILE", value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

impl DatabaseArgs {
    /// The key file's place: as set, or beside a SQLite database.
    pub fn key_file(&self) -> anyhow::Result<PathBuf> {
        self.key_file
            .clone()
            .or_else(|| self.database_url.default_key_file())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "with PostgreSQL, say where the service's key file is: --key-file FILE \
                     (or SECOND_OPINION_KEY_FILE), on the service's machine, not the database's"
                )
            })
    }
}
pub const DEFAULT_HOSPITAL_NAME: &str = "University Hospital";

#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// First day of the range.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub from: NaiveDate,
    /// Last day of the range (inclusive).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub to: NaiveDate,
    /// Language of the names.
    #[arg(long, value_enum, default_value_t = Language::En)]
    pub lang: Language,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct WindowArgs {
    /// When the request was received, e.g. 2026-12-25T17:00:00+09:00.
    #[arg(long, value_name = "RFC 3339 TIMESTAMP", value_parser = parse_moment)]
    pub received: DateTime<FixedOffset>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["to", "into"])))]
pub struct BackupArgs {
    /// The file to write; it must not exist yet.
    #[arg(long, value_name = "FILE")]
    pub to: Option<PathBuf>,
    /// A directory to write a dated copy into
    /// (`second-opinion-YYYY-MM-DDTHHMMSS.mmm.db`, Japan time).
    #[arg(long, value_name = "DIRECTORY")]
    pub into: Option<PathBuf>,
    /// With --into: keep only the newest N copies there.
    #[arg(long, value_name = "N", requires = "into", value_parser = clap::value_parser!(u32).range(1..))]
    pub keep: Option<u32>,
    /// Seal the copy with age for this recipient (`age1…`, repeatable; or
    /// comma-separated in the environment): only the public key is on the
    /// server, the private key stays with the hospital, offline. With a
    /// recipient, no plaintext copy is written.
    #[arg(
        long,
        env = "SECOND_OPINION_BACKUP_RECIPIENT",
        value_name = "RECIPIENT",
        value_delimiter = ','
    )]
    pub encrypt_to: Vec<String>,
    /// Where the last audit line a backup saw is kept, and checked at the
    /// next (default: `audit-anchor` in the --into directory).
    #[arg(long, value_name = "FILE")]
    pub anchor: Option<PathBuf>,
    /// Refuse to start a backup that would leave less than this many MiB
    /// free where it is written (counting the copy as large as the
    /// database): a full disk stops the service's writes too.
    #[arg(
        long,
        env = "SECOND_OPINION_BACKUP_KEEP_FREE_MIB",
        default_value_t = 256,
        value_name = "MIB"
    )]
    pub keep_free_mib: u64,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Language {
    En,
    Ja,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|error| format!("expected a date as YYYY-MM-DD, such as 2026-12-25 ({error})"))
}

fn parse_moment(text: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(text).map_err(|error| {
        format!("expected an RFC 3339 timestamp with its offset, such as 2026-12-25T17:00:00+09:00 ({error})")
    })
}
