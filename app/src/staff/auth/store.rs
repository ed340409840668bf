//! The queries of accounts and sign-in (server only): accounts and their
//! second factor, pending sign-ins, sessions, the throttle's attempts and
//! the admins' alerts. The rules that use them are the module's other
//! files; every moment is stored as `crate::store::timestamp` writes it.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, AnyPool};

use crate::store::{Flag, timestamp};

// --- Accounts ---------------------------------------------------------------

/// An account as the password step reads it.
#[derive(Debug, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub password_hash: String,
    #[sqlx(try_from = "crate::store::Flag")]
    pub active: bool,
    pub totp_secret: Option<String>,
}

/// The account whose login is `login` whatever its case (an exact match
/// first).
pub async fn account_by_login(pool: &AnyPool, login: &str) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, login, password_hash, active, totp_secret FROM staff_users \
         WHERE lower(login) = lower($1) ORDER BY login = $1 DESC LIMIT 1",
    )
    .bind(login)
    .fetch_optional(pool)
    .await
}

/// The id of the account `login` (exactly).
pub async fn user_id(
    connection: &mut AnyConnection,
    login: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM staff_users WHERE login = $1")
        .bind(login)
        .fetch_optional(connection)
        .await
}

/// Whether an account has this login whatever its case.
pub async fn login_taken(connection: &mut AnyConnection, login: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, crate::store::Flag>(
        "SELECT EXISTS (SELECT 1 FROM staff_users WHERE lower(login) = lower($1))",
    )
    .bind(login)
    .fetch_one(connection)
    .await
    .map(bool::from)
}

/// An account as it is stored.
#[derive(Debug, Clone, Copy)]
pub struct StaffUser<'a> {
    pub login: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub specialist: Option<i64>,
}

/// A new account; false when the login exists.
pub async fn insert_user(
    connection: &mut AnyConnection,
    user: &StaffUser<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO staff_users (login, display_name, password_hash, role, specialist_id, \
         created_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (login) DO NOTHING",
    )
    .bind(user.login)
    .bind(user.name)
    .bind(user.password_hash)
    .bind(user.role)
    .bind(user.specialist)
    .bind(timestamp(now))
    .bind(timestamp(now))
    .execute(connection)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Whether `specialist` is an active specialist of the list with no account
/// of their own yet.
pub async fn free_specialist(
    connection: &mut AnyConnection,
    specialist: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, crate::store::Flag>(
        "SELECT EXISTS (SELECT 1 FROM specialists s WHERE s.id = $1 AND s.active = TRUE \
         AND NOT EXISTS (SELECT 1 FROM staff_users u WHERE u.specialist_id = s.id))",
    )
    .bind(specialist)
    .fetch_one(connection)
    .await
    .map(bool::from)
}

/// Links the specialist's account `login` to `specialist`: whether there
/// was such an account.
pub async fn link_specialist(
    connection: &mut AnyConnection,
    login: &str,
    specialist: i64,
) -> Result<bool, sqlx::Error> {
    let linked = sqlx::query(
        "UPDATE staff_users SET specialist_id = $1 WHERE login = $2 AND role = 'specialist'",
    )
    .bind(specialist)
    .bind(login)
    .execute(connection)
    .await?;
    Ok(linked.rows_affected() == 1)
}

/// A new second factor (sealed) with no code used yet, and new recovery
/// codes (their hashes) in place of the old ones.
pub async fn set_factor(
    connection: &mut AnyConnection,
    user_id: i64,
    sealed_secret: &str,
    recovery_hashes: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE staff_users SET totp_secret = $1, totp_last_step = NULL WHERE id = $2")
        .bind(sealed_secret)
        .bind(user_id)
        .execute(&mut *connection)
        .await?;
    sqlx::query("DELETE FROM staff_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *connection)
        .await?;
    for hash in recovery_hashes {
        sqlx::query("INSERT INTO staff_recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(hash)
            .execute(&mut *connection)
            .await?;
    }
    Ok(())
}

pub async fn set_password_hash(
    connection: &mut AnyConnection,
    user_id: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE staff_users SET password_hash = $1, password_changed_at = $2 WHERE id = $3",
    )
    .bind(hash)
    .bind(timestamp(now))
    .bind(user_id)
    .execute(connection)
    .await?;
    Ok(())
}

pub async fn disable(connection: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE staff_users SET active = FALSE WHERE id = $1")
        .bind(user_id)
        .execute(connection)
        .await?;
    Ok(())
}

/// An account as the lists show it: id, login, name, role, active,
/// enrolled, the specialist it is.
pub type UserListed = (i64, String, String, String, bool, bool, Option<i64>);

/// An account's row as either engine gives it back.
type StoredUser = (i64, String, String, String, Flag, Flag, Option<i64>);

/// Every account, in `order`.
pub async fn users(pool: &AnyPool, order: UserOrder) -> Result<Vec<UserListed>, sqlx::Error> {
    let order = match order {
        UserOrder::Login => "login",
        UserOrder::ActiveFirst => "active DESC, login",
    };
    let rows: Vec<StoredUser> = sqlx::query_as(&format!(
        "SELECT id, login, display_name, role, active, totp_secret IS NOT NULL, specialist_id \
             FROM staff_users ORDER BY {order}"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, login, name, role, active, enrolled, specialist)| {
            (id, login, name, role, active.0, enrolled.0, specialist)
        })
        .collect())
}

/// How `users` lists the accounts.
#[derive(Debug, Clone, Copy)]
pub enum UserOrder {
    Login,
    ActiveFirst,
}

/// The recovery codes `user_id` has not used yet.
pub async fn recovery_codes_left(pool: &AnyPool, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff_recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await
}

/// The password hash and the sealed second factor of `user_id`.
pub async fn secrets_of(
    pool: &AnyPool,
    user_id: i64,
) -> Result<(String, Option<String>), sqlx::Error> {
    sqlx::query_as("SELECT password_hash, totp_secret FROM staff_users WHERE id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await
}

/// When `user_id` last changed their password (stored form), if ever.
pub async fn password_changed_at(
    pool: &AnyPool,
    user_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_changed_at FROM staff_users WHERE id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await
}

/// Whether the audit trail has the sealing's line. The action is written
/// out, not bound, so that SQLite uses the partial index on it (migration
/// 0008) instead of reading the whole trail at every start.
pub const SEALING_DONE: &str =
    "SELECT EXISTS (SELECT 1 FROM audit WHERE action = 'factors_sealed')";

pub async fn sealing_done(connection: &mut AnyConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, crate::store::Flag>(SEALING_DONE)
        .fetch_one(connection)
        .await
        .map(bool::from)
}

/// Whether the upgrade `name` was made.
pub async fn upgrade_done(connection: &mut AnyConnection, name: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, crate::store::Flag>(
        "SELECT EXISTS (SELECT 1 FROM key_upgrades WHERE name = $1)",
    )
    .bind(name)
    .fetch_one(connection)
    .await
    .map(bool::from)
}

/// Records the upgrade `name` as made.
pub async fn upgrade_made(
    connection: &mut AnyConnection,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO key_upgrades (name, done_at) VALUES ($1, $2)")
        .bind(name)
        .bind(timestamp(now))
        .execute(connection)
        .await?;
    Ok(())
}

/// The accounts whose second factor an earlier version sealed (`v1:`).
pub async fn legacy_factors(
    connection: &mut AnyConnection,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, totp_secret FROM staff_users WHERE totp_secret LIKE 'v1:%'")
        .fetch_all(connection)
        .await
}

/// The open alerts of accounts: id and login (their keys are the login's
/// keyed hash).
pub async fn account_alerts(
    connection: &mut AnyConnection,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, login FROM sign_in_alerts WHERE login IS NOT NULL")
        .fetch_all(connection)
        .await
}

/// Keys an alert anew.
pub async fn rekey_alert(
    connection: &mut AnyConnection,
    id: i64,
    login_key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sign_in_alerts SET login_key = $1 WHERE id = $2")
        .bind(login_key)
        .bind(id)
        .execute(connection)
        .await?;
    Ok(())
}

/// Forgets every sign-in attempt (their keys are of an earlier version).
pub async fn forget_all_attempts(connection: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_attempts")
        .execute(connection)
        .await?;
    Ok(())
}

/// The accounts whose second factor is stored readable (not sealed).
pub async fn readable_factors(
    connection: &mut AnyConnection,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, totp_secret FROM staff_users \
         WHERE totp_secret IS NOT NULL AND totp_secret NOT LIKE 'v1:%' AND totp_secret NOT LIKE 'v2:%'",
    )
    .fetch_all(connection)
    .await
}

pub async fn set_sealed_factor(
    connection: &mut AnyConnection,
    user_id: i64,
    sealed: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE staff_users SET totp_secret = $1 WHERE id = $2")
        .bind(sealed)
        .bind(user_id)
        .execute(connection)
        .await?;
    Ok(())
}

// --- The second factor ------------------------------------------------------

/// Takes a recovery code of `user_id` (by its hash), once: whether it was
/// there and unused.
pub async fn use_recovery_code(
    pool: &AnyPool,
    user_id: i64,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let used = sqlx::query(
        "UPDATE staff_recovery_codes SET used_at = $1 \
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(timestamp(now))
    .bind(user_id)
    .bind(code_hash)
    .execute(pool)
    .await?;
    Ok(used.rows_affected() == 1)
}

/// Takes the time step `step` for `user_id`, if it is later than the last
/// one taken: a code is accepted once.
pub async fn take_step(pool: &AnyPool, user_id: i64, step: i64) -> Result<bool, sqlx::Error> {
    let used = sqlx::query(
        "UPDATE staff_users SET totp_last_step = $1 \
         WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $3)",
    )
    .bind(step)
    .bind(user_id)
    .bind(step)
    .execute(pool)
    .await?;
    Ok(used.rows_affected() == 1)
}

// --- Pending sign-ins -------------------------------------------------------

/// Forgets pending sign-ins begun before `before`, then keeps a new one.
pub async fn insert_pending(
    pool: &AnyPool,
    token_hash: &str,
    user_id: i64,
    address: &str,
    next: &str,
    before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM staff_pending_sign_ins WHERE created_at < $1")
        .bind(timestamp(before))
        .execute(pool)
        .await?;
    sqlx::query(
        "INSERT INTO staff_pending_sign_ins (token_hash, user_id, address, next, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(address)
    .bind(next)
    .bind(timestamp(now))
    .execute(pool)
    .await?;
    Ok(())
}

/// A pending sign-in with its account.
#[derive(Debug, sqlx::FromRow)]
pub struct Pending {
    pub user_id: i64,
    pub address: String,
    pub next: String,
    pub created_at: String,
    pub login: String,
    #[sqlx(try_from = "crate::store::Flag")]
    pub active: bool,
    pub totp_secret: Option<String>,
}

pub async fn pending(pool: &AnyPool, token_hash: &str) -> Result<Option<Pending>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.user_id, p.address, p.next, p.created_at, u.login, u.active, u.totp_secret \
         FROM staff_pending_sign_ins p JOIN staff_users u ON u.id = p.user_id \
         WHERE p.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await
}

pub async fn delete_pending(pool: &AnyPool, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM staff_pending_sign_ins WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

// --- Sessions ---------------------------------------------------------------

/// Forgets sessions whose last use is before `idle_since` or which began
/// before `begun_since`, then opens a new one.
pub async fn open_session(
    pool: &AnyPool,
    token_hash: &str,
    user_id: i64,
    address: &str,
    user_agent: &str,
    (idle_since, begun_since): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM staff_sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(timestamp(idle_since))
        .bind(timestamp(begun_since))
        .execute(pool)
        .await?;
    sqlx::query(
        "INSERT INTO staff_sessions (token_hash, user_id, created_at, last_seen_at, address, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(timestamp(now))
    .bind(timestamp(now))
    .bind(address)
    .bind(user_agent)
    .execute(pool)
    .await?;
    Ok(())
}

/// A session with its account.
#[derive(Debug, sqlx::FromRow)]
pub struct FoundSession {
    pub id: i64,
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
    pub role: String,
    #[sqlx(try_from = "crate::store::Flag")]
    pub active: bool,
    pub specialist_id: Option<i64>,
    pub created_at: String,
    pub last_seen_at: String,
}

pub async fn session(
    pool: &AnyPool,
    token_hash: &str,
) -> Result<Option<FoundSession>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.user_id, u.login, u.display_name, u.role, u.active, u.specialist_id, \
         s.created_at, s.last_seen_at \
         FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await
}

pub async fn touch_session(pool: &AnyPool, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(timestamp(now))
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn delete_session(pool: &AnyPool, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// A session as the lists show it.
#[derive(Debug, sqlx::FromRow)]
pub struct ListedSession {
    pub id: i64,
    pub user_id: i64,
    pub created_at: String,
    pub last_seen_at: String,
    pub address: String,
    pub user_agent: String,
}

/// The sessions of `user_id` (of everyone when `None`) used since
/// `idle_since` and begun since `begun_since`, newest first.
pub async fn live_sessions(
    pool: &AnyPool,
    user_id: Option<i64>,
    (idle_since, begun_since): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<ListedSession>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, user_id, created_at, last_seen_at, address, user_agent FROM staff_sessions \
         WHERE ($1 IS NULL OR user_id = $1) AND last_seen_at >= $2 AND created_at >= $3 \
         ORDER BY created_at DESC, id DESC",
    )
    .bind(user_id)
    .bind(timestamp(idle_since))
    .bind(timestamp(begun_since))
    .fetch_all(pool)
    .await
}

/// Ends the session `id` of `user_id`: whether it was theirs.
pub async fn delete_session_of(
    connection: &mut AnyConnection,
    user_id: i64,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let ended = sqlx::query("DELETE FROM staff_sessions WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(connection)
        .await?;
    Ok(ended.rows_affected() == 1)
}

/// Ends every session of `user_id` but `except`, and every sign-in of it
/// still waiting for its code: the number of sessions ended.
pub async fn delete_sessions_of(
    connection: &mut AnyConnection,
    user_id: i64,
    except: Option<i64>,
) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM staff_pending_sign_ins WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *connection)
        .await?;
    Ok(
        sqlx::query("DELETE FROM staff_sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2")
            .bind(user_id)
            .bind(except)
            .execute(connection)
            .await?
            .rows_affected(),
    )
}

// --- The throttle -----------------------------------------------------------

/// The failures of a pair that count: within the window, after its last
/// sign-in.
const COUNTED: &str = "login_key = $1 AND address = $2 AND outcome IN ('pending', 'failed') \
     AND at >= $3 AND at > COALESCE((SELECT MAX(at) FROM sign_in_attempts \
     WHERE login_key = $1 AND address = $2 AND outcome = 'ok'), '')";

/// Forgets attempts made before `before`, then takes a row for the pair
/// (`login_key`, `address`) if it has fewer than `limit` failures that
/// count since `since`: the row's id.
pub async fn begin_attempt(
    pool: &AnyPool,
    (login_key, address): (&str, &str),
    (known, step): (bool, &str),
    limit: i64,
    (before, since): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    // In the write turn: two attempts at once (from two service
    // processes, on PostgreSQL) never both take the last row the limit
    // leaves.
    let mut transaction = crate::store::begin_write(pool).await?;
    sqlx::query("DELETE FROM sign_in_attempts WHERE at < $1")
        .bind(timestamp(before))
        .execute(&mut *transaction)
        .await?;
    let taken = sqlx::query_scalar(&format!(
        "INSERT INTO sign_in_attempts (login_key, address, at, outcome, known, step) \
         SELECT $1, $2, $4, 'pending', $6, $7 \
         WHERE (SELECT COUNT(*) FROM sign_in_attempts WHERE {COUNTED}) < $5 RETURNING id"
    ))
    .bind(login_key)
    .bind(address)
    .bind(timestamp(since))
    .bind(timestamp(now))
    .bind(limit)
    .bind(known)
    .bind(step)
    .fetch_optional(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(taken)
}

/// The moment of the `nth` latest failure of the pair that counts since
/// `since` (from 0).
pub async fn nth_latest_failure(
    pool: &AnyPool,
    (login_key, address): (&str, &str),
    nth: i64,
    since: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT at FROM sign_in_attempts WHERE {COUNTED} ORDER BY at DESC LIMIT 1 OFFSET $4"
    ))
    .bind(login_key)
    .bind(address)
    .bind(timestamp(since))
    .bind(nth)
    .fetch_optional(pool)
    .await
}

pub async fn finish_attempt(pool: &AnyPool, id: i64, outcome: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sign_in_attempts SET outcome = $1 WHERE id = $2")
        .bind(outcome)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Gives the session `id` a new token (its hash), keeping its limits.
pub async fn replace_session_token(
    connection: &mut AnyConnection,
    id: i64,
    token_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE staff_sessions SET token_hash = $1 WHERE id = $2")
        .bind(token_hash)
        .bind(id)
        .execute(connection)
        .await?;
    Ok(())
}

/// Forgets an attempt that did not happen (the service was busy).
pub async fn forget_attempt(pool: &AnyPool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_attempts WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Attempts made after an admin last acknowledged the alert kept under
/// `?1`: those before were seen.
const SINCE_ACKNOWLEDGED: &str =
    "at > COALESCE((SELECT MAX(acknowledged_at) FROM sign_in_alerts WHERE login_key = $1), '')";

/// The wrong codes typed for a login from every address since `since` and
/// since an admin last acknowledged an alert of it.
pub async fn code_failures(
    pool: &AnyPool,
    login_key: &str,
    since: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM sign_in_attempts \
         WHERE login_key = $1 AND step = 'code' AND outcome = 'failed' AND at >= $2 \
         AND {SINCE_ACKNOWLEDGED}"
    ))
    .bind(login_key)
    .bind(timestamp(since))
    .fetch_one(pool)
    .await
}

/// The failures of a login from every address since `since`.
pub async fn failures_of(
    pool: &AnyPool,
    login_key: &str,
    since: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM sign_in_attempts \
         WHERE login_key = $1 AND outcome IN ('pending', 'failed') AND at >= $2",
    )
    .bind(login_key)
    .bind(timestamp(since))
    .fetch_one(pool)
    .await
}

/// Whose failures an alert counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failing {
    /// One login, by its keyed hash.
    Login,
    /// Every login that does not exist, together.
    UnknownLogins,
}

/// The failures an alert kept under `alert_key` counts (`failing`), since
/// `since` and since an admin last acknowledged it: how many, from how
/// many addresses, the first one's moment.
pub async fn unacknowledged_failures(
    pool: &AnyPool,
    (alert_key, failing): (&str, Failing),
    since: DateTime<Utc>,
) -> Result<(i64, i64, Option<String>), sqlx::Error> {
    let whose = match failing {
        Failing::Login => "login_key = $1",
        Failing::UnknownLogins => "NOT known",
    };
    sqlx::query_as(&format!(
        "SELECT COUNT(*), COUNT(DISTINCT address), MIN(at) FROM sign_in_attempts \
         WHERE {whose} AND outcome IN ('pending', 'failed') AND at >= $2 AND {SINCE_ACKNOWLEDGED}"
    ))
    .bind(alert_key)
    .bind(timestamp(since))
    .fetch_one(pool)
    .await
}

/// Brings the login's open alert up to date: whether there was one.
pub async fn update_open_alert(
    connection: &mut AnyConnection,
    login_key: &str,
    (failures, addresses): (i64, i64),
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE sign_in_alerts SET last_at = $1, failures = $2, addresses = $3 \
         WHERE login_key = $4 AND acknowledged_at IS NULL",
    )
    .bind(timestamp(now))
    .bind(failures)
    .bind(addresses)
    .bind(login_key)
    .execute(connection)
    .await?;
    Ok(updated.rows_affected() > 0)
}

/// A new alert: its id.
pub async fn insert_alert(
    connection: &mut AnyConnection,
    (login_key, login): (&str, Option<&str>),
    first_at: &str,
    (failures, addresses): (i64, i64),
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO sign_in_alerts (login_key, login, first_at, last_at, failures, addresses) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(login_key)
    .bind(login)
    .bind(first_at)
    .bind(timestamp(now))
    .bind(failures)
    .bind(addresses)
    .fetch_one(connection)
    .await
}

/// An alert as the admins' pages show it.
#[derive(Debug, sqlx::FromRow)]
pub struct AlertRow {
    pub id: i64,
    pub login_key: String,
    pub login: Option<String>,
    pub failures: i64,
    pub addresses: i64,
    pub first_at: String,
    pub last_at: String,
}

/// The alerts no admin has acknowledged yet, newest first.
pub async fn open_alerts(pool: &AnyPool) -> Result<Vec<AlertRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, login_key, login, failures, addresses, first_at, last_at \
         FROM sign_in_alerts WHERE acknowledged_at IS NULL ORDER BY last_at DESC",
    )
    .fetch_all(pool)
    .await
}

/// Marks the open alert `id` seen by `by`: whether there was one.
pub async fn acknowledge_alert(
    connection: &mut AnyConnection,
    id: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let acknowledged = sqlx::query(
        "UPDATE sign_in_alerts SET acknowledged_by = $1, acknowledged_at = $2 \
         WHERE id = $3 AND acknowledged_at IS NULL",
    )
    .bind(by)
    .bind(timestamp(now))
    .bind(id)
    .execute(connection)
    .await?;
    Ok(acknowledged.rows_affected() == 1)
}
