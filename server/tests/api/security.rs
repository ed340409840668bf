//! The headers every response carries, the Content-Security-Policy with its
//! nonce, and the refusal of requests another site makes a browser send.

use crate::helpers::{TestServer, eligible_submission};

/// GETs `path` with `headers` as a browser that follows no redirect.
fn get(
    server: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, ureq::http::HeaderMap, String) {
    let answer = server.send_with("GET", path, None, &[], headers);
    (answer.status, answer.headers, answer.body)
}

/// POSTs `form` to a server function with `headers`.
fn post(
    server: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
    form: &[(String, String)],
) -> (u16, ureq::http::HeaderMap) {
    let agent = crate::helpers::browser();
    let mut request = agent
        .post(&server.url(path))
        .header("Accept", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request
        .send_form(form.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .expect("POST");
    (response.status().as_u16(), response.headers().clone())
}

fn header<'a>(headers: &'a ureq::http::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[test]
fn every_response_carries_the_security_headers() {
    let server = TestServer::start();
    let submission = eligible_submission("headers-01");
    let api = post(&server, "/api/submit_request", &[], &submission);
    assert_eq!(api.0, 200);
    assert_eq!(
        header(&api.1, "cache-control"),
        "no-store",
        "a reference is personal"
    );
    let answers = [
        get(&server, "/", &[]).1,
        get(&server, "/request", &[]).1,
        get(&server, "/staff", &[]).1,
        get(&server, "/no-such-page", &[]).1,
        api.1,
    ];
    for headers in &answers {
        assert_eq!(header(headers, "x-content-type-options"), "nosniff");
        assert_eq!(header(headers, "referrer-policy"), "no-referrer");
        let policy = header(headers, "content-security-policy");
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{policy}");
        }
        assert!(
            !policy.contains("'unsafe-inline'") && !policy.contains(" 'unsafe-eval'"),
            "{policy}"
        );
        assert!(
            headers.get("strict-transport-security").is_none(),
            "not over plain HTTP"
        );
    }
}

#[test]
fn a_page_allows_exactly_its_own_scripts_by_nonce_and_the_bundle() {
    let server = TestServer::start();
    let (status, headers, body) = get(&server, "/request", &[]);
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "cache-control"), "no-store");
    let policy = header(&headers, "content-security-policy");
    assert!(policy.contains("script-src 'self' 'nonce-"), "{policy}");
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("nonce");
    assert!(nonce.len() >= 16, "a nonce of at least 96 bits");
    // Every inline script with content carries this response's nonce.
    for script in body.split("<script").skip(1) {
        let (attributes, rest) = script.split_once('>').expect("tag");
        let empty = rest.starts_with("</script>");
        assert!(
            empty
                || attributes.contains("src=")
                || attributes.contains(&format!("nonce=\"{nonce}\"")),
            "<script{attributes}>"
        );
    }
    // A new response, a new nonce.
    let (_, again, _) = get(&server, "/request", &[]);
    assert_ne!(header(&again, "content-security-policy"), policy);
}

#[test]
fn staff_pages_and_the_csv_are_never_kept_by_the_browser() {
    let server = TestServer::start();
    server.add_staff("rita", "reception", "Rita");
    let cookie = server.sign_in("rita");
    for path in ["/staff", "/staff/day-sheet"] {
        let (status, headers, _) = get(&server, path, &[("Cookie", &cookie)]);
        assert_eq!(status, 200, "{path}");
        assert_eq!(header(&headers, "cache-control"), "no-store", "{path}");
    }
    let csv = server.send("POST", "/staff/export.csv", Some(&cookie), &[]);
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("cache-control"), "no-store");
}

#[test]
fn behind_an_https_proxy_responses_ask_for_https_from_now_on() {
    let server = TestServer::start_with(&["--trusted-proxy", "127.0.0.1"]);
    let (_, headers, _) = get(&server, "/", &[("X-Forwarded-Proto", "https")]);
    assert_eq!(
        header(&headers, "strict-transport-security"),
        "max-age=31536000"
    );
    let (_, headers, _) = get(&server, "/", &[("X-Forwarded-Proto", "http")]);
    assert!(headers.get("strict-transport-security").is_none());
}

#[test]
fn server_functions_take_only_posts_and_refuse_other_sites() {
    let server = TestServer::start();
    let (status, _, _) = get(&server, "/api/submit_request", &[]);
    assert!((400..500).contains(&status), "GET answered {status}");
    let submission = eligible_submission("cross-site-01");
    let (status, _) = post(
        &server,
        "/api/submit_request",
        &[("Sec-Fetch-Site", "cross-site")],
        &submission,
    );
    assert_eq!(status, 403);
    let (status, _) = post(
        &server,
        "/api/submit_request",
        &[("Origin", "https://evil.example")],
        &submission,
    );
    assert_eq!(status, 403);
    let form: Vec<(String, String)> = crate::helpers::ELIGIBLE
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .chain([
            ("step".to_owned(), "send".to_owned()),
            ("submission_id".to_owned(), "cross-site-02".to_owned()),
        ])
        .collect();
    let (status, _) = post(
        &server,
        "/request",
        &[("Sec-Fetch-Site", "same-site")],
        &form,
    );
    assert_eq!(status, 403, "a sibling subdomain is another site for us");
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 0);
    // The same request from the page itself goes through, including the
    // `Origin: null` a browser sends under `Referrer-Policy: no-referrer`.
    let (status, _) = post(
        &server,
        "/api/submit_request",
        &[("Sec-Fetch-Site", "same-origin"), ("Origin", "null")],
        &submission,
    );
    assert_eq!(status, 200);
    assert_eq!(server.count("SELECT COUNT(*) FROM cases"), 1);
}
