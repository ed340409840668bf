//! The admins' pages, behind one role layer: the specialists and
//! departments, the hospital's closure days, and the members with their
//! sessions and the sign-in alerts. Every change is audited.

mod accounts;
mod calendar;
mod specialists;

use axum::Router;
use axum::middleware;

use super::Staff;
use super::StaffError;
use super::desk::admins_only;
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, record};
use crate::http::Site;

/// The admins' routes: the role is checked once, for every one of them
/// (after the guard found the member).
pub(super) fn routes() -> Router<Site> {
    Router::new()
        .merge(specialists::routes())
        .merge(calendar::routes())
        .merge(accounts::routes())
        .route_layer(middleware::from_fn(admins_only))
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= 100 && !name.chars().any(char::is_control)
}

/// Records an admin's change that touched `changed` rows; one that touched
/// none (an unknown id, a department that exists) cannot be used.
async fn record_change(
    pool: &sqlx::AnyPool,
    staff: &Staff,
    changed: u64,
    action: AuditAction,
    detail: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StaffError> {
    if changed == 0 {
        return Err(StaffError::Unusable);
    }
    let entry = Entry {
        actor: Some(&staff.login),
        after: Some(detail),
        ..Entry::of(action)
    };
    record(pool, now, entry).await?;
    Ok(())
}
