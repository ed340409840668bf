//! systemd's notifications (`sd_notify(3)`, through `NOTIFY_SOCKET`; nothing
//! when not run by systemd): `READY=1` once the migrations ran and the
//! listener is bound, `WATCHDOG=1` at half the unit's `WatchdogSec=` for as
//! long as the runtime runs tasks and the database answers, `STOPPING=1`
//! when asked to stop.

use sd_notify::NotifyState;
use sqlx::AnyPool;

pub fn ready() {
    notify(&[NotifyState::Ready, NotifyState::Status("serving")]);
}

pub fn stopping() {
    notify(&[NotifyState::Stopping, NotifyState::Status("stopping")]);
}

/// Pings the watchdog when the unit asks for one (`WATCHDOG_USEC`): each
/// half interval, after the database answered a query (within a quarter).
/// A process whose tasks no longer run, or that lost its database, stops
/// pinging, and systemd restarts it.
pub fn spawn_watchdog(pool: AnyPool) {
    let Some(interval) = sd_notify::watchdog_enabled() else {
        return;
    };
    tracing::info!("pinging systemd's watchdog every {:?}", interval / 2);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(interval / 2);
        let mut silent = false;
        loop {
            every.tick().await;
            let answered =
                tokio::time::timeout(interval / 4, crate::database::applied_migration(&pool)).await;
            if matches!(answered, Ok(Ok(_))) {
                notify(&[NotifyState::Watchdog]);
                if silent {
                    tracing::info!("the database answers again: pinging the watchdog");
                }
                silent = false;
            } else if !silent {
                tracing::warn!("the database does not answer: the watchdog is not pinged");
                silent = true;
            }
        }
    });
}

fn notify(states: &[NotifyState]) {
    if let Err(error) = sd_notify::notify(states) {
        tracing::warn!("cannot notify systemd: {error}");
    }
}
