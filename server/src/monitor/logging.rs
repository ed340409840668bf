//! The log: plain text for a person at a terminal, JSON lines for a log
//! shipper (`--log-format json`), or the journal's own fields under systemd
//! (`PRIORITY`, `CODE_FILE`, and each event's, such as a request's `ROUTE`
//! and `STATUS`), chosen by itself when the journal is the service's
//! standard error (`JOURNAL_STREAM` names the very stream standard error
//! is; a child of the service, with its standard error elsewhere, logs as
//! text).

use clap::ValueEnum;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum LogFormat {
    /// The journal's fields under systemd, plain text otherwise.
    #[default]
    Auto,
    Text,
    /// One JSON object per line (`timestamp`, `level`, `target`,
    /// `message` and the event's fields).
    Json,
    /// The systemd journal's native protocol, each field its own.
    Journal,
}

/// Starts logging to standard error (or the journal) in `format`, filtered
/// by `RUST_LOG` (default `info,sqlx=warn`).
pub fn init(format: LogFormat) {
    let filter =
        || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let format = match format {
        LogFormat::Auto if stderr_is_the_journal() => LogFormat::Journal,
        LogFormat::Auto => LogFormat::Text,
        chosen => chosen,
    };
    if format == LogFormat::Journal {
        match tracing_journald::layer() {
            Ok(journal) => {
                tracing_subscriber::registry()
                    .with(filter())
                    .with(
                        journal
                            .with_field_prefix(None)
                            .with_syslog_identifier("second-opinion".to_owned()),
                    )
                    .init();
                return;
            }
            Err(error) => eprintln!("second-opinion: no journal ({error}); logging as text"),
        }
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(std::io::stderr);
    if format == LogFormat::Json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init();
    } else {
        builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init();
    }
}

/// Whether standard error is the journal's stream: `JOURNAL_STREAM` is its
/// device and inode (`DEV:INO`), as systemd.exec(5) says to check.
fn stderr_is_the_journal() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let Some(stream) = std::env::var("JOURNAL_STREAM").ok() else {
        return false;
    };
    let Ok(stderr) = std::fs::metadata("/proc/self/fd/2") else {
        return false;
    };
    stream.split_once(':').is_some_and(|(device, inode)| {
        device.parse() == Ok(stderr.dev()) && inode.parse() == Ok(stderr.ino())
    })
}
