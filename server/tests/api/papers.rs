//! The papers the patient prints, over HTTP: the request form (the
//! confirmation), the consent form only for family members coming without
//! the patient, the letter to the present doctor and the FAX cover sheet,
//! from the confirmation and from the status answer; their QR codes read
//! back as the reference; the scan box at counter 1; the documents
//! received, on /status.

use crate::helpers::{Answer, TestServer};
use crate::pages::{eligible, get, get_with_cookie, post, with};

/// Sends a request as a browser without JavaScript; returns the
/// confirmation's path and the cookie that opens it.
fn send(server: &TestServer, fields: &[(&'static str, String)]) -> (String, String) {
    let sent = post(server, "/request", fields);
    assert_eq!(sent.status, 303, "{}", sent.body);
    let cookie = sent
        .set_cookie()
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    (sent.location().to_owned(), cookie)
}

/// Every QR code on a page, decoded: each inline SVG drawn back into a
/// grey image (4 pixels a module) and read with `rqrr`.
fn qr_codes(page: &str) -> Vec<String> {
    page.split("<svg class=\"qr\"")
        .skip(1)
        .map(|rest| {
            let svg = &rest[..rest.find("</svg>").expect("the end of the SVG")];
            let size: usize = svg
                .split("width=\"")
                .nth(1)
                .and_then(|w| w.split('"').next())
                .and_then(|w| w.parse().ok())
                .expect("the SVG's width");
            let path = svg
                .split(" d=\"")
                .nth(1)
                .and_then(|d| d.split('"').next())
                .expect("the path of the dark modules");
            let mut dark = vec![false; size * size];
            // Each rectangle is `M{x} {y}h{w}v{h}H{x}V{y}`.
            for rect in path.split('M').filter(|r| !r.is_empty()) {
                let numbers: Vec<usize> = rect
                    .split(|c: char| !c.is_ascii_digit())
                    .filter(|n| !n.is_empty())
                    .map(|n| n.parse().expect("a number"))
                    .collect();
                let (x, y, w, h) = (numbers[0], numbers[1], numbers[2], numbers[3]);
                for row in y..y + h {
                    for column in x..x + w {
                        dark[row * size + column] = true;
                    }
                }
            }
            let scale = 4;
            let mut image =
                rqrr::PreparedImage::prepare_from_greyscale(size * scale, size * scale, |x, y| {
                    if dark[(y / scale) * size + x / scale] {
                        0
                    } else {
                        255
                    }
                });
            let grids = image.detect_grids();
            assert_eq!(grids.len(), 1, "one code in the drawing");
            grids[0].decode().expect("the code decodes").1
        })
        .collect()
}

fn dashed(location: &str) -> String {
    location.trim_start_matches("/request/sent/").to_owned()
}

#[test]
fn the_confirmation_prints_as_the_request_form_and_its_qr_code_reads_as_the_reference() {
    let server = TestServer::start();
    let (location, cookie) = send(&server, &eligible("paper-0001", "send"));
    let reference = dashed(&location);
    let page = get_with_cookie(&server, &location, &cookie);
    assert_eq!(page.status, 200);
    for text in [
        "Second-opinion request form",
        "Hanako Yamada",
        "Stage II breast cancer",
        "Signature of the person making the request",
        "bring it to reception counter 1",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert_eq!(qr_codes(&page.body), [reference.as_str()]);
    // The papers this request needs: no consent form when the patient comes.
    assert!(page.body.contains(&format!("{location}/letter")));
    assert!(page.body.contains(&format!("{location}/fax")));
    assert!(!page.body.contains(&format!("{location}/consent")));
    let consent = get_with_cookie(&server, &format!("{location}/consent"), &cookie);
    assert_eq!(consent.status, 404);

    let letter = get_with_cookie(&server, &format!("{location}/letter"), &cookie);
    assert_eq!(letter.status, 200);
    for text in [
        "Request for a referral letter",
        "Ichiro Sato",
        "Sakura Clinic",
        "DICOM",
        "Hanako Yamada",
        "1 April 1970",
    ] {
        assert!(letter.body.contains(text), "{text}");
    }
    assert_eq!(qr_codes(&letter.body), [reference.as_str()]);
    // No liaison office's number or address unless the hospital sets them.
    assert!(!letter.body.contains("data-testid=\"liaison-fax\""));

    let fax = get_with_cookie(&server, &format!("{location}/fax"), &cookie);
    assert_eq!(fax.status, 200);
    assert!(fax.body.contains("FAX cover sheet"));
    assert_eq!(qr_codes(&fax.body), [reference.as_str()]);
    assert!(
        !fax.body.contains("Hanako"),
        "no name on a FAX that may go astray"
    );

    // Another browser (no cookie) gets none of them.
    for paper in ["form", "letter", "fax"] {
        let elsewhere = get(&server, &format!("{location}/{paper}"));
        assert_eq!(elsewhere.status, 404, "{paper}");
        assert!(!elsewhere.body.contains("Hanako"));
    }
}

#[test]
fn family_members_coming_without_the_patient_get_a_consent_form_with_the_names() {
    let server = TestServer::start();
    let mut fields = eligible("paper-0002", "send");
    for (key, value) in [
        ("requester", "family_member"),
        ("requester_name", "Taro Yamada"),
        ("requester_relationship", "Son"),
        ("patient_consents_to_family_request", "yes"),
        ("attendance", "family_without_patient"),
    ] {
        fields = with(fields, key, value);
    }
    let (location, cookie) = send(&server, &fields);
    let page = get_with_cookie(&server, &location, &cookie);
    assert!(page.body.contains(&format!("{location}/consent")));
    let consent = get_with_cookie(&server, &format!("{location}/consent"), &cookie);
    assert_eq!(consent.status, 200);
    assert!(
        consent.body.contains("The patient&#x27;s consent form")
            || consent.body.contains("The patient's consent form")
    );
    assert!(
        consent.body.contains("Taro Yamada (Son)"),
        "{}",
        consent.body
    );
    assert!(consent.body.contains(">Hanako Yamada<"));
    assert!(
        consent.body.contains("Patient&#x27;s signature")
            || consent.body.contains("Patient's signature")
    );
    assert_eq!(qr_codes(&consent.body), [dashed(&location)]);
}

fn status_paper(server: &TestServer, reference: &str, born: &str, paper: &str) -> Answer {
    post(
        server,
        "/status/paper",
        &[
            ("reference", reference.to_owned()),
            ("date_of_birth", born.to_owned()),
            ("paper", paper.to_owned()),
        ],
    )
}

#[test]
fn papers_print_from_the_status_answer_with_the_liaison_office_when_set() {
    let server = TestServer::start_with(&[
        "--liaison-fax",
        "03-1234-5678",
        "--postal-address",
        "1-1 Hongo, Bunkyo-ku, Tokyo 113-8655",
    ]);
    let (location, _) = send(&server, &eligible("paper-0003", "send"));
    let reference = dashed(&location);
    let status = post(
        &server,
        "/status",
        &[
            ("reference", reference.clone()),
            ("date_of_birth", "1970-04-01".to_owned()),
        ],
    );
    assert!(status.body.contains("action=\"/status/paper\""));
    let letter = status_paper(&server, &reference, "1970-04-01", "letter");
    assert_eq!(letter.status, 200);
    assert!(letter.body.contains("Liaison office FAX: 03-1234-5678"));
    assert!(letter.body.contains("1-1 Hongo, Bunkyo-ku"));
    let fax = status_paper(&server, &reference, "1970-04-01", "fax");
    assert!(fax.body.contains("03-1234-5678"));
    assert_eq!(qr_codes(&fax.body), [reference.as_str()]);
    // A printed letter is not a key to the whole record: the request form
    // (every answer, the diagnosis) does not open from the status answer,
    // nor is it offered there.
    assert!(!status.body.contains("value=\"form\""));
    assert!(
        status
            .body
            .contains("only in the browser that sent the request")
    );
    let form = status_paper(&server, &reference, "1970-04-01", "form");
    assert_eq!(form.status, 404);
    assert!(
        !form.body.contains("Stage II breast cancer"),
        "{}",
        form.body
    );
    // Each paper printed from the status answer is in the audit trail,
    // with the client's address.
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM audit WHERE action = 'status_paper_printed' \
             AND address = '127.0.0.1' AND case_id IS NOT NULL"
        ),
        2
    );
    // A wrong date of birth: the status page's "not found", no paper.
    let wrong = status_paper(&server, &reference, "1970-04-02", "letter");
    assert_eq!(wrong.status, 404);
    assert!(wrong.body.contains("We found no request"));
    assert!(!wrong.body.contains("Ichiro Sato"));
    // No consent form for a patient who comes.
    let consent = status_paper(&server, &reference, "1970-04-01", "consent");
    assert_eq!(consent.status, 404);
}

#[test]
fn the_scan_box_opens_the_case_from_each_spelling_of_the_reference() {
    let server = TestServer::start();
    let compact = server.submit("paper-0004", &[]);
    server.add_staff("sato", "reception", "Sato");
    let cookie = server.sign_in("sato");
    let queue = server.send("GET", "/staff", Some(&cookie), &[]).body;
    assert!(queue.contains("id=\"scan\""));
    assert!(queue.contains("autofocus"));
    let full_width: String = format!("{}－{}", &compact[..4], &compact[4..])
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                char::from_u32(u32::from(c) + 0xFEE0).expect("full width")
            } else {
                c
            }
        })
        .collect();
    for typed in [
        format!("{}-{}", &compact[..4], &compact[4..]),
        compact.clone(),
        compact.to_lowercase(),
        full_width,
    ] {
        let scanned = server.send(
            "POST",
            "/staff/scan",
            Some(&cookie),
            &[("reference", &typed)],
        );
        assert_eq!(scanned.status, 303, "{typed}");
        assert_eq!(
            scanned.location(),
            format!("/staff/cases/{compact}"),
            "{typed}"
        );
    }
    let missed = server.send_with(
        "POST",
        "/staff/scan",
        Some(&cookie),
        &[("reference", "ZZZZ-ZZZZ")],
        &[("Accept-Language", "en")],
    );
    assert_eq!(missed.status, 404);
    assert!(
        missed
            .body
            .contains("No request has the reference “ZZZZ-ZZZZ”")
    );
    // Only for signed-in staff.
    let outsider = server.send("POST", "/staff/scan", None, &[("reference", &compact)]);
    assert_ne!(outsider.status, 303);
}

#[test]
fn documents_recorded_with_how_they_came_show_on_the_status_page() {
    let server = TestServer::start();
    let compact = server.submit("paper-0005", &[]);
    server.add_staff("sato", "reception", "Sato");
    let cookie = server.sign_in("sato");
    let path = format!("/staff/cases/{compact}");
    let page = server.send("GET", &path, Some(&cookie), &[]).body;
    let version = crate::staff::hidden_value(&page, "version");
    let saved = server.send(
        "POST",
        &path,
        Some(&cookie),
        &[
            ("action", "documents"),
            ("version", &version),
            ("doc_referral_letter", "on"),
            ("doc_referral_letter_how", "fax"),
            ("doc_test_records", "on"),
            ("doc_test_records_how", "post"),
            ("doc_test_records_readable", "no"),
        ],
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM case_documents WHERE (document = 'referral_letter' AND arrived_by = 'fax') \
             OR (document = 'test_records' AND arrived_by = 'post' AND NOT readable)"
        ),
        2
    );
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM audit WHERE action = 'document_received' AND actor = 'sato' \
             AND after LIKE 'test_records: % post unreadable'"
        ),
        1
    );
    let status = post(
        &server,
        "/status",
        &[
            ("reference", compact.clone()),
            ("date_of_birth", "1970-04-01".to_owned()),
        ],
    );
    let documents = status
        .body
        .split("data-testid=\"documents\"")
        .nth(1)
        .expect("the documents");
    let line = |name: &str| {
        documents
            .split("<li>")
            .find(|item| item.contains(name))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    assert!(
        line("The referral letter").contains("received on"),
        "{documents}"
    );
    assert!(line("Test records").contains("received on"));
    assert!(line("The second-opinion request form").contains("not yet received"));
}
