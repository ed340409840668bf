//! `Site`: the state every handler holds (the pool, the limits, the
//! proxies, the keys, the hospital's settings), and how it renders a page:
//! a component of the handler's own inside the site's frame
//! (`render_page`), or, for the patient's pages that are also Leptos
//! routes, the app at the request's path with a state in its context
//! (`render_route`).

use axum::body::Body;
use axum::extract::{FromRef, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use sqlx::AnyPool;

use super::limits::{AttemptLimiter, NewCaseLimiter};
use super::proxies::Proxies;
use crate::hospital::Liaison;
use crate::keys::LoginKey;

/// What every handler needs: the Leptos options, the pool, the status
/// look-up's limiter, the proxies whose word is taken on client addresses,
/// the service's keys, and the hospital's settings.
#[derive(Clone)]
pub struct Site {
    pub options: LeptosOptions,
    pub pool: AnyPool,
    pub limiter: AttemptLimiter,
    pub proxies: Proxies,
    pub login_key: LoginKey,
    /// The key of the reports' verification codes.
    pub report_key: crate::keys::ReportKey,
    /// The status look-up's limiter's twin for `/verify`: 10 misses in 15
    /// minutes per client.
    pub verify_limiter: AttemptLimiter,
    /// What stands before staff sign-in's work: the client limit over all
    /// logins, the tally of refusals, each account's turn at the code.
    pub sign_in_gate: super::sign_in_gate::SignInGate,
    /// The hospital's name (`--hospital-name`), which no new password may
    /// contain.
    pub hospital: std::sync::Arc<str>,
    /// The hospital's closure days, for the windows the patients' pages show.
    pub closures: crate::closures::KnownClosures,
    /// The limit on new requests per client.
    pub new_cases: NewCaseLimiter,
    /// How messages to patients are written, and whether they can be sent.
    pub mail: crate::mail::MailSetup,
    /// Where the printed papers tell doctors to send documents.
    pub liaison: Liaison,
    /// Within how many consultation days after the visit a report is due.
    pub report_days: u32,
    /// How long each step took in the hospital's recent cases.
    pub history: crate::forecast::KnownHistory,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site").finish_non_exhaustive()
    }
}

impl FromRef<Site> for Proxies {
    fn from_ref(site: &Site) -> Self {
        site.proxies.clone()
    }
}

impl FromRef<Site> for LeptosOptions {
    fn from_ref(site: &Site) -> Self {
        site.options.clone()
    }
}

impl Site {
    /// What every page and server function finds in its context: the pool,
    /// the limiters, the trusted proxies, the closure days, the mail setup
    /// and the liaison office's contacts.
    pub fn context(&self) -> impl Fn() + Clone + Send + Sync + 'static {
        let history = self.history.clone();
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
            provide_context(history.figures());
            provide_context(history.clone());
        }
    }

    /// The page `page` (a handler's own component) inside the site's frame
    /// (the header, the language switch, `<main>`), for the request whose
    /// head is `parts`, with `status`.
    pub async fn render_page(
        self,
        parts: Parts,
        status: StatusCode,
        page: impl Fn() -> AnyView + Clone + Send + Sync + 'static,
    ) -> Response {
        let options = self.options.clone();
        let app = move || crate::page_shell(options.clone(), page.clone());
        self.render(parts, || {}, app, status).await
    }

    /// The app's Leptos route at the request's path, with what `provide`
    /// puts in its context (a patient's page rendered again from what was
    /// posted).
    pub async fn render_route(
        self,
        parts: Parts,
        provide: impl Fn() + Clone + Send + Sync + 'static,
        status: StatusCode,
    ) -> Response {
        let options = self.options.clone();
        let app = move || crate::shell(options.clone());
        self.render(parts, provide, app, status).await
    }

    async fn render<View: IntoView + 'static>(
        self,
        parts: Parts,
        provide: impl Fn() + Clone + Send + Sync + 'static,
        app: impl Fn() -> View + Clone + Send + Sync + 'static,
        status: StatusCode,
    ) -> Response {
        let shared = self.context();
        let context = move || {
            shared();
            provide();
        };
        let handler = leptos_axum::render_app_to_stream_with_context(context, app);
        // Leptos keeps its reactive arena in a thread-local and reads it
        // (for `<Title>`) after an await; on the multi-threaded runtime this
        // future could resume on another worker and find no arena. Rendering
        // on one dedicated thread keeps it in place.
        let runtime = tokio::runtime::Handle::current();
        let request = Request::from_parts(parts, Body::empty());
        // At most a few pages render at once; the others wait their turn.
        // Unbounded, a flood of cheap requests (refused sign-ins, say) would
        // each take a thread of the blocking pool, and the memory of the
        // allocator's per-thread arenas with it.
        let Ok(_turn) = renders().acquire().await else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
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
}

/// Pages rendered at once: two per core.
fn renders() -> &'static tokio::sync::Semaphore {
    static RENDERS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    RENDERS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        tokio::sync::Semaphore::new(cores * 2)
    })
}
