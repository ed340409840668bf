//! The `serve` command: Leptos options, the database, the router, the
//! listener.

use std::collections::HashMap;
use std::net::SocketAddr;

use anyhow::{Context, Result};
use app::server::{AttemptLimiter, ClientAddressSource, address_of};
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sqlx::SqlitePool;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;

use crate::cli::ServeArgs;
use crate::database;

pub async fn serve(args: ServeArgs) -> Result<()> {
    init_logging();
    let mut options = get_configuration(None)
        .context("cannot read the Leptos configuration")?
        .leptos_options;
    // Set at compile time by cargo-leptos; a plain `cargo build` leaves it empty.
    if options.output_name.is_empty() {
        options.output_name = "second-opinion".into();
    }
    if let Some(addr) = args.addr {
        options.site_addr = addr;
    }
    let pool = database::open(&args.database_url).await?;
    let listener = TcpListener::bind(options.site_addr)
        .await
        .with_context(|| format!("cannot listen on {}", options.site_addr))?;
    let client_address = if args.behind_proxy {
        ClientAddressSource::ForwardedFor
    } else {
        ClientAddressSource::Connection
    };
    let router = router(options, pool, client_address);
    tracing::info!("listening on http://{}", listener.local_addr()?);
    // The client's address is what the status lookup's attempt limit counts.
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Every route of the service. The pool reaches server functions and pages
/// through Leptos's context.
pub fn router(
    options: LeptosOptions,
    pool: SqlitePool,
    client_address: ClientAddressSource,
) -> Router {
    let routes = generate_route_list(App);
    let limiter = app::server::status_lookup_limiter();
    let context = {
        let (pool, limiter) = (pool.clone(), limiter.clone());
        move || {
            provide_context(pool.clone());
            provide_context(limiter.clone());
            provide_context(client_address);
        }
    };
    let site = Site {
        options: options.clone(),
        pool,
        limiter,
        client_address,
    };
    // Reception's pages are served by `staff`, which checks the session
    // before anything is loaded; Leptos renders them from there.
    let routes = routes
        .into_iter()
        .filter(|route| !route.path().starts_with("/staff"))
        .collect::<Vec<_>>();
    Router::new()
        .route("/set-lang", get(set_language))
        .route(
            "/request",
            post({
                let site = site.clone();
                move |request: Request| site.request(request)
            }),
        )
        .route(
            "/status",
            post({
                let site = site.clone();
                move |request: Request| site.status(request)
            }),
        )
        .merge(crate::staff::routes(site))
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .layer(middleware::from_fn(unreadable_arguments_are_bad_requests))
        .layer(middleware::from_fn(same_site_posts_only))
        .layer(middleware::from_fn_with_state(
            client_address,
            security_headers,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .with_state(options)
}

/// `GET /set-lang?lang=ja&next=/request`: remembers the language in the
/// cookie the app reads and goes back to the page. This is the language
/// switch without JavaScript; with it, the switch works in place.
async fn set_language(Query(query): Query<HashMap<String, String>>) -> impl IntoResponse {
    use app::i18n::{I18nLocaleTrait, Locale};
    let locale: Locale = query
        .get("lang")
        .and_then(|lang| lang.parse().ok())
        .unwrap_or_default();
    // Only a path on this site: never an open redirect.
    let next = query
        .get("next")
        .filter(|path| {
            path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control)
        })
        .map_or("/", String::as_str);
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        app::LANGUAGE_COOKIE,
        locale.as_str()
    );
    (
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Redirect::to(next),
    )
}

/// What every handler that renders a page needs. The patient's forms
/// posted without JavaScript answer with the page rendered again from the
/// posted values (or a redirect), see `app::posted`.
#[derive(Clone)]
pub struct Site {
    pub options: LeptosOptions,
    pub pool: SqlitePool,
    pub limiter: AttemptLimiter,
    pub client_address: ClientAddressSource,
}

impl Site {
    async fn request(self, request: Request) -> Response {
        let (parts, pairs) = match read_form(request).await {
            Ok(read) => read,
            Err(response) => return response,
        };
        match app::posted::request(&self.pool, &pairs).await {
            app::posted::Answer::Redirect(path) => Redirect::to(&path).into_response(),
            app::posted::Answer::Sent(reference) => (
                AppendHeaders([(header::SET_COOKIE, app::server::sent_cookie(&reference))]),
                Redirect::to(&format!("/request/sent/{reference}")),
            )
                .into_response(),
            app::posted::Answer::Render(page, status) => self.render(parts, page, status).await,
        }
    }

    async fn status(self, request: Request) -> Response {
        let (parts, pairs) = match read_form(request).await {
            Ok(read) => read,
            Err(response) => return response,
        };
        let Some(ConnectInfo(connection)) = parts.extensions.get::<ConnectInfo<SocketAddr>>()
        else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let client = address_of(self.client_address, &parts.headers, *connection);
        let (page, status) = app::posted::status(&self.pool, &self.limiter, client, &pairs).await;
        self.render(parts, page, status).await
    }

    /// The app rendered at the posted path with `page` in its context.
    async fn render<Page>(self, parts: Parts, page: Page, status: StatusCode) -> Response
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
        let Self {
            options,
            pool,
            limiter,
            client_address,
        } = self;
        let context = move || {
            provide_context(pool.clone());
            provide_context(limiter.clone());
            provide_context(client_address);
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
}

/// The headers every response carries. Pages set their own
/// Content-Security-Policy with the response's script nonce (see
/// `app::shell`); everything else gets one that allows nothing to run.
async fn security_headers(
    axum::extract::State(client_address): axum::extract::State<ClientAddressSource>,
    request: Request,
    next: Next,
) -> Response {
    let https = is_https(client_address, request.headers());
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name, value: &'static str| {
        headers.insert(name, axum::http::HeaderValue::from_static(value));
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

/// Whether the client reached the service over HTTPS, as the hospital's
/// proxy says (only trusted behind it).
pub fn is_https(client_address: ClientAddressSource, headers: &axum::http::HeaderMap) -> bool {
    client_address == ClientAddressSource::ForwardedFor
        && headers
            .get("x-forwarded-proto")
            .is_some_and(|proto| proto.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// Refuses a request with side effects that another site made the browser
/// send, whatever cookie it carries. Browsers say where a request comes
/// from in `Sec-Fetch-Site`; without it (old browsers, tools) an `Origin`
/// other than this host is refused. (`Origin: null` is what a same-site
/// form sends under `Referrer-Policy: no-referrer`, so it is not a sign of
/// another site; `SameSite=Strict` cookies cover that case.)
async fn same_site_posts_only(request: Request, next: Next) -> Response {
    if request.method() != axum::http::Method::GET && request.method() != axum::http::Method::HEAD {
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

/// The largest request body accepted: the longest possible request form,
/// percent-encoded, with room to spare. Larger bodies get 413 before they
/// are read whole.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Leptos answers a server function whose arguments cannot be read with 500,
/// before our code runs; `AppError` has already turned it into `bad_request`,
/// so give it the status it deserves.
async fn unreadable_arguments_are_bad_requests(request: Request, next: Next) -> Response {
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

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

async fn shutdown_signal() {
    let interrupt = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
