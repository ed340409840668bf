//! The server over HTTP, started as the real binary on a free port.

mod common;

use common::TestServer;

fn get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.get(url).call().expect("request");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().expect("body");
    (status, body)
}

#[test]
fn the_home_page_is_rendered_on_the_server_with_its_hydration_script() {
    let server = TestServer::start();
    let (status, body) = get(&server.url("/"));
    assert_eq!(status, 200);
    assert!(
        body.contains("<h1>Second opinion consultations</h1>"),
        "{body}"
    );
    assert!(body.contains("33,000 yen"));
    // The WebAssembly bundle is loaded by the page.
    assert!(body.contains("/pkg/second-opinion"), "{body}");
    // Until it hydrates, the button that needs it is disabled.
    assert!(body.contains("disabled"), "{body}");
}

#[test]
fn an_unknown_page_is_a_404_with_a_way_back() {
    let server = TestServer::start();
    let (status, body) = get(&server.url("/no-such-page"));
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
}

#[test]
fn the_database_is_created_with_its_directory_in_wal_mode() {
    let server = TestServer::start();
    assert!(server.database.exists(), "database file created");
    let header = std::fs::read(&server.database).expect("database file");
    // Bytes 18 and 19 of a SQLite header are 2 when the journal is WAL.
    assert_eq!(&header[..16], b"SQLite format 3\0");
    assert_eq!((header[18], header[19]), (2, 2), "WAL journal mode");
}
