//! The administration commands, run as the real binary.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(crate::helpers::BINARY)
        .args(args)
        .output()
        .expect("run second-opinion")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8")
}

#[test]
fn calendar_lists_a_year_of_holidays_and_closures() {
    let output = run(&["calendar", "--from", "2026-01-01", "--to", "2026-12-31"]);
    assert!(output.status.success());
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    // 18 national holidays, 1 January being also a closure day; 2–3 January and 29–31 December.
    assert_eq!(lines.len(), 18 + 2 + 3, "{text}");
    assert_eq!(lines[0], "2026-01-01 holiday New Year's Day");
    assert_eq!(lines[1], "2026-01-02 closure Year-end and New Year closure");
    assert!(lines.contains(&"2026-09-22 holiday Citizens' Holiday"));
    assert_eq!(
        lines.last(),
        Some(&"2026-12-31 closure Year-end and New Year closure")
    );
}

#[test]
fn window_prints_receipt_earliest_and_latest() {
    let output = run(&["window", "--received", "2026-12-25T17:00:00+09:00"]);
    assert!(output.status.success());
    assert_eq!(
        stdout(&output),
        "receipt=2026-12-28 earliest=2027-01-13 latest=2027-01-22\n"
    );
}

#[test]
fn bad_arguments_get_a_clear_message_and_a_failure_exit() {
    for (args, expected) in [
        (
            vec!["calendar", "--from", "2026-02-30", "--to", "2026-03-01"],
            "expected a date as YYYY-MM-DD",
        ),
        (vec!["calendar", "--from", "2026-03-01"], "--to"),
        (
            vec!["calendar", "--from", "2026-03-01", "--to", "2026-01-01"],
            "is after --to",
        ),
        (
            vec!["window", "--received", "2026-12-25 17:00"],
            "expected an RFC 3339 timestamp",
        ),
        (vec!["no-such-command"], "unrecognized subcommand"),
    ] {
        let output = run(&args);
        assert!(!output.status.success(), "{args:?} should fail");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn backup_copies_the_live_database_into_a_new_file() {
    let server = crate::helpers::TestServer::start();
    let directory = tempfile::tempdir().expect("temporary directory");
    let copy = directory.path().join("backups").join("copy.db");
    let database_url = format!("sqlite://{}", server.database.display());
    let copy_arg = copy.to_str().expect("utf-8 path");

    let output = run(&["backup", "--to", copy_arg, "--database-url", &database_url]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let header = std::fs::read(&copy).expect("backup file");
    assert_eq!(&header[..16], b"SQLite format 3\0");
    // The copy carries the schema: the migrations table with the applied migration.
    let text = String::from_utf8_lossy(&header);
    assert!(text.contains("_sqlx_migrations"));

    let again = run(&["backup", "--to", copy_arg, "--database-url", &database_url]);
    assert!(
        !again.status.success(),
        "an existing backup is never overwritten"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}

#[test]
fn serve_is_the_default_command_and_takes_its_options_either_way() {
    for args in [vec!["--help"], vec!["serve", "--help"]] {
        let output = run(&args);
        assert!(output.status.success());
        assert!(stdout(&output).contains("--addr <HOST:PORT>"), "{args:?}");
    }
}
