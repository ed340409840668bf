//! The bundle on the wire, against the real binary on a site root of its
//! own: a content-hashed file served precompressed as the browser asks
//! (byte-identical once decompressed) and kept a year; pages compressed as
//! they are sent and never kept (`no-store`) or always asked again
//! (`no-cache`).

use std::io::{Read, Write};

use crate::helpers::TestServer;

const HASH: &str = "0123456789abcdefABCD_-";
const WASM: &str = "/pkg/second-opinion.0123456789abcdefABCD_-.wasm";

/// Bytes that compress as WebAssembly does: repeated runs with variation.
fn bundle() -> Vec<u8> {
    (0..200_000_u32)
        .map(|n| u8::try_from((n * 7 + n / 13) % 251).unwrap_or(0))
        .collect()
}

/// A site root with the bundle, its `.br` and `.gz` beside it (as
/// `cargo leptos build --release --precompress` writes them), and a favicon.
fn site_root(original: &[u8]) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("site root");
    let wasm = root.path().join(WASM.trim_start_matches('/'));
    std::fs::create_dir_all(wasm.parent().expect("pkg")).expect("pkg");
    std::fs::write(&wasm, original).expect("wasm");
    let mut br = Vec::new();
    brotli::BrotliCompress(
        &mut &original[..],
        &mut br,
        &brotli::enc::BrotliEncoderParams::default(),
    )
    .expect("brotli");
    std::fs::write(wasm.with_extension("wasm.br"), br).expect("br");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(original).expect("gzip");
    std::fs::write(wasm.with_extension("wasm.gz"), gz.finish().expect("gzip")).expect("gz");
    std::fs::write(root.path().join("favicon.svg"), "<svg/>").expect("favicon");
    std::fs::write(root.path().join("pkg/left-over.js"), "// old").expect("left over");
    // As cargo-leptos writes it beside the binary it builds.
    std::fs::write(
        root.path().join("hash.txt"),
        format!("js: {HASH}\nwasm: {HASH}\ncss: {HASH}\n"),
    )
    .expect("hash file");
    root
}

#[test]
fn the_bundle_is_served_precompressed_as_asked_byte_identical_and_kept_a_year() {
    let original = bundle();
    let root = site_root(&original);
    let site = root.path().to_str().expect("path").to_owned();
    let server = TestServer::start_on(
        &[],
        &[
            ("LEPTOS_SITE_ROOT", &site),
            ("LEPTOS_HASH_FILE_NAME", &format!("{site}/hash.txt")),
        ],
        |_| {},
    );
    let get =
        |encoding: &str| server.send_with("GET", WASM, None, &[], &[("Accept-Encoding", encoding)]);

    let br = get("gzip, deflate, br");
    assert_eq!(br.status, 200);
    assert_eq!(br.header("content-encoding"), "br");
    assert!(
        br.bytes.len() < original.len() / 2,
        "{} bytes",
        br.bytes.len()
    );
    let mut unpacked = Vec::new();
    brotli::BrotliDecompress(&mut &br.bytes[..], &mut unpacked).expect("brotli");
    assert_eq!(unpacked, original, "byte-identical after decompression");
    assert_eq!(
        br.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(br.header("vary").to_lowercase().contains("accept-encoding"));
    assert_eq!(br.header("content-type"), "application/wasm");

    let gz = get("gzip");
    assert_eq!(gz.header("content-encoding"), "gzip");
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&gz.bytes[..])
        .read_to_end(&mut unpacked)
        .expect("gzip");
    assert_eq!(unpacked, original);

    let plain = get("identity");
    assert_eq!(plain.header("content-encoding"), "");
    assert_eq!(plain.bytes, original);
    // Whatever answers a gzip-only or plain request is kept apart too.
    for answer in [&gz, &plain] {
        assert!(
            answer
                .header("vary")
                .to_lowercase()
                .contains("accept-encoding")
        );
    }

    // Asked again (a browser revalidating, or a proxy), the 304 keeps the
    // year: its headers replace those kept with the file.
    let again = server.send_with(
        "GET",
        WASM,
        None,
        &[],
        &[
            ("Accept-Encoding", "br"),
            ("If-Modified-Since", br.header("last-modified")),
        ],
    );
    assert_eq!(again.status, 304);
    assert_eq!(
        again.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    // A file under /pkg/ without a hash in its name (left by an older,
    // unhashed build) may change: it is asked for again each time.
    let unhashed = server.send("GET", "/pkg/left-over.js", None, &[]);
    assert_eq!(unhashed.status, 200);
    assert_eq!(unhashed.header("cache-control"), "no-cache");

    // A file whose name promises nothing is asked for again each time.
    let favicon = server.send("GET", "/favicon.svg", None, &[]);
    assert_eq!(favicon.status, 200);
    assert_eq!(favicon.header("cache-control"), "no-cache");
    let missing = server.send("GET", "/pkg/second-opinion.ffff.wasm", None, &[]);
    assert_eq!(missing.status, 404);
    // Pages name the hashed files.
    let page = server.send("GET", "/request", None, &[]);
    assert!(
        page.body
            .contains(&format!("/pkg/second-opinion.{HASH}.css")),
        "{}",
        page.body
    );
    assert_ne!(
        missing.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
}

#[test]
fn pages_are_compressed_as_they_are_sent_and_never_kept_as_they_were() {
    let server = TestServer::start();
    for (path, kept) in [
        ("/", "no-cache"),
        ("/request", "no-store"),
        ("/status", "no-store"),
    ] {
        let page = server.send_with("GET", path, None, &[], &[("Accept-Encoding", "br")]);
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(page.header("content-encoding"), "br", "{path}");
        assert_eq!(page.header("cache-control"), kept, "{path}");
        let mut html = Vec::new();
        brotli::BrotliDecompress(&mut &page.bytes[..], &mut html).expect("brotli");
        let html = String::from_utf8(html).expect("utf-8");
        assert!(
            html.starts_with("<!DOCTYPE html>"),
            "{path}: {}",
            &html[..40.min(html.len())]
        );
    }
    // A posted form's answer page holds the answers: never kept either.
    for path in ["/request", "/status"] {
        let posted = server.send_with(
            "POST",
            path,
            None,
            &[("step", "check"), ("reference", "AAAA-BBBB")],
            &[("Accept-Encoding", "br")],
        );
        assert_eq!(posted.header("cache-control"), "no-store", "{path}");
        assert_eq!(posted.header("content-encoding"), "br", "{path}");
    }
    // Server functions' answers are found too.
    let (status, _) = server.call_server_fn(
        "find_status",
        &[
            ("query[reference]".to_owned(), "AAAA-BBBB".to_owned()),
            ("query[date_of_birth]".to_owned(), "1970-04-01".to_owned()),
        ],
    );
    assert_eq!(status, 404);
}
