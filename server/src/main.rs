//! `second-opinion`: serves the hospital's second-opinion service and runs
//! its administration commands.
#![recursion_limit = "256"]

mod cli;
mod commands;
mod database;
mod database_url;
mod disclosure;
mod http;
mod mailer;
mod monitor;
mod retention;
mod users;

use std::process::ExitCode;

use clap::Parser;

use cli::{AuditCommand, CaseCommand, Cli, Command};

/// The version and the git commit this binary was built from, with
/// ", modified" when the tree held changes (`build.rs`).
pub const VERSION: &str = env!("SECOND_OPINION_VERSION");

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command.unwrap_or(Command::Serve(Box::new(cli.serve))) {
        Command::Serve(args) => http::serve(*args).await,
        Command::Calendar(args) => commands::print_calendar(&args, &mut std::io::stdout()).await,
        Command::Window(args) => commands::print_window(&args, &mut std::io::stdout()).await,
        Command::Backup(args) => database::backup(&args).await,
        Command::User(command) => users::run(command).await,
        Command::Audit(AuditCommand::Verify { database }) => {
            commands::verify_audit(&database, &mut std::io::stdout()).await
        }
        Command::Case(CaseCommand::Export {
            reference,
            to,
            database,
        }) => disclosure::export(&reference, &to, &database).await,
        Command::Reduce(args) => retention::reduce(&args, &mut std::io::stdout()).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("second-opinion: {error:#}");
            ExitCode::FAILURE
        }
    }
}
