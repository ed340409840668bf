//! Sessions: opened by an accepted code, found by the cookie's token (only
//! its SHA-256 is stored), ended after 30 minutes idle or 12 hours in all,
//! by signing out, by the member on their account page, by an admin, or
//! when the account's password or second factor changes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::AnyPool;

use super::store;
use super::{ABSOLUTE_LIMIT, IDLE_LIMIT, is_token, new_token, token_hash};
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, append, record};
use crate::staff::{Role, Staff};
use crate::store::in_japan;

/// A live session, as its member (or an admin) sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: i64,
    /// Japan time, `YYYY-MM-DD HH:MM:SS`.
    pub started: String,
    pub last_used: String,
    pub address: String,
    /// The browser and its system, in short.
    pub browser: String,
    /// The session of the page being shown.
    pub current: bool,
}

/// The longest user-agent kept.
const USER_AGENT_CHARS: usize = 300;

/// Opens a session for `user_id`; the new token, for the cookie (a new
/// one every time: never one the browser brought).
pub(super) async fn open_session(
    pool: &AnyPool,
    user_id: i64,
    address: &str,
    user_agent: &str,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    // Sessions that ended by their limits without being looked up again
    // are of no more use.
    let token = new_token();
    let user_agent: String = user_agent.chars().take(USER_AGENT_CHARS).collect();
    let hash = token_hash(&token);
    store::open_session(pool, &hash, user_id, address, &user_agent, limits(now), now).await?;
    Ok(token)
}

/// The moments before which a session is over: last used longer ago than
/// the idle limit, or begun longer ago than the absolute one.
fn limits(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (now - IDLE_LIMIT, now - ABSOLUTE_LIMIT)
}

fn parse(stored: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(stored)
        .map(|moment| moment.with_timezone(&Utc))
        .ok()
}

/// When a session started at `created` and last used at `seen` ends, and
/// whether that is the idle limit.
fn end_of(created: DateTime<Utc>, seen: DateTime<Utc>) -> (DateTime<Utc>, bool) {
    let (idle, absolute) = (seen + IDLE_LIMIT, created + ABSOLUTE_LIMIT);
    if idle <= absolute {
        (idle, true)
    } else {
        (absolute, false)
    }
}

/// The staff member whose live session `token` is, touching it; `None` for
/// an unknown, ended, idle or too old session (which is then removed).
pub async fn session(
    pool: &AnyPool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Staff>, sqlx::Error> {
    if !is_token(token) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let Some(found) = store::session(pool, &hash).await? else {
        return Ok(None);
    };
    let live = parse(&found.created_at)
        .zip(parse(&found.last_seen_at))
        .filter(|(_, seen)| now - *seen <= IDLE_LIMIT)
        .map(|(created, _)| created)
        .filter(|created| now - *created <= ABSOLUTE_LIMIT);
    match (live, Role::from_code(&found.role)) {
        (Some(created), Some(role)) if found.active => {
            store::touch_session(pool, found.id, now).await?;
            let (session_ends, ends_when_idle) = end_of(created, now);
            Ok(Some(Staff {
                user_id: found.user_id,
                login: found.login,
                name: found.display_name,
                role,
                session_id: found.id,
                session_ends,
                ends_when_idle,
                specialist_id: found.specialist_id,
            }))
        }
        _ => {
            end_session(pool, token).await?;
            Ok(None)
        }
    }
}

pub async fn end_session(pool: &AnyPool, token: &str) -> Result<(), sqlx::Error> {
    store::delete_session(pool, &token_hash(token)).await
}

/// "Chrome 131 · Windows 10", or the start of the user-agent when it
/// cannot be read.
fn browser(user_agent: &str) -> String {
    match woothee::parser::Parser::new().parse(user_agent) {
        Some(found) if found.name != "UNKNOWN" && matches!(found.category, "pc" | "smartphone") => {
            let major = found.version.split('.').next().unwrap_or_default();
            format!("{} {major} · {}", found.name, found.os)
        }
        _ => user_agent.chars().take(60).collect(),
    }
}

/// The live sessions of `user_id` (of every member when `None`), newest
/// first, by member; `current` marks the session with that id.
pub(super) async fn live_sessions(
    pool: &AnyPool,
    user_id: Option<i64>,
    current: Option<i64>,
    now: DateTime<Utc>,
) -> Result<HashMap<i64, Vec<SessionRow>>, sqlx::Error> {
    let rows = store::live_sessions(pool, user_id, limits(now)).await?;
    let mut by_member: HashMap<i64, Vec<SessionRow>> = HashMap::new();
    for row in rows {
        by_member.entry(row.user_id).or_default().push(SessionRow {
            id: row.id,
            started: in_japan(&row.created_at),
            last_used: in_japan(&row.last_seen_at),
            address: row.address,
            browser: browser(&row.user_agent),
            current: Some(row.id) == current,
        });
    }
    Ok(by_member)
}

/// The member's own live sessions, theirs marked.
pub async fn sessions_of(
    pool: &AnyPool,
    staff: &Staff,
    now: DateTime<Utc>,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    let mut sessions =
        live_sessions(pool, Some(staff.user_id), Some(staff.session_id), now).await?;
    Ok(sessions.remove(&staff.user_id).unwrap_or_default())
}

/// Ends one of the member's own sessions; false if it is not theirs (or
/// already over).
pub async fn end_own_session(
    pool: &AnyPool,
    staff: &Staff,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut transaction = crate::store::begin_write(pool).await?;
    if !store::delete_session_of(&mut transaction, staff.user_id, id).await? {
        return Ok(false);
    }
    let detail = format!("session {id}");
    let entry = Entry {
        actor: Some(&staff.login),
        after: Some(&detail),
        ..Entry::of(AuditAction::SessionEnded)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(true)
}

/// Ends every session of the member but the one they are using.
pub async fn end_other_sessions(
    pool: &AnyPool,
    staff: &Staff,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let mut transaction = crate::store::begin_write(pool).await?;
    let except = Some(staff.session_id);
    let ended = store::delete_sessions_of(&mut transaction, staff.user_id, except).await?;
    let detail = format!("{} other sessions of {}", ended, staff.login);
    let entry = Entry {
        actor: Some(&staff.login),
        after: Some(&detail),
        ..Entry::of(AuditAction::SessionsEnded)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(ended)
}

/// An admin ends every session of the member `login`; false if there is
/// no such member.
pub async fn end_sessions_of(
    pool: &AnyPool,
    admin: &Staff,
    login: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut transaction = crate::store::begin_write(pool).await?;
    let Some(user) = store::user_id(&mut transaction, login).await? else {
        return Ok(false);
    };
    let ended = store::delete_sessions_of(&mut transaction, user, None).await?;
    let detail = format!("{ended} sessions of {login}");
    let entry = Entry {
        actor: Some(&admin.login),
        after: Some(&detail),
        ..Entry::of(AuditAction::SessionsEnded)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(true)
}

/// Ends every session of `user_id` but `except`, and every sign-in of it
/// still waiting for its code, inside `connection`'s transaction (a changed
/// password or second factor, a disabled account): the number of sessions
/// ended.
pub(super) async fn end_all(
    connection: &mut sqlx::AnyConnection,
    user_id: i64,
    except: Option<i64>,
) -> Result<u64, sqlx::Error> {
    store::delete_sessions_of(connection, user_id, except).await
}

/// Records that `staff` signed out (their session already ended).
pub async fn record_sign_out(
    pool: &AnyPool,
    staff: &Staff,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let entry = Entry {
        actor: Some(&staff.login),
        ..Entry::of(AuditAction::SignOut)
    };
    record(pool, now, entry).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_30_minutes_after_its_last_use_or_12_hours_after_it_began() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).expect("moment");
        assert_eq!(end_of(start, start), (start + IDLE_LIMIT, true));
        let late = start + chrono::Duration::hours(11) + chrono::Duration::minutes(45);
        assert_eq!(end_of(start, late), (start + ABSOLUTE_LIMIT, false));
    }

    #[test]
    fn the_browser_is_named_in_short() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                      (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(browser(chrome), "Chrome 131 · Windows 10");
        assert_eq!(browser("curl/8.5.0"), "curl/8.5.0");
    }
}
