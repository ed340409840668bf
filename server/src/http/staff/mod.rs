//! Reception's routes. Every route under `/staff` except the two sign-in
//! pages passes through [`guard`], which finds the session and the staff
//! member before any handler runs; a request without a live session gets a
//! redirect to the sign-in page (pages) or 401 (posts), and no data. Posts
//! from other sites are refused before they get here (`security`).
//!
//! Handlers take the signed-in [`Staff`] as an extractor and answer a
//! [`StaffError`] through `respond::refuse`, the one place it becomes a
//! response. They live by what the person does: `sign_in` (the two steps,
//! signing out, keeping the session alive), `reception` (the queue, the CSV,
//! the day sheet, a case), `account` (a member's own sessions and
//! password) and `admin` (specialists, closure days, members and sign-in
//! alerts); all of them stand on `respond`.

mod account;
mod admin;
mod reception;
mod respond;
mod sign_in;

use app::staff::auth;
use app::staff::{Role, Staff, StaffPage};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};
use leptos::prelude::*;

use super::site::Site;
use respond::{in_words, render};

pub fn routes(site: Site) -> Router<LeptosOptions> {
    // Admins only: the role is checked once, for every route here (the
    // layers run from the outside in: `guard` first, then this).
    let admin = Router::new()
        .route(
            "/staff/specialists",
            get(admin::specialists).post(admin::change_specialists),
        )
        .route(
            "/staff/calendar",
            get(admin::calendar).post(admin::change_calendar),
        )
        .route(
            "/staff/accounts",
            get(admin::accounts).post(admin::change_accounts),
        )
        .route_layer(middleware::from_fn_with_state(site.clone(), admins_only));
    let guarded = Router::new()
        .route(
            "/staff",
            get(reception::queue).post(reception::search_queue),
        )
        .route("/staff/export.csv", post(reception::export_csv))
        .route("/staff/scan", post(reception::scan))
        .route("/staff/day-sheet", get(reception::day_sheet))
        .route(
            "/staff/cases/{reference}",
            get(reception::case).post(reception::change_case),
        )
        .route(
            "/staff/account",
            get(account::account).post(account::change_account),
        )
        .route("/staff/keep-alive", post(sign_in::keep_alive))
        .merge(admin)
        .route("/staff/logout", post(sign_in::logout))
        .route("/staff/{*rest}", any(reception::not_found))
        .route_layer(middleware::from_fn_with_state(site.clone(), guard));
    // Signing in: the only staff routes without a session.
    Router::new()
        .route(
            "/staff/login",
            get(sign_in::login_page).post(sign_in::login),
        )
        .route(
            "/staff/login/code",
            get(sign_in::code_page).post(sign_in::code),
        )
        .merge(guarded)
        .with_state(site)
}

/// Finds the signed-in staff member or stops the request.
async fn guard(State(site): State<Site>, mut request: Request, next: Next) -> Response {
    let now = app::clock::now();
    let https = app::ssr::peer_of(request.extensions())
        .is_some_and(|peer| site.proxies.is_https(request.headers(), peer));
    let staff = match auth::session_token(request.headers(), https) {
        Some(token) => match auth::session(&site.pool, &token, now).await {
            Ok(staff) => staff,
            Err(error) => return in_words(&error.into()),
        },
        None => None,
    };
    let Some(staff) = staff else {
        if request.method() == Method::GET {
            // Only the path: whatever the query held stays out of the
            // sign-in page's URL (and so of history and logs).
            let next = request.uri().path().to_owned();
            let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            return Redirect::to(&format!("/staff/login?{query}")).into_response();
        }
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    };
    request.extensions_mut().insert(staff);
    next.run(request).await
}

/// Lets only admins through (after `guard` found the staff member).
async fn admins_only(
    State(site): State<Site>,
    staff: Staff,
    request: Request,
    next: Next,
) -> Response {
    if staff.role != Role::Admin {
        let (parts, _) = request.into_parts();
        return render(
            site,
            parts,
            Some(staff),
            StaffPage::Forbidden,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::respond::safe_next;

    #[test]
    fn only_staff_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/staff/cases/ABCD2345"), "/staff/cases/ABCD2345");
        assert_eq!(safe_next("//evil.example/staff"), "/staff");
        assert_eq!(safe_next("https://evil.example"), "/staff");
        assert_eq!(safe_next("/staff//evil"), "/staff");
        assert_eq!(safe_next("/staff?q=%E5%B1%B1%E7%94%B0"), "/staff");
        assert_eq!(
            safe_next("/staff/day-sheet?day=2026-12-03#x"),
            "/staff/day-sheet"
        );
    }
}
