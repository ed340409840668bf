//! Retention: a closed request kept whole for its years, then reduced to
//! statistics by `second-opinion reduce` (the nightly unit's first step):
//! its personal data gone from every table and from the database file,
//! every page saying "reduced" instead of failing, open requests untouched.

use crate::helpers::TestServer;
use crate::staff::{EVERY_WEEKDAY, assign_and_book};
use crate::the_day::{REPORT, act, appointment_today, ito_and_rita, report_post, seen};

/// What the patient typed, none of it anywhere else in the test's data.
const PERSONAL: &[(&str, &str)] = &[
    ("patient_name", "Kaede Nishikawa"),
    ("patient_name_reading", "ニシカワ カエデ"),
    ("patient_phone", "090-5555-0142"),
    ("patient_email", "kaede.nishikawa@example.jp"),
    ("email_updates", "true"),
    ("present_doctor_name", "Goro Takeda"),
    ("present_institution", "Kamome Neurology Clinic"),
    ("diagnosis", "Glioma seen on the autumn MRI"),
    ("questions", "Is radiotherapy still an option?"),
];

/// What reception and the specialist wrote about her.
const WRITTEN: &[&str] = &[
    "Prefers calls after five (her daughter answers)",
    "spoke with her daughter Emi",
    "Emi Nishikawa",
];

fn reduce(server: &TestServer, options: &[&str]) -> std::process::Output {
    server
        .command()
        .arg("reduce")
        .args(options)
        .env("USER", "itadmin")
        .env_remove("SUDO_USER")
        .output()
        .expect("run second-opinion reduce")
}

fn printed(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every moment of the case `reference` moved `years` years back, as if it
/// had all happened then.
fn age_case(server: &TestServer, reference: &str, years: u32) {
    let case = format!("(SELECT id FROM cases WHERE reference = '{reference}')");
    let back = |column: &str| {
        if crate::helpers::postgres().is_some() {
            format!(
                "{column} = to_char(({column})::timestamptz AT TIME ZONE 'UTC' - interval '{years} years', \
                 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
            )
        } else {
            format!("{column} = strftime('%Y-%m-%dT%H:%M:%fZ', {column}, '-{years} years')")
        }
    };
    for (table, columns, key) in [
        ("cases", &["received_at", "updated_at"][..], "id"),
        // Its signed versions are frozen: their drafting moment is enough.
        ("reports", &["updated_at"][..], "case_id"),
        ("report_sendings", &["recorded_at"][..], "case_id"),
        ("case_notes", &["at"][..], "case_id"),
        ("calls", &["at"][..], "case_id"),
        ("payments", &["taken_at"][..], "case_id"),
    ] {
        let set: Vec<String> = columns.iter().map(|column| back(column)).collect();
        server.execute(&format!(
            "UPDATE {table} SET {} WHERE {key} = {case}",
            set.join(", ")
        ));
    }
}

#[test]
#[allow(
    clippy::too_many_lines,
    reason = "one case's whole life, then its reduction"
)]
fn a_case_closed_longer_ago_than_its_years_is_reduced_to_statistics_and_its_personal_data_erased() {
    let mut server = TestServer::start();
    let (admin, ito_id, rita) = ito_and_rita(&server);
    let mut answers = EVERY_WEEKDAY.to_vec();
    answers.extend_from_slice(PERSONAL);
    let reference = server.submit("keep-00001", &answers);
    let path = format!("/staff/cases/{reference}");
    let noted = act(
        &server,
        &rita,
        &reference,
        &[("action", "note"), ("note", WRITTEN[0])],
    );
    assert_eq!(noted.status, 303, "{}", noted.body);
    let called = server.send(
        "POST",
        &path,
        Some(&rita),
        &[
            ("action", "call"),
            ("outcome", "reached"),
            ("call_note", WRITTEN[1]),
        ],
    );
    assert_eq!(called.status, 303, "{}", called.body);
    let (_, booked) = assign_and_book(&server, &rita, &reference, &ito_id, "10:00");
    assert_eq!(booked.status, 303, "{}", booked.body);
    appointment_today(&server, &reference);
    for step in [
        &[
            ("action", "check_in"),
            ("who_came", "patient"),
            ("identification_seen", "on"),
        ][..],
        &[
            ("action", "record_payment"),
            ("method", "cash"),
            ("payer", WRITTEN[2]),
        ][..],
    ] {
        let done = act(&server, &rita, &reference, step);
        assert_eq!(done.status, 303, "{}", done.body);
    }
    let ito = server.sign_in("ito");
    seen(&server, &ito, &reference);
    let code = server.fresh_code("ito");
    let signed = report_post(
        &server,
        &ito,
        &reference,
        &[("action", "sign"), ("code", &code)],
    );
    assert_eq!(signed.status, 303, "{}", signed.body);
    let sent = act(
        &server,
        &rita,
        &reference,
        &[
            ("action", "record_sending"),
            ("recipient", "present_doctor"),
            ("sending_method", "fax"),
        ],
    );
    assert_eq!(sent.status, 303, "{}", sent.body);
    // Another request, still open however old: never reduced.
    let open = server.submit("keep-00002", EVERY_WEEKDAY);
    age_case(&server, &open, 9);

    // Within its years: nothing to do.
    let early = reduce(&server, &[]);
    assert!(early.status.success(), "{}", printed(&early));
    assert!(
        printed(&early).contains("reduced: 0 ("),
        "{}",
        printed(&early)
    );
    assert!(printed(&early).contains("closed and kept whole for now: 1"));

    age_case(&server, &reference, 6);
    // Never fewer years than the law keeps medical records.
    let short = reduce(&server, &["--retain-years", "4"]);
    assert!(!short.status.success());
    assert!(
        printed(&short).contains("--retain-years"),
        "{}",
        printed(&short)
    );
    let longer = reduce(&server, &["--retain-years", "7"]);
    assert!(
        printed(&longer).contains("reduced: 0 ("),
        "{}",
        printed(&longer)
    );
    let dry = reduce(&server, &["--dry-run"]);
    assert!(
        printed(&dry).contains("would reduce: 1 ("),
        "{}",
        printed(&dry)
    );
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM cases WHERE reference = '{reference}' AND reduced_at IS NULL"
        )),
        1,
        "a dry run changes nothing"
    );
    let done = reduce(&server, &[]);
    assert!(done.status.success(), "{}", printed(&done));
    assert!(
        printed(&done).contains("reduced: 1 ("),
        "{}",
        printed(&done)
    );

    // What statistics need is kept; the rest is gone.
    let case = format!("(SELECT id FROM cases WHERE reference = '{reference}')");
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM cases WHERE id = {case} AND reduced_at IS NOT NULL \
             AND status = 'reported' AND area = 'cancer' AND patient_name = '' AND answers = '' \
             AND patient_date_of_birth = '' AND patient_name_reading IS NULL"
        )),
        1
    );
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM reports WHERE case_id = {case} AND text = '' \
             AND signed_at IS NOT NULL AND digest IS NOT NULL AND verification_hash IS NOT NULL"
        )),
        1,
        "the signed report's text erased, its signature and code kept"
    );
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM payments WHERE case_id = {case} AND payer = '' AND amount_yen = 33000"
        )),
        1
    );
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM audit WHERE case_id = {case} AND action = 'case_reduced' \
             AND actor LIKE 'os:itadmin%' AND after = 'kept 5 years'"
        )),
        1
    );
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM cases WHERE reference = '{open}' AND reduced_at IS NULL \
             AND patient_name = 'Hanako Yamada'"
        )),
        1,
        "an open request is kept whole"
    );

    // Every page of the case says it was reduced; no change is taken.
    for (method, page) in [
        ("GET", path.clone()),
        ("GET", format!("{path}/report")),
        ("GET", format!("{path}/documents-letter")),
        ("POST", format!("{path}/receipt")),
    ] {
        let cookie = if page.ends_with("/report") {
            &ito
        } else {
            &rita
        };
        let shown = server.send_with(
            method,
            &page,
            Some(cookie),
            &[],
            &[("Accept-Language", "en")],
        );
        assert_eq!(shown.status, 410, "{page}: {}", shown.body);
        assert!(shown.body.contains("data-testid=\"reduced\""), "{page}");
        assert!(shown.body.contains("personal data"), "{page}");
    }
    let refused = server.send(
        "POST",
        &path,
        Some(&rita),
        &[("action", "note"), ("note", "x"), ("version", "1")],
    );
    assert_eq!(refused.status, 410);
    let queue = server.send("GET", "/staff?status=reported", Some(&admin), &[]);
    assert!(
        queue.body.contains("data-testid=\"reduced\""),
        "{}",
        queue.body
    );
    // The patient's status look-up finds nothing, as for a wrong date.
    let status = server.send_with(
        "POST",
        "/status",
        None,
        &[("reference", &reference), ("date_of_birth", "1970-04-01")],
        &[("Accept-Language", "en")],
    );
    assert!(
        status.body.contains("We found no request"),
        "{}",
        status.body
    );
    let verified = server
        .command()
        .args(["audit", "verify"])
        .output()
        .expect("audit verify");
    assert!(verified.status.success(), "{}", printed(&verified));

    // Nowhere in the database's files either (erased text is overwritten).
    if crate::helpers::on_postgres("SQLite's secure_delete in its file") {
        return;
    }
    server.terminate();
    let mut bytes = std::fs::read(&server.database).expect("database file");
    if let Ok(log) = std::fs::read(server.database.with_extension("db-wal")) {
        bytes.extend(log);
    }
    let values = PERSONAL
        .iter()
        .map(|(field, value)| (*field, *value))
        .filter(|(field, _)| *field != "email_updates")
        .chain(WRITTEN.iter().map(|value| ("written", *value)))
        .chain(
            REPORT
                .iter()
                .filter(|(part, _)| part.ends_with("opinion"))
                .map(|(part, value)| (*part, *value)),
        );
    for (field, value) in values {
        let found = bytes
            .windows(value.len())
            .any(|window| window == value.as_bytes());
        assert!(!found, "{field} ({value}) is still in the database file");
    }
}
