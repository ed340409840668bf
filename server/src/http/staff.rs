//! Reception's routes. Every route under `/staff` except the sign-in page
//! passes through [`guard`], which finds the session and the staff member
//! before any handler runs; a request without a live session gets a
//! redirect to the sign-in page (pages) or 401 (posts), and no data. Posts
//! from other sites are refused before they get here (`security`).
//!
//! Handlers take the signed-in [`Staff`] as an extractor and answer a
//! [`StaffError`] through [`refuse`], the one place it becomes a response.

use app::audit::AuditAction;
use app::audit::chain::{Entry, record};
use app::i18n::Locale;
use app::staff::actions::{
    self, AccountAction, AdminAccountAction, CaseAction, ClosureAction, SpecialistAction,
};
use app::staff::auth::{self, CodeOutcome, PasswordChange, PasswordOutcome};
use app::staff::{
    AccountNotice, AccountPage, AccountProblem, AccountsPage, Alerts, CalendarPage, CodePage,
    DaySheetPage, LoginPage, LoginProblem, Notice, QueueFilters, Role, SpecialistsPage, Staff,
    StaffError, StaffPage, store,
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
        .route("/staff/accounts", get(accounts).post(change_accounts))
        .route_layer(middleware::from_fn_with_state(site.clone(), admins_only));
    let guarded = Router::new()
        .route("/staff", get(queue))
        .route("/staff/export.csv", get(export_csv))
        .route("/staff/day-sheet", get(day_sheet))
        .route("/staff/cases/{reference}", get(case).post(change_case))
        .route("/staff/account", get(account).post(change_account))
        .route("/staff/keep-alive", post(keep_alive))
        .merge(admin)
        .route("/staff/logout", post(logout))
        .route("/staff/{*rest}", any(not_found))
        .route_layer(middleware::from_fn_with_state(site.clone(), guard));
    // Signing in: the only staff routes without a session.
    Router::new()
        .route("/staff/login", get(login_page).post(login))
        .route("/staff/login/code", get(code_page).post(code))
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
    let https = is_https(site.client_address, request.headers());
    let staff = match auth::session_token(request.headers(), https) {
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

/// Renders a staff page for `staff` (none on the sign-in pages); for an
/// admin, with the sign-in alerts still open.
async fn render(
    site: Site,
    parts: Parts,
    staff: Option<Staff>,
    page: StaffPage,
    status: StatusCode,
) -> Response {
    let alerts = match &staff {
        Some(staff) if staff.role == Role::Admin => {
            auth::open_alerts(&site.pool).await.unwrap_or_else(|error| {
                tracing::error!(%error, "cannot read the sign-in alerts");
                Vec::new()
            })
        }
        _ => Vec::new(),
    };
    site.render_with(
        parts,
        move || {
            if let Some(staff) = staff.clone() {
                provide_context(staff);
            }
            provide_context(Alerts(alerts.clone()));
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

fn form_value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

async fn login_page(State(site): State<Site>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let pairs = query_pairs(&parts);
    let has = |name: &str| pairs.iter().any(|(k, _)| k == name);
    let problem = if has("out") {
        Some(LoginProblem::SignedOut)
    } else if has("ended") {
        Some(LoginProblem::SessionEnded)
    } else {
        None
    };
    let page = LoginPage {
        login: String::new(),
        next: safe_next(form_value(&pairs, "next")).to_owned(),
        problem,
    };
    render(site, parts, None, StaffPage::Login(page), StatusCode::OK).await
}

/// The first step: login and password. Right, the browser gets a pending
/// sign-in's cookie and goes on to the code; the login typed is kept on
/// every other answer, the password never.
async fn login(State(site): State<Site>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(address) = site.client_of(&parts) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let https = is_https(site.client_address, &parts.headers);
    let login = form_value(&pairs, "login")
        .chars()
        .take(64)
        .collect::<String>();
    let next = safe_next(form_value(&pairs, "next")).to_owned();
    let password = form_value(&pairs, "password");
    let now = Utc::now();
    let outcome = auth::check_password(
        &site.pool,
        &site.login_key,
        &login,
        password,
        address,
        &next,
        now,
    )
    .await;
    let (problem, status) = match outcome {
        Ok(PasswordOutcome::CodeNeeded { token }) => {
            // A pending sign-in the browser brought along is over.
            if let Some(old) = auth::pending_token(&parts.headers, https) {
                let _ = auth::end_pending(&site.pool, &old).await;
            }
            return (
                AppendHeaders([(header::SET_COOKIE, auth::pending_cookie(&token, https))]),
                Redirect::to("/staff/login/code"),
            )
                .into_response();
        }
        Ok(PasswordOutcome::Refused) => (LoginProblem::Refused, StatusCode::UNAUTHORIZED),
        Ok(PasswordOutcome::NotEnrolled) => (LoginProblem::NotEnrolled, StatusCode::FORBIDDEN),
        Ok(PasswordOutcome::Throttled { minutes }) => (
            LoginProblem::TooManyAttempts { minutes },
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(error) => return in_words(&error.into()),
    };
    let page = LoginPage {
        login,
        next,
        problem: Some(problem),
    };
    render(site, parts, None, StaffPage::Login(page), status).await
}

async fn code_page(State(site): State<Site>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let https = is_https(site.client_address, &parts.headers);
    if auth::pending_token(&parts.headers, https).is_none() {
        return Redirect::to("/staff/login").into_response();
    }
    let page = StaffPage::Code(CodePage::default());
    render(site, parts, None, page, StatusCode::OK).await
}

/// The second step: the code (or a recovery code) for the pending sign-in.
/// Accepted, a new session begins and the browser goes where it was going.
async fn code(State(site): State<Site>, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(address) = site.client_of(&parts) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let https = is_https(site.client_address, &parts.headers);
    let Some(pending) = auth::pending_token(&parts.headers, https) else {
        return Redirect::to("/staff/login").into_response();
    };
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let typed = form_value(&pairs, "code");
    let now = Utc::now();
    let outcome = auth::check_code(
        &site.pool,
        &site.login_key,
        &pending,
        typed,
        address,
        &user_agent,
        now,
    )
    .await;
    let (page, status) = match outcome {
        Ok(CodeOutcome::SignedIn { token, next }) => {
            // A session the browser brought along is ended: never reused.
            if let Some(old) = auth::session_token(&parts.headers, https) {
                let _ = auth::end_session(&site.pool, &old).await;
            }
            let cookies = [
                (header::SET_COOKIE, auth::session_cookie(&token, https)),
                (
                    header::SET_COOKIE,
                    auth::cleared_cookie(auth::PENDING_COOKIE, https),
                ),
            ];
            return (AppendHeaders(cookies), Redirect::to(safe_next(&next))).into_response();
        }
        Ok(CodeOutcome::Refused) => (
            StaffPage::Code(CodePage {
                problem: Some(LoginProblem::CodeRefused),
            }),
            StatusCode::UNAUTHORIZED,
        ),
        Ok(CodeOutcome::Throttled { minutes }) => (
            StaffPage::Code(CodePage {
                problem: Some(LoginProblem::TooManyAttempts { minutes }),
            }),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Ok(CodeOutcome::Expired) => {
            let page = LoginPage {
                login: String::new(),
                next: "/staff".to_owned(),
                problem: Some(LoginProblem::Expired),
            };
            let cleared = auth::cleared_cookie(auth::PENDING_COOKIE, https);
            let response = render(
                site,
                parts,
                None,
                StaffPage::Login(page),
                StatusCode::UNAUTHORIZED,
            )
            .await;
            return (AppendHeaders([(header::SET_COOKIE, cleared)]), response).into_response();
        }
        Err(error) => return in_words(&error.into()),
    };
    render(site, parts, None, page, status).await
}

async fn logout(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let https = is_https(site.client_address, &parts.headers);
    if let Some(token) = auth::session_token(&parts.headers, https) {
        let ended = async {
            auth::end_session(&site.pool, &token).await?;
            auth::record_sign_out(&site.pool, &staff, Utc::now()).await
        };
        if let Err(error) = ended.await {
            return refuse(site, parts, staff, error.into()).await;
        }
    }
    let cookie = auth::cleared_cookie(auth::SESSION_COOKIE, https);
    (
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Redirect::to("/staff/login?out=1"),
    )
        .into_response()
}

/// The session goes on (the guard touched it): when it ends now, for the
/// page's clock.
async fn keep_alive(staff: Staff, request: Request) -> Response {
    let locale = locale_of(request.headers());
    let ends_at = (staff.session_ends - chrono::TimeDelta::hours(9))
        .and_utc()
        .timestamp();
    let answer = serde_json::json!({
        "ends_at": ends_at,
        "idle": staff.ends_when_idle,
        "text": app::staff::pages::session_clock(locale, &staff),
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        answer.to_string(),
    )
        .into_response()
}

/// Records that `staff` is shown personal data (`action`, with `detail`):
/// a page that cannot be recorded is not shown.
async fn record_view(
    site: &Site,
    staff: &Staff,
    action: AuditAction,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let entry = Entry {
        actor: Some(&staff.login),
        after: Some(detail),
        ..Entry::of(action)
    };
    record(&site.pool, Utc::now(), entry).await
}

async fn queue(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let filters = QueueFilters::from_query(&query_pairs(&parts));
    let shown = async {
        let detail = format!("{} page={}", filters.to_query(), filters.page);
        record_view(&site, &staff, AuditAction::QueueViewed, &detail).await?;
        store::queue_page(&site.pool, filters, today()).await
    };
    match shown.await {
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
        record_view(
            &site,
            &staff,
            AuditAction::QueueExported,
            &filters.to_query(),
        )
        .await?;
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
    let shown = async {
        record_view(&site, &staff, AuditAction::DaySheetViewed, &day.to_string()).await?;
        store::day_sheet(&site.pool, day).await
    };
    match shown.await {
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

/// The member's account page; with `problem`, again after a password
/// change that was refused (the typed passwords are never shown again).
async fn account_page(
    site: Site,
    parts: Parts,
    staff: Staff,
    problem: Option<AccountProblem>,
) -> Response {
    let notice = query_pairs(&parts)
        .iter()
        .find(|(k, _)| k == "done")
        .and_then(|(_, v)| match v.as_str() {
            "password" => Some(AccountNotice::PasswordChanged),
            "session" => Some(AccountNotice::SessionEnded),
            "others" => Some(AccountNotice::OthersEnded),
            _ => None,
        });
    let now = Utc::now();
    let loaded = async {
        Ok::<_, sqlx::Error>(AccountPage {
            sessions: auth::sessions_of(&site.pool, &staff, now).await?,
            recovery_codes_left: auth::recovery_codes_left(&site.pool, staff.user_id).await?,
            password_changed: auth::password_changed_at(&site.pool, staff.user_id)
                .await?
                .map(|at| app::store::in_japan(&at)),
            problem,
            notice: notice.filter(|_| problem.is_none()),
        })
    };
    match loaded.await {
        Ok(page) => {
            let status = match problem {
                None => StatusCode::OK,
                Some(AccountProblem::TooManyAttempts { .. }) => StatusCode::TOO_MANY_REQUESTS,
                Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
            };
            render(site, parts, Some(staff), StaffPage::Account(page), status).await
        }
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

async fn account(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    account_page(site, parts, staff, None).await
}

async fn change_account(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(address) = site.client_of(&parts) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let now = Utc::now();
    let done = async {
        match AccountAction::from_form(&pairs)? {
            AccountAction::ChangePassword {
                current,
                code,
                new,
                repeated,
            } => {
                let change = PasswordChange {
                    current: &current,
                    code: &code,
                    new: &new,
                    repeated: &repeated,
                };
                let hospital = &site.hospital;
                let key = &site.login_key;
                let changed = auth::change_own_password(
                    &site.pool, key, &staff, &change, hospital, address, now,
                )
                .await?;
                Ok::<_, StaffError>(changed.map(|()| "password"))
            }
            AccountAction::EndSession { id } => {
                let id = id.ok_or(StaffError::BadForm)?;
                if !auth::end_own_session(&site.pool, &staff, id, now).await? {
                    return Err(StaffError::NotFound);
                }
                Ok(Ok("session"))
            }
            AccountAction::EndOthers => {
                auth::end_other_sessions(&site.pool, &staff, now).await?;
                Ok(Ok("others"))
            }
        }
    };
    match done.await {
        Ok(Ok(what)) => Redirect::to(&format!("/staff/account?done={what}")).into_response(),
        Ok(Err(problem)) => account_page(site, parts, staff, Some(problem)).await,
        Err(error) => refuse(site, parts, staff, error).await,
    }
}

/// The admins' page of members and their sessions.
async fn accounts(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let notice = query_pairs(&parts).iter().any(|(k, _)| k == "done");
    match auth::members(&site.pool, Utc::now()).await {
        Ok(members) => {
            let page = StaffPage::Accounts(AccountsPage { members, notice });
            render(site, parts, Some(staff), page, StatusCode::OK).await
        }
        Err(error) => refuse(site, parts, staff, error.into()).await,
    }
}

async fn change_accounts(State(site): State<Site>, staff: Staff, request: Request) -> Response {
    let (parts, pairs) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let now = Utc::now();
    let done = async {
        let found = match AdminAccountAction::from_form(&pairs)? {
            AdminAccountAction::EndSessions { login } => {
                auth::end_sessions_of(&site.pool, &staff, &login, now).await?
            }
            AdminAccountAction::AcknowledgeAlert { id } => {
                let id = id.ok_or(StaffError::BadForm)?;
                auth::acknowledge_alert(&site.pool, &staff, id, now).await?
            }
        };
        if found {
            Ok(())
        } else {
            Err(StaffError::NotFound)
        }
    };
    match done.await {
        Ok(()) => Redirect::to("/staff/accounts?done=1").into_response(),
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
