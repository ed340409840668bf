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
    if crate::helpers::on_postgres("the backup command copies SQLite files") {
        return;
    }
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

#[test]
fn nightly_backups_go_into_dated_files_readable_by_their_owner_only_and_the_newest_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    if crate::helpers::on_postgres("the backup command copies SQLite files") {
        return;
    }
    let server = crate::helpers::TestServer::start();
    server.submit("backup-0001", &[]);
    let directory = tempfile::tempdir().expect("temporary directory");
    let into = directory.path().join("nightly");
    let into_arg = into.to_str().expect("utf-8 path");
    let database_url = server.database_url();
    // The nightly unit's command.
    let nightly = || {
        run(&[
            "backup",
            "--into",
            into_arg,
            "--keep",
            "2",
            "--database-url",
            &database_url,
        ])
    };
    for _ in 0..3 {
        let output = nightly();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stdout(&output).contains("audit trail: ok"),
            "the chain's state goes to the log: {}",
            stdout(&output)
        );
    }
    let mut names = backups_in(&into);
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    for name in &names {
        assert!(
            name.starts_with("second-opinion-")
                && std::path::Path::new(name)
                    .extension()
                    .is_some_and(|extension| extension == "db"),
            "{name}"
        );
        let mode = std::fs::metadata(into.join(name))
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
    let keep_without_into = run(&["backup", "--to", "x.db", "--keep", "2"]);
    assert!(!keep_without_into.status.success());

    // An audit line changed behind the service's back: the backup is
    // still made, the run fails (so the unit shows failed), and no older
    // copy is removed, night after night.
    server.add_staff("sato", "reception", "Sato");
    server.drop_trigger("audit_is_append_only_update");
    server.execute("UPDATE audit SET actor = 'someone else' WHERE id = 1");
    for night in 3..5 {
        let output = nightly();
        assert!(!output.status.success());
        assert!(stdout(&output).contains("audit trail: row 1 does not fit"));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("every backup is kept"),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            backups_in(&into).len(),
            night,
            "the copies from before the change stay"
        );
    }
}

/// The dated backups in `directory` (not the anchor beside them).
fn backups_in(directory: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(directory)
        .expect("directory")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .into_string()
                .expect("name")
        })
        .filter(|name| name.starts_with("second-opinion-"))
        .collect()
}

#[test]
fn a_backup_sealed_for_the_hospitals_key_leaves_no_plaintext_and_restores_with_it() {
    use std::io::Read as _;
    if crate::helpers::on_postgres("the backup command copies SQLite files") {
        return;
    }
    let server = crate::helpers::TestServer::start();
    let reference = server.submit("sealed-0001", &[]);
    let hospital = age::x25519::Identity::generate();
    let recipient = hospital.to_public().to_string();
    let directory = tempfile::tempdir().expect("temporary directory");
    let into = directory.path().join("nightly");
    let output = run(&[
        "backup",
        "--into",
        into.to_str().expect("utf-8 path"),
        "--encrypt-to",
        &recipient,
        "--database-url",
        &server.database_url(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let names = backups_in(&into);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].ends_with(".db.age"), "{names:?}");
    assert!(
        std::fs::read_dir(&into)
            .expect("directory")
            .all(|entry| !entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .ends_with(".db")),
        "no plaintext copy"
    );
    let sealed = std::fs::read(into.join(&names[0])).expect("sealed copy");
    assert!(sealed.starts_with(b"age-encryption.org/v1"));
    assert!(!sealed.windows(15).any(|w| w == b"SQLite format 3"));

    // The restore drill: the hospital's private key opens it, and the key
    // file (kept apart) checks its audit trail.
    let decryptor = age::Decryptor::new(&sealed[..]).expect("an age file");
    let mut plain = Vec::new();
    decryptor
        .decrypt(std::iter::once(&hospital as &dyn age::Identity))
        .expect("opens with the hospital's key")
        .read_to_end(&mut plain)
        .expect("read");
    assert!(plain.starts_with(b"SQLite format 3"));
    let restored = directory.path().join("restored.db");
    std::fs::write(&restored, &plain).expect("restore");
    std::fs::copy(
        server.database.with_extension("key"),
        restored.with_extension("key"),
    )
    .expect("the key file, from where it is kept");
    let restored_url = format!("sqlite://{}", restored.display());
    let verified = run(&["audit", "verify", "--database-url", &restored_url]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    let found = run(&["user", "list", "--database-url", &restored_url]);
    assert!(found.status.success());
    let pool_count = {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            let pool = sqlx::SqlitePool::connect(&restored_url)
                .await
                .expect("open");
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE reference = ?")
                .bind(reference.replace('-', ""))
                .fetch_one(&pool)
                .await
                .expect("count");
            count
        })
    };
    assert_eq!(pool_count, 1);

    let wrong = run(&["backup", "--to", "x.db.age", "--encrypt-to", "age1notakey"]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("not an age recipient"));
}

#[test]
fn a_backup_fails_when_the_audit_trail_was_cut_after_the_last_one_and_the_key_file_is_needed() {
    if crate::helpers::on_postgres("the backup command copies SQLite files") {
        return;
    }
    let server = crate::helpers::TestServer::start();
    server.add_staff("sato", "reception", "Sato");
    let directory = tempfile::tempdir().expect("temporary directory");
    let into = directory.path().join("nightly");
    let database_url = server.database_url();
    let nightly = || {
        run(&[
            "backup",
            "--into",
            into.to_str().expect("utf-8 path"),
            "--database-url",
            &database_url,
        ])
    };
    let first = nightly();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // The last line goes to the log, for a remote log to keep it.
    let last = server.count("SELECT MAX(id) FROM audit");
    assert!(
        stdout(&first).contains(&format!("audit anchor: row {last}, hash k1:")),
        "{}",
        stdout(&first)
    );
    // Someone who can write the file cuts the trail's end (the triggers
    // dropped first): every line left still fits, but the next backup
    // finds the line the last one saw gone.
    server.add_staff("ito", "reception", "Ito");
    server.drop_trigger("audit_is_append_only_delete");
    server.execute(&format!("DELETE FROM audit WHERE id >= {last}"));
    let cut = nightly();
    assert!(!cut.status.success());
    assert!(stdout(&cut).contains("audit trail: ok"), "{}", stdout(&cut));
    assert!(
        String::from_utf8_lossy(&cut.stderr).contains(&format!("no longer holds row {last}")),
        "{}",
        String::from_utf8_lossy(&cut.stderr)
    );
    assert_eq!(backups_in(&into).len(), 2, "both copies kept");

    // Without the key file, keyed lines cannot be checked, and it says so.
    std::fs::rename(
        server.database.with_extension("key"),
        directory.path().join("kept.key"),
    )
    .expect("move the key file away");
    let verify = run(&["audit", "verify", "--database-url", &database_url]);
    assert!(!verify.status.success());
    assert!(
        String::from_utf8_lossy(&verify.stderr).contains("the key file was not read"),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

#[test]
fn a_backup_made_while_requests_arrive_restores_every_request_acknowledged_before_it() {
    use std::sync::atomic::{AtomicBool, Ordering};
    if crate::helpers::on_postgres("the backup command copies SQLite files") {
        return;
    }
    let server = crate::helpers::TestServer::start();
    let directory = tempfile::tempdir().expect("temporary directory");
    let backup = directory.path().join("drill.db");
    let stop = AtomicBool::new(false);
    let (before, after) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let mut acknowledged = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let reference = server.submit(&format!("drill-{n:08}"), &[]);
                acknowledged.push((std::time::Instant::now(), reference));
                n += 1;
            }
            acknowledged
        });
        std::thread::sleep(std::time::Duration::from_millis(600));
        let began = std::time::Instant::now();
        let output = run(&[
            "backup",
            "--to",
            backup.to_str().expect("utf-8 path"),
            "--database-url",
            &server.database_url(),
        ]);
        // The writer stops whatever the backup did: a failed backup fails
        // the test instead of leaving it writing for ever.
        stop.store(!output.status.success(), Ordering::Relaxed);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        std::thread::sleep(std::time::Duration::from_millis(400));
        stop.store(true, Ordering::Relaxed);
        let acknowledged = writer.join().expect("writer");
        let (before, after): (Vec<_>, Vec<_>) =
            acknowledged.into_iter().partition(|(at, _)| *at < began);
        (before, after)
    });
    assert!(
        before.len() >= 3 && !after.is_empty(),
        "{} / {}",
        before.len(),
        after.len()
    );

    // Restored into a fresh directory, the service starts on the copy.
    let restored = crate::helpers::TestServer::start_on(&[], &[], |url| {
        let file = std::path::Path::new(url.trim_start_matches("sqlite://"));
        std::fs::create_dir_all(file.parent().expect("directory")).expect("directory");
        std::fs::copy(&backup, file).expect("restore");
    });
    for (_, reference) in &before {
        assert_eq!(
            restored.count(&format!(
                "SELECT COUNT(*) FROM cases WHERE reference = '{reference}'"
            )),
            1,
            "{reference} was acknowledged before the backup began"
        );
    }
    let check: String = {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            let pool = sqlx::SqlitePool::connect(&restored.database_url())
                .await
                .expect("open");
            sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(&pool)
                .await
                .expect("integrity check")
        })
    };
    assert_eq!(check, "ok");
    let status = restored.send("GET", "/", None, &[]);
    assert_eq!(status.status, 200, "the restored service answers");
}

#[test]
fn a_patients_record_is_exported_whole_for_a_disclosure_request_and_audited() {
    use std::os::unix::fs::PermissionsExt;
    let server = crate::helpers::TestServer::start();
    let reference = server.submit(
        "export-0001",
        &[
            ("patient_email", "hanako@example.jp"),
            ("email_updates", "true"),
        ],
    );
    server.add_staff("sato", "reception", "Sato");
    let cookie = server.sign_in("sato");
    let page = server.send(
        "GET",
        &format!("/staff/cases/{reference}"),
        Some(&cookie),
        &[],
    );
    assert_eq!(page.status, 200);
    let directory = tempfile::tempdir().expect("temporary directory");
    let file = directory.path().join("disclosure.json");
    let dashed = format!("{}-{}", &reference[..4], &reference[4..]);
    let export = |reference: &str, to: &std::path::Path| {
        server
            .command()
            .args([
                "case",
                "export",
                reference,
                "--to",
                to.to_str().expect("utf-8 path"),
            ])
            .output()
            .expect("run second-opinion")
    };
    let output = export(&dashed, &file);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mode = std::fs::metadata(&file).expect("file").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
    assert_eq!(record["reference"], dashed);
    assert!(
        record["case"]["answers"]
            .as_str()
            .is_some_and(|answers| answers.contains("Stage II breast cancer")),
        "the answers as stored: {record}"
    );
    let messages = record["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2, "the confirmation and the receipt");
    assert!(
        messages
            .iter()
            .all(|m| m["recipient"] == "hanako@example.jp")
    );
    let audit = record["audit"].as_array().expect("the case's audit lines");
    assert!(
        audit
            .iter()
            .any(|line| line["action"] == "case_viewed" && line["actor"] == "sato")
    );
    // No key of the service's leaves in it.
    let text = String::from_utf8(std::fs::read(&file).expect("read")).expect("utf-8");
    assert!(
        !text.contains("token_hash") && !text.contains("\"hash\""),
        "{text}"
    );
    // The export itself is audited, with who ran it.
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM audit WHERE action = 'case_exported' AND actor LIKE 'os:%'"
        ),
        1
    );
    // Never over an existing file; an unknown reference says so.
    let again = export(&dashed, &file);
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let unknown = export("AAAA-BBBB", &directory.path().join("x.json"));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no request has the reference"));
}

#[test]
fn a_database_url_the_service_cannot_use_is_refused_at_start_and_nothing_is_made() {
    let directory = tempfile::tempdir().expect("temporary directory");
    for (url, expected) in [
        ("sqllite:data/x.db", "not \"sqllite:\""),
        ("data/second-opinion.db", "without a scheme"),
        ("postgres://so@127.0.0.1:1", "names its database"),
    ] {
        for command in [&["serve"][..], &["audit", "verify"], &["user", "list"]] {
            let output = Command::new(crate::helpers::BINARY)
                .args(command)
                .env("DATABASE_URL", url)
                .env("SECOND_OPINION_ADDR", "127.0.0.1:0")
                .current_dir(directory.path())
                .output()
                .expect("run second-opinion");
            assert!(!output.status.success(), "{command:?} on {url}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains("DATABASE_URL") && stderr.contains(expected),
                "{command:?} on {url}: {stderr}"
            );
        }
    }
    let made: Vec<_> = std::fs::read_dir(directory.path())
        .expect("read")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert!(made.is_empty(), "nothing is made: {made:?}");
}

#[test]
fn the_key_file_is_where_it_is_set_and_the_log_names_the_database_and_the_key_file() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let key = directory.path().join("keys").join("service.key");
    let key_arg = key.to_str().expect("utf-8");
    let server = crate::helpers::TestServer::start_with(&["--key-file", key_arg]);
    assert_eq!(
        std::fs::read(&key)
            .expect("the key file is made where it is set")
            .len(),
        32
    );
    assert!(
        !server.database.with_extension("key").exists(),
        "and not beside the database"
    );
    let opened = if crate::helpers::postgres().is_some() {
        "opened the PostgreSQL database ".to_owned()
    } else {
        format!("opened the SQLite database {};", server.database.display())
    };
    assert!(server.log_contains(&opened));
    assert!(server.log_contains(&format!("; the key file is {key_arg}")));
    server.submit("key-file-0001", &[]);
    // Commands read the same setting: the audit chain is keyed by it, and
    // without it they look beside the database, where there is none.
    let verify = |options: &[&str]| {
        Command::new(crate::helpers::BINARY)
            .args(["audit", "verify"])
            .args(options)
            .env("DATABASE_URL", server.database_url())
            .output()
            .expect("run second-opinion")
    };
    let output = verify(&["--key-file", key_arg]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = verify(&[]);
    assert!(!output.status.success());
    let refused = String::from_utf8_lossy(&output.stderr);
    assert!(
        refused.contains("the key file was not read")
            || (crate::helpers::postgres().is_some()
                && refused.contains("say where the service's key file is")),
        "{refused}"
    );
}

#[test]
fn on_postgresql_a_backup_is_a_dump_that_restores_into_an_empty_database_with_every_request() {
    use std::os::unix::fs::PermissionsExt;
    if crate::helpers::postgres().is_none() {
        eprintln!("needs PostgreSQL: the SQLite backups have their own tests");
        return;
    }
    let server = crate::helpers::TestServer::start();
    let references: Vec<String> = (0..5)
        .map(|n| server.submit(&format!("dump-{n:04}"), &[]))
        .collect();
    let directory = tempfile::tempdir().expect("temporary directory");
    let into = directory.path().join("nightly");
    let output = server
        .command()
        .args([
            "backup",
            "--into",
            into.to_str().expect("utf-8"),
            "--keep",
            "2",
        ])
        .output()
        .expect("backup");
    let printed = stdout(&output);
    assert!(
        output.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(printed.contains("audit trail: ok"), "{printed}");
    assert!(printed.contains("audit anchor: row"), "{printed}");
    let dump = std::fs::read_dir(&into)
        .expect("nightly")
        .map(|entry| entry.expect("entry").path())
        .find(|path| {
            path.extension()
                .is_some_and(|extension| extension == "dump")
        })
        .expect("a dated .dump");
    let mode = std::fs::metadata(&dump).expect("dump").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    assert_eq!(&std::fs::read(&dump).expect("dump")[..5], b"PGDMP");

    // Restored into an empty database, with the key file kept beside the
    // backups: every request, and the audit chain intact.
    let restored = crate::helpers::fresh_database(&directory.path().join("restored.db"));
    std::fs::copy(
        server.database.with_extension("key"),
        directory.path().join("restored.key"),
    )
    .expect("the key file");
    let status = Command::new("pg_restore")
        .args(["--no-owner", "--dbname", &restored])
        .arg(&dump)
        .status()
        .expect("pg_restore");
    assert!(status.success());
    let verify = crate::helpers::command_on(&restored)
        .args(["audit", "verify"])
        .output()
        .expect("audit verify");
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    let found: Vec<String> = crate::helpers::on_database_at(&restored, |pool| async move {
        sqlx::query_scalar("SELECT reference FROM cases ORDER BY reference")
            .fetch_all(&pool)
            .await
            .expect("cases")
    });
    let mut expected = references;
    expected.sort();
    assert_eq!(found, expected);
}
