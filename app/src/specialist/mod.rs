//! The specialist's area (server only): the pages of the doctor who sees
//! the patient and writes the written opinion the hospital sends to the
//! present doctor. `my_cases` is their home (their own cases, reports due
//! or overdue first); `report` is the written opinion, written, saved,
//! signed with a fresh authenticator code, amended, and printed with its
//! verification code.
//!
//! A specialist is a staff member: they sign in as reception does, and
//! their pages take reception's `Desk` (the member, the site, the
//! request) and pass through its guard. What they do on the case itself
//! (the records reviewed, documents asked for, the consultation held) is
//! on reception's case page, which shows each role its own sections.
//! This area imports `staff`; `staff` never imports it.

mod my_cases;
mod report;

use axum::Router;
use axum::middleware;

use crate::http::Site;
use crate::staff;

/// The specialist's routes, behind reception's guard: "My cases" for
/// specialists only; the report's editor (its own specialist) and its
/// printed versions (whoever may see the case).
pub fn routes<S>(site: Site) -> Router<S> {
    let own = Router::new()
        .merge(my_cases::routes())
        .route_layer(middleware::from_fn(staff::specialists_only));
    staff::signed_in_only(site, Router::new().merge(own).merge(report::routes()))
}
