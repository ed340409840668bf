//! What the hospital's IT watches the service by: the log (`logging`: one
//! line per request, text, JSON or the journal's fields), the probes
//! (`probes`: `/healthz`, `/readyz`), the metrics for Prometheus on a
//! listener of their own (`metrics`), systemd's readiness and watchdog
//! (`systemd`), and panics, logged once with their place and counted
//! (`panics`). None of them carries a reference, a name or an address: routes
//! are named by their templates.

pub mod logging;
pub mod metrics;
pub mod panics;
pub mod probes;
pub mod requests;
pub mod systemd;
