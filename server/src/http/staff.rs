//! Reception's routes. Every route under `/staff` except the sign-in page
//! passes through [`guard`], which finds the session and the staff member
//! before any handler runs; a request without a live session gets a
//! redirect to the sign-in page (pages) or 401 (posts), and no data. Posts
//! from other sites are refused before they get here (`security`).
//!
//! Handlers take the signed-in [`Staff`] as an extractor and answer a
//! [`StaffError`] through [`refuse`], the one place it becomes a response.

use app::i18n::Locale;
use app::staff::actions::{self, CaseAction, ClosureAction, SpecialistAction};
use app::staff::auth::{self, SignIn};
use app::staff::{
    CalendarPage, DaySheetPage, LoginPage, LoginProblem, Notice, QueueFilters, Role,
    SpecialistsPage, Staff, StaffError, StaffPage, store,
};
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};
use chrono::{NaiveDate, Utc};
use domain::japan_time;
use domain::reference::Reference;
use leptos::prelude::*;

use super::security::is_https;
use super::site::{Site, read_form};

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
        .route("/staff/logout", post(logout))
        .route("/staff/{*rest}", any(not_found))
        .route_layer(middleware::from_fn_with_state(site.clone(), guard));
    Router::new()
        .route("/staff/login", get(login_page).post(login))
        .merge(guarded)
        .with_state(site)
}

/// The HTTP status of each error.
const fn status_of(error: &StaffError) -> StatusCode {
    match error {
        StaffError::BadForm => StatusCode::BAD_REQUEST,
        StaffError::Refused(_) | StaffError::Unusable => StatusCode::UNPROCESSABLE_ENTITY,
        StaffError::NotFound => StatusCode::NOT_FOUND,
        StaffError::Stale { .. } => StatusCode::CONFLICT,
        StaffError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        StaffError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The response to an error: for a signed-in member, the staff page "not
/// found" for a missing case; otherwise its status and a short text in
/// words (never an internal error's text, which `StaffError` does not
/// carry: it was logged where it happened).
async fn refuse(site: Site, parts: Parts, staff: Staff, error: StaffError) -> Response {
    match error {
        StaffError::NotFound => {
            render(
                site,
                parts,
                Some(staff),
                StaffPage::NotFound,
                status_of(&error),
            )
            .await
        }
        error => in_words(&error),
    }
}

fn in_words(error: &StaffError) -> Response {
    (status_of(error), error.to_string()).into_response()
}

/// Finds the signed-in staff member or stops the request.
async fn guard(State(site): State<Site>, mut request: Request, next: Next) -> Response {
    let now = Utc::now();
    let staff = match auth::session_token(request.headers()) {
        Some(token) => match auth::session(&site.pool, &token, now).await {
            Ok(staff) => staff,
            Err(error) => return in_words(&error.into()),
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

/// Where to go after signing in: a path under `/staff` on this site, by
/// the same rule as every redirect (`app::ssr::local_path`).
fn safe_next(next: &str) -> &str {
    app::ssr::local_path(next)
        .filter(|path| path.starts_with("/staff"))
        .unwrap_or("/staff")
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
    let Some(address) = site.client_of(&parts) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let login = value("login").chars().take(64).collect::<String>();
    let outcome = auth::sign_in(&site.pool, &login, value("password"), address, Utc::now()).await;
    let next = safe_next(value("next")).to_owned();
    let (problem, status) = match outcome {
        Ok(SignIn::Accepted { token }) => {
            // A session the browser brought along is ended: never reused.
            if let Some(old) = auth::session_token(&parts.headers) {
                let _ = auth::end_session(&site.pool, &old).await;
            }
            let cookie =
                auth::session_cookie(&token, is_https(site.client_address, &parts.headers));
            return (
                AppendHeaders([(header::SET_COOKIE, cookie)]),
                Redirect::to(&next),
            )
                .into_response();
        }
        Ok(SignIn::Refused) => (LoginProblem::Refused, StatusCode::UNAUTHORIZED),
        Ok(SignIn::Throttled) => (LoginProblem::TooManyAttempts, StatusCode::TOO_MANY_REQUESTS),
        Err(error) => return in_words(&error.into()),
    };
    let page = LoginPage {
        login,
        next,
        problem: Some(problem),
    };
    render(site, parts, None, StaffPage::Login(page), status).await
}

async fn logout(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
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
            return refuse(site, parts, staff, error.into()).await;
        }
    }
    let cookie = auth::cleared_session_cookie(is_https(site.client_address, &parts.headers));
    (
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Redirect::to("/staff/login?out=1"),
    )
        .into_response()
}

async fn queue(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let filters = QueueFilters::from_query(&query_pairs(&parts));
    match store::queue_page(&site.pool, filters, today()).await {
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
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

/// The language of the person asking: the language cookie, else
/// `Accept-Language`, else Japanese (as the pages choose).
fn locale_of(headers: &HeaderMap) -> Locale {
    let cookie =
        app::ssr::cookie(headers, app::LANGUAGE_COOKIE).and_then(|value| value.parse().ok());
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

async fn export_csv(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let locale = locale_of(&parts.headers);
    let filters = QueueFilters::from_query(&query_pairs(&parts));
    let exported = async {
        let rows = store::queue_all(&site.pool, &filters, today()).await?;
        // An export of personal data that cannot be recorded does not happen.
        let entry = store::Entry {
            actor: Some(&staff.login),
            action: "queue_exported",
            after: Some(&filters.to_query()),
            ..store::Entry::default()
        };
        store::audit(&site.pool, Utc::now(), entry).await?;
        Ok::<_, sqlx::Error>(rows)
    };
    let rows = match exported.await {
        Ok(rows) => rows,
        Err(error) => return refuse(site, parts, staff, error.into()).await,
    };
    let csv = app::staff::csv::queue(locale, rows);
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

async fn day_sheet(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
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
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

/// The case page, and a record that `staff` viewed it; with `problem`,
/// the change just refused and the values posted, kept for the form.
async fn case_page(
    site: Site,
    parts: Parts,
    staff: Staff,
    reference: &Reference,
    problem: Option<(StaffError, Vec<(String, String)>)>,
) -> Response {
    let saved = query_pairs(&parts).iter().any(|(k, _)| k == "saved");
    let page = match store::case_page(&site.pool, reference, &staff.login, Utc::now()).await {
        Ok(Some(page)) => page,
        Ok(None) => return refuse(site, parts, staff, StaffError::NotFound).await,
        Err(error) => return refuse(site, parts, staff, error.into()).await,
    };
    let mut page = Box::new(page);
    let status = if let Some((problem, posted)) = problem {
        let status = status_of(&problem);
        page.problem = Some(problem);
        page.posted = posted;
        status
    } else {
        page.notice = saved.then_some(Notice::Saved);
        StatusCode::OK
    };
    render(site, parts, Some(staff), StaffPage::Case(page), status).await
}

async fn case(
    State(site): State<Site>,
    staff: Staff,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let Some(reference) = Reference::parse(&reference) else {
        return refuse(site, parts, staff, StaffError::NotFound).await;
    };
    case_page(site, parts, staff, &reference, None).await
}

async fn change_case(
    State(site): State<Site>,
    staff: Staff,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(reference) = Reference::parse(&reference) else {
        return refuse(site, parts, staff, StaffError::NotFound).await;
    };
    let done = async {
        let action = CaseAction::from_form(&pairs)?;
        actions::act(&site.pool, &staff, &reference, action, Utc::now()).await
    };
    match done.await {
        Ok(()) => {
            Redirect::to(&format!("/staff/cases/{}?saved=1", reference.compact())).into_response()
        }
        // Told on the case page, above the form as it was posted.
        Err(problem) if problem.is_shown_on_the_case() => {
            case_page(site, parts, staff, &reference, Some((problem, pairs))).await
        }
        Err(error) => refuse(site, parts, staff, error).await,
    }
}

async fn not_found(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    refuse(site, parts, staff, StaffError::NotFound).await
}

/// The specialists page; with `refused`, again after a change whose values
/// could not be used.
async fn specialists_page(
    site: Site,
    parts: Parts,
    staff: Staff,
    refused: Option<StaffError>,
) -> Response {
    let loaded = async {
        Ok::<_, sqlx::Error>(SpecialistsPage {
            departments: store::departments(&site.pool).await?,
            specialists: store::specialists(&site.pool).await?,
            problem: refused.is_some(),
        })
    }
    .await;
    match loaded {
        Ok(page) => {
            let status = refused.as_ref().map_or(StatusCode::OK, status_of);
            let page = StaffPage::Specialists(page);
            render(site, parts, Some(staff), page, status).await
        }
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

async fn specialists(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    specialists_page(site, parts, staff, None).await
}

async fn change_specialists(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let done = async {
        let action = SpecialistAction::from_form(&pairs)?;
        actions::change_specialists(&site.pool, &staff, action, Utc::now()).await
    };
    match done.await {
        Ok(()) => Redirect::to("/staff/specialists").into_response(),
        Err(error @ StaffError::Unusable) => {
            specialists_page(site, parts, staff, Some(error)).await
        }
        Err(error) => refuse(site, parts, staff, error).await,
    }
}

/// The closure days page; with `refused`, again after a change whose values
/// could not be used.
async fn calendar_page(
    site: Site,
    parts: Parts,
    staff: Staff,
    refused: Option<StaffError>,
) -> Response {
    match app::store::closures(&site.pool).await {
        Ok(closures) => {
            let status = refused.as_ref().map_or(StatusCode::OK, status_of);
            let page = StaffPage::Calendar(CalendarPage {
                closures,
                problem: refused.is_some(),
                today: today(),
            });
            render(site, parts, Some(staff), page, status).await
        }
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

async fn calendar(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    calendar_page(site, parts, staff, None).await
}

async fn change_calendar(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let done = async {
        let action = ClosureAction::from_form(&pairs)?;
        actions::change_closures(&site.pool, &staff, action, Utc::now()).await
    };
    match done.await {
        Ok(()) => Redirect::to("/staff/calendar").into_response(),
        Err(error @ StaffError::Unusable) => calendar_page(site, parts, staff, Some(error)).await,
        Err(error) => refuse(site, parts, staff, error).await,
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
