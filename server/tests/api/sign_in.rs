//! Signing in to reception against the real binary: password then code,
//! codes accepted once, recovery codes, the throttle counted per login and
//! address (bound to other loopback addresses), the growing delay and the
//! admins' alert, the audit of unknown logins, passwords' rules and
//! changes, sessions listed and ended, `__Host-` cookies behind HTTPS, the
//! account commands and `audit verify` on an intact and a tampered file.

use std::net::{IpAddr, Ipv4Addr};
use std::process::Command;

use crate::helpers::{LOCALHOST, STAFF_PASSWORD as PASSWORD, TestServer};

const fn loopback(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

/// A wrong password for `login` from `from`.
fn guess(server: &TestServer, from: IpAddr, login: &str) -> u16 {
    let answer = server.send_from(
        from,
        "POST",
        "/staff/login",
        None,
        &[("login", login), ("password", "a wrong guess!")],
        &[],
    );
    answer.status
}

/// Types `code` for the pending sign-in `pending` from `from`.
pub(crate) fn type_code(
    server: &TestServer,
    from: IpAddr,
    pending: &str,
    code: &str,
) -> crate::helpers::Answer {
    server.send_from(
        from,
        "POST",
        "/staff/login/code",
        Some(pending),
        &[("code", code)],
        &[],
    )
}

fn audit_count(server: &TestServer, condition: &str) -> i64 {
    server.count(&format!("SELECT COUNT(*) FROM audit WHERE {condition}"))
}

#[test]
fn signing_in_takes_the_password_then_a_code_and_nothing_is_open_in_between() {
    let server = TestServer::start();
    server.add_staff("alice", "reception", "Alice Sato");
    let answer = server.send(
        "POST",
        "/staff/login",
        None,
        &[
            ("login", "alice"),
            ("password", PASSWORD),
            ("next", "/staff/day-sheet"),
        ],
    );
    assert_eq!(answer.status, 303);
    assert_eq!(answer.location(), "/staff/login/code");
    let pending_cookie = answer.set_cookie_of("second_opinion_sign_in");
    for attribute in ["HttpOnly", "SameSite=Strict", "Max-Age=300", "Path=/"] {
        assert!(pending_cookie.contains(attribute), "{pending_cookie}");
    }
    assert!(
        answer.cookie("second_opinion_staff").is_none(),
        "no session yet"
    );
    let pending = answer.cookie("second_opinion_sign_in").expect("pending");

    // Half signed in is not signed in: no staff page, whatever the cookie's name.
    let token = pending.split('=').nth(1).expect("token");
    for cookie in [pending.clone(), format!("second_opinion_staff={token}")] {
        let queue = server.send("GET", "/staff", Some(&cookie), &[]);
        assert_eq!(queue.status, 303, "{cookie}");
        assert!(queue.location().starts_with("/staff/login"));
    }
    let page = server.send("GET", "/staff/login/code", Some(&pending), &[]);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("autocomplete=\"one-time-code\""));

    let wrong = type_code(&server, LOCALHOST, &pending, "000000");
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains("確認コードが正しくないか"),
        "{}",
        wrong.body
    );

    let code = server.fresh_code("alice");
    let signed_in = type_code(&server, LOCALHOST, &pending, &code);
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(
        signed_in.location(),
        "/staff/day-sheet",
        "where it was going"
    );
    let session_cookie = signed_in.set_cookie_of("second_opinion_staff");
    assert!(
        session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Strict"),
        "{session_cookie}"
    );
    assert!(
        signed_in
            .set_cookie_of("second_opinion_sign_in")
            .contains("Max-Age=0"),
        "the pending cookie is cleared"
    );
    let session = signed_in.cookie("second_opinion_staff").expect("session");
    assert_eq!(
        session.len(),
        "second_opinion_staff=".len() + 64,
        "256 random bits"
    );
    let queue = server.send("GET", "/staff", Some(&session), &[]);
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains("Alice Sato"));

    // The pending sign-in was used up.
    let again = type_code(&server, LOCALHOST, &pending, &server.fresh_code("alice"));
    assert_eq!(again.status, 401);
    assert!(again.body.contains("5分"), "start again: {}", again.body);

    // Signing in again, even with the old cookie, gives a new session and ends the old one.
    let pending = server.password_step(LOCALHOST, "alice");
    let both = format!("{pending}; {session}");
    let again = type_code(&server, LOCALHOST, &both, &server.fresh_code("alice"));
    let second = again.cookie("second_opinion_staff").expect("a new session");
    assert_ne!(session, second);
    assert_eq!(
        server.send("GET", "/staff", Some(&session), &[]).status,
        303
    );
    assert_eq!(server.send("GET", "/staff", Some(&second), &[]).status, 200);
    assert_eq!(
        audit_count(&server, "action = 'sign_in' AND actor = 'alice'"),
        2
    );
    assert_eq!(
        audit_count(&server, "action = 'code_failed' AND actor = 'alice'"),
        1
    );

    // Sign out ends it.
    let out = server.send("POST", "/staff/logout", Some(&second), &[]);
    assert_eq!(out.status, 303);
    assert!(out.set_cookie().contains("Max-Age=0"));
    assert_eq!(server.send("GET", "/staff", Some(&second), &[]).status, 303);
}

#[test]
fn the_code_must_come_within_five_minutes_and_from_the_same_address() {
    let server = TestServer::start();
    server.add_staff("alice", "reception", "Alice");
    let pending = server.password_step(LOCALHOST, "alice");
    let elsewhere = type_code(&server, loopback(9), &pending, &server.fresh_code("alice"));
    assert_eq!(elsewhere.status, 401, "another address");
    let pending = server.password_step(LOCALHOST, "alice");
    server.execute(&format!(
        "UPDATE staff_pending_sign_ins SET created_at = {}",
        crate::helpers::moment(-301)
    ));
    let late = type_code(&server, LOCALHOST, &pending, &server.fresh_code("alice"));
    assert_eq!(late.status, 401);
    assert!(late.body.contains("5分"), "{}", late.body);
    assert_eq!(server.count("SELECT COUNT(*) FROM staff_sessions"), 0);
}

#[test]
fn a_code_is_accepted_once_and_a_recovery_code_once() {
    let server = TestServer::start();
    let enrolment = server.add_staff("ken", "reception", "Ken");
    let code = server.fresh_code("ken");
    let first = server.password_step(LOCALHOST, "ken");
    assert_eq!(type_code(&server, LOCALHOST, &first, &code).status, 303);
    let replay = server.password_step(LOCALHOST, "ken");
    let replayed = type_code(&server, LOCALHOST, &replay, &code);
    assert_eq!(replayed.status, 401, "the same code again");
    assert!(replayed.body.contains("すでに使用済み"));

    // A recovery code, typed loosely, works once.
    let recovery = enrolment.recovery_codes[3].to_uppercase().replace('-', " ");
    assert_eq!(
        type_code(&server, LOCALHOST, &replay, &recovery).status,
        303
    );
    assert_eq!(
        audit_count(
            &server,
            "action = 'sign_in' AND actor = 'ken' AND after = 'recovery code, 9 left'"
        ),
        1
    );
    let again = server.password_step(LOCALHOST, "ken");
    assert_eq!(type_code(&server, LOCALHOST, &again, &recovery).status, 401);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM staff_recovery_codes WHERE used_at IS NOT NULL"),
        1
    );
    // Only hashes are kept.
    let plain = enrolment.recovery_codes[0].replace('-', "");
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM staff_recovery_codes WHERE code_hash LIKE '%{plain}%'"
        )),
        0
    );
}

#[test]
fn five_failures_from_one_address_do_not_stop_the_right_sign_in_from_another() {
    let server = TestServer::start();
    server.add_staff("sato", "reception", "Sato");
    let attacker = loopback(2);
    for _ in 0..5 {
        assert_eq!(guess(&server, attacker, "sato"), 401);
    }
    // That pair waits now, even with the right password…
    let held = server.send_from(
        attacker,
        "POST",
        "/staff/login",
        None,
        &[("login", "sato"), ("password", PASSWORD)],
        &[],
    );
    assert_eq!(held.status, 429);
    assert!(held.body.contains("15分後に"), "{}", held.body);
    assert_eq!(held.header("retry-after"), "900");
    assert!(
        held.body.contains("value=\"sato\""),
        "the login typed is kept"
    );
    // …and a login typed in another case is the same login.
    assert_eq!(guess(&server, attacker, "SATO"), 429);

    // …while sato signs in from the reception PC.
    let cookie = server.sign_in_from(loopback(3), "sato");
    assert_eq!(server.send("GET", "/staff", Some(&cookie), &[]).status, 200);

    // Wrong codes count in the same throttle.
    let other = loopback(4);
    let pending = server.password_step(other, "sato");
    for _ in 0..5 {
        assert_eq!(type_code(&server, other, &pending, "000000").status, 401);
    }
    let code = server.fresh_code("sato");
    let held = type_code(&server, other, &pending, &code);
    assert_eq!(held.status, 429);
    assert!(held.body.contains("分後に"));
    // The attacker's refusals: the first in full, the others counted for
    // one line at the end of the window. Wrong codes (someone holds the
    // password) are written one by one; the code step's first refusal
    // from that address in full.
    assert_eq!(audit_count(&server, "action = 'sign_in_failed'"), 1);
    assert_eq!(audit_count(&server, "action = 'code_failed'"), 5);
    assert_eq!(audit_count(&server, "action = 'sign_in_throttled'"), 1);
    assert_eq!(
        audit_count(
            &server,
            "action = 'sign_in_throttled' AND address = '127.0.0.4'"
        ),
        1
    );
}

#[test]
fn guesses_sent_in_parallel_do_not_slip_past_the_throttle() {
    let server = TestServer::start();
    server.add_staff("alice", "reception", "Alice");
    let answers: Vec<u16> = std::thread::scope(|scope| {
        let guesses: Vec<_> = (0..10)
            .map(|_| scope.spawn(|| guess(&server, LOCALHOST, "alice")))
            .collect();
        guesses
            .into_iter()
            .map(|guess| guess.join().expect("guess"))
            .collect()
    });
    // At most five were checked; the others were held back, or told the
    // service was busy hashing (one password at a time per core), which
    // counts as no attempt at the login.
    let checked = answers.iter().filter(|status| **status == 401).count();
    assert!(checked <= 5, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|status| [401, 429, 503].contains(status)),
        "{answers:?}"
    );
    // One at a time now, until held: five checked in all, never more.
    let mut more = 0;
    while guess(&server, LOCALHOST, "alice") == 401 {
        more += 1;
        assert!(checked + more <= 5, "{answers:?} and {more} more");
    }
    assert_eq!(checked + more, 5, "{answers:?} and {more} more");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM sign_in_attempts WHERE outcome = 'failed'"),
        5
    );
    assert_eq!(
        audit_count(&server, "action IN ('sign_in_failed', 'sign_in_throttled')"),
        1,
        "one line in full; the others counted"
    );
}

#[test]
fn a_login_failing_from_everywhere_is_delayed_never_refused_and_admins_are_alerted() {
    let server = TestServer::start();
    server.add_staff("sato", "reception", "Sato");
    server.add_staff("ito", "admin", "Ito");
    // 20 failures in the hour, five from each of four addresses.
    for address in 10..14 {
        for _ in 0..5 {
            assert_eq!(guess(&server, loopback(address), "sato"), 401);
        }
    }
    // The right password and code from yet another address still sign in,
    // after a delay on each step that the audit trail records.
    let cookie = server.sign_in_from(loopback(20), "sato");
    assert_eq!(server.send("GET", "/staff", Some(&cookie), &[]).status, 200);
    assert_eq!(
        audit_count(
            &server,
            "action = 'password_accepted' AND after = 'delayed 1s'"
        ),
        1
    );
    assert_eq!(
        audit_count(&server, "action = 'sign_in' AND before = 'delayed 1s'"),
        1
    );
    // Five more failures double the delay.
    for _ in 0..5 {
        guess(&server, loopback(14), "sato");
    }
    guess(&server, loopback(15), "sato");
    assert_eq!(
        audit_count(
            &server,
            "action = 'sign_in_failed' AND after = 'delayed 2s'"
        ),
        1
    );

    // Admins see the alert on every staff page until one acknowledges it.
    let admin = server.sign_in("ito");
    let queue = server.send("GET", "/staff", Some(&admin), &[]);
    assert!(
        queue
            .body
            .contains("sato のログイン失敗が1時間以内に26回、6か所のアドレスから"),
        "{}",
        queue.body
    );
    let reception = server.send("GET", "/staff", Some(&cookie), &[]);
    assert!(!reception.body.contains("ログイン失敗が"), "admins only");
    assert_eq!(audit_count(&server, "action = 'sign_in_alert'"), 1);
    let alert = server.count("SELECT id FROM sign_in_alerts").to_string();
    let seen = server.send(
        "POST",
        "/staff/accounts",
        Some(&admin),
        &[("action", "acknowledge_alert"), ("alert", &alert)],
    );
    assert_eq!(seen.status, 303);
    let queue = server.send("GET", "/staff", Some(&admin), &[]);
    assert!(!queue.body.contains("ログイン失敗が"));
    assert_eq!(
        audit_count(
            &server,
            "action = 'sign_in_alert_acknowledged' AND actor = 'ito'"
        ),
        1
    );
    // Reception cannot acknowledge alerts.
    let refused = server.send(
        "POST",
        "/staff/accounts",
        Some(&cookie),
        &[("action", "acknowledge_alert"), ("alert", &alert)],
    );
    assert_eq!(refused.status, 403);
}

#[test]
fn a_login_that_does_not_exist_is_audited_by_a_keyed_hash_never_as_typed() {
    let server = TestServer::start();
    server.add_staff("alice", "reception", "Alice");
    let typed = "MySecretPassw0rd";
    // (From two addresses: a client's refusals after its first are counted,
    // not written one by one.)
    for from in [loopback(2), loopback(3)] {
        let answer = server.send_from(
            from,
            "POST",
            "/staff/login",
            None,
            &[("login", typed), ("password", "whatever it is")],
            &[],
        );
        assert_eq!(answer.status, 401);
        assert!(
            answer
                .body
                .contains("ログインIDまたはパスワードが正しくないか")
        );
    }
    // A wrong password for a real login gets the same answer.
    assert_eq!(guess(&server, LOCALHOST, "alice"), 401);
    // A real login typed in another case is that login.
    let pending = server.password_step(LOCALHOST, "ALICE");
    let code = server.fresh_code("alice");
    assert_eq!(type_code(&server, LOCALHOST, &pending, &code).status, 303);
    assert_eq!(
        audit_count(
            &server,
            "action = 'sign_in_unknown_login' AND actor IS NULL AND length(before) = 32"
        ),
        2
    );
    assert_eq!(
        server.count(
            "SELECT COUNT(DISTINCT before) FROM audit WHERE action = 'sign_in_unknown_login'"
        ),
        1,
        "the same text gives the same hash"
    );
    assert_eq!(
        audit_count(&server, "action = 'sign_in_failed' AND actor = 'alice'"),
        1
    );
    // Nowhere in the database is the text.
    let like = format!("'%{}%'", typed.to_lowercase());
    assert_eq!(
        audit_count(
            &server,
            &format!(
                "lower(coalesce(actor, '') || coalesce(before, '') || coalesce(after, '') || coalesce(address, '')) LIKE {like}"
            )
        ),
        0
    );
    assert_eq!(
        server.count(&format!(
            "SELECT COUNT(*) FROM sign_in_attempts WHERE lower(login_key) LIKE {like}"
        )),
        0
    );
}

#[test]
fn an_account_made_before_two_factor_sign_in_is_told_to_ask_for_totp_reset() {
    let server = TestServer::start();
    server.add_staff("old", "reception", "Old");
    server.execute("UPDATE staff_users SET totp_secret = NULL");
    let answer = server.send(
        "POST",
        "/staff/login",
        None,
        &[("login", "old"), ("password", PASSWORD)],
    );
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("user totp-reset"), "{}", answer.body);
    assert!(answer.cookie("second_opinion_sign_in").is_none());
    // A wrong password is not told so.
    assert_eq!(guess(&server, LOCALHOST, "old"), 401);

    let list = server.user(&["list"], "");
    assert!(String::from_utf8_lossy(&list.stdout).contains("no second factor"));
    let reset = server.user(&["totp-reset", "old"], "");
    assert!(reset.status.success());
    server.enrolled("old", &reset);
    let cookie = server.sign_in("old");
    assert_eq!(server.send("GET", "/staff", Some(&cookie), &[]).status, 200);

    // A reset ends the account's sessions.
    let reset = server.user(&["totp-reset", "old"], "");
    server.enrolled("old", &reset);
    assert_eq!(server.send("GET", "/staff", Some(&cookie), &[]).status, 303);
}

#[test]
fn authenticator_secrets_are_sealed_under_the_key_file_not_stored_readable() {
    fn secret_of(uri: &str) -> String {
        uri.split(['?', '&'])
            .find_map(|part| part.strip_prefix("secret="))
            .expect("the secret in the address")
            .to_owned()
    }
    // The IT admin makes the first account before the service ever ran
    // (the command makes the key file), on a database as an earlier
    // version left it: the secret stored readable.
    let mut added = None;
    let mut server = TestServer::start_on(&[], &[], |url| {
        let output = crate::helpers::user_on(
            url,
            &["add", "sato", "--role", "reception"],
            &format!("{PASSWORD}\n"),
        );
        assert!(output.status.success());
        let uri = crate::helpers::Enrolment::read(&String::from_utf8_lossy(&output.stdout)).uri;
        let sql = format!("UPDATE staff_users SET totp_secret = '{}'", secret_of(&uri));
        crate::helpers::execute_on(url, &sql);
        added = Some(output);
    });
    let enrolment = server.enrolled("sato", &added.expect("added"));
    let secret = secret_of(&enrolment.uri);
    let sealed_apart = format!(
        "SELECT COUNT(*) FROM staff_users WHERE totp_secret LIKE 'v2:%' \
         AND upper(totp_secret) NOT LIKE '%{secret}%'"
    );
    // Sealed at the first start, once, and audited; the member signs in.
    assert_eq!(server.count(&sealed_apart), 1);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'factors_sealed' AND after = '1'"),
        1
    );
    let cookie = server.sign_in("sato");
    assert_eq!(server.send("GET", "/staff", Some(&cookie), &[]).status, 200);

    // A new account's secret is sealed from the start.
    server.add_staff("kei", "reception", "Kei");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM staff_users WHERE totp_secret LIKE 'v2:%'"),
        2
    );

    // A readable secret written into the database later, by someone
    // without the key file, signs nobody in, even after a restart.
    server.execute(&format!(
        "UPDATE staff_users SET totp_secret = '{secret}' WHERE login = 'kei'"
    ));
    server.kill_and_restart(&[]);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM staff_users WHERE totp_secret NOT LIKE 'v2:%'"),
        1,
        "not sealed"
    );
    let refused = |server: &TestServer, login: &str| {
        server.send(
            "POST",
            "/staff/login",
            None,
            &[("login", login), ("password", PASSWORD)],
        )
    };
    assert_eq!(refused(&server, "kei").status, 403);

    // Sealed for one account, it opens for no other.
    server.execute(
        "UPDATE staff_users SET totp_secret = \
         (SELECT totp_secret FROM staff_users WHERE login = 'sato') WHERE login = 'kei'",
    );
    assert_eq!(refused(&server, "kei").status, 403);

    // Under another key file the secret opens no more: the member is as
    // one without a second factor, and the admin is told what to run.
    std::fs::write(server.database.with_extension("key"), [7_u8; 32]).expect("key file");
    server.kill_and_restart(&[]);
    let answer = refused(&server, "sato");
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("user totp-reset"), "{}", answer.body);
    let reset = server.user(&["totp-reset", "sato"], "");
    assert!(reset.status.success());
    server.enrolled("sato", &reset);
    let cookie = server.sign_in("sato");
    assert_eq!(server.send("GET", "/staff", Some(&cookie), &[]).status, 200);
}

/// `second-opinion user ARGS…` as the IT admin runs it: logged in as root,
/// under `sudo` by `sudo_user` (none when empty).
fn user_as(
    server: &TestServer,
    args: &[&str],
    stdin: &str,
    sudo_user: &str,
) -> std::process::Output {
    use std::io::Write;
    let mut child = server
        .command()
        .arg("user")
        .args(args)
        .env("USER", "root")
        .env("SUDO_USER", sudo_user)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("user");
    write!(child.stdin.take().expect("stdin"), "{stdin}").expect("stdin");
    child.wait_with_output().expect("user")
}

#[test]
fn a_weak_password_is_refused_at_the_command_line_with_its_reason() {
    let server = TestServer::start();
    for (password, reason) in [
        ("too short\n", "at least 12 characters"),
        ("password1234\n", "commonly used passwords"),
        ("bob the builder 1\n", "contains the login"),
        ("university hospital one\n", "contains the hospital's name"),
    ] {
        let refused = user_as(
            &server,
            &["add", "bob", "--role", "reception"],
            password,
            "",
        );
        assert!(!refused.status.success(), "{password}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(reason), "{password}: {stderr}");
    }
    assert_eq!(server.count("SELECT COUNT(*) FROM staff_users"), 0);
}

#[test]
fn accounts_are_managed_from_the_command_line_with_the_operators_name_in_the_audit() {
    let server = TestServer::start();
    let user =
        |args: &[&str], stdin: &str, sudo_user: &str| user_as(&server, args, stdin, sudo_user);
    let added = user(
        &["add", "bob", "--role", "reception", "--name", "Bob Ueda"],
        &format!("{PASSWORD}\n"),
        "tanaka",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let printed = String::from_utf8_lossy(&added.stdout);
    assert!(
        printed.contains("otpauth://totp/University%20Hospital%20Second%20Opinion:bob?secret="),
        "{printed}"
    );
    assert!(!printed.contains('█'), "no QR code when not at a terminal");
    server.enrolled("bob", &added);
    let by_tanaka = format!(
        "action = 'user_added' AND actor = 'os:tanaka (uid {})'",
        real_uid()
    );
    assert_eq!(
        audit_count(&server, &by_tanaka),
        1,
        "sudo's name, the kernel's uid"
    );
    let again = user(
        &["add", "bob", "--role", "admin"],
        &format!("{PASSWORD}\n"),
        "tanaka",
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let bad_role = user(
        &["add", "eve", "--role", "root"],
        &format!("{PASSWORD}\n"),
        "tanaka",
    );
    assert!(!bad_role.status.success());

    let cookie = server.sign_in("bob");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM staff_users WHERE password_hash LIKE '$argon2id$%'"),
        1,
        "stored as Argon2id, never as typed"
    );
    assert_eq!(
        String::from_utf8_lossy(&server.user(&["list"], "").stdout),
        "bob\treception\tactive\ttwo-factor\tBob Ueda\n"
    );

    // A password set by the IT admin ends the sessions and any sign-in
    // waiting for its code; the new one signs in.
    let pending = server.password_step(LOCALHOST, "bob");
    let set = user(&["password", "bob"], "paper lantern river stone\n", "");
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert_eq!(
        audit_count(
            &server,
            &format!(
                "action = 'user_password_set' AND actor = 'os:root (uid {})'",
                real_uid()
            )
        ),
        1,
        "USER when not under sudo"
    );
    assert_eq!(server.send("GET", "/staff", Some(&cookie), &[]).status, 303);
    let late = type_code(&server, LOCALHOST, &pending, &server.fresh_code("bob"));
    assert_eq!(
        late.status, 401,
        "the pending sign-in ended with the old password"
    );
    let old = server.send(
        "POST",
        "/staff/login",
        None,
        &[("login", "bob"), ("password", PASSWORD)],
    );
    assert_eq!(old.status, 401);
    let new = server.send(
        "POST",
        "/staff/login",
        None,
        &[("login", "bob"), ("password", "paper lantern river stone")],
    );
    assert_eq!(new.status, 303);

    assert!(user(&["disable", "bob"], "", "tanaka").status.success());
    let refused = server.send(
        "POST",
        "/staff/login",
        None,
        &[("login", "bob"), ("password", "paper lantern river stone")],
    );
    assert_eq!(refused.status, 401);
    let list = server.user(&["list"], "");
    assert!(String::from_utf8_lossy(&list.stdout).contains("bob\treception\tdisabled"));
}

/// This process's real user id (the commands it runs have the same).
fn real_uid() -> String {
    std::fs::read_to_string("/proc/self/status")
        .expect("/proc/self/status")
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().next())
        .expect("Uid")
        .to_owned()
}

/// The `(name, value)` pairs of the hidden inputs named `name` on a page.
fn values_of(page: &str, name: &str) -> Vec<String> {
    let marker = format!("name=\"{name}\" value=\"");
    page.match_indices(&marker)
        .filter_map(|(at, _)| page[at + marker.len()..].split('"').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_member_changes_their_password_and_their_other_sessions_end() {
    let server = TestServer::start();
    server.add_staff("rita", "reception", "Rita");
    let here = server.sign_in("rita");
    let there = server.sign_in_from(loopback(7), "rita");
    let change = |current: &str, new: &str, repeated: &str, code: &str| {
        server.send(
            "POST",
            "/staff/account",
            Some(&here),
            &[
                ("action", "change_password"),
                ("current", current),
                ("code", code),
                ("new", new),
                ("repeated", repeated),
            ],
        )
    };
    let weak = change(PASSWORD, "password1234", "password1234", "123456");
    assert_eq!(weak.status, 422);
    assert!(
        weak.body.contains("よく使われるパスワードの一覧"),
        "{}",
        weak.body
    );
    let mismatch = change(
        PASSWORD,
        "paper lantern river",
        "paper lantern rivet",
        "123456",
    );
    assert!(mismatch.body.contains("一致しません"));
    let wrong = change(
        "not the password",
        "paper lantern river",
        "paper lantern river",
        "123456",
    );
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("現在のパスワードが正しくありません"));
    let bad_code = change(
        PASSWORD,
        "paper lantern river",
        "paper lantern river",
        "000000",
    );
    assert!(bad_code.body.contains("確認コードが正しくないか"));
    assert!(
        !bad_code.body.contains("paper lantern"),
        "typed passwords are not shown again"
    );

    let code = server.fresh_code("rita");
    let changed = change(
        PASSWORD,
        "paper lantern river",
        "paper lantern river",
        &code,
    );
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(changed.location(), "/staff/account?done=password");
    // This session goes on under a new token: the old one opens nothing
    // (whoever had copied it is out).
    let renewed = changed
        .cookie("second_opinion_staff")
        .expect("the session's new token");
    assert_ne!(renewed, here);
    assert_eq!(
        server.send("GET", "/staff", Some(&renewed), &[]).status,
        200,
        "this one goes on"
    );
    assert_eq!(
        server.send("GET", "/staff", Some(&here), &[]).status,
        303,
        "under its new token only"
    );
    assert_eq!(
        server.send("GET", "/staff", Some(&there), &[]).status,
        303,
        "the other ended"
    );
    assert_eq!(
        audit_count(&server, "action = 'password_changed' AND actor = 'rita'"),
        1
    );
    let new = server.send(
        "POST",
        "/staff/login",
        None,
        &[("login", "rita"), ("password", "paper lantern river")],
    );
    assert_eq!(new.status, 303);
}

#[test]
fn members_see_and_end_their_sessions_and_admins_end_anyones() {
    let server = TestServer::start();
    server.add_staff("rita", "reception", "Rita");
    server.add_staff("ito", "admin", "Ito");
    let first = server.sign_in_from(loopback(5), "rita");
    let second = server.send_from(
        loopback(6),
        "POST",
        "/staff/login/code",
        Some(&server.password_step(loopback(6), "rita")),
        &[("code", &server.fresh_code("rita"))],
        &[("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")],
    );
    let second = second.cookie("second_opinion_staff").expect("session");
    let third = server.sign_in_from(loopback(7), "rita");

    let page = server.send_from(
        loopback(6),
        "GET",
        "/staff/account",
        Some(&second),
        &[],
        &[],
    );
    assert_eq!(page.status, 200);
    for shown in [
        "127.0.0.5",
        "127.0.0.6",
        "127.0.0.7",
        "Chrome 131 · Windows 10",
        "このセッション",
    ] {
        assert!(page.body.contains(shown), "{shown}");
    }
    // End the first from the second.
    let ids = values_of(&page.body, "id");
    assert_eq!(ids.len(), 2, "an end button on each other session: {ids:?}");
    let first_id = server
        .count("SELECT id FROM staff_sessions WHERE address = '127.0.0.5'")
        .to_string();
    let ended = server.send(
        "POST",
        "/staff/account",
        Some(&second),
        &[("action", "end_session"), ("id", &first_id)],
    );
    assert_eq!(ended.status, 303);
    assert_eq!(server.send("GET", "/staff", Some(&first), &[]).status, 303);
    assert_eq!(server.send("GET", "/staff", Some(&third), &[]).status, 200);
    // Someone else's session cannot be ended from here.
    let admin = server.sign_in("ito");
    let admin_id = server
        .count("SELECT s.id FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE u.login = 'ito'")
        .to_string();
    let not_theirs = server.send(
        "POST",
        "/staff/account",
        Some(&second),
        &[("action", "end_session"), ("id", &admin_id)],
    );
    assert_eq!(not_theirs.status, 404);
    assert_eq!(server.send("GET", "/staff", Some(&admin), &[]).status, 200);
    // End all others.
    let others = server.send(
        "POST",
        "/staff/account",
        Some(&second),
        &[("action", "end_others")],
    );
    assert_eq!(others.status, 303);
    assert_eq!(server.send("GET", "/staff", Some(&third), &[]).status, 303);
    assert_eq!(server.send("GET", "/staff", Some(&second), &[]).status, 200);

    // Reception cannot see the accounts page; an admin ends all of rita's sessions.
    assert_eq!(
        server
            .send("GET", "/staff/accounts", Some(&second), &[])
            .status,
        403
    );
    let accounts = server.send("GET", "/staff/accounts", Some(&admin), &[]);
    assert!(accounts.body.contains("Rita (rita)") && accounts.body.contains("127.0.0.6"));
    let ended = server.send(
        "POST",
        "/staff/accounts",
        Some(&admin),
        &[("action", "end_sessions"), ("login", "rita")],
    );
    assert_eq!(ended.status, 303);
    assert_eq!(server.send("GET", "/staff", Some(&second), &[]).status, 303);
    assert_eq!(
        audit_count(&server, "action IN ('session_ended', 'sessions_ended')"),
        3
    );
}

#[test]
fn an_idle_or_too_old_session_ends_and_the_page_says_when() {
    let server = TestServer::start();
    server.add_staff("alice", "reception", "Alice");
    let cookie = server.sign_in("alice");
    let page = server.send("GET", "/staff", Some(&cookie), &[]);
    assert!(page.body.contains("30分間操作がないとログアウトします"));
    assert!(page.body.contains("src=\"/staff-session.js\""));
    let alive = server.send("POST", "/staff/keep-alive", Some(&cookie), &[]);
    assert_eq!(alive.status, 200);
    let answer: serde_json::Value = serde_json::from_str(&alive.body).expect("json");
    assert_eq!(answer["idle"], true);
    let now = crate::helpers::now_seconds();
    let ends_at = answer["ends_at"].as_u64().expect("ends_at");
    assert!(
        (now + 1790..=now + 1800).contains(&ends_at),
        "30 minutes from now: {ends_at}"
    );
    assert!(
        answer["text"]
            .as_str()
            .is_some_and(|text| text.contains("30分間"))
    );

    server.execute(&format!(
        "UPDATE staff_sessions SET last_seen_at = {}",
        crate::helpers::moment(-31 * 60)
    ));
    assert_eq!(
        server.send("GET", "/staff", Some(&cookie), &[]).status,
        303,
        "30 minutes idle"
    );
    let cookie = server.sign_in("alice");
    server.execute(&format!(
        "UPDATE staff_sessions SET created_at = {}",
        crate::helpers::moment(-(12 * 60 + 1) * 60)
    ));
    assert_eq!(
        server.send("GET", "/staff", Some(&cookie), &[]).status,
        303,
        "12 hours in all"
    );
    let cookie = server.sign_in("alice");
    server.execute(&format!(
        "UPDATE staff_sessions SET last_seen_at = {}, created_at = {}",
        crate::helpers::moment(-29 * 60),
        crate::helpers::moment(-(11 * 60 + 50) * 60)
    ));
    let late = server.send("GET", "/staff", Some(&cookie), &[]);
    assert_eq!(late.status, 200, "still alive at 29 minutes");
    assert!(
        late.body.contains("ログインから12時間後の"),
        "the 12 hours come first"
    );
}

#[test]
fn behind_https_the_cookies_have_the_host_prefix() {
    let server = TestServer::start_with(&["--trusted-proxy", "127.0.0.1"]);
    server.add_staff("alice", "reception", "Alice");
    let https = [
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-For", "192.0.2.8"),
    ];
    let answer = server.send_with(
        "POST",
        "/staff/login",
        None,
        &[("login", "alice"), ("password", PASSWORD)],
        &https,
    );
    assert_eq!(answer.status, 303);
    let pending = answer.set_cookie_of("__Host-second_opinion_sign_in");
    assert!(
        pending.contains("; Secure") && pending.contains("Path=/"),
        "{pending}"
    );
    let pending = answer
        .cookie("__Host-second_opinion_sign_in")
        .expect("pending");
    let code = server.fresh_code("alice");
    let signed_in = server.send_with(
        "POST",
        "/staff/login/code",
        Some(&pending),
        &[("code", &code)],
        &https,
    );
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let session = signed_in.set_cookie_of("__Host-second_opinion_staff");
    for attribute in ["; Secure", "; HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(session.contains(attribute), "{session}");
    }
    assert!(!session.contains("Domain"), "{session}");
    let session = signed_in
        .cookie("__Host-second_opinion_staff")
        .expect("session");
    assert_eq!(
        server
            .send_with("GET", "/staff", Some(&session), &[], &https)
            .status,
        200
    );
    // Over plain HTTP the prefixed cookie is not the session cookie.
    assert_eq!(
        server.send("GET", "/staff", Some(&session), &[]).status,
        303
    );
}

#[test]
fn every_page_with_personal_data_writes_a_view_line() {
    let server = TestServer::start();
    server.add_staff("rita", "reception", "Rita");
    let rita = server.sign_in("rita");
    let reference = server.submit("views-0001", &[]);
    for path in [
        "/staff?status=received&area=cancer",
        "/staff/day-sheet?day=2026-12-03",
        &format!("/staff/cases/{reference}"),
    ] {
        assert_eq!(
            server.send("GET", path, Some(&rita), &[]).status,
            200,
            "{path}"
        );
    }
    let exported = server.send(
        "POST",
        "/staff/export.csv",
        Some(&rita),
        &[("status", "received")],
    );
    assert_eq!(exported.status, 200);
    for (action, detail) in [
        ("queue_viewed", "status=received&area=cancer page=1"),
        ("queue_exported", "status=received"),
        ("day_sheet_viewed", "2026-12-03"),
    ] {
        assert_eq!(
            audit_count(
                &server,
                &format!("action = '{action}' AND actor = 'rita' AND after = '{detail}'")
            ),
            1,
            "{action}"
        );
    }
    assert_eq!(
        audit_count(&server, "action = 'case_viewed' AND actor = 'rita'"),
        1
    );
}

fn verify(server: &TestServer) -> std::process::Output {
    server
        .command()
        .args(["audit", "verify"])
        .output()
        .expect("audit verify")
}

#[test]
fn audit_verify_finds_a_row_changed_or_removed_with_plain_sql() {
    let server = TestServer::start();
    server.add_staff("rita", "reception", "Rita");
    let rita = server.sign_in("rita");
    for path in ["/staff", "/staff/day-sheet", "/staff?status=received"] {
        server.send("GET", path, Some(&rita), &[]);
    }
    let rows = server.count("SELECT COUNT(*) FROM audit");
    assert!(rows >= 6, "{rows}");
    let intact = verify(&server);
    assert!(
        intact.status.success(),
        "{}",
        String::from_utf8_lossy(&intact.stderr)
    );
    let printed = String::from_utf8_lossy(&intact.stdout);
    assert!(
        printed.starts_with(&format!("ok {rows} rows, last hash ")),
        "{printed}"
    );

    // An update, with the trigger dropped first.
    server.drop_trigger("audit_is_append_only_update");
    server.execute("UPDATE audit SET actor = 'someone else' WHERE id = 4");
    let changed = verify(&server);
    assert!(!changed.status.success());
    let stderr = String::from_utf8_lossy(&changed.stderr);
    assert!(stderr.contains("row 4 does not fit"), "{stderr}");

    // A row deleted, on another copy.
    let other = TestServer::start();
    other.add_staff("ken", "reception", "Ken");
    let ken = other.sign_in("ken");
    other.send("GET", "/staff", Some(&ken), &[]);
    other.send("GET", "/staff", Some(&ken), &[]);
    assert!(verify(&other).status.success());
    other.drop_trigger("audit_is_append_only_delete");
    other.execute("DELETE FROM audit WHERE id = 3");
    let stderr = String::from_utf8_lossy(&verify(&other).stderr).into_owned();
    assert!(
        stderr.contains("row 4 does not fit: rows 3 to 3 were removed"),
        "{stderr}"
    );
    // …and the ids closed up after it, so no gap shows.
    other.drop_trigger("audit_is_append_only_update");
    other.execute("UPDATE audit SET id = id - 1 WHERE id > 3");
    let stderr = String::from_utf8_lossy(&verify(&other).stderr).into_owned();
    assert!(stderr.contains("row 3 does not fit"), "{stderr}");
}

#[test]
fn audit_verify_only_reads_and_never_seals_a_chain_whose_hashes_were_removed() {
    let server = TestServer::start();
    server.add_staff("rita", "reception", "Rita");
    server.drop_trigger("audit_is_append_only_update");
    server.execute("UPDATE audit SET actor = 'someone else', hash = NULL");
    let stderr = String::from_utf8_lossy(&verify(&server).stderr).into_owned();
    assert!(
        stderr.contains("row 1 does not fit: it has no hash"),
        "{stderr}"
    );
    // Neither verify nor a restart of the service seals them again.
    let restarted = server
        .command()
        .args(["user", "list"])
        .output()
        .expect("user list");
    assert!(restarted.status.success());
    assert!(!verify(&server).status.success());

    // A database that is not there is not made.
    let missing = Command::new(crate::helpers::BINARY)
        .args(["audit", "verify"])
        .env("DATABASE_URL", "sqlite:///nonexistent/second-opinion.db")
        .output()
        .expect("audit verify");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no database"));
    assert!(!std::path::Path::new("/nonexistent/second-opinion.db").exists());
}

#[test]
fn an_upgrade_keeps_the_accounts_ends_password_only_sessions_and_chains_the_old_audit_lines() {
    if crate::helpers::on_postgres("an upgrade of a database an earlier SQLite version left") {
        return;
    }
    let server = TestServer::start_on(&[], &[], |url| {
        std::fs::create_dir_all(
            std::path::Path::new(url.trim_start_matches("sqlite://"))
                .parent()
                .expect("directory"),
        )
        .expect("directory");
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            let options: sqlx::sqlite::SqliteConnectOptions = url.parse().expect("url");
            let pool = sqlx::SqlitePool::connect_with(options.create_if_missing(true))
                .await
                .expect("open");
            // The database as the version before two-factor sign-in left it.
            let mut migrator = sqlx::migrate!("./migrations/sqlite");
            migrator.migrations = migrator.migrations[..3].to_vec().into();
            migrator.run(&pool).await.expect("migrations 1 to 3");
            for statement in [
                "INSERT INTO staff_users (login, display_name, password_hash, role, created_at) \
                 VALUES ('sato', 'Sato', 'x', 'reception', '2026-11-01T00:00:00.000Z')",
                "INSERT INTO staff_sessions (token_hash, user_id, created_at, last_seen_at) \
                 VALUES ('aa', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                "INSERT INTO audit (at, actor, address, action) VALUES \
                 ('2026-11-01T00:00:00.000Z', 'sato', '127.0.0.1', 'sign_in'), \
                 ('2026-11-01T00:01:00.000Z', 'MySecretPassw0rd', '127.0.0.1', 'sign_in_failed'), \
                 ('2026-11-01T00:02:00.000Z', 'sato', '127.0.0.1', 'sign_in_failed')",
            ] {
                sqlx::query(statement).execute(&pool).await.expect("older rows");
            }
            pool.close().await;
        });
    });
    assert_eq!(
        server.count("SELECT COUNT(*) FROM staff_users"),
        1,
        "the account stays"
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM staff_sessions"),
        0,
        "password-only sessions end"
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE actor = 'MySecretPassw0rd'"),
        0,
        "text that is no login leaves the audit trail"
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE actor = 'sato'"),
        2
    );
    let verified = verify(&server);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    // The three older lines (chained with plain SHA-256), then the first
    // start's sealing of the authenticator secrets (none here) and its
    // keys derived anew, keyed.
    assert!(String::from_utf8_lossy(&verified.stdout).starts_with("ok 5 rows"));
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE hash LIKE 'k1:%'"),
        2
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'factors_sealed' AND after = '0'"),
        1
    );
    let list = server.user(&["list"], "");
    assert!(String::from_utf8_lossy(&list.stdout).contains("no second factor"));
}

#[test]
fn secrets_sealed_under_the_earlier_keys_are_sealed_again_once_and_the_member_signs_in() {
    let mut server = TestServer::start();
    server.add_staff("sato", "reception", "Sato");
    let secret = server
        .enrolment("sato")
        .uri
        .split(['?', '&'])
        .find_map(|part| part.strip_prefix("secret="))
        .expect("the secret")
        .to_owned();
    // The database as a version before HKDF left it: the secret sealed
    // under HMAC(secret, label), and no upgrade made.
    let key_file: [u8; 32] = std::fs::read(server.database.with_extension("key"))
        .expect("the key file")
        .try_into()
        .expect("32 bytes");
    let earlier = app::keys::LoginKey::new(key_file).seal_legacy(1, &secret);
    server.execute(&format!(
        "UPDATE staff_users SET totp_secret = '{earlier}' WHERE login = 'sato'"
    ));
    server.execute("DELETE FROM key_upgrades");
    server.kill_and_restart(&[]);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM staff_users WHERE totp_secret LIKE 'v2:%'"),
        1
    );
    assert_eq!(
        server.count(
            "SELECT COUNT(*) FROM audit WHERE action = 'keys_upgraded' \
             AND after = '1 authenticator secrets sealed again, 0 did not open'"
        ),
        1
    );
    let cookie = server.sign_in("sato");
    assert_eq!(server.send("GET", "/staff", Some(&cookie), &[]).status, 200);
    // Once: a restart leaves it as it is.
    server.kill_and_restart(&[]);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'keys_upgraded'"),
        2,
        "the fresh database's, and the upgrade's"
    );
}
