//! A panic, in a request's task or any other, is logged once (where it
//! happened and its message, which names no patient: our code panics on
//! broken invariants, not on data) and counted. The listener and the other
//! requests go on: axum catches a handler's panic as its connection's end.

/// Replaces the default hook (which printed to standard error, outside
/// the log's format) with one that logs and counts.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map_or_else(
            || "an unknown place".to_owned(),
            |location| {
                format!(
                    "{}:{}:{}",
                    location.file(),
                    location.line(),
                    location.column()
                )
            },
        );
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        let thread = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_owned();
        metrics::counter!("second_opinion_panics_total").increment(1);
        tracing::error!(place, thread, "panicked: {message}");
    }));
}
