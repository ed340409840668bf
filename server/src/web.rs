//! The `serve` command: Leptos options, the database, the router, the
//! listener.

use std::collections::HashMap;
use std::net::SocketAddr;

use anyhow::{Context, Result};
use app::server::ClientAddressSource;
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{Query, Request};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::get;
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
    let context = move || {
        provide_context(pool.clone());
        provide_context(limiter.clone());
        provide_context(client_address);
    };
    Router::new()
        .route("/set-lang", get(set_language))
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .layer(middleware::from_fn(unreadable_arguments_are_bad_requests))
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
        .filter(|path| path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'))
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

/// The largest request body accepted: the longest possible request form,
/// percent-encoded, with room to spare. Larger bodies get 413 before they
/// are read whole.
const MAX_BODY_BYTES: usize = 256 * 1024;

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
