//! The public pages, safe from guessing and flooding, against the real
//! binary: a reference's status look-up locked for everyone after ten
//! wrong dates of birth (and reception told), the confirmation page opened
//! only by the random token of the browser that sent the request, and at
//! most 20 new requests an hour from one connection.

use std::net::{IpAddr, Ipv4Addr};

use crate::helpers::{Answer, TestServer, eligible_submission};

fn client(n: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 3, 0, n))
}

/// A status look-up posted as the page without JavaScript does, from `from`.
fn look_up(server: &TestServer, from: IpAddr, reference: &str, born: &str) -> Answer {
    server.send_from(
        from,
        "POST",
        "/status",
        None,
        &[("reference", reference), ("date_of_birth", born)],
        &[("Accept-Language", "en")],
    )
}

/// Sends an eligible request from `from` through the server function.
pub(crate) fn submit_from(server: &TestServer, from: IpAddr, id: &str) -> Answer {
    let fields = eligible_submission(id);
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    server.send_from(
        from,
        "POST",
        "/api/submit_request",
        None,
        &form,
        &[("Accept", "application/json")],
    )
}

fn dashed(compact: &str) -> String {
    format!("{}-{}", &compact[..4], &compact[4..])
}

#[test]
fn ten_wrong_dates_of_birth_lock_a_reference_for_everyone_and_reception_sees_it() {
    let server = TestServer::start();
    let reference = dashed(&server.submit("lock-0001", &[]));
    // Each miss from another client: no client reaches its own limit.
    let wrong = look_up(&server, client(1), &reference, "1970-04-02");
    let unknown = look_up(&server, client(1), "ZZZZ-ZZZZ", "1970-04-01");
    assert_eq!((wrong.status, unknown.status), (404, 404));
    // A wrong reference and a wrong date get the same words.
    let message = |answer: &Answer| {
        answer
            .body
            .contains("We found no request with this reference and date of birth")
    };
    assert!(message(&wrong) && message(&unknown));
    for n in 2..=10 {
        assert_eq!(
            look_up(&server, client(n), &reference, "1971-01-01").status,
            404
        );
    }
    // The eleventh, from a client never seen, with the right date: locked.
    let locked = look_up(&server, client(11), &reference, "1970-04-01");
    assert_eq!(locked.status, 429, "{}", locked.body);
    assert!(
        locked.body.contains("cannot be looked up for now"),
        "{}",
        locked.body
    );
    // So is the server function, for anyone.
    let (status, body) = server.call_server_fn_from(
        "find_status",
        &[
            ("query[reference]".to_owned(), reference.clone()),
            ("query[date_of_birth]".to_owned(), "1970-04-01".to_owned()),
        ],
        None,
    );
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("look_up_locked"), "{body}");
    // Another reference is not.
    let other = dashed(&server.submit("lock-0002", &[]));
    assert_eq!(
        look_up(&server, client(12), &other, "1970-04-01").status,
        200
    );
    // A made-up reference is locked the same way, after the same ten misses.
    for n in 1..=9 {
        look_up(&server, client(20 + n), "ZZZZ-ZZZZ", "1970-04-01");
    }
    assert_eq!(
        look_up(&server, client(40), "ZZZZ-ZZZZ", "1970-04-01").status,
        429
    );

    // Reception sees the lock on the case page, and when it locked.
    server.add_staff("rita", "reception", "Rita Tanaka");
    let rita = server.sign_in("rita");
    let path = format!("/staff/cases/{}", reference.replace('-', ""));
    let page = server.send_with("GET", &path, Some(&rita), &[], &[("Accept-Language", "en")]);
    assert!(
        page.body.contains("status look-up is locked until"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Status look-up locked for 24 hours"));
    assert_eq!(
        server.count("SELECT COUNT(*) FROM audit WHERE action = 'status_lookup_locked'"),
        1,
        "audited once, for the real case only"
    );
    let unlocked = format!("/staff/cases/{}", other.replace('-', ""));
    let page = server.send_with(
        "GET",
        &unlocked,
        Some(&rita),
        &[],
        &[("Accept-Language", "en")],
    );
    assert!(!page.body.contains("status look-up is locked until"));
}

#[test]
fn the_confirmation_opens_only_with_the_token_of_the_browser_that_sent_it() {
    let server = TestServer::start();
    let sent = submit_from(&server, client(1), "token-0001");
    assert_eq!(sent.status, 200, "{}", sent.body);
    let cookie = sent.cookie("second_opinion_sent").expect("the sent cookie");
    let token = cookie.trim_start_matches("second_opinion_sent=");
    assert_eq!(token.len(), 64, "a random token: {token}");
    let json: serde_json::Value = serde_json::from_str(&sent.body).expect("json");
    let reference = json["reference"].as_str().expect("reference").to_owned();
    assert!(!token.contains(&reference.replace('-', "")));
    assert_eq!(
        server.count("SELECT COUNT(*) FROM sent_tokens"),
        1,
        "its hash is stored"
    );

    let page = |cookie: Option<&str>| {
        server
            .send_from(
                client(2),
                "GET",
                &format!("/request/sent/{reference}"),
                cookie,
                &[],
                &[("Accept-Language", "en")],
            )
            .status
    };
    assert_eq!(page(Some(&cookie)), 200);
    // The reference itself, as the cookie used to hold it: not found.
    let made_up = format!("second_opinion_sent={}", reference.replace('-', ""));
    assert_eq!(page(Some(&made_up)), 404);
    // Another case's token does not open this one.
    let other = submit_from(&server, client(1), "token-0002")
        .cookie("second_opinion_sent")
        .expect("cookie");
    assert_eq!(page(Some(&other)), 404);
    // A resend gets a token of its own, and the first still works.
    let resent = submit_from(&server, client(1), "token-0001")
        .cookie("second_opinion_sent")
        .expect("cookie");
    assert_ne!(resent, cookie);
    assert_eq!(page(Some(&resent)), 200);
    assert_eq!(page(Some(&cookie)), 200);

    // Misses of /api/find_sent count against the status look-up's limit.
    let find_sent = |cookie: &str| {
        server
            .send_from(
                client(3),
                "POST",
                "/api/find_sent",
                Some(cookie),
                &[("reference", reference.as_str())],
                &[("Accept", "application/json")],
            )
            .status
    };
    assert_eq!(find_sent(&cookie), 200, "a hit costs nothing");
    for _ in 0..10 {
        assert_eq!(find_sent(&made_up), 404);
    }
    assert_eq!(find_sent(&made_up), 429, "then a miss is told to wait");
    let status = look_up(&server, client(3), &reference, "1970-04-01");
    assert_eq!(status.status, 429, "and so are status look-ups");
    // The browser holding the token (nothing to guess) still sees its
    // confirmation: others behind the same address, a family or a mobile
    // network's shared address, cannot hide it.
    assert_eq!(find_sent(&cookie), 200);
    assert_eq!(page(Some(&cookie)), 200);
}

#[test]
fn a_sent_request_shows_its_confirmation_after_many_status_look_ups_from_its_address() {
    let server = TestServer::start();
    let sent = submit_from(&server, client(1), "lookups-0001");
    let json: serde_json::Value = serde_json::from_str(&sent.body).expect("json");
    let reference = json["reference"].as_str().expect("reference").to_owned();
    let cookie = sent.cookie("second_opinion_sent").expect("cookie");
    for _ in 0..10 {
        look_up(&server, client(1), &reference, "1970-04-01");
    }
    assert_eq!(
        look_up(&server, client(1), &reference, "1970-04-01").status,
        429
    );
    let page = server.send_from(
        client(1),
        "GET",
        &format!("/request/sent/{reference}"),
        Some(&cookie),
        &[],
        &[("Accept-Language", "en")],
    );
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&reference));
}

#[test]
fn twenty_new_requests_an_hour_from_one_connection_then_a_clear_refusal() {
    let server = TestServer::start();
    for n in 0..20 {
        let sent = submit_from(&server, client(1), &format!("flood-{n:04}"));
        assert_eq!(sent.status, 200, "{}", sent.body);
    }
    let refused = submit_from(&server, client(1), "flood-0020");
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(refused.body.contains("too_many_new_requests"));
    assert_eq!(
        server.count("SELECT COUNT(*) FROM cases"),
        20,
        "nothing stored"
    );
    // A resend of one already sent does not count and is answered.
    assert_eq!(submit_from(&server, client(1), "flood-0003").status, 200);
    // Another connection is not held back.
    assert_eq!(submit_from(&server, client(2), "other-0001").status, 200);

    // Without JavaScript: the check page again, with the reason and every
    // answer kept.
    let fields = crate::pages::eligible("flood-nojs", "send");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = server.send_from(
        client(1),
        "POST",
        "/request",
        None,
        &pairs,
        &[("Accept-Language", "en")],
    );
    assert_eq!(page.status, 429);
    assert!(
        page.body
            .contains("Too many new requests have been sent from this connection"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"value="Hanako Yamada""#));
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 21);
}

/// Sends `count` requests side by side, alternately through `first` and
/// `second`: the status of each answer.
fn through_both(
    first: &TestServer,
    second: &TestServer,
    count: usize,
    send: impl Fn(&TestServer, usize) -> Answer + Sync,
) -> Vec<u16> {
    std::thread::scope(|scope| {
        let sending: Vec<_> = (0..count)
            .map(|n| {
                let server = if n % 2 == 0 { first } else { second };
                let send = &send;
                scope.spawn(move || send(server, n).status)
            })
            .collect();
        sending
            .into_iter()
            .map(|sent| sent.join().expect("a sender"))
            .collect()
    })
}

fn how_many(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[test]
fn two_service_processes_on_one_postgresql_hold_every_limit_together() {
    if crate::helpers::postgres().is_none() {
        eprintln!("needs PostgreSQL: SQLite is served by one process");
        return;
    }
    let options = ["--new-request-ceiling", "30"];
    let first = TestServer::start_with(&options);
    let second = first.another_process(&options);

    // Thirty new requests at once from one connection, through both: 20.
    let sent = through_both(&first, &second, 30, |server, n| {
        submit_from(server, client(1), &format!("both-{n:04}"))
    });
    assert_eq!(how_many(&sent, 200), 20, "{sent:?}");
    assert_eq!(how_many(&sent, 429), 10, "{sent:?}");
    // Twenty more from twenty connections: the service's ceiling of 30.
    let sent = through_both(&first, &second, 20, |server, n| {
        let from = client(u8::try_from(10 + n).expect("a small number"));
        submit_from(server, from, &format!("many-{n:04}"))
    });
    assert_eq!(how_many(&sent, 200), 10, "{sent:?}");
    assert_eq!(how_many(&sent, 503), 10, "{sent:?}");
    assert_eq!(first.count("SELECT COUNT(*) FROM cases"), 30);

    // Fifteen status look-ups at once from one client (of references
    // nobody has, each another): ten answered, five told to try later.
    let looked = through_both(&first, &second, 15, |server, n| {
        let alphabet = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        let reference = format!("ZZZZ-ZZZ{}", char::from(alphabet[n]));
        look_up(server, client(2), &reference, "1970-04-01")
    });
    assert_eq!(how_many(&looked, 404), 10, "{looked:?}");
    assert_eq!(how_many(&looked, 429), 5, "{looked:?}");

    // Forty sign-ins at once from one client, each with another login:
    // thirty taken (checked, or "busy" when every hashing turn was in
    // use), ten held back.
    let tried = through_both(&first, &second, 40, |server, n| {
        server.send_from(
            client(3),
            "POST",
            "/staff/login",
            None,
            &[("login", &format!("nobody-{n}")), ("password", "guess")],
            &[],
        )
    });
    assert_eq!(how_many(&tried, 429), 10, "{tried:?}");
    assert_eq!(
        how_many(&tried, 401) + how_many(&tried, 503),
        30,
        "{tried:?}"
    );
    assert_eq!(
        first.count("SELECT COUNT(*) FROM client_attempts WHERE kind = 'sign-in'"),
        30
    );
}
