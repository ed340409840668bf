//! `second-opinion user add|disable|list`: reception's accounts, for the
//! hospital's IT admin. Passwords come from standard input (hidden at a
//! terminal), never from the command line, and are never printed or logged.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result, bail};
use app::staff::Role;
use app::staff::auth;
use chrono::Utc;

use crate::cli::{RoleArg, UserCommand};
use crate::database;

pub async fn run(command: UserCommand) -> Result<()> {
    let mut out = std::io::stdout();
    match command {
        UserCommand::Add {
            login,
            role,
            name,
            database_url,
        } => {
            let password = read_password()?;
            let pool = database::open(&database_url).await?;
            let role = match role {
                RoleArg::Reception => Role::Reception,
                RoleArg::Admin => Role::Admin,
            };
            auth::add_user(&pool, &login, &name, role, &password, Utc::now()).await?;
            writeln!(out, "added {login} ({})", role.code())?;
        }
        UserCommand::Disable {
            login,
            database_url,
        } => {
            let pool = database::open(&database_url).await?;
            auth::disable_user(&pool, &login, Utc::now()).await?;
            writeln!(out, "disabled {login}; their sessions have ended")?;
        }
        UserCommand::List { database_url } => {
            let pool = database::open(&database_url).await?;
            for (login, name, role, active) in auth::list_users(&pool).await? {
                let state = if active { "active" } else { "disabled" };
                writeln!(out, "{login}\t{role}\t{state}\t{name}")?;
            }
        }
    }
    Ok(())
}

/// The password: typed twice, hidden, at a terminal; otherwise the first
/// line of standard input.
fn read_password() -> Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 12 characters): ")?;
        let second = rpassword::prompt_password("Again: ")?;
        if first != second {
            bail!("the two passwords differ");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.chars().count() < auth::MIN_PASSWORD_CHARS {
        bail!(
            "the password must have at least {} characters",
            auth::MIN_PASSWORD_CHARS
        );
    }
    Ok(password)
}
