//! The server over HTTP, started as the real binary on a free port.

use crate::helpers::TestServer;

/// GETs a page as a browser that prefers `language`.
fn get(url: &str, language: &str) -> (u16, String) {
    let mut response = crate::helpers::agent()
        .get(url)
        .header("Accept-Language", language)
        .call()
        .expect("request");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().expect("body");
    (status, body)
}

#[test]
fn the_home_page_is_rendered_on_the_server_with_the_window_as_of_now() {
    let server = TestServer::start();
    let (status, body) = get(&server.url("/"), "en-GB,en;q=0.8");
    assert_eq!(status, 200);
    assert!(
        body.contains("<h1>Second opinion outpatient service</h1>"),
        "{body}"
    );
    assert!(body.contains(r#"<html lang="en""#), "{body}");
    assert!(body.contains("33,000 yen"));
    // The WebAssembly bundle is loaded by the page.
    assert!(body.contains("/pkg/second-opinion"), "{body}");
    // The appointment window as of now, computed by the server.
    assert!(
        body.contains("If you send a request now, it is received on"),
        "{body}"
    );
}

#[test]
fn an_unknown_page_is_a_404_with_a_way_back() {
    let server = TestServer::start();
    let (status, body) = get(&server.url("/no-such-page"), "en");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
}

#[test]
fn the_database_is_created_with_its_directory_in_wal_mode() {
    if crate::helpers::on_postgres("a SQLite file's header") {
        return;
    }
    let server = TestServer::start();
    assert!(server.database.exists(), "database file created");
    let header = std::fs::read(&server.database).expect("database file");
    // Bytes 18 and 19 of a SQLite header are 2 when the journal is WAL.
    assert_eq!(&header[..16], b"SQLite format 3\0");
    assert_eq!((header[18], header[19]), (2, 2), "WAL journal mode");
}

#[test]
fn the_page_is_in_japanese_for_a_japanese_browser_and_in_the_cookie_language_after() {
    let server = TestServer::start();
    let agent = crate::helpers::agent();
    let body = |request: ureq::RequestBuilder<ureq::typestate::WithoutBody>| {
        request
            .call()
            .expect("request")
            .body_mut()
            .read_to_string()
            .expect("body")
    };
    let japanese = body(
        agent
            .get(&server.url("/"))
            .header("Accept-Language", "ja-JP,ja;q=0.9"),
    );
    assert!(japanese.contains("セカンドオピニオン外来"), "{japanese}");
    assert!(japanese.contains("33,000円"));
    assert!(japanese.contains(r#"lang="ja""#));

    let chosen = body(
        agent
            .get(&server.url("/"))
            .header("Accept-Language", "ja")
            .header("Cookie", "i18n_pref_locale=en"),
    );
    assert!(
        chosen.contains("Second opinion outpatient service"),
        "{chosen}"
    );
    assert!(chosen.contains(r#"lang="en""#));
}

#[test]
fn the_language_switch_sets_the_cookie_and_returns_to_the_same_page_only() {
    let server = TestServer::start();
    let agent = crate::helpers::browser();
    let response = agent
        .get(&server.url("/set-lang?lang=ja&next=%2Fstatus%3Fx%3D1"))
        .call()
        .expect("request");
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/status?x=1")
    );
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(cookie.starts_with("i18n_pref_locale=ja;"), "{cookie}");

    // Never to another site, however the address is disguised: browsers
    // drop tabs and line breaks, and read a backslash as a slash.
    for next in [
        "https://evil.example/",
        "//evil.example/",
        "/%09/evil.example/",
        "/%0A/evil.example/",
        "/%5Cevil.example/",
    ] {
        let elsewhere = agent
            .get(&server.url(&format!("/set-lang?lang=en&next={next}")))
            .call()
            .expect("request");
        assert_eq!(
            elsewhere
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok()),
            Some("/"),
            "{next}"
        );
    }
}
