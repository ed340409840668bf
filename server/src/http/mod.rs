//! The web service: the `serve` command (Leptos options, the database,
//! the listener, graceful shutdown) and the router, which mounts the app's
//! routes (`app::routes`: each area's pages and posts), the Leptos pages
//! and server functions, the site's files (`assets`), and the layers every
//! request passes through (`security`).

mod assets;
mod security;

use std::net::SocketAddr;

use anyhow::{Context, Result};
use app::staff::auth::Sealing;
use app::{App, shell};
use axum::Router;
use axum::handler::Handler;
use axum::middleware;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

use crate::cli::ServeArgs;
use crate::database;
use app::http::Site;

pub async fn serve(args: ServeArgs) -> Result<()> {
    crate::monitor::logging::init(args.log_format);
    crate::monitor::panics::install();
    tracing::info!("second-opinion {}", crate::VERSION);
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
    // cargo-leptos writes the bundle's hashes beside the binary it builds
    // (`hash.txt`, or LEPTOS_HASH_FILE_NAME, which may be a whole path); the
    // pages name the hashed files when it is there, the plain names when
    // not (Leptos would stop on a missing hash file).
    let hash_file = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(&*options.hash_file)));
    options.hash_files = hash_file.as_ref().is_some_and(|file| file.exists());
    let url = &args.database.database_url;
    let key_file = args.database.key_file()?;
    let pool = database::open(url).await?;
    tracing::info!("opened the {url}; the key file is {}", key_file.display());
    let secret = database::service_secret(&key_file)?;
    app::audit::chain::use_key(app::audit::chain::AuditKey::derive(&secret));
    let login_key = keys_in_order(&pool, secret).await?;
    let probes = probes_of(url, key_file, secret, &pool);
    if let Some(addr) = args.metrics_addr {
        crate::monitor::metrics::serve(addr, probes.clone()).await?;
    }
    let listener = TcpListener::bind(options.site_addr)
        .await
        .with_context(|| format!("cannot listen on {}", options.site_addr))?;
    let proxies = app::http::proxies::Proxies::new(args.trusted_proxies);
    tracing::info!("{}", proxies.describe());
    let options_hashed = options.hash_files;
    let site_root = options.site_root.to_string();
    let output_name = options.output_name.to_string();
    let closures = app::closures::KnownClosures::default();
    closures.refresh(&pool).await?;
    spawn_closure_reader(closures.clone(), pool.clone());
    let history = start_history(args.report_days, &pool).await?;
    let listening = listener.local_addr().unwrap_or(options.site_addr);
    let (mail, mail_task) = crate::mailer::start(&args.mail, listening, &secret, &pool)?;
    let nonempty = |text: &Option<String>| text.clone().filter(|text| !text.trim().is_empty());
    let site = Site {
        liaison: app::hospital::Liaison {
            fax: nonempty(&args.liaison_fax),
            postal_address: nonempty(&args.postal_address),
        },
        mail,
        closures,
        new_cases: app::http::limits::NewCaseLimiter::with_ceiling(args.new_request_ceiling),
        options,
        pool,
        limiter: app::http::limits::status_lookup_limiter(),
        proxies,
        login_key,
        report_key: app::keys::ReportKey::derive(&secret),
        verify_limiter: app::http::limits::verify_limiter(),
        sign_in_gate: app::http::sign_in_gate::SignInGate::default(),
        hospital: args.hospital_name.into(),
        report_days: args.report_days,
        history,
    };
    let gate = (site.sign_in_gate.clone(), site.pool.clone());
    spawn_tally_writer(gate.clone());
    let watched = site.pool.clone();
    let router = router(site, probes);
    say_how_the_bundle_is_named(
        hash_file.filter(|_| options_hashed),
        &site_root,
        &output_name,
    );
    tracing::info!("listening on http://{}", listener.local_addr()?);
    // Migrated, keyed, listening: systemd may send the traffic.
    crate::monitor::systemd::ready();
    crate::monitor::systemd::spawn_watchdog(watched);
    // The connection's address: the client's, or that of a trusted proxy.
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    let stop_mail = mail_task.as_ref().map(|task| task.stop.clone());
    axum::serve(listener, service)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            crate::monitor::systemd::stopping();
            // The mail task takes no new message while the requests in
            // flight are answered.
            if let Some(stop) = stop_mail {
                let _ = stop.send(true);
            }
        })
        .await?;
    if let Some(task) = mail_task {
        task.finished(MAIL_STOP_ALLOWANCE).await;
    }
    // The refusals counted since their window's first line are written
    // before the service stops.
    let (gate, pool) = gate;
    if gate
        .write_closed(&pool, app::clock::now(), true)
        .await
        .is_err()
    {
        tracing::warn!("cannot write the sign-in tally to the audit trail");
    }
    Ok(())
}

/// Says in the log whether the pages name the bundle's files by their
/// hashes (`hash_file`), by their plain names, or name files that are not
/// there.
fn say_how_the_bundle_is_named(
    hash_file: Option<std::path::PathBuf>,
    site_root: &str,
    output_name: &str,
) {
    if let Some(file) = hash_file {
        tracing::info!(
            "the bundle's files are named by their hashes in {}",
            file.display()
        );
    } else if std::path::Path::new(site_root)
        .join("pkg")
        .join(format!("{output_name}.js"))
        .exists()
    {
        tracing::info!("the bundle's files have plain names: no hash file beside the binary");
    } else {
        // A release build names its files by their hashes: without
        // hash.txt the pages would name files that are not there, and
        // every page would come up without its styles and script.
        tracing::warn!(
            "no hash file beside the binary and no pkg/{output_name}.js under {site_root}: \
             pages will name files that do not exist; install hash.txt beside the binary"
        );
    }
}

/// What the readiness probe checks: this process's database, key and build.
fn probes_of(
    url: &database::DatabaseUrl,
    key_file: std::path::PathBuf,
    key: [u8; 32],
    pool: &sqlx::AnyPool,
) -> crate::monitor::probes::Probes {
    crate::monitor::probes::Probes {
        pool: pool.clone(),
        migration: database::latest_migration(url.engine()),
        key_file,
        key,
        sqlite: url
            .sqlite_file()
            .map(crate::monitor::probes::SqliteFile::opened),
    }
}

/// How long the messages in hand may take to be sent when the service
/// stops: well within the unit's `TimeoutStopSec=30s`, and as long as the
/// mail server's own timeout.
const MAIL_STOP_ALLOWANCE: std::time::Duration = std::time::Duration::from_secs(20);

/// The sign-in keys, and what an earlier version left under other keys:
/// authenticator secrets stored readable are sealed, those sealed under
/// the earlier derivation sealed again (each once; the audit trail says
/// so).
async fn keys_in_order(pool: &sqlx::AnyPool, secret: [u8; 32]) -> Result<app::keys::LoginKey> {
    let login_key = app::keys::LoginKey::new(secret);
    let sealing = app::staff::auth::seal_stored_factors(pool, &login_key, app::clock::now())
        .await
        .context("cannot seal the stored authenticator secrets")?;
    let upgrade = app::staff::auth::upgrade_keys(pool, &login_key, app::clock::now())
        .await
        .context("cannot derive the keys anew")?;
    match upgrade {
        None | Some((0, 0)) => {}
        Some((resealed, 0)) => {
            tracing::info!("keys derived anew: {resealed} authenticator secret(s) sealed again");
        }
        Some((resealed, unopened)) => tracing::warn!(
            "keys derived anew: {resealed} authenticator secret(s) sealed again; {unopened} did not open and need `user totp-reset`"
        ),
    }
    match sealing {
        Sealing::Sealed(0) | Sealing::Done { unsealed: 0 } => {}
        Sealing::Sealed(n) => {
            tracing::info!("{n} authenticator secret(s) sealed under the key file");
        }
        Sealing::Done { unsealed } => tracing::warn!(
            "{unsealed} account(s) hold an authenticator secret written around the service: they cannot sign in until `user totp-reset`"
        ),
    }
    Ok(login_key)
}

/// Each minute, the hospital's closure days are read again (an admin may
/// have added one, on this process or another).
fn spawn_closure_reader(closures: app::closures::KnownClosures, pool: sqlx::AnyPool) {
    tokio::spawn(async move {
        let mut minutes = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            minutes.tick().await;
            if closures.refresh(&pool).await.is_err() {
                tracing::warn!("cannot read the closure days again; the last ones read stand");
            }
        }
    });
}

/// The durations of the recent cases' steps, read now and again every ten
/// minutes (the forecasts and the home page's figures follow them; a few
/// minutes behind is nothing to a range of days).
async fn start_history(
    report_days: u32,
    pool: &sqlx::AnyPool,
) -> Result<app::forecast::KnownHistory> {
    let history = app::forecast::KnownHistory::new(report_days);
    history
        .refresh(pool, app::clock::now_in_japan().date())
        .await?;
    let (known, pool) = (history.clone(), pool.clone());
    tokio::spawn(async move {
        let history = known;
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        every.tick().await;
        loop {
            every.tick().await;
            let today = app::clock::now_in_japan().date();
            if history.refresh(&pool, today).await.is_err() {
                tracing::warn!(
                    "cannot read the recent cases' durations again; the last ones read stand"
                );
            }
        }
    });
    Ok(history)
}

/// Each minute, the sign-in refusals counted in windows now over go to
/// the audit trail, one line per client and window.
fn spawn_tally_writer((gate, pool): (app::http::sign_in_gate::SignInGate, sqlx::AnyPool)) {
    tokio::spawn(async move {
        let mut minutes = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            minutes.tick().await;
            if gate
                .write_closed(&pool, app::clock::now(), false)
                .await
                .is_err()
            {
                tracing::warn!("cannot write the sign-in tally to the audit trail yet");
            }
        }
    });
}

/// Every route of the service. The pool reaches server functions and pages
/// through Leptos's context.
pub fn router(site: Site, probes: crate::monitor::probes::Probes) -> Router {
    let (options, proxies) = (site.options.clone(), site.proxies.clone());
    let hashed = assets::HashedFiles(options.hash_files);
    let context = site.context();
    Router::new()
        .merge(app::routes::<LeptosOptions>(site))
        .merge(crate::monitor::probes::routes(probes).with_state(()))
        .leptos_routes_with_context(&options, generate_route_list(App), context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback_service(assets::files(
            &options.site_root,
            // No such file: the app's "not found" page.
            leptos_axum::file_and_error_handler_with_context::<LeptosOptions, _>(context, shell)
                .with_state(options.clone()),
        ))
        .layer(middleware::from_fn(
            security::unreadable_arguments_are_bad_requests,
        ))
        .layer(middleware::from_fn(security::same_site_posts_only))
        .layer(middleware::from_fn_with_state(
            proxies,
            security::security_headers,
        ))
        .layer(middleware::from_fn_with_state(hashed, assets::cache_policy))
        // Pages and server functions compressed as they are sent; the
        // bundle's files come precompressed and are left as they are.
        // Brotli at quality 4 (the crate's default is 11, far too slow for
        // every page on two cores; 4 is within a few per cent of its size).
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Precise(4)))
        .layer(RequestBodyLimitLayer::new(app::http::MAX_BODY_BYTES))
        .layer(middleware::from_fn(crate::monitor::requests::observe))
        .with_state(options)
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
