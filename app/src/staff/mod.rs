//! Reception (server only): the pages staff use at counter 1 and the
//! admins' pages, each a slice — its routes and handlers, its page state,
//! its view and its queries in one folder — mounted by one line of
//! [`routes`]. They are rendered on the server only, with plain forms that
//! post back; nothing of reception is in the browser's bundle, and no staff
//! data is ever in a server function.
//!
//! What the slices share: `desk` (the signed-in member's page: the guard
//! that finds the session before any handler runs, the role layer, and the
//! one place a `StaffError` becomes a page), `frame` (the staff bar and
//! what every staff page shows around its content), `error`, `store` (the
//! queries of more than one slice) and `auth` (accounts, sign-in,
//! sessions).

pub mod auth;
mod desk;
pub mod error;
pub(crate) mod frame;
pub mod store;
pub(crate) mod words;

mod account;
mod admin;
mod case;
mod day_sheet;
mod documents_letter;
mod figures;
mod queue;
mod receipt;
mod sign_in;

use axum::Router;
use axum::middleware;
use axum::routing::any;
use chrono::{DateTime, Utc};

pub use desk::{Desk, retry_after, specialists_only};
pub use error::{CaseProblem, StaffError};

use crate::http::Site;

/// Every route of reception. Each slice's pages are one line; every one
/// but the sign-in's passes through the guard, which finds the member's
/// session first (`desk::guard`).
pub fn routes<S>(site: Site) -> Router<S> {
    // Reception's and admins' own pages.
    let reception = Router::new()
        .merge(queue::routes())
        .merge(day_sheet::routes())
        .merge(receipt::routes())
        .merge(documents_letter::routes())
        .merge(figures::routes())
        .route_layer(middleware::from_fn(desk::reception_only));
    let signed_in = Router::new()
        .merge(reception)
        .merge(case::routes())
        .merge(account::routes())
        .merge(sign_in::signed_in_routes())
        .merge(admin::routes())
        .route("/staff/{*rest}", any(desk::not_found));
    Router::new()
        .merge(sign_in::routes())
        .merge(signed_in_only(site.clone(), signed_in))
        .with_state(site)
}

/// `routes` behind the guard: only for a signed-in member, whose session
/// the guard finds before any handler runs. The specialist's area mounts
/// its pages through it too.
pub fn signed_in_only<S>(site: Site, routes: Router<Site>) -> Router<S> {
    routes
        .route_layer(middleware::from_fn_with_state(site.clone(), desk::guard))
        .with_state(site)
}

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Works the queue and the cases, and counter 1 on the day.
    Reception,
    /// Reception, plus the specialists, departments, closure days and
    /// accounts.
    Admin,
    /// A specialist of the list: sees only the cases assigned to them,
    /// reviews the records, holds the consultation and writes the report.
    Specialist,
}

domain::codes!(Role {
    Reception => "reception",
    Admin => "admin",
    Specialist => "specialist",
});

impl Role {
    /// Whether the role works reception's pages (the queue, the day sheet,
    /// counter 1, the sending of reports).
    pub const fn works_reception(self) -> bool {
        matches!(self, Self::Reception | Self::Admin)
    }
}

/// The signed-in staff member, in the session their browser brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub user_id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub session_id: i64,
    /// When the session ends if nothing is done before (30 minutes idle,
    /// or 12 hours after sign-in if that comes first).
    pub session_ends: DateTime<Utc>,
    /// Whether that end is the idle limit (else the 12 hours).
    pub ends_when_idle: bool,
    /// For a specialist's account, the specialist of the list they are.
    pub specialist_id: Option<i64>,
}

/// A department a case can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub code: String,
    pub name_ja: String,
    pub name_en: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specialist {
    pub id: i64,
    pub name: String,
    pub department: String,
    pub active: bool,
}
