//! Rebuilds the binary when a migration is added or changed: they are
//! embedded at compile time by `sqlx::migrate!`.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
