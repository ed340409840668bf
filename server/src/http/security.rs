//! What every response and every request passes through, whoever it is
//! for: the security headers, the refusal of posts from other sites, the
//! body limit, and a 400 for server-function arguments that cannot be read.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::http::MAX_BODY_BYTES;
use app::http::proxies::Proxies;

/// The headers every response carries. Pages set their own
/// Content-Security-Policy with the response's script nonce (see
/// `app::shell`); everything else gets one that allows nothing to run.
pub async fn security_headers(
    State(proxies): State<Proxies>,
    request: Request,
    next: Next,
) -> Response {
    let https = app::http::proxies::peer_of(request.extensions())
        .is_some_and(|peer| proxies.is_https(request.headers(), peer));
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(
            headers,
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        );
    }
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    if api {
        // Answers of server functions hold references and statuses.
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    if https {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000",
        );
    }
    response
}

/// Refuses a request with side effects that another site made the browser
/// send, whatever cookie it carries. Browsers say where a request comes
/// from in `Sec-Fetch-Site`; without it (old browsers, tools) an `Origin`
/// other than this host is refused. (`Origin: null` is what a same-site
/// form sends under `Referrer-Policy: no-referrer`, so it is not a sign of
/// another site; `SameSite=Strict` cookies cover that case.)
pub async fn same_site_posts_only(request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let headers = request.headers();
        let allowed = match headers.get("sec-fetch-site") {
            Some(site) => matches!(site.as_bytes(), b"same-origin" | b"none"),
            None => headers.get(header::ORIGIN).is_none_or(|origin| {
                let origin = origin.to_str().unwrap_or_default();
                let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
                origin == "null"
                    || origin
                        .split_once("://")
                        .is_some_and(|(_, rest)| host.is_some_and(|host| host == rest))
            }),
        };
        if !allowed {
            return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
        }
    }
    next.run(request).await
}

/// Leptos answers a server function whose arguments cannot be read with 500,
/// before our code runs; `AppError` has already turned it into `bad_request`,
/// so give it the status it deserves.
pub async fn unreadable_arguments_are_bad_requests(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .unwrap_or_default();
    if bytes.as_ref() == br#"{"kind":"bad_request"}"# {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}
