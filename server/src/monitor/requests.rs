//! One log line and the metrics of each request: method, route template
//! (`/staff/cases/{reference}`, never the path, which may hold a reference
//! or a token), status and time. Nothing of the query, the body or the
//! client is logged here. The probes are logged only at `debug`: a monitor
//! asks every few seconds.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

pub async fn observe(request: Request, next: Next) -> Response {
    let started = Instant::now();
    // A method outside HTTP's usual ones is "other": a client inventing
    // methods must not add a series for each.
    let method = match request.method().as_str() {
        known @ ("GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS") => known,
        _ => "other",
    }
    .to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned());
    let bundle = request.uri().path().starts_with("/pkg/");
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    // What no route matched: the site's files, or nothing at all (a probe
    // of paths that do not exist must not add a series per path).
    let route = route.unwrap_or_else(|| {
        if bundle {
            "/pkg/{file}"
        } else if response.status().is_success() || status == 304 {
            "{file}"
        } else {
            "{unmatched}"
        }
        .to_owned()
    });
    metrics::counter!(
        "http_requests_total",
        "route" => route.clone(),
        "method" => method.clone(),
        "status" => status.to_string()
    )
    .increment(1);
    metrics::histogram!(
        "http_request_duration_seconds",
        "route" => route.clone(),
        "method" => method.clone()
    )
    .record(seconds);
    let millis = (seconds * 1000.0 * 10.0).round() / 10.0;
    if route == "/healthz" || route == "/readyz" {
        tracing::debug!(target: "second_opinion::request", method, route, status, millis, "request");
    } else {
        tracing::info!(target: "second_opinion::request", method, route, status, millis, "request");
    }
    response
}
