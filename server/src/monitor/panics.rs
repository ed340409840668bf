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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use metrics_util::debugging::{DebugValue, DebuggingRecorder};

    /// The log lines written, for the test to read.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lines").extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_panicking_task_is_logged_once_with_its_place_and_counted_and_the_rest_goes_on() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        let previous = std::panic::take_hook();
        super::install();
        // One thread: the task, the hook, the log and the recorder all here.
        let outcome = tracing::subscriber::with_default(subscriber, || {
            metrics::with_local_recorder(&recorder, || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .expect("a runtime");
                runtime.block_on(async {
                    let failed = tokio::spawn(async { panic!("an invariant broke") }).await;
                    let after = tokio::spawn(async { 2 + 2 }).await;
                    (failed.is_err(), after.ok())
                })
            })
        });
        std::panic::set_hook(previous);
        assert_eq!(outcome, (true, Some(4)), "the panic ended its task only");
        let text = String::from_utf8(lines.0.lock().expect("lines").clone()).expect("UTF-8");
        assert_eq!(text.matches("panicked").count(), 1, "{text}");
        assert!(text.contains("an invariant broke"), "{text}");
        assert!(text.contains("server/src/monitor/panics.rs:"), "{text}");
        let panics = snapshotter
            .snapshot()
            .into_vec()
            .into_iter()
            .find(|(key, ..)| key.key().name() == "second_opinion_panics_total")
            .map(|(.., value)| value);
        assert_eq!(panics, Some(DebugValue::Counter(1)));
    }
}
