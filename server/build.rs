//! Names the build: the version, the git commit it was built from and
//! whether the tree held changes not committed (`--version`, `/readyz`, the
//! metrics). A build outside a git clone says so, or takes
//! `SECOND_OPINION_COMMIT` from the packager.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=SECOND_OPINION_COMMIT");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // A new commit moves HEAD or its branch; an edit touches the sources.
    for watched in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    for crate_dir in ["server", "app", "domain"] {
        for part in ["src", "Cargo.toml", "migrations"] {
            let path = root.join(crate_dir).join(part);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    let commit = std::env::var("SECOND_OPINION_COMMIT")
        .ok()
        .filter(|commit| !commit.trim().is_empty())
        .or_else(|| git_commit(&root))
        .unwrap_or_else(|| "commit unknown".to_owned());
    println!(
        "cargo:rustc-env=SECOND_OPINION_VERSION={} ({commit})",
        env!("CARGO_PKG_VERSION")
    );
}

/// `git 0b088c2a1f3e`, with `, modified` when tracked files differ from it.
fn git_commit(root: &std::path::Path) -> Option<String> {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let hash = git(&["rev-parse", "--short=12", "HEAD"])?;
    let changes = git(&["status", "--porcelain", "--untracked-files=no"])?;
    Some(if changes.is_empty() {
        format!("git {hash}")
    } else {
        format!("git {hash}, modified")
    })
}
