//! `second-opinion user add|totp-reset|password|disable|list`: reception's
//! accounts, for the hospital's IT admin. Passwords come from standard
//! input (hidden at a terminal), never from the command line. The second
//! factor's address (and, at a terminal, its QR code) and the recovery
//! codes are printed once on standard output and never logged. Each change
//! is in the audit trail with the operating-system user who ran it.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result, bail};
use app::staff::Role;
use app::staff::auth::{self, Enrolment};
use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

use crate::cli::{AccountsArgs, DatabaseArgs, RoleArg, UserCommand};
use crate::database;

/// The key the server signs in with, from the service's key file (made if
/// this is the first use of the database).
fn login_key(database: &DatabaseArgs) -> Result<app::keys::LoginKey> {
    let secret = database::service_secret(&database.key_file()?)?;
    app::audit::chain::use_key(app::audit::chain::AuditKey::derive(&secret));
    Ok(app::keys::LoginKey::new(secret))
}

pub async fn run(command: UserCommand) -> Result<()> {
    // Every account command writes to the audit trail, sealed with the key
    // file's audit key.
    let (UserCommand::Add { accounts, .. }
    | UserCommand::TotpReset { accounts, .. }
    | UserCommand::Password { accounts, .. }
    | UserCommand::Disable { accounts, .. }
    | UserCommand::List { accounts, .. }) = &command;
    login_key(&accounts.database)?;
    let mut out = std::io::stdout().lock();
    let actor = operator();
    let now = app::clock::now();
    match command {
        UserCommand::Add {
            login,
            role,
            name,
            specialist,
            accounts,
        } => {
            let role = match role {
                RoleArg::Reception => Role::Reception,
                RoleArg::Admin => Role::Admin,
                RoleArg::Specialist => Role::Specialist,
            };
            match (role, specialist) {
                (Role::Specialist, None) => bail!(
                    "a specialist's account names its specialist: --specialist ID (the id on the specialists page)"
                ),
                (Role::Reception | Role::Admin, Some(_)) => {
                    bail!("--specialist is only for --role specialist")
                }
                _ => {}
            }
            let password = read_password()?;
            let pool = database::open(&accounts.database.database_url).await?;
            let hospital = &accounts.hospital_name;
            let key = login_key(&accounts.database)?;
            let new = auth::NewUser {
                login: &login,
                name: &name,
                role,
                specialist,
            };
            let enrolment =
                auth::add_user(&pool, &key, &new, &password, hospital, &actor, now).await?;
            writeln!(out, "added {login} ({})", role.code())?;
            print_enrolment(&mut out, &login, &enrolment)?;
        }
        UserCommand::TotpReset { login, accounts } => {
            let pool = database::open(&accounts.database.database_url).await?;
            let key = login_key(&accounts.database)?;
            let enrolment =
                auth::enrol(&pool, &key, &login, &accounts.hospital_name, &actor, now).await?;
            writeln!(
                out,
                "new second factor for {login}; their sessions have ended"
            )?;
            print_enrolment(&mut out, &login, &enrolment)?;
        }
        UserCommand::Password { login, accounts } => {
            let password = read_password()?;
            let AccountsArgs {
                database,
                hospital_name,
            } = accounts;
            let pool = database::open(&database.database_url).await?;
            auth::set_password(&pool, &login, &password, &hospital_name, &actor, now).await?;
            writeln!(out, "new password for {login}; their sessions have ended")?;
        }
        UserCommand::Disable { login, accounts } => {
            let pool = database::open(&accounts.database.database_url).await?;
            auth::disable_user(&pool, &login, &actor, now).await?;
            writeln!(out, "disabled {login}; their sessions have ended")?;
        }
        UserCommand::List { accounts } => {
            let pool = database::open(&accounts.database.database_url).await?;
            for user in auth::list_users(&pool).await? {
                let state = if user.active { "active" } else { "disabled" };
                let factor = if user.enrolled {
                    "two-factor"
                } else {
                    "no second factor: run user totp-reset"
                };
                writeln!(
                    out,
                    "{}\t{}\t{state}\t{factor}\t{}",
                    user.login, user.role, user.name
                )?;
            }
        }
    }
    Ok(())
}

/// Who ran the command, as the audit trail records it: the user `sudo`
/// was run by, else the logged-in user.
pub fn operator() -> String {
    let user = ["SUDO_USER", "USER", "LOGNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
        .unwrap_or_else(|| "unknown".to_owned());
    // The names come from the environment, which whoever runs the command
    // sets; the process's real user id comes from the kernel.
    match real_uid() {
        Some(uid) => format!("os:{user} (uid {uid})"),
        None => format!("os:{user}"),
    }
}

/// The real user id of this process (the first of `Uid:` in
/// `/proc/self/status`).
fn real_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The enrolment for the member: the address for the authenticator app
/// (as a QR code too, at a terminal) and the recovery codes.
fn print_enrolment(out: &mut impl Write, login: &str, enrolment: &Enrolment) -> Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "Authenticator app for {login}: scan the QR code, or enter this address:"
    )?;
    writeln!(out, "{}", enrolment.uri)?;
    if std::io::stdout().is_terminal() {
        let code = QrCode::new(enrolment.uri.as_bytes()).context("cannot draw the QR code")?;
        let drawn = code
            .render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build();
        writeln!(out, "{drawn}")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Recovery codes, each usable once in place of a code (keep them on paper, apart from the phone):"
    )?;
    for code in &enrolment.recovery_codes {
        writeln!(out, "  {code}")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "These are shown only now. Hand them to {login} in person; they are not kept anywhere."
    )?;
    Ok(())
}

/// The password: typed twice, hidden, at a terminal; otherwise the first
/// line of standard input.
fn read_password() -> Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!(
            "Password ({} to {} characters; a few unrelated words are good): ",
            auth::MIN_PASSWORD_CHARS,
            auth::MAX_PASSWORD_CHARS
        ))?;
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
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
