//! The baseline of the page benchmark: a plain axum handler that returns a
//! fixed HTML page (the server-rendered `/request`, saved to a file), so
//! that the framework's cost is the ratio between the two.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use axum::Router;
use axum::response::Html;
use clap::Parser;

#[derive(Debug, Parser)]
struct Args {
    /// The page to serve at every path.
    #[arg(long)]
    file: std::path::PathBuf,
    #[arg(long, default_value = "127.0.0.1:3022")]
    addr: SocketAddr,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let page: &'static str = Box::leak(
        std::fs::read_to_string(&args.file)
            .with_context(|| format!("cannot read {}", args.file.display()))?
            .into_boxed_str(),
    );
    let app = Router::new().fallback(move || async move { Html(page) });
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
