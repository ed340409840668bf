//! The site's static files (the WebAssembly bundle, its JavaScript glue,
//! the stylesheet, the favicon): served from the site root, precompressed
//! (`.br`, `.gz` written beside each file by `cargo leptos build --release
//! --precompress`) as the browser accepts, and cached by what their names
//! promise. With content-hashed names (`hash-files`) a file under `/pkg/`
//! never changes, so browsers keep it a year without asking again; after
//! an upgrade the pages name new files. Everything else is revalidated
//! each time (`no-cache`), unless the response says otherwise (`no-store`
//! on pages with personal data).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::services::ServeDir;

/// The site root's files, precompressed where a `.br` or `.gz` exists;
/// `missing` answers for a path that is no file.
pub fn files<S>(site_root: &str, missing: S) -> ServeDir<S> {
    ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(missing)
}

/// Whether the bundle's names carry their content's hash.
#[derive(Debug, Clone, Copy)]
pub struct HashedFiles(pub bool);

/// A year, `immutable`, for hashed files; otherwise `no-cache` (ask each
/// time, with `Last-Modified`) where the response set nothing itself.
pub async fn cache_policy(
    State(HashedFiles(hashed)): State<HashedFiles>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let bundle = path.starts_with("/pkg/");
    let mut response = next.run(request).await;
    // The same name is sent compressed one way or another: a cache on the
    // way must keep each apart.
    if bundle && !response.headers().contains_key(header::VARY) {
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    // A 304's headers replace those kept with the file, so it carries the
    // same policy as the file itself.
    let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let policy = if bundle && hashed && found && names_its_hash(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// Whether a file's name carries a content hash as cargo-leptos writes it
/// (`second-opinion.<22 characters of base64url>.js`): a file left under
/// `/pkg/` by an older, unhashed build may change and is not kept a year.
fn names_its_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.split('.').skip(1).any(|part| {
        part.len() == 22
            && part
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_'))
    })
}

#[cfg(test)]
mod tests {
    use super::names_its_hash;

    #[test]
    fn only_hashed_names_are_kept_a_year() {
        assert!(names_its_hash(
            "/pkg/second-opinion.wqaRgTNH0nz-rYKywqlYMQ.js"
        ));
        assert!(names_its_hash(
            "/pkg/second-opinion.yKducqGSVG-zU1vEq1XdIg.wasm"
        ));
        assert!(!names_its_hash("/pkg/second-opinion.js"));
        assert!(!names_its_hash("/pkg/second-opinion_bg.wasm"));
    }
}
