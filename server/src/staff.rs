//! Reception's routes. Every route under `/staff` except the sign-in page
//! passes through [`guard`], which finds the session and the staff member
//! before any handler runs; a request without a live session gets a
//! redirect to the sign-in page (pages) or 401 (posts), and no data. Posts
//! from other sites are refused before they get here (`web`).

use std::net::SocketAddr;

use app::i18n::Locale;
use app::staff::actions::{self, Outcome};
use app::staff::auth::{self, SignIn};
use app::staff::{
    CalendarPage, CaseProblem, DaySheetPage, LoginPage, LoginProblem, Notice, QueueFilters, Role,
    SpecialistsPage, Staff, StaffPage, store,
};
use axum::Router;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{NaiveDate, Utc};
use domain::japan_time;
use domain::reference::Reference;
use leptos::prelude::*;

use crate::web::{Site, read_form};

pub fn routes(site: Site) -> Router<LeptosOptions> {
    // Admins only: the role is checked once, for every route here (the
    // layers run from the outside in: `guard` first, then this).
    let admin = Router::new()
        .route(
            "/staff/specialists",
            get(specialists).post(change_specialists),
        )
        .route("/staff/calendar", get(calendar).post(change_calendar))
        .route_layer(middleware::from_fn_with_state(site.clone(), admins_only));
    let guarded = Router::new()
        .route("/staff", get(queue))
        .route("/staff/export.csv", get(export_csv))
        .route("/staff/day-sheet", get(day_sheet))
        .route("/staff/cases/{reference}", get(case).post(change_case))
        .merge(admin)
        .route("/staff/logout", axum::routing::post(logout))
        .route("/staff/{*rest}", axum::routing::any(not_found))
        .route_layer(middleware::from_fn_with_state(site.clone(), guard));
    Router::new()
        .route("/staff/login", get(login_page).post(login))
        .merge(guarded)
        .with_state(site)
}

/// Whether the service is reached over HTTPS (as the hospital's proxy says).
fn is_https(site: &Site, headers: &HeaderMap) -> bool {
    crate::web::is_https(site.client_address, headers)
}

/// Finds the signed-in staff member or stops the request.
async fn guard(State(site): State<Site>, mut request: Request, next: Next) -> Response {
    let now = Utc::now();
    let staff = match auth::session_token(request.headers()) {
        Some(token) => match auth::session(&site.pool, &token, now).await {
            Ok(staff) => staff,
            Err(error) => {
                tracing::error!(%error, "read a staff session");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        },
        None => None,
    };
    let Some(staff) = staff else {
        if request.method() == Method::GET {
            let next = request
                .uri()
                .path_and_query()
                .map_or("/staff", |p| p.as_str())
                .to_owned();
            let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            return Redirect::to(&format!("/staff/login?{query}")).into_response();
        }
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    };
    request.extensions_mut().insert(staff);
    next.run(request).await
}

/// Lets only admins through (after `guard` found the staff member).
async fn admins_only(State(site): State<Site>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let staff = staff_of(&parts);
    if staff.role != Role::Admin {
        return forbidden(site, parts, staff).await;
    }
    next.run(Request::from_parts(parts, body)).await
}

/// Renders a staff page for `staff` (none on the sign-in page).
async fn render(
    site: Site,
    parts: Parts,
    staff: Option<Staff>,
    page: StaffPage,
    status: StatusCode,
) -> Response {
    site.render_with(
        parts,
        move || {
            if let Some(staff) = staff.clone() {
                provide_context(staff);
            }
            provide_context(page.clone());
        },
        status,
    )
    .await
}

fn staff_of(parts: &Parts) -> Staff {
    parts
        .extensions
        .get::<Staff>()
        .cloned()
        .expect("the guard put the staff member in the request")
}

fn query_pairs(parts: &Parts) -> Vec<(String, String)> {
    parts
        .uri
        .query()
        .and_then(|query| serde_urlencoded::from_str(query).ok())
        .unwrap_or_default()
}

fn today() -> NaiveDate {
    japan_time(&Utc::now()).date()
}

fn unavailable(error: &sqlx::Error) -> Response {
    tracing::error!(%error, "reception's database work");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "the service is busy, please try again",
    )
        .into_response()
}

/// Only a path under `/staff` on this site: never an open redirect.
fn safe_next(next: &str) -> &str {
    if next.starts_with("/staff")
        && !next.contains("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
    {
        next
    } else {
        "/staff"
    }
}

async fn login_page(State(site): State<Site>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let pairs = query_pairs(&parts);
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let page = LoginPage {
        login: String::new(),
        next: safe_next(&value("next").unwrap_or_default()).to_owned(),
        problem: value("out").map(|_| LoginProblem::SignedOut),
    };
    render(site, parts, None, StaffPage::Login(page), StatusCode::OK).await
}

async fn login(State(site): State<Site>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let Some(ConnectInfo(connection)) = parts.extensions.get::<ConnectInfo<SocketAddr>>().copied()
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let address = app::server::address_of(site.client_address, &parts.headers, connection);
    let login = value("login").chars().take(64).collect::<String>();
    let outcome = auth::sign_in(&site.pool, &login, value("password"), address, Utc::now()).await;
    let next = safe_next(value("next")).to_owned();
    let problem = match outcome {
        Ok(SignIn::Accepted { token }) => {
            // A session the browser brought along is ended: never reused.
            if let Some(old) = auth::session_token(&parts.headers) {
                let _ = auth::end_session(&site.pool, &old).await;
            }
            let cookie = auth::session_cookie(&token, is_https(&site, &parts.headers));
            return (
                AppendHeaders([(header::SET_COOKIE, cookie)]),
                Redirect::to(&next),
            )
                .into_response();
        }
        Ok(SignIn::Refused) => (LoginProblem::Refused, StatusCode::UNAUTHORIZED),
        Ok(SignIn::Throttled) => (LoginProblem::TooManyAttempts, StatusCode::TOO_MANY_REQUESTS),
        Err(error) => return unavailable(&error),
    };
    let page = LoginPage {
        login,
        next,
        problem: Some(problem.0),
    };
    render(site, parts, None, StaffPage::Login(page), problem.1).await
}

async fn logout(State(site): State<Site>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = staff_of(&parts);
    if let Some(token) = auth::session_token(&parts.headers) {
        let ended = async {
            auth::end_session(&site.pool, &token).await?;
            let entry = store::Entry {
                actor: Some(&staff.login),
                action: "sign_out",
                ..store::Entry::default()
            };
            store::audit(&site.pool, Utc::now(), entry).await
        };
        if let Err(error) = ended.await {
            return unavailable(&error);
        }
    }
    let cookie = auth::cleared_session_cookie(is_https(&site, &parts.headers));
    (
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Redirect::to("/staff/login?out=1"),
    )
        .into_response()
}

async fn queue(State(site): State<Site>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = staff_of(&parts);
    let filters = QueueFilters::from_query(&query_pairs(&parts));
    match store::queue(&site.pool, filters, today(), false).await {
        Ok(page) => {
            render(
                site,
                parts,
                Some(staff),
                StaffPage::Queue(page),
                StatusCode::OK,
            )
            .await
        }
        Err(error) => unavailable(&error),
    }
}

/// The language of the person asking: the language cookie, else
/// `Accept-Language`, else Japanese (as the pages choose).
fn locale_of(headers: &HeaderMap) -> Locale {
    let cookie =
        app::server::cookie(headers, app::LANGUAGE_COOKIE).and_then(|value| value.parse().ok());
    cookie.unwrap_or_else(|| {
        let accepted = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let first = accepted.split(',').next().unwrap_or_default().trim();
        if first.starts_with("en") {
            Locale::en
        } else {
            Locale::ja
        }
    })
}

async fn export_csv(State(site): State<Site>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = staff_of(&parts);
    let locale = locale_of(&parts.headers);
    let filters = QueueFilters::from_query(&query_pairs(&parts));
    let page = match store::queue(&site.pool, filters.clone(), today(), true).await {
        Ok(page) => page,
        Err(error) => return unavailable(&error),
    };
    // An export of personal data that cannot be recorded does not happen.
    let entry = store::Entry {
        actor: Some(&staff.login),
        action: "queue_exported",
        after: Some(&filters.to_query()),
        ..store::Entry::default()
    };
    if let Err(error) = store::audit(&site.pool, Utc::now(), entry).await {
        return unavailable(&error);
    }
    let csv = app::staff::csv::queue(locale, page.rows);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"second-opinion-requests-{}.csv\"",
                    today()
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        csv,
    )
        .into_response()
}

async fn day_sheet(State(site): State<Site>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = staff_of(&parts);
    let day = query_pairs(&parts)
        .iter()
        .find(|(k, _)| k == "day")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or_else(today);
    match store::day_sheet(&site.pool, day).await {
        Ok(rows) => {
            render(
                site,
                parts,
                Some(staff),
                StaffPage::DaySheet(DaySheetPage { day, rows }),
                StatusCode::OK,
            )
            .await
        }
        Err(error) => unavailable(&error),
    }
}

async fn case(
    State(site): State<Site>,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let staff = staff_of(&parts);
    let Some(reference) = Reference::parse(&reference) else {
        return not_found_page(site, parts, staff).await;
    };
    let saved = query_pairs(&parts).iter().any(|(k, _)| k == "saved");
    match store::case_page(&site.pool, &reference, &staff.login, Utc::now()).await {
        Ok(Some(mut page)) => {
            page.notice = saved.then_some(Notice::Saved);
            render(
                site,
                parts,
                Some(staff),
                StaffPage::Case(Box::new(page)),
                StatusCode::OK,
            )
            .await
        }
        Ok(None) => not_found_page(site, parts, staff).await,
        Err(error) => unavailable(&error),
    }
}

async fn change_case(
    State(site): State<Site>,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let staff = staff_of(&parts);
    let Some(reference) = Reference::parse(&reference) else {
        return not_found_page(site, parts, staff).await;
    };
    let problem = match actions::act(&site.pool, &staff, &reference, &pairs, Utc::now()).await {
        Ok(Outcome::Done) => {
            return Redirect::to(&format!("/staff/cases/{}?saved=1", reference.compact()))
                .into_response();
        }
        Ok(Outcome::NotFound) => return not_found_page(site, parts, staff).await,
        Ok(Outcome::Refused(problem)) => problem,
        Err(sqlx::Error::Protocol(_)) => {
            return (StatusCode::BAD_REQUEST, "unknown action").into_response();
        }
        Err(error) => return unavailable(&error),
    };
    let status = if matches!(problem, CaseProblem::Stale { .. }) {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    match store::case_page(&site.pool, &reference, &staff.login, Utc::now()).await {
        Ok(Some(mut page)) => {
            page.problem = Some(problem);
            page.posted = pairs;
            render(
                site,
                parts,
                Some(staff),
                StaffPage::Case(Box::new(page)),
                status,
            )
            .await
        }
        Ok(None) => not_found_page(site, parts, staff).await,
        Err(error) => unavailable(&error),
    }
}

async fn not_found_page(site: Site, parts: Parts, staff: Staff) -> Response {
    render(
        site,
        parts,
        Some(staff),
        StaffPage::NotFound,
        StatusCode::NOT_FOUND,
    )
    .await
}

async fn not_found(State(site): State<Site>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = staff_of(&parts);
    not_found_page(site, parts, staff).await
}

async fn forbidden(site: Site, parts: Parts, staff: Staff) -> Response {
    render(
        site,
        parts,
        Some(staff),
        StaffPage::Forbidden,
        StatusCode::FORBIDDEN,
    )
    .await
}

async fn specialists_page(site: Site, parts: Parts, staff: Staff, problem: bool) -> Response {
    let loaded = async {
        Ok::<_, sqlx::Error>(SpecialistsPage {
            departments: store::departments(&site.pool).await?,
            specialists: store::specialists(&site.pool).await?,
            problem,
        })
    }
    .await;
    match loaded {
        Ok(page) => {
            let status = if problem {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            render(
                site,
                parts,
                Some(staff),
                StaffPage::Specialists(page),
                status,
            )
            .await
        }
        Err(error) => unavailable(&error),
    }
}

async fn specialists(State(site): State<Site>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = staff_of(&parts);
    specialists_page(site, parts, staff, false).await
}

async fn change_specialists(State(site): State<Site>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let staff = staff_of(&parts);
    match actions::specialists(&site.pool, &staff, &pairs, Utc::now()).await {
        Ok(true) => Redirect::to("/staff/specialists").into_response(),
        Ok(false) => specialists_page(site, parts, staff, true).await,
        Err(error) => unavailable(&error),
    }
}

async fn calendar_page(site: Site, parts: Parts, staff: Staff, problem: bool) -> Response {
    match store::closures(&site.pool).await {
        Ok(closures) => {
            let status = if problem {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let page = CalendarPage {
                closures,
                problem,
                today: today(),
            };
            render(site, parts, Some(staff), StaffPage::Calendar(page), status).await
        }
        Err(error) => unavailable(&error),
    }
}

async fn calendar(State(site): State<Site>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = staff_of(&parts);
    calendar_page(site, parts, staff, false).await
}

async fn change_calendar(State(site): State<Site>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let staff = staff_of(&parts);
    match actions::closures(&site.pool, &staff, &pairs, Utc::now()).await {
        Ok(true) => Redirect::to("/staff/calendar").into_response(),
        Ok(false) => calendar_page(site, parts, staff, true).await,
        Err(error) => unavailable(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_staff_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/staff/cases/ABCD2345"), "/staff/cases/ABCD2345");
        assert_eq!(safe_next("//evil.example/staff"), "/staff");
        assert_eq!(safe_next("https://evil.example"), "/staff");
        assert_eq!(safe_next("/staff//evil"), "/staff");
    }
}
