//! Reception over HTTP against the real binary: the guard on every staff
//! route, roles, the case's flow with its version check, the audit trail,
//! the CSV export. Signing in and accounts are in `sign_in`.

use crate::helpers::{Answer, TestServer};

/// The value of the first `name="…" value="…"` hidden input on a page.
pub(crate) fn hidden_value(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in page"))
        + marker.len();
    page[start..].split('"').next().expect("value").to_owned()
}

/// An admin signed in, with one cancer specialist listed: the cookie and
/// the specialist's id.
pub(crate) fn admin_with_specialist(server: &TestServer) -> (String, String) {
    server.add_staff("admin", "admin", "Admin");
    let admin = server.sign_in("admin");
    let added = server.send(
        "POST",
        "/staff/specialists",
        Some(&admin),
        &[
            ("action", "add"),
            ("name", "Dr Tanaka"),
            ("department", "cancer"),
        ],
    );
    assert_eq!(added.status, 303);
    let specialist = server.count("SELECT id FROM specialists").to_string();
    (admin, specialist)
}

/// The answers' weekdays: every day but Tuesday too, so that the window
/// always has proposed days.
pub(crate) const EVERY_WEEKDAY: &[(&str, &str)] = &[
    ("weekday_mon", "true"),
    ("weekday_wed", "true"),
    ("weekday_thu", "true"),
    ("weekday_fri", "true"),
];

/// Assigns the specialist, then books the first proposed day at `start`:
/// the day and the answer to the booking.
pub(crate) fn assign_and_book(
    server: &TestServer,
    cookie: &str,
    reference: &str,
    specialist: &str,
    start: &str,
) -> (String, Answer) {
    let path = format!("/staff/cases/{reference}");
    let version = hidden_value(
        &server.send("GET", &path, Some(cookie), &[]).body,
        "version",
    );
    let assigned = server.send(
        "POST",
        &path,
        Some(cookie),
        &[
            ("action", "assign"),
            ("specialist", specialist),
            ("version", &version),
        ],
    );
    assert_eq!(assigned.status, 303);
    let page = server.send("GET", &path, Some(cookie), &[]).body;
    let (version, day) = (hidden_value(&page, "version"), hidden_value(&page, "day"));
    let booked = server.send(
        "POST",
        &path,
        Some(cookie),
        &[
            ("action", "schedule"),
            ("day", &day),
            ("start", start),
            ("version", &version),
        ],
    );
    (day, booked)
}

#[test]
fn without_a_session_every_staff_route_redirects_or_refuses_and_shows_nothing() {
    let server = TestServer::start();
    let reference = server.submit("sweep-0001", &[]);
    let case = format!("/staff/cases/{reference}");
    let pages = [
        "/staff",
        "/staff/day-sheet",
        &case,
        "/staff/specialists",
        "/staff/calendar",
        "/staff/anything",
    ];
    for path in pages {
        let answer = server.send("GET", path, None, &[]);
        assert_eq!(answer.status, 303, "GET {path}");
        assert!(
            answer.location().starts_with("/staff/login?next="),
            "GET {path}: {}",
            answer.location()
        );
        assert!(!answer.body.contains("Hanako"), "GET {path}");
    }
    // The way back carries the path only, never the query.
    let answer = server.send("GET", "/staff/day-sheet?day=2026-12-03", None, &[]);
    assert_eq!(answer.location(), "/staff/login?next=%2Fstaff%2Fday-sheet");
    let posts = [
        &case as &str,
        "/staff",
        "/staff/export.csv",
        "/staff/specialists",
        "/staff/calendar",
        "/staff/logout",
        "/staff/anything",
    ];
    for path in posts {
        let answer = server.send(
            "POST",
            path,
            None,
            &[("action", "decline"), ("decline_reason", "other")],
        );
        assert_eq!(answer.status, 401, "POST {path}");
        assert!(!answer.body.contains("Hanako"), "POST {path}");
    }
    // A forged or expired cookie is no session either.
    let forged = format!("second_opinion_staff={}", "a".repeat(64));
    assert_eq!(server.send("GET", "/staff", Some(&forged), &[]).status, 303);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases WHERE status <> 'received'"),
        0
    );
}

#[test]
fn reception_cannot_manage_specialists_or_closure_days() {
    let server = TestServer::start();
    server.add_staff("rita", "reception", "Rita");
    let cookie = server.sign_in("rita");
    for path in ["/staff/specialists", "/staff/calendar"] {
        assert_eq!(
            server.send("GET", path, Some(&cookie), &[]).status,
            403,
            "GET {path}"
        );
    }
    let answer = server.send(
        "POST",
        "/staff/specialists",
        Some(&cookie),
        &[
            ("action", "add"),
            ("name", "Dr X"),
            ("department", "cancer"),
        ],
    );
    assert_eq!(answer.status, 403);
    let answer = server.send(
        "POST",
        "/staff/calendar",
        Some(&cookie),
        &[("action", "add"), ("day", "2027-01-05"), ("name", "Closed")],
    );
    assert_eq!(answer.status, 403);
    assert_eq!(server.count("SELECT COUNT(*) FROM specialists"), 0);
    assert_eq!(server.count("SELECT COUNT(*) FROM closure_days"), 0);
}

#[test]
fn a_cross_site_post_with_a_valid_staff_cookie_is_refused() {
    let server = TestServer::start();
    server.add_staff("alice", "admin", "Alice");
    let cookie = server.sign_in("alice");
    let form = [
        ("action", "add"),
        ("name", "Dr Evil"),
        ("department", "cancer"),
    ];
    let cross = server.send_with(
        "POST",
        "/staff/specialists",
        Some(&cookie),
        &form,
        &[("Sec-Fetch-Site", "cross-site")],
    );
    assert_eq!(cross.status, 403);
    let origin = server.send_with(
        "POST",
        "/staff/specialists",
        Some(&cookie),
        &form,
        &[("Origin", "https://evil.example")],
    );
    assert_eq!(origin.status, 403);
    assert_eq!(server.count("SELECT COUNT(*) FROM specialists"), 0);
    let same = server.send_with(
        "POST",
        "/staff/specialists",
        Some(&cookie),
        &form,
        &[("Sec-Fetch-Site", "same-origin")],
    );
    assert_eq!(same.status, 303);
    assert_eq!(server.count("SELECT COUNT(*) FROM specialists"), 1);
}

#[test]
#[allow(clippy::too_many_lines, reason = "one journey, told in order")]
fn a_case_goes_through_review_and_scheduling_with_its_version_checked_and_audited() {
    let server = TestServer::start();
    server.add_staff("admin", "admin", "Admin Ito");
    server.add_staff("rita", "reception", "Rita Mori");
    let admin = server.sign_in("admin");
    let rita = server.sign_in("rita");
    assert_eq!(
        server
            .send(
                "POST",
                "/staff/specialists",
                Some(&admin),
                &[
                    ("action", "add"),
                    ("name", "Dr Tanaka"),
                    ("department", "cancer")
                ]
            )
            .status,
        303
    );
    let weekdays: Vec<(&str, &str)> = ["weekday_mon", "weekday_wed", "weekday_thu", "weekday_fri"]
        .iter()
        .map(|d| (*d, "true"))
        .collect();
    let reference = server.submit("flow-00001", &weekdays);
    let path = format!("/staff/cases/{reference}");

    let page = server.send("GET", &path, Some(&rita), &[]);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Hanako Yamada") && page.body.contains("Stage II breast cancer"));
    let version = hidden_value(&page.body, "version");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'case_viewed' AND actor = 'rita'"),
        1
    );

    // A step the case is not ready for is refused by the flow, with its
    // reason; an action the page never sends is a bad form.
    let early = server.send(
        "POST",
        &path,
        Some(&rita),
        &[("action", "no_show"), ("version", &version)],
    );
    assert_eq!(early.status, 422);
    let unknown = server.send(
        "POST",
        &path,
        Some(&rita),
        &[("action", "complete"), ("version", &version)],
    );
    assert_eq!(unknown.status, 400);

    let specialist = server
        .count("SELECT id FROM specialists LIMIT 1")
        .to_string();
    let assigned = server.send(
        "POST",
        &path,
        Some(&rita),
        &[
            ("action", "assign"),
            ("specialist", &specialist),
            ("version", &version),
        ],
    );
    assert_eq!(assigned.status, 303);
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM cases WHERE status = 'under_review' AND department = 'cancer'"
        ),
        1
    );

    // The admin, on the version Rita started from, is told who changed it.
    let stale = server.send(
        "POST",
        &path,
        Some(&admin),
        &[
            ("action", "decline"),
            ("decline_reason", "could_not_contact"),
            ("version", &version),
        ],
    );
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("Rita Mori"), "names who changed it");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases WHERE status = 'declined'"),
        0
    );

    let page = server.send("GET", &path, Some(&rita), &[]);
    let version = hidden_value(&page.body, "version");
    let day = hidden_value(&page.body, "day"); // the first proposed day
    // Outside the hours: refused, and the typed values stay on the page.
    let late = server.send(
        "POST",
        &path,
        Some(&rita),
        &[
            ("action", "schedule"),
            ("day", &day),
            ("start", "16:00"),
            ("version", &version),
        ],
    );
    assert_eq!(late.status, 422);
    assert!(late.body.contains("value=\"16:00\""));
    let booked = server.send(
        "POST",
        &path,
        Some(&rita),
        &[
            ("action", "schedule"),
            ("day", &day),
            ("start", "10:30"),
            ("version", &version),
        ],
    );
    assert_eq!(booked.status, 303, "{}", booked.body);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases WHERE status = 'scheduled'"),
        1
    );

    // The patient's status page shows the appointment.
    let status = server.send(
        "POST",
        "/status",
        None,
        &[("reference", &reference), ("date_of_birth", "1970-04-01")],
    );
    assert!(status.body.contains("10:30"), "{}", status.body);

    // Declining a scheduled case is not in the flow.
    let page = server.send("GET", &path, Some(&rita), &[]);
    let version = hidden_value(&page.body, "version");
    let refused = server.send(
        "POST",
        &path,
        Some(&rita),
        &[
            ("action", "decline"),
            ("decline_reason", "transfer"),
            ("version", &version),
        ],
    );
    assert_eq!(refused.status, 422);

    for action in [
        "status_changed",
        "specialist_assigned",
        "appointment_booked",
        "sign_in",
        "case_viewed",
    ] {
        assert!(
            server.count(&format!(
                "SELECT COUNT(*) FROM audit WHERE action = '{action}'"
            )) >= 1,
            "{action}"
        );
    }
    // The audit trail is append-only, whoever asks.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let refused = runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&server.database_url())
            .await
            .expect("open");
        let update = sqlx::query("UPDATE audit SET actor = 'x'")
            .execute(&pool)
            .await;
        let delete = sqlx::query("DELETE FROM audit").execute(&pool).await;
        (update.is_err(), delete.is_err())
    });
    assert_eq!(refused, (true, true));
}

#[test]
fn a_declined_request_tells_the_patient_the_reason() {
    let server = TestServer::start();
    server.add_staff("rita", "reception", "Rita");
    let rita = server.sign_in("rita");
    let reference = server.submit("decline-001", &[]);
    let path = format!("/staff/cases/{reference}");
    let version = hidden_value(&server.send("GET", &path, Some(&rita), &[]).body, "version");
    let blank = server.send(
        "POST",
        &path,
        Some(&rita),
        &[
            ("action", "decline"),
            ("decline_reason", "other"),
            ("version", &version),
        ],
    );
    assert_eq!(blank.status, 422, "other needs a written reason");
    let declined = server.send(
        "POST",
        &path,
        Some(&rita),
        &[
            ("action", "decline"),
            ("decline_reason", "outside_specialties"),
            ("version", &version),
        ],
    );
    assert_eq!(declined.status, 303);
    let status = server.send_with(
        "POST",
        "/status",
        None,
        &[("reference", &reference), ("date_of_birth", "1970-04-01")],
        &[("Cookie", "i18n_pref_locale=en")],
    );
    assert!(
        status.body.contains("Outside our specialties"),
        "{}",
        status.body
    );
}

#[test]
fn the_csv_export_has_a_bom_the_filtered_rows_and_no_formulas() {
    let server = TestServer::start();
    server.add_staff("rita", "reception", "Rita");
    let rita = server.sign_in("rita");
    let reference = server.submit(
        "csv-000001",
        &[("patient_name", "=HYPERLINK(\"http://x\")")],
    );
    server.submit(
        "csv-000002",
        &[
            ("patient_name", "<script>alert(1)</script>"),
            ("patient_name_reading", "スズキ タロウ"),
            ("area", "cardiovascular"),
        ],
    );
    let csv = server.send(
        "POST",
        "/staff/export.csv",
        Some(&rita),
        &[("area", "cancer")],
    );
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(
        csv.body
            .contains(&format!("\"{}-{}\"", &reference[..4], &reference[4..]))
    );
    assert!(
        csv.body.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "{}",
        csv.body
    );
    assert!(!csv.body.contains("alert(1)"), "filtered by area");
    // The queue finds by reading typed in hiragana, the search posted
    // (a name never goes in a URL)…
    let queue = server.send("POST", "/staff", Some(&rita), &[("q", "やまだ")]);
    assert_eq!(queue.status, 200);
    assert!(
        queue.body.contains("data-testid=\"matching\">1<"),
        "one reading matches やまだ"
    );
    // …and one put in a URL anyway is not run.
    let in_url = server.send(
        "GET",
        "/staff?q=%E3%82%84%E3%81%BE%E3%81%A0",
        Some(&rita),
        &[],
    );
    assert!(in_url.body.contains("data-testid=\"matching\">2<"));
    // Without a search, the posted filters become the list's link.
    let filtered = server.send("POST", "/staff", Some(&rita), &[("area", "cancer")]);
    assert_eq!(filtered.status, 303);
    assert_eq!(filtered.location(), "/staff?area=cancer&page=1");
    assert!(queue.body.contains("HYPERLINK"));
    // Stored markup is shown as text, never run.
    let all = server.send("GET", "/staff", Some(&rita), &[]);
    assert!(
        all.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped in the queue"
    );
    assert!(!all.body.contains("<script>alert(1)"));
    let csv = server.send("POST", "/staff/export.csv", Some(&rita), &[]);
    assert!(
        csv.body.contains("\"<script>alert(1)</script>\""),
        "as text in the CSV"
    );
}

#[test]
fn an_admin_adds_a_closure_day_and_it_moves_the_window() {
    let server = TestServer::start();
    server.add_staff("admin", "admin", "Admin");
    let admin = server.sign_in("admin");
    let reference = server.submit("closure-01", &[]);
    let path = format!("/staff/cases/{reference}");
    let page = server.send("GET", &path, Some(&admin), &[]).body;
    // The window's first day as stored when the request was received.
    let earliest = {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&server.database_url())
                .await
                .expect("open");
            let day: String = sqlx::query_scalar("SELECT earliest_day FROM cases")
                .fetch_one(&pool)
                .await
                .expect("day");
            day
        })
    };
    assert!(page.contains("Hanako Yamada"));
    let old: chrono::NaiveDate = earliest.parse().expect("day");
    let shown = app::format::date(app::i18n::Locale::en, old);
    let home = |server: &TestServer| {
        server
            .send_with("GET", "/", None, &[], &[("Cookie", "i18n_pref_locale=en")])
            .body
    };
    assert!(home(&server).contains(&shown), "{}", home(&server));
    let added = server.send(
        "POST",
        "/staff/calendar",
        Some(&admin),
        &[
            ("action", "add"),
            ("day", &earliest),
            ("name", "Founding day"),
        ],
    );
    assert_eq!(added.status, 303);
    let calendar = server.send("GET", "/staff/calendar", Some(&admin), &[]);
    assert!(calendar.body.contains("Founding day"));
    // The patient's status now counts the closure: the earliest day moved.
    let status = server.send_with(
        "POST",
        "/status",
        None,
        &[("reference", &reference), ("date_of_birth", "1970-04-01")],
        &[("Cookie", "i18n_pref_locale=en")],
    );
    assert!(status.body.contains("expected between"), "{}", status.body);
    // So do the home page's window and the request form's island (which
    // is given the days ahead to count).
    assert!(!home(&server).contains(&shown), "{}", home(&server));
    let form = server.send("GET", "/request", None, &[]);
    assert!(
        form.body.contains(&format!("data-closures=\"{earliest}\"")),
        "{}",
        form.body
    );
    assert!(
        !status.body.contains(&format!("between {shown}")),
        "{}",
        status.body
    );
    // The command line sees it too.
    let output = server
        .command()
        .args(["calendar", "--from", &earliest, "--to", &earliest])
        .output()
        .expect("calendar");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("{earliest} closure Founding day\n")
    );
    let removed = server.send(
        "POST",
        "/staff/calendar",
        Some(&admin),
        &[("action", "remove"), ("day", &earliest)],
    );
    assert_eq!(removed.status, 303);
    assert_eq!(server.count("SELECT COUNT(*) FROM closure_days"), 0);
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM audit WHERE action IN ('closure_added', 'closure_removed')"
        ),
        2
    );
}

#[test]
fn admins_keep_the_departments_and_specialists_and_an_inactive_specialist_cannot_be_assigned() {
    let server = TestServer::start();
    server.add_staff("admin", "admin", "Admin");
    let admin = server.sign_in("admin");
    let post = |form: &[(&str, &str)]| {
        server
            .send("POST", "/staff/specialists", Some(&admin), form)
            .status
    };
    assert_eq!(
        post(&[
            ("action", "add_department"),
            ("code", "kidney"),
            ("name_ja", "腎臓内科"),
            ("name_en", "Nephrology")
        ]),
        303
    );
    assert_eq!(
        post(&[
            ("action", "add_department"),
            ("code", "Bad Code"),
            ("name_ja", "x"),
            ("name_en", "x")
        ]),
        422
    );
    assert_eq!(
        post(&[
            ("action", "add"),
            ("name", "Dr Kato"),
            ("department", "kidney")
        ]),
        303
    );
    assert_eq!(
        post(&[("action", "add"), ("name", ""), ("department", "kidney")]),
        422
    );
    let id = server
        .count("SELECT id FROM specialists WHERE name = 'Dr Kato'")
        .to_string();
    assert_eq!(
        post(&[("action", "rename"), ("id", &id), ("name", "Dr Kato Jun")]),
        303
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM specialists WHERE name = 'Dr Kato Jun'"),
        1
    );
    let page = server.send("GET", "/staff/specialists", Some(&admin), &[]);
    assert!(page.body.contains("Nephrology") && page.body.contains("Dr Kato Jun"));

    assert_eq!(post(&[("action", "deactivate"), ("id", &id)]), 303);
    let reference = server.submit("inactive-01", &[]);
    let path = format!("/staff/cases/{reference}");
    let version = hidden_value(
        &server.send("GET", &path, Some(&admin), &[]).body,
        "version",
    );
    let refused = server.send(
        "POST",
        &path,
        Some(&admin),
        &[
            ("action", "assign"),
            ("specialist", &id),
            ("version", &version),
        ],
    );
    assert_eq!(refused.status, 422);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases WHERE specialist_id IS NOT NULL"),
        0
    );
    assert!(
        server.count(
            "SELECT COUNT(*) FROM audit WHERE action IN ('department_added', 'specialist_added', 'specialist_renamed', 'specialist_deactivated')",
        ) >= 4
    );
}

#[test]
fn two_changes_made_at_once_on_the_same_version_save_one_and_name_its_author_to_the_other() {
    let server = TestServer::start();
    server.add_staff("rita", "reception", "Rita Mori");
    server.add_staff("ken", "reception", "Ken Abe");
    let (rita, ken) = (server.sign_in("rita"), server.sign_in("ken"));
    for round in 0..5 {
        let reference = server.submit(&format!("race-{round:06}"), &[]);
        let path = format!("/staff/cases/{reference}");
        let version = hidden_value(&server.send("GET", &path, Some(&rita), &[]).body, "version");
        let answers = std::thread::scope(|scope| {
            let review = scope.spawn(|| {
                server.send(
                    "POST",
                    &path,
                    Some(&rita),
                    &[("action", "start_review"), ("version", &version)],
                )
            });
            let decline = scope.spawn(|| {
                server.send(
                    "POST",
                    &path,
                    Some(&ken),
                    &[
                        ("action", "decline"),
                        ("decline_reason", "could_not_contact"),
                        ("version", &version),
                    ],
                )
            });
            [
                review.join().expect("review"),
                decline.join().expect("decline"),
            ]
        });
        let mut statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, [303, 409], "round {round}: one saved, one told");
        let told = answers.iter().find(|a| a.status == 409).expect("refused");
        assert!(
            told.body.contains("Rita Mori") || told.body.contains("Ken Abe"),
            "names who changed it"
        );
    }
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases WHERE version = 2"),
        5,
        "each changed once"
    );
}

#[test]
fn reception_finds_readings_typed_with_a_japanese_space_and_signing_out_is_audited() {
    let server = TestServer::start();
    server.add_staff("rita", "reception", "Rita");
    let rita = server.sign_in("rita");
    server.submit(
        "kana-00001",
        &[("patient_name_reading", "ヤマダ\u{3000}ハナコ")],
    );
    // やまだはなこ, typed without a space.
    let found = server.send("POST", "/staff", Some(&rita), &[("q", "やまだはなこ")]);
    assert!(
        found.body.contains("data-testid=\"matching\">1<"),
        "found by its reading"
    );
    assert_eq!(
        server
            .send("POST", "/staff/logout", Some(&rita), &[])
            .status,
        303
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'sign_out' AND actor = 'rita'"),
        1
    );
}

#[test]
fn a_day_with_appointments_cannot_be_closed_and_unchanged_documents_make_no_new_version() {
    let server = TestServer::start();
    let (admin, specialist) = admin_with_specialist(&server);
    let reference = server.submit("booked-0001", EVERY_WEEKDAY);
    let path = format!("/staff/cases/{reference}");
    let version = hidden_value(
        &server.send("GET", &path, Some(&admin), &[]).body,
        "version",
    );
    // Saving the documents without a change writes nothing.
    let saved = server.send(
        "POST",
        &path,
        Some(&admin),
        &[("action", "documents"), ("version", &version)],
    );
    assert_eq!(saved.status, 303);
    assert_eq!(server.count("SELECT version FROM cases"), 1);
    let (day, booked) = assign_and_book(&server, &admin, &reference, &specialist, "09:00");
    assert_eq!(booked.status, 303);
    let closed = server.send(
        "POST",
        "/staff/calendar",
        Some(&admin),
        &[("action", "add"), ("day", &day), ("name", "Power works")],
    );
    assert_eq!(
        closed.status, 422,
        "reception must move the appointment first"
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM closure_days"), 0);
}

#[test]
fn a_specialist_is_not_booked_twice_at_the_same_time() {
    let server = TestServer::start();
    let (admin, specialist) = admin_with_specialist(&server);
    let booked: Vec<(&str, Answer)> = ["10:00", "10:30", "11:00"]
        .into_iter()
        .enumerate()
        .map(|(n, start)| {
            let reference = server.submit(&format!("double-{n:05}"), EVERY_WEEKDAY);
            (
                start,
                assign_and_book(&server, &admin, &reference, &specialist, start).1,
            )
        })
        .collect();
    // 10:00 is booked; 10:30 overlaps it (and is told when the other starts); 11:00 follows it.
    let statuses: Vec<(&str, u16)> = booked
        .iter()
        .map(|(start, answer)| (*start, answer.status))
        .collect();
    assert_eq!(statuses, [("10:00", 303), ("10:30", 422), ("11:00", 303)]);
    assert!(
        booked[1].1.body.contains("10:00"),
        "names the other appointment's start"
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases WHERE status = 'scheduled'"),
        2
    );
}
