//! `Site`: what every handler that renders a page holds, and how it
//! renders the app with a page state in its context; `read_form` reads a
//! posted form.

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use sqlx::SqlitePool;

use app::shell;
use app::ssr::{AttemptLimiter, Proxies};
use app::staff::auth::LoginKey;

use super::security::MAX_BODY_BYTES;

/// What every handler that renders a page needs: the Leptos options, the
/// pool, the status lookup's limiter, the proxies whose word is taken on
/// client addresses, the key of typed logins' hashes, and the hospital's
/// name (which no new password may contain).
#[derive(Clone)]
pub struct Site {
    pub options: LeptosOptions,
    pub pool: SqlitePool,
    pub limiter: AttemptLimiter,
    pub proxies: Proxies,
    pub login_key: LoginKey,
    pub hospital: std::sync::Arc<str>,
    /// The hospital's closure days, for the windows the patients' pages show.
    pub closures: app::closures::KnownClosures,
    /// The limit on new requests per client.
    pub new_cases: app::ssr::NewCaseLimiter,
    /// How messages to patients are written, and whether they can be sent.
    pub mail: app::mail::MailSetup,
    /// Where the printed papers tell doctors to send documents.
    pub liaison: app::patient::papers::Liaison,
}

impl Site {
    /// What every page and server function finds in its context: the pool,
    /// the limiters, the trusted proxies, the closure days, the mail setup
    /// and the liaison office's contacts.
    pub fn context(&self) -> impl Fn() + Clone + Send + Sync + 'static {
        let (pool, limiter, proxies, closures, new_cases, mail, liaison) = (
            self.pool.clone(),
            self.limiter.clone(),
            self.proxies.clone(),
            self.closures.clone(),
            self.new_cases.clone(),
            self.mail.clone(),
            self.liaison.clone(),
        );
        move || {
            provide_context(mail.clone());
            provide_context(liaison.clone());
            provide_context(pool.clone());
            provide_context(limiter.clone());
            provide_context(new_cases.clone());
            provide_context(proxies.clone());
            provide_context(closures.current());
        }
    }

    /// The app rendered at the posted path with `page` in its context.
    pub async fn render<Page>(self, parts: Parts, page: Page, status: StatusCode) -> Response
    where
        Page: Clone + Send + Sync + 'static,
    {
        self.render_with(parts, move || provide_context(page.clone()), status)
            .await
    }

    /// The app rendered at the request's path, with what `provide` puts in
    /// its context.
    pub async fn render_with(
        self,
        parts: Parts,
        provide: impl Fn() + Clone + Send + Sync + 'static,
        status: StatusCode,
    ) -> Response {
        let shared = self.context();
        let options = self.options;
        let context = move || {
            shared();
            provide();
        };
        let handler =
            leptos_axum::render_app_to_stream_with_context(context, move || shell(options.clone()));
        // Leptos keeps its reactive arena in a thread-local and reads it
        // (for `<Title>`) after an await; on the multi-threaded runtime this
        // future could resume on another worker and find no arena. Rendering
        // on one dedicated thread keeps it in place.
        let runtime = tokio::runtime::Handle::current();
        let request = Request::from_parts(parts, Body::empty());
        let Ok(mut response) =
            tokio::task::spawn_blocking(move || runtime.block_on(handler(request))).await
        else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        if response.status() == StatusCode::OK {
            *response.status_mut() = status;
        }
        response
    }

    /// The client's address: the connection's, or behind a trusted proxy
    /// the one it names.
    pub fn client_of(&self, parts: &Parts) -> Option<std::net::IpAddr> {
        let peer = app::ssr::peer_of(&parts.extensions)?;
        Some(self.proxies.client(&parts.headers, peer))
    }

    /// Whether the client reached the service over HTTPS, as a trusted
    /// proxy says.
    pub fn is_https(&self, parts: &Parts) -> bool {
        app::ssr::peer_of(&parts.extensions)
            .is_some_and(|peer| self.proxies.is_https(&parts.headers, peer))
    }
}

/// A urlencoded form body as name/value pairs, or the response refusing it.
pub async fn read_form(request: Request) -> Result<(Parts, Vec<(String, String)>), Response> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
    let pairs = serde_urlencoded::from_bytes(&bytes)
        .map_err(|_| StatusCode::BAD_REQUEST.into_response())?;
    Ok((parts, pairs))
}
