//! What a handler takes instead of the raw request: a posted form read
//! into its type (`Form`), the client's address by the trusted-proxy rule
//! (`Client`), whether it reached the service over HTTPS (`Https`), and
//! the request's head to render its page from (`Head`). Each answers what
//! it cannot give once, here, in words.

use std::net::IpAddr;

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::MAX_BODY_BYTES;
use super::proxies::{Proxies, peer_of};

/// A urlencoded form read into `T` (with serde): a body over the limit is
/// 413, and a form the pages never send (unreadable, or not of `T`'s
/// shape) is 400 "the form cannot be read".
#[derive(Debug, Clone)]
pub struct Form<T>(pub T);

/// What a form that cannot be read is answered with.
pub fn unreadable_form() -> Response {
    (StatusCode::BAD_REQUEST, "the form cannot be read").into_response()
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
        serde_urlencoded::from_bytes(&bytes)
            .map(Self)
            .map_err(|_| unreadable_form())
    }
}

/// A form as its name/value pairs, in order: what a typed action whose
/// fields depend on each other (`#[serde(try_from = "FormPairs")]`) is read
/// from, and what a page shows again when a change is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct FormPairs(pub Vec<(String, String)>);

impl FormPairs {
    /// The value of `name`, trimmed; empty when it is missing.
    pub fn value(&self, name: &str) -> &str {
        self.raw(name).trim()
    }

    /// The value of `name` as typed (a password: a space is a character).
    pub fn raw(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }
}

/// The client's address: the connection's, or behind a trusted proxy the
/// one it names (`Proxies::client`). What every limit counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for Client
where
    Proxies: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // Every connection has a peer (the router is served with its
        // connection info); one without is a fault of ours.
        let peer = peer_of(&parts.extensions)
            .ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
        Ok(Self(Proxies::from_ref(state).client(&parts.headers, peer)))
    }
}

/// Whether the client reached the service over HTTPS, as a trusted proxy
/// says (cookies are then `__Host-` and `Secure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Https(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for Https
where
    Proxies: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let proxies = Proxies::from_ref(state);
        Ok(Self(peer_of(&parts.extensions).is_some_and(|peer| {
            proxies.is_https(&parts.headers, peer)
        })))
    }
}

/// The request's method, address and headers: what a page is rendered
/// for (its path, its language).
#[derive(Debug, Clone)]
pub struct Head(pub Parts);

impl<S: Send + Sync> FromRequestParts<S> for Head {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let mut request = Request::new(Body::empty());
        *request.method_mut() = parts.method.clone();
        *request.uri_mut() = parts.uri.clone();
        *request.version_mut() = parts.version;
        request.headers_mut().clone_from(&parts.headers);
        Ok(Self(request.into_parts().0))
    }
}

impl Head {
    /// The query's pairs, an unreadable query read as none.
    pub fn query(&self) -> FormPairs {
        self.0
            .uri
            .query()
            .and_then(|query| serde_urlencoded::from_str(query).ok())
            .unwrap_or_default()
    }
}
