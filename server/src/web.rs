//! The `serve` command: Leptos options, the database, the router, the
//! listener.

use anyhow::{Context, Result};
use app::{App, shell};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sqlx::SqlitePool;
use tokio::net::TcpListener;

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
    let router = router(options, pool);
    tracing::info!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Every route of the service. The pool reaches server functions and pages
/// through Leptos's context.
pub fn router(options: LeptosOptions, pool: SqlitePool) -> Router {
    let routes = generate_route_list(App);
    let context = move || provide_context(pool.clone());
    Router::new()
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .with_state(options)
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
