//! Starting the real `second-opinion` binary for a test: a free port, a fresh
//! database in a temporary directory, and a kill when the test ends.

// Each test binary uses a part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const BINARY: &str = env!("CARGO_BIN_EXE_second-opinion");

/// A server started on 127.0.0.1 with its own database, killed on drop.
pub struct TestServer {
    child: Child,
    pub base_url: String,
    pub database: PathBuf,
    _directory: tempfile::TempDir,
}

impl TestServer {
    pub fn start() -> Self {
        let directory = tempfile::tempdir().expect("temporary directory");
        let database = directory.path().join("nested").join("test.db");
        let mut child = Command::new(BINARY)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("DATABASE_URL", format!("sqlite://{}", database.display()))
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the server");

        // The server logs the address it bound; port 0 lets the OS pick a free one.
        let stderr = child.stderr.take().expect("stderr");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(address) = line.split("listening on ").nth(1) {
                    let _ = sender.send(address.trim().to_owned());
                }
            }
        });
        let base_url = receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("server reported its address");
        Self {
            child,
            base_url,
            database,
            _directory: directory,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
