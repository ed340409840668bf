//! The second half of a case over HTTP against the real binary: a
//! specialist's account sees only its own cases; the day at counter 1
//! (check-in, the fee with its receipt number); the report written only by
//! the case's specialist, signed only with a fresh code, frozen once
//! signed; its sending; and `/verify`, which says nothing about the
//! patient and limits its misses.

use std::net::{IpAddr, Ipv4Addr};

use crate::helpers::{STAFF_PASSWORD, TestServer, japan_today};
use crate::staff::{EVERY_WEEKDAY, admin_with_specialist, assign_and_book, hidden_value};

/// A specialist's account for the specialist `id` of the list, made by
/// the IT admin's command.
pub(crate) fn add_specialist_account(server: &TestServer, login: &str, name: &str, id: &str) {
    let output = server.user(
        &[
            "add",
            login,
            "--role",
            "specialist",
            "--name",
            name,
            "--specialist",
            id,
        ],
        &format!("{STAFF_PASSWORD}\n"),
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    server.enrolled(login, &output);
}

/// Another specialist of the list, added by the admin: their id.
fn add_listed_specialist(server: &TestServer, admin: &str, name: &str) -> String {
    let added = server.send(
        "POST",
        "/staff/specialists",
        Some(admin),
        &[("action", "add"), ("name", name), ("department", "cancer")],
    );
    assert_eq!(added.status, 303);
    server
        .count(&format!("SELECT id FROM specialists WHERE name = '{name}'"))
        .to_string()
}

/// Moves the case's appointment to today: the day's steps happen on the
/// appointment's day only, and a test cannot wait for it. Within a minute
/// and a half of midnight (the year-end moment of `scripts/test-moments.sh`
/// crosses it mid-run) it waits for the new day first, so that every step
/// the test takes next falls on the appointment's day.
pub(crate) fn appointment_today(server: &TestServer, reference: &str) {
    let now = app::clock::now_in_japan();
    let midnight = now
        .date()
        .succ_opt()
        .and_then(|tomorrow| tomorrow.and_hms_opt(0, 0, 1))
        .expect("a next day");
    let left = midnight - now;
    if left < chrono::Duration::seconds(90) {
        std::thread::sleep(left.to_std().unwrap_or_default());
    }
    server.execute(&format!(
        "UPDATE appointments SET day = '{}' WHERE ended_at IS NULL AND case_id = \
         (SELECT id FROM cases WHERE reference = '{reference}')",
        japan_today()
    ));
}

/// Posts a case action with the case's current version.
pub(crate) fn act(
    server: &TestServer,
    cookie: &str,
    reference: &str,
    form: &[(&str, &str)],
) -> crate::helpers::Answer {
    let path = format!("/staff/cases/{reference}");
    let page = server.send("GET", &path, Some(cookie), &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    let version = hidden_value(&page.body, "version");
    let mut form = form.to_vec();
    form.push(("version", &version));
    server.send("POST", &path, Some(cookie), &form)
}

/// A case booked with `specialist`, its appointment today, the patient
/// checked in (the fee not paid yet): the reference.
/// An admin, Dr Ito on the list with an account linked to him, and Rita
/// of reception signed in: the admin's cookie, Ito's id, Rita's cookie.
pub(crate) fn ito_and_rita(server: &TestServer) -> (String, String, String) {
    let (admin, ito_id) = admin_with_specialist(server);
    add_specialist_account(server, "ito", "Dr Ito", &ito_id);
    server.add_staff("rita", "reception", "Rita Mori");
    let rita = server.sign_in("rita");
    (admin, ito_id, rita)
}

fn checked_in(server: &TestServer, reception: &str, specialist: &str, id: &str) -> String {
    let reference = server.submit(id, EVERY_WEEKDAY);
    let (_, booked) = assign_and_book(server, reception, &reference, specialist, "10:00");
    assert_eq!(booked.status, 303, "{}", booked.body);
    appointment_today(server, &reference);
    let checked_in = act(
        server,
        reception,
        &reference,
        &[
            ("action", "check_in"),
            ("who_came", "patient"),
            ("identification_seen", "on"),
        ],
    );
    assert_eq!(checked_in.status, 303, "{}", checked_in.body);
    reference
}

/// The consultation recorded by the specialist: the case is seen.
pub(crate) fn seen(server: &TestServer, specialist: &str, reference: &str) {
    let held = act(
        server,
        specialist,
        reference,
        &[
            ("action", "hold_consultation"),
            ("consultation_start", "10:05"),
            ("consultation_end", "10:50"),
        ],
    );
    assert_eq!(held.status, 303, "{}", held.body);
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM cases WHERE reference = '{reference}' AND status = 'seen'"
        )),
        1
    );
}

/// A report's parts, every one a signed report needs.
pub(crate) const REPORT: &[(&str, &str)] = &[
    ("doctor", "Ichiro Sato"),
    ("institution", "Sakura Clinic"),
    ("purpose", "Opinion on the treatment"),
    ("questions", "Surgery or chemotherapy first?"),
    ("records_reviewed", "Referral letter, CT images"),
    ("diagnosis_opinion", "Consistent with stage II."),
    ("treatment_opinion", "Chemotherapy first is reasonable."),
    ("explained", "The options, their risks and benefits."),
    ("language", "ja"),
];

pub(crate) fn report_post(
    server: &TestServer,
    cookie: &str,
    reference: &str,
    extra: &[(&str, &str)],
) -> crate::helpers::Answer {
    let mut form = REPORT.to_vec();
    form.extend_from_slice(extra);
    server.send(
        "POST",
        &format!("/staff/cases/{reference}/report"),
        Some(cookie),
        &form,
    )
}

#[test]
fn a_specialist_sees_only_their_own_cases_and_another_ones_is_not_found_and_audited() {
    let server = TestServer::start();
    let (admin, ito_id) = admin_with_specialist(&server);
    let sato_id = add_listed_specialist(&server, &admin, "Dr Sato");
    add_specialist_account(&server, "ito", "Dr Ito", &ito_id);
    add_specialist_account(&server, "sato", "Dr Sato", &sato_id);
    server.add_staff("rita", "reception", "Rita Mori");
    let rita = server.sign_in("rita");

    let mine = server.submit("own-00001", EVERY_WEEKDAY);
    let theirs = server.submit("own-00002", EVERY_WEEKDAY);
    assert_eq!(
        assign_and_book(&server, &rita, &mine, &ito_id, "10:00")
            .1
            .status,
        303
    );
    assert_eq!(
        assign_and_book(&server, &rita, &theirs, &sato_id, "11:00")
            .1
            .status,
        303
    );

    let ito = server.sign_in("ito");
    // The specialist's home is their cases; reception's pages are not theirs.
    let home = server.send("GET", "/staff", Some(&ito), &[]);
    assert_eq!(home.status, 303);
    assert_eq!(home.location(), "/staff/my-cases");
    let list = server.send("GET", "/staff/my-cases", Some(&ito), &[]);
    assert_eq!(list.status, 200);
    assert!(list.body.contains(&mine[..4]), "their own case is listed");
    assert!(!list.body.contains(&theirs[..4]), "another's case is not");
    assert!(list.body.contains("Surgery or chemotherapy first?"));
    for path in ["/staff/day-sheet", "/staff/specialists", "/staff/accounts"] {
        let answer = server.send("GET", path, Some(&ito), &[]);
        assert_eq!(answer.status, 403, "GET {path}");
        assert!(!answer.body.contains("Hanako"), "GET {path}");
    }

    // Another specialist's case answers as if it did not exist, and the
    // attempt is in the audit trail.
    let id = server.count(&format!(
        "SELECT id FROM cases WHERE reference = '{theirs}'"
    ));
    for path in [
        format!("/staff/cases/{theirs}"),
        format!("/staff/cases/{theirs}/report"),
        format!("/staff/cases/{theirs}/report/1"),
    ] {
        let answer = server.send("GET", &path, Some(&ito), &[]);
        assert_eq!(answer.status, 404, "GET {path}");
        assert!(!answer.body.contains("Hanako"), "GET {path}");
    }
    let posted = server.send(
        "POST",
        &format!("/staff/cases/{theirs}"),
        Some(&ito),
        &[("action", "note"), ("note", "mine now")],
    );
    assert_eq!(posted.status, 404);
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM audit WHERE action = 'case_view_refused' AND actor = 'ito' AND case_id = {id}"
        )),
        4
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM case_notes"), 0);
    // Their own case opens, and the view is recorded.
    assert_eq!(
        server
            .send("GET", &format!("/staff/cases/{mine}"), Some(&ito), &[])
            .status,
        200
    );
    // Reception does not see a specialist's list; an admin sees every case.
    assert_eq!(
        server
            .send("GET", "/staff/my-cases", Some(&rita), &[])
            .status,
        403
    );
    assert_eq!(
        server
            .send("GET", &format!("/staff/cases/{theirs}"), Some(&admin), &[])
            .status,
        200
    );
}

#[test]
#[allow(clippy::too_many_lines, reason = "one journey, told in order")]
fn only_the_cases_specialist_writes_the_report_and_signing_needs_a_fresh_code() {
    let server = TestServer::start();
    let (admin, ito_id, rita) = ito_and_rita(&server);
    let reference = checked_in(&server, &rita, &ito_id, "sign-0001");
    let ito = server.sign_in("ito");

    // Before the consultation there is nothing to write yet.
    let early = report_post(&server, &ito, &reference, &[("action", "save")]);
    assert_eq!(early.status, 422, "{}", early.body);
    seen(&server, &ito, &reference);

    // Reception and admins never post a report's text.
    for cookie in [&rita, &admin] {
        let refused = report_post(&server, cookie, &reference, &[("action", "save")]);
        assert_eq!(refused.status, 403, "{}", refused.body);
    }
    assert_eq!(server.count("SELECT COUNT(*) FROM reports"), 0);

    let saved = report_post(&server, &ito, &reference, &[("action", "save")]);
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM reports WHERE version = 1 AND signed_at IS NULL"),
        1
    );

    // A wrong code, and the code the sign-in used: not signed, the draft
    // (with what was posted) kept, each refusal audited.
    let signed_in_with = server
        .enrolment("ito")
        .code_at(server.last_step("ito").expect("the sign-in's code"));
    for code in ["000000", signed_in_with.as_str()] {
        let refused = report_post(
            &server,
            &ito,
            &reference,
            &[
                ("action", "sign"),
                ("code", code),
                ("remarks", "kept though refused"),
            ],
        );
        assert_eq!(refused.status, 401, "{}", refused.body);
        assert!(refused.body.contains("kept though refused"));
    }
    assert_eq!(
        server.count("SELECT COUNT(*) FROM reports WHERE signed_at IS NOT NULL"),
        0
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM reports WHERE text LIKE '%kept though refused%'"),
        1
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'report_signing_refused'"),
        2
    );
    // Without a code at all: refused the same way.
    let no_code = report_post(&server, &ito, &reference, &[("action", "sign")]);
    assert_eq!(no_code.status, 401);

    let code = server.fresh_code("ito");
    let signed = report_post(
        &server,
        &ito,
        &reference,
        &[("action", "sign"), ("code", &code)],
    );
    assert_eq!(signed.status, 303, "{}", signed.body);
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM reports WHERE version = 1 AND signed_at IS NOT NULL \
             AND length(digest) = 64 AND verification_hash IS NOT NULL"
        ),
        1
    );
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM audit WHERE action = 'report_signed' AND after LIKE 'v1 sha256:%'"
        ),
        1
    );

    // Signed is frozen: a save changes nothing, and neither does the
    // database itself.
    let frozen = report_post(
        &server,
        &ito,
        &reference,
        &[("action", "save"), ("explained", "changed")],
    );
    assert_eq!(frozen.status, 422);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM reports WHERE text LIKE '%changed%'"),
        0
    );
    let url = server.database_url();
    let tampered = std::panic::catch_unwind(|| {
        crate::helpers::execute_on(&url, "UPDATE reports SET text = '{}' WHERE version = 1");
    });
    assert!(
        tampered.is_err(),
        "the trigger refuses to change a signed report"
    );

    // Each view of the printed report is audited; reception prints it too.
    assert_eq!(
        server
            .send(
                "GET",
                &format!("/staff/cases/{reference}/report/1"),
                Some(&rita),
                &[]
            )
            .status,
        200
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM audit WHERE action = 'report_viewed' AND actor = 'rita'"),
        1
    );
}

#[test]
#[allow(clippy::too_many_lines, reason = "one journey, told in order")]
fn twenty_payments_at_once_get_twenty_receipt_numbers_without_a_gap_and_a_second_is_refused() {
    let server = TestServer::start();
    let (_admin, specialist) = admin_with_specialist(&server);
    server.add_staff("rita", "reception", "Rita Mori");
    let rita = server.sign_in("rita");
    let references: Vec<String> = (0..20)
        .map(|n| checked_in(&server, &rita, &specialist, &format!("pay-{n:05}")))
        .collect();
    // Each payment's form, with its case's version, read beforehand.
    let forms: Vec<(String, String)> = references
        .iter()
        .map(|reference| {
            let page = server.send(
                "GET",
                &format!("/staff/cases/{reference}"),
                Some(&rita),
                &[],
            );
            (reference.clone(), hidden_value(&page.body, "version"))
        })
        .collect();
    let answers: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = forms
            .iter()
            .map(|(reference, version)| {
                let (server, rita) = (&server, &rita);
                scope.spawn(move || {
                    server
                        .send(
                            "POST",
                            &format!("/staff/cases/{reference}"),
                            Some(rita),
                            &[
                                ("action", "record_payment"),
                                ("method", "cash"),
                                ("payer", "Hanako Yamada"),
                                ("version", version),
                            ],
                        )
                        .status
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("payment"))
            .collect()
    });
    assert!(answers.iter().all(|status| *status == 303), "{answers:?}");
    let year = japan_today().format("%Y").to_string();
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(DISTINCT receipt_number) FROM payments WHERE receipt_year = {year}"
        )),
        20
    );
    assert_eq!(
        server.count(&format!(
            "SELECT MAX(receipt_number) - MIN(receipt_number) + 1 FROM payments WHERE receipt_year = {year}"
        )),
        20,
        "no number skipped"
    );
    assert_eq!(server.count("SELECT MIN(receipt_number) FROM payments"), 1);

    // Paid twice for one visit: refused, with the first receipt's number.
    let first = server.count(&format!(
        "SELECT p.receipt_number FROM payments p JOIN cases c ON c.id = p.case_id WHERE c.reference = '{}'",
        references[0]
    ));
    let again = act(
        &server,
        &rita,
        &references[0],
        &[
            ("action", "record_payment"),
            ("method", "card"),
            ("payer", "Hanako Yamada"),
        ],
    );
    assert_eq!(again.status, 422, "{}", again.body);
    assert!(
        again.body.contains(&format!("{year}-{first:06}")),
        "names the first receipt"
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM payments"), 20);

    // The receipt: the first print is the original, the next says 再発行.
    let receipt = format!("/staff/cases/{}/receipt", references[0]);
    let original = server.send_with(
        "POST",
        &receipt,
        Some(&rita),
        &[],
        &[("Accept-Language", "ja")],
    );
    assert_eq!(original.status, 200);
    assert!(
        original
            .body
            .contains("セカンドオピニオン外来 相談料（自費）"),
        "{}",
        original.body
    );
    assert!(!original.body.contains("再発行"));
    let reprint = server.send("POST", &receipt, Some(&rita), &[]);
    assert!(reprint.body.contains("再発行"));
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'receipt_printed'"),
        2
    );
}

#[test]
#[allow(clippy::too_many_lines, reason = "one journey, told in order")]
fn verify_says_whether_a_paper_is_current_and_nothing_about_the_patient_and_limits_misses() {
    let server = TestServer::start();
    let (_admin, ito_id, rita) = ito_and_rita(&server);
    let reference = checked_in(&server, &rita, &ito_id, "verify-001");
    let ito = server.sign_in("ito");
    seen(&server, &ito, &reference);
    let code = server.fresh_code("ito");
    assert_eq!(
        report_post(
            &server,
            &ito,
            &reference,
            &[("action", "sign"), ("code", &code)]
        )
        .status,
        303
    );
    let printed = server.send(
        "GET",
        &format!("/staff/cases/{reference}/report/1"),
        Some(&ito),
        &[],
    );
    let marker = "class=\"verification-code\">";
    let start = printed.body.find(marker).expect("the code on the paper") + marker.len();
    let paper_code = printed.body[start..]
        .split('<')
        .next()
        .expect("code")
        .to_owned();

    let check = |from: u8, code: &str| {
        let address = IpAddr::V4(Ipv4Addr::new(127, 9, 0, from));
        server.send_from(
            address,
            "GET",
            &format!("/verify?code={code}"),
            None,
            &[],
            &[("Accept-Language", "en")],
        )
    };
    let current = check(1, &paper_code);
    assert_eq!(current.status, 200);
    assert!(
        current.body.contains("version 1") && current.body.contains("Dr Ito"),
        "{}",
        current.body
    );
    assert!(current.body.contains("current version"));
    for private in [
        "Hanako",
        "Yamada",
        &reference[..4],
        "Ichiro Sato",
        "stage II",
        "chemotherapy",
        "1970",
    ] {
        assert!(!current.body.contains(private), "/verify shows {private}");
    }
    // Typed in lower case, without dashes: the same paper.
    let typed = check(1, &paper_code.replace('-', "").to_lowercase());
    assert!(typed.body.contains("current version"));

    // Unknown and malformed: the same answer.
    let unknown = check(2, "ABCD-EFGH-JKMN-PQRS");
    let malformed = check(2, "not-a-code!");
    assert_eq!(unknown.status, 404);
    assert_eq!(malformed.status, 404);
    let result = |body: &str| {
        let marker = "data-testid=\"verify-result\">";
        let start = body.find(marker).expect("a result") + marker.len();
        body[start..].split('<').next().expect("text").to_owned()
    };
    assert_eq!(result(&unknown.body), result(&malformed.body));

    // Ten misses from one address, then it is refused; others are not.
    for _ in 0..8 {
        assert_eq!(check(2, "ABCD-EFGH-JKMN-PQRS").status, 404);
    }
    let limited = check(2, &paper_code);
    assert_eq!(limited.status, 429);
    assert!(!limited.body.contains("Dr Ito"));
    assert_eq!(check(3, &paper_code).status, 200);

    // An amendment signed: the first paper says superseded, by version 2.
    let amend = server.send(
        "POST",
        &format!("/staff/cases/{reference}/report"),
        Some(&ito),
        &[
            ("action", "amend"),
            ("amendment_reason", "The pathology arrived."),
        ],
    );
    assert_eq!(amend.status, 303);
    let code = server.fresh_code("ito");
    assert_eq!(
        report_post(
            &server,
            &ito,
            &reference,
            &[("action", "sign"), ("code", &code)]
        )
        .status,
        303
    );
    let superseded = check(4, &paper_code);
    assert_eq!(superseded.status, 200);
    assert!(
        superseded.body.contains("superseded on") && superseded.body.contains("by version 2"),
        "{}",
        superseded.body
    );
}

#[test]
fn the_report_reaches_the_present_doctor_and_the_patient_is_told_on_status() {
    let server = TestServer::start();
    let (_admin, ito_id, rita) = ito_and_rita(&server);
    let reference = checked_in(&server, &rita, &ito_id, "sent-00001");
    let ito = server.sign_in("ito");
    seen(&server, &ito, &reference);

    // Nothing signed yet: nothing to send.
    let early = act(
        &server,
        &rita,
        &reference,
        &[
            ("action", "record_sending"),
            ("recipient", "present_doctor"),
            ("sending_method", "fax"),
        ],
    );
    assert_eq!(early.status, 422, "{}", early.body);
    let code = server.fresh_code("ito");
    assert_eq!(
        report_post(
            &server,
            &ito,
            &reference,
            &[("action", "sign"), ("code", &code)]
        )
        .status,
        303
    );
    // A way that does not suit the recipient is refused with the reason.
    let unsuited = act(
        &server,
        &rita,
        &reference,
        &[
            ("action", "record_sending"),
            ("recipient", "present_doctor"),
            ("sending_method", "handed_on_the_day"),
        ],
    );
    assert_eq!(unsuited.status, 422);
    // The specialist does not record sendings (their page has no such
    // form; posted anyway, it is refused before anything else).
    let specialist = server.send(
        "POST",
        &format!("/staff/cases/{reference}"),
        Some(&ito),
        &[
            ("action", "record_sending"),
            ("recipient", "present_doctor"),
            ("sending_method", "fax"),
            ("version", "1"),
        ],
    );
    assert_eq!(specialist.status, 403);
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
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM cases WHERE reference = '{reference}' AND status = 'reported'"
        )),
        1
    );

    let status = server.send_with(
        "POST",
        "/status",
        None,
        &[("reference", &reference), ("date_of_birth", "1970-04-01")],
        &[("Accept-Language", "en")],
    );
    assert_eq!(status.status, 200);
    assert!(
        status
            .body
            .contains("sent to your present doctor (Ichiro Sato)"),
        "{}",
        status.body
    );
    assert!(
        status.body.contains("Consultation held")
            && status.body.contains("Report sent to your doctor")
    );
    // Never the report's text.
    assert!(!status.body.contains("Chemotherapy first is reasonable"));
}

#[test]
#[allow(clippy::too_many_lines, reason = "one journey, told in order")]
fn the_specialists_requests_and_the_reports_clock_show_in_the_queue() {
    let server = TestServer::start();
    let (_admin, ito_id, rita) = ito_and_rita(&server);
    let asked = server.submit("queue-0001", EVERY_WEEKDAY);
    assert_eq!(
        assign_and_book(&server, &rita, &asked, &ito_id, "10:00")
            .1
            .status,
        303
    );
    let ito = server.sign_in("ito");

    // Before the visit the specialist reviews the records and asks for
    // what is missing; a request needs something ticked.
    let case = format!("/staff/cases/{asked}");
    let nothing = server.send(
        "POST",
        &case,
        Some(&ito),
        &[("action", "request_documents")],
    );
    assert_eq!(nothing.status, 422);
    let request = server.send(
        "POST",
        &case,
        Some(&ito),
        &[
            ("action", "request_documents"),
            ("need_pathology", "on"),
            ("need_images_on_cd", "on"),
            ("request_note", "The slides of the 2026 biopsy, please."),
        ],
    );
    assert_eq!(request.status, 303, "{}", request.body);
    assert_eq!(
        server
            .send("POST", &case, Some(&ito), &[("action", "records_reviewed")])
            .status,
        303
    );
    // Reception cannot ask in the specialist's name.
    let by_reception = server.send(
        "POST",
        &case,
        Some(&rita),
        &[("action", "request_documents"), ("need_pathology", "on")],
    );
    assert_eq!(by_reception.status, 403);

    let english = [("Accept-Language", "en")];
    let flagged = server.send_with(
        "GET",
        "/staff?needs=documents_requested",
        Some(&rita),
        &[],
        &english,
    );
    assert!(flagged.body.contains("data-testid=\"documents-requested\""));
    assert!(flagged.body.contains(&asked[..4]));
    assert!(
        flagged.body.contains("data-testid=\"matching\">1<"),
        "only that case"
    );

    // Reception prints the letter to the present doctor, then marks it sent.
    let id = server.count("SELECT id FROM document_requests").to_string();
    let letter = server.send_with(
        "GET",
        &format!("{case}/documents-letter?request={id}"),
        Some(&rita),
        &[],
        &english,
    );
    assert_eq!(letter.status, 200);
    assert!(
        letter.body.contains("Ichiro Sato")
            && letter.body.contains("The slides of the 2026 biopsy")
    );
    assert!(
        letter.body.contains("<svg class=\"qr\""),
        "the case's QR code"
    );
    let settled = server.send(
        "POST",
        &case,
        Some(&rita),
        &[("action", "settle_request"), ("request", &id)],
    );
    assert_eq!(settled.status, 303);
    let cleared = server.send_with(
        "GET",
        "/staff?needs=documents_requested",
        Some(&rita),
        &[],
        &english,
    );
    assert!(cleared.body.contains("data-testid=\"matching\">0<"));

    // Seen, its report due: the clock in the queue, and overdue once past
    // its day.
    appointment_today(&server, &asked);
    let checked_in = act(
        &server,
        &rita,
        &asked,
        &[
            ("action", "check_in"),
            ("who_came", "patient"),
            ("identification_seen", "on"),
        ],
    );
    assert_eq!(checked_in.status, 303);
    seen(&server, &ito, &asked);
    let due = server.send_with(
        "GET",
        "/staff?needs=report_due_soon",
        Some(&rita),
        &[],
        &english,
    );
    assert!(
        due.body.contains("data-testid=\"matching\">0<"),
        "seven days away"
    );
    let queue = server.send_with("GET", "/staff", Some(&rita), &[], &english);
    assert!(queue.body.contains("Report due in"));
    server.execute("UPDATE visits SET report_due_on = '2020-01-06'");
    let overdue = server.send_with(
        "GET",
        "/staff?needs=report_overdue",
        Some(&rita),
        &[],
        &english,
    );
    assert!(overdue.body.contains("data-testid=\"matching\">1<"));
    assert!(overdue.body.contains("Report overdue by"));
    let mine = server.send_with("GET", "/staff/my-cases", Some(&ito), &[], &english);
    assert!(mine.body.contains("Report overdue by"));
}
