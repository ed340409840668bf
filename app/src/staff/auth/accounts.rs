//! Accounts: what the IT admin does on the command line (add, enrol the
//! second factor, set a password, disable, list), recorded in the audit
//! trail with the operating-system user who ran the command; what a member
//! does on their account page (change their password); and the admins'
//! list of members with their sessions.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::AnyPool;

use super::is_login;
use super::password::PasswordProblem;
use super::password::{check_new_password, hash_off_thread, verify_off_thread};
use super::sessions::SessionRow;
use super::sessions::{end_all, live_sessions};
use super::store::{self, UserOrder};
use super::throttle::{self, Step, Taken};
use super::totp::{self, new_recovery_codes, new_secret, recovery_hash};
use super::{new_token, token_hash};
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, append};
use crate::http::limits::client_key;
use crate::keys::LoginKey;
use crate::staff::{Role, Staff};

/// Why the password was not changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountProblem {
    WrongPassword,
    WrongCode,
    /// The new password and its repetition differ.
    Mismatch,
    NewPassword(PasswordProblem),
    TooManyAttempts {
        minutes: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Whether the second factor is enrolled.
    pub enrolled: bool,
    /// For a specialist's account, the specialist of the list it is.
    pub specialist: Option<i64>,
    pub sessions: Vec<SessionRow>,
}

/// Why an account command cannot be carried out.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{}", password_problem(*.0))]
    Password(PasswordProblem),
    #[error("a login is 1 to 64 letters, digits, dots, dashes or underscores")]
    BadLogin,
    #[error("the login {0} exists already")]
    Exists(String),
    #[error("there is no login {0}")]
    Unknown(String),
    #[error("there is no active specialist {0} on the list, or another account is theirs already")]
    NoSuchSpecialist(i64),
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The reason, for the IT admin at the command line (in English, as the
/// command's other messages).
fn password_problem(problem: PasswordProblem) -> String {
    use super::password::WeakBecause;
    let text = match problem {
        PasswordProblem::TooShort => "it must have at least 12 characters",
        PasswordProblem::TooLong => "it must have at most 128 characters",
        PasswordProblem::ContainsLogin => "it contains the login",
        PasswordProblem::ContainsHospitalName => "it contains the hospital's name",
        PasswordProblem::Common => "it is on the list of commonly used passwords",
        PasswordProblem::Weak(why) => match why {
            WeakBecause::KeyboardPattern => "it is easy to guess: a keyboard pattern",
            WeakBecause::Repeats => "it is easy to guess: repeated characters",
            WeakBecause::Sequence => "it is easy to guess: a sequence like abc or 6543",
            WeakBecause::DatesOrYears => "it is easy to guess: dates and years",
            WeakBecause::CommonWords => "it is easy to guess: common words",
            WeakBecause::Names => "it is easy to guess: names",
            WeakBecause::Short => "it is easy to guess: add more words",
        },
    };
    format!("the password is refused: {text}")
}

/// What a new second factor gives the IT admin to hand over, once: the
/// address for the authenticator app and the ten recovery codes. Neither
/// is stored as it is, nor ever logged.
#[derive(Debug)]
pub struct Enrolment {
    pub uri: String,
    pub recovery_codes: Vec<String>,
}

/// An account as `user list` shows it.
#[derive(Debug)]
pub struct UserRow {
    pub login: String,
    pub name: String,
    pub role: String,
    pub active: bool,
    pub enrolled: bool,
}

async fn user_id(connection: &mut sqlx::AnyConnection, login: &str) -> Result<i64, AccountError> {
    store::user_id(connection, login)
        .await?
        .ok_or_else(|| AccountError::Unknown(login.to_owned()))
}

/// An account to add.
#[derive(Debug, Clone, Copy)]
pub struct NewUser<'a> {
    pub login: &'a str,
    /// The name shown to colleagues (the login when empty).
    pub name: &'a str,
    pub role: Role,
    /// For a specialist's account, the specialist of the list it is.
    pub specialist: Option<i64>,
}

/// Adds an account with its password and second factor, as `actor` (the
/// operating-system user); the enrolment to hand over.
pub async fn add_user(
    pool: &AnyPool,
    key: &LoginKey,
    new: &NewUser<'_>,
    password: &str,
    hospital: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Enrolment, AccountError> {
    let NewUser {
        login,
        name: display_name,
        role,
        specialist,
    } = *new;
    if !is_login(login) {
        return Err(AccountError::BadLogin);
    }
    check_new_password(password, login, hospital).map_err(AccountError::Password)?;
    let hash = hash_off_thread(password).await?;
    let mut transaction = crate::store::begin_write(pool).await?;
    // Logins are one whatever their case, as sign-in matches them.
    if store::login_taken(&mut transaction, login).await? {
        return Err(AccountError::Exists(login.to_owned()));
    }
    let name = if display_name.trim().is_empty() {
        login
    } else {
        display_name.trim()
    };
    let specialist = match specialist {
        Some(id) if store::free_specialist(&mut transaction, id).await? => Some(id),
        Some(id) => return Err(AccountError::NoSuchSpecialist(id)),
        None => None,
    };
    let user = store::StaffUser {
        login,
        name,
        password_hash: &hash,
        role: role.code(),
        specialist,
    };
    if !store::insert_user(&mut transaction, &user, now).await? {
        return Err(AccountError::Exists(login.to_owned()));
    }
    let detail = match specialist {
        Some(id) => format!("{login} ({}, specialist {id})", role.code()),
        None => format!("{login} ({})", role.code()),
    };
    let entry = Entry {
        actor: Some(actor),
        after: Some(&detail),
        ..Entry::of(AuditAction::UserAdded)
    };
    append(&mut transaction, now, entry).await?;
    let enrolment = enrol_in(&mut transaction, key, login, hospital, actor, now).await?;
    transaction.commit().await?;
    Ok(enrolment)
}

/// Gives `login` a new second factor and new recovery codes, ending its
/// sessions (`user totp-reset`).
pub async fn enrol(
    pool: &AnyPool,
    key: &LoginKey,
    login: &str,
    hospital: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Enrolment, AccountError> {
    let mut transaction = crate::store::begin_write(pool).await?;
    let enrolment = enrol_in(&mut transaction, key, login, hospital, actor, now).await?;
    transaction.commit().await?;
    Ok(enrolment)
}

async fn enrol_in(
    connection: &mut sqlx::AnyConnection,
    key: &LoginKey,
    login: &str,
    hospital: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Enrolment, AccountError> {
    let id = user_id(connection, login).await?;
    let secret = new_secret();
    let issuer = format!("{hospital} Second Opinion");
    let uri = totp::enrolment_uri(&secret, &issuer, login)
        .ok_or_else(|| AccountError::Hash("cannot make the enrolment address".into()))?;
    let recovery_codes = new_recovery_codes();
    let hashes: Vec<String> = recovery_codes
        .iter()
        .map(|code| recovery_hash(code))
        .collect();
    store::set_factor(connection, id, &key.seal_factor(id, &secret), &hashes).await?;
    let ended = end_all(connection, id, None).await?;
    let detail = format!("{login}; {ended} sessions ended");
    let entry = Entry {
        actor: Some(actor),
        after: Some(&detail),
        ..Entry::of(AuditAction::UserEnrolled)
    };
    append(connection, now, entry).await?;
    Ok(Enrolment {
        uri,
        recovery_codes,
    })
}

/// Sets the password of `login` (`user password`), ending all its sessions.
pub async fn set_password(
    pool: &AnyPool,
    login: &str,
    password: &str,
    hospital: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    check_new_password(password, login, hospital).map_err(AccountError::Password)?;
    let hash = hash_off_thread(password).await?;
    let mut transaction = crate::store::begin_write(pool).await?;
    let id = user_id(&mut transaction, login).await?;
    store::set_password_hash(&mut transaction, id, &hash, now).await?;
    let ended = end_all(&mut transaction, id, None).await?;
    let detail = format!("{login}; {ended} sessions ended");
    let entry = Entry {
        actor: Some(actor),
        after: Some(&detail),
        ..Entry::of(AuditAction::UserPasswordSet)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(())
}

/// Disables an account and ends its sessions.
pub async fn disable_user(
    pool: &AnyPool,
    login: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let mut transaction = crate::store::begin_write(pool).await?;
    let id = user_id(&mut transaction, login).await?;
    store::disable(&mut transaction, id).await?;
    end_all(&mut transaction, id, None).await?;
    let entry = Entry {
        actor: Some(actor),
        after: Some(login),
        ..Entry::of(AuditAction::UserDisabled)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(())
}

/// Every account.
pub async fn list_users(pool: &AnyPool) -> Result<Vec<UserRow>, sqlx::Error> {
    let rows = store::users(pool, UserOrder::Login).await?;
    Ok(rows
        .into_iter()
        .map(|(_, login, name, role, active, enrolled, _)| UserRow {
            login,
            name,
            role,
            active,
            enrolled,
        })
        .collect())
}

/// The recovery codes `user_id` has not used yet.
pub async fn recovery_codes_left(pool: &AnyPool, user_id: i64) -> Result<u32, sqlx::Error> {
    let left = store::recovery_codes_left(pool, user_id).await?;
    Ok(u32::try_from(left).unwrap_or_default())
}

/// What the account page's password form posts.
#[derive(Debug)]
pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub code: &'a str,
    pub new: &'a str,
    pub repeated: &'a str,
}

/// A member changes their own password: the current one and a fresh code
/// first (both counted by the sign-in throttle), then the new one by the
/// rules. Their other sessions end; this one goes on under a new token
/// (returned, for the cookie): whoever had copied the old one is out.
pub async fn change_own_password(
    pool: &AnyPool,
    key: &LoginKey,
    staff: &Staff,
    change: &PasswordChange<'_>,
    hospital: &str,
    address: IpAddr,
    now: DateTime<Utc>,
) -> Result<Result<String, AccountProblem>, AccountError> {
    if change.new != change.repeated {
        return Ok(Err(AccountProblem::Mismatch));
    }
    if let Err(problem) = check_new_password(change.new, &staff.login, hospital) {
        return Ok(Err(AccountProblem::NewPassword(problem)));
    }
    let (login_key, shown) = (key.of(&staff.login), address.to_string());
    let login = Some(staff.login.as_str());
    let step = (login, Step::Password);
    let taken = throttle::take(pool, &login_key, step, &client_key(address), now).await?;
    let attempt = match taken {
        Taken::Attempt(attempt) => attempt,
        Taken::Throttled { minutes } => {
            return Ok(Err(AccountProblem::TooManyAttempts { minutes }));
        }
    };
    let (hash, secret) = store::secrets_of(pool, staff.user_id).await?;
    let wrong_code = Some((AccountProblem::WrongCode, AuditAction::CodeFailed));
    let refused = if !verify_off_thread(change.current, Some(hash)).await {
        Some((AccountProblem::WrongPassword, AuditAction::SignInFailed))
    } else if let Some(secret) = secret.and_then(|s| key.open_factor(staff.user_id, &s)) {
        let accepted = totp::accept_code(pool, staff.user_id, &secret, change.code, now).await?;
        wrong_code.filter(|_| !accepted)
    } else {
        wrong_code
    };
    if let Some((problem, action)) = refused {
        let waited = attempt.waited();
        let entry = Entry {
            actor: Some(&staff.login),
            address: Some(&shown),
            before: waited.as_deref(),
            after: Some("password change"),
            ..Entry::of(action)
        };
        crate::audit::chain::record(pool, now, entry).await?;
        attempt.failed().await?;
        return Ok(Err(problem));
    }
    attempt.succeeded().await?;
    let hash = hash_off_thread(change.new).await?;
    let mut transaction = crate::store::begin_write(pool).await?;
    store::set_password_hash(&mut transaction, staff.user_id, &hash, now).await?;
    let ended = end_all(&mut transaction, staff.user_id, Some(staff.session_id)).await?;
    let renewed = new_token();
    store::replace_session_token(&mut transaction, staff.session_id, &token_hash(&renewed)).await?;
    let detail = format!("{ended} other sessions ended; this one under a new token");
    let entry = Entry {
        actor: Some(&staff.login),
        address: Some(&shown),
        after: Some(&detail),
        ..Entry::of(AuditAction::PasswordChanged)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(Ok(renewed))
}

/// What a fresh code from the member's authenticator app, typed to confirm
/// a step (signing a report), came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreshCode {
    Accepted,
    /// Not the code, or one used already (each is taken once).
    Refused,
    /// Too many failures for this login from this address: minutes to wait.
    Throttled {
        minutes: i64,
    },
}

/// Checks a fresh code of `staff`'s authenticator app, typed from
/// `address` to confirm `what` (for the audit line): counted by the
/// sign-in throttle as any code is, and taken once.
pub async fn fresh_code(
    pool: &AnyPool,
    key: &LoginKey,
    staff: &Staff,
    (typed, what): (&str, &str),
    address: IpAddr,
    now: DateTime<Utc>,
) -> Result<FreshCode, sqlx::Error> {
    let (login_key, shown) = (key.of(&staff.login), address.to_string());
    let login = Some(staff.login.as_str());
    // A stolen session guessing codes meets the same ceiling as the
    // sign-in's code step.
    if throttle::codes_closed(pool, &login_key, now).await? {
        return Ok(FreshCode::Throttled {
            minutes: throttle::LOGIN_WINDOW.num_minutes(),
        });
    }
    let step = (login, Step::Code);
    let attempt = match throttle::take(pool, &login_key, step, &client_key(address), now).await? {
        Taken::Attempt(attempt) => attempt,
        Taken::Throttled { minutes } => return Ok(FreshCode::Throttled { minutes }),
    };
    let (_, secret) = store::secrets_of(pool, staff.user_id).await?;
    let accepted = match secret.and_then(|s| key.open_factor(staff.user_id, &s)) {
        Some(secret) => totp::accept_code(pool, staff.user_id, &secret, typed, now).await?,
        None => false,
    };
    if !accepted {
        let waited = attempt.waited();
        let entry = Entry {
            actor: Some(&staff.login),
            address: Some(&shown),
            before: waited.as_deref(),
            after: Some(what),
            ..Entry::of(AuditAction::CodeFailed)
        };
        crate::audit::chain::record(pool, now, entry).await?;
        attempt.failed().await?;
        return Ok(FreshCode::Refused);
    }
    attempt.succeeded().await?;
    Ok(FreshCode::Accepted)
}

/// When the member last changed their password, if ever (stored form).
pub async fn password_changed_at(
    pool: &AnyPool,
    user_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    store::password_changed_at(pool, user_id).await
}

/// Every member with their live sessions, for the admins' page.
pub async fn members(pool: &AnyPool, now: DateTime<Utc>) -> Result<Vec<MemberRow>, sqlx::Error> {
    let rows = store::users(pool, UserOrder::ActiveFirst).await?;
    let mut sessions = live_sessions(pool, None, None, now).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, login, name, role, active, enrolled, specialist)| {
            Some(MemberRow {
                login,
                name,
                role: Role::from_code(&role)?,
                active,
                enrolled,
                specialist,
                sessions: sessions.remove(&id).unwrap_or_default(),
            })
        })
        .collect())
}

/// An admin links the specialist's account `login` to the specialist `id`
/// of the list (another, or the same after a rename): false when there is
/// no such account of a specialist, or the specialist is inactive or has
/// an account already.
pub async fn link_specialist(
    pool: &AnyPool,
    admin: &Staff,
    login: &str,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut transaction = crate::store::begin_write(pool).await?;
    if !store::free_specialist(&mut transaction, id).await?
        || !store::link_specialist(&mut transaction, login, id).await?
    {
        return Ok(false);
    }
    // Whoever holds the account now sees other cases: their sessions end.
    if let Some(user) = store::user_id(&mut transaction, login).await? {
        end_all(&mut transaction, user, None).await?;
    }
    let detail = format!("{login}: specialist {id}");
    let entry = Entry {
        actor: Some(&admin.login),
        after: Some(&detail),
        ..Entry::of(AuditAction::SpecialistLinked)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(true)
}
