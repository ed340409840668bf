//! The signed-in member's page: the guard in front of every staff route
//! but the sign-in's (it finds the session before any handler or query
//! runs), the admins' role layer, the `Desk` every handler behind them
//! takes (the site, the member, the request's head), and the one place a
//! `StaffError` marked as a page becomes one.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use domain::reference::Reference;
use leptos::prelude::*;
use leptos_meta::Title;
use sqlx::AnyPool;

use super::auth::{self, SignInAlert};
use super::error::ShownAsPage;
use super::frame::StaffFrame;
use super::store::{CaseRow, case_row};
use super::{Role, Staff, StaffError};
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, record};
use crate::http::{FormPairs, Head, Site};
use crate::i18n::{Locale, td_string};

/// A staff page being answered for the signed-in member: what every
/// handler behind the guard takes.
#[derive(Debug, Clone)]
pub struct Desk {
    pub site: Site,
    pub staff: Staff,
    head: Head,
    /// The client's address, as the trusted-proxy rule gives it.
    client: std::net::IpAddr,
}

impl FromRequestParts<Site> for Desk {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, site: &Site) -> Result<Self, Self::Rejection> {
        // The guard put the member on the request; outside it, nobody.
        let staff = parts
            .extensions
            .get::<Staff>()
            .cloned()
            .ok_or_else(|| (StatusCode::UNAUTHORIZED, "sign in first").into_response())?;
        let Ok(head) = Head::from_request_parts(parts, site).await;
        let crate::http::Client(client) =
            crate::http::Client::from_request_parts(parts, site).await?;
        Ok(Self {
            site: site.clone(),
            staff,
            head,
            client,
        })
    }
}

/// A staff page for someone not signed in: the sign-in pages.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub site: Site,
    head: Head,
}

impl FromRequestParts<Site> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, site: &Site) -> Result<Self, Self::Rejection> {
        let Ok(head) = Head::from_request_parts(parts, site).await;
        Ok(Self {
            site: site.clone(),
            head,
        })
    }
}

impl Visitor {
    pub fn headers(&self) -> &HeaderMap {
        &self.head.0.headers
    }

    /// The query's pairs, an unreadable query read as none.
    pub fn query(&self) -> FormPairs {
        self.head.query()
    }

    /// The sign-in page `page`, with `status`.
    pub async fn render(
        self,
        status: StatusCode,
        page: impl Fn() -> AnyView + Clone + Send + Sync + 'static,
    ) -> Response {
        render(self.site, self.head, None, Vec::new(), status, page).await
    }
}

impl Desk {
    pub fn pool(&self) -> &AnyPool {
        &self.site.pool
    }

    /// Now, by the app's clock.
    pub fn now(&self) -> DateTime<Utc> {
        crate::clock::now()
    }

    /// Today in Japan.
    pub fn today(&self) -> NaiveDate {
        crate::clock::now_in_japan().date()
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.head.0.headers
    }

    /// The query's pairs, an unreadable query read as none.
    pub fn query(&self) -> FormPairs {
        self.head.query()
    }

    /// The language of the member's pages: the language cookie, else
    /// `Accept-Language`, else Japanese (as the pages choose).
    pub fn locale(&self) -> Locale {
        crate::http::cookies::language_of(self.headers())
    }

    /// Refused unless the member works reception's pages (reception and
    /// admins).
    pub fn reception(&self) -> Result<(), StaffError> {
        if self.staff.role.works_reception() {
            Ok(())
        } else {
            Err(StaffError::Forbidden)
        }
    }

    /// The specialist of the list the member is; refused for anyone else.
    pub fn specialist(&self) -> Result<i64, StaffError> {
        self.staff
            .specialist_id
            .filter(|_| self.staff.role == Role::Specialist)
            .ok_or(StaffError::Forbidden)
    }

    /// The case with `reference`, if the member may see it: every case for
    /// reception and admins, only those assigned to them for a specialist.
    /// Another's case is "not found", as one that does not exist, and the
    /// attempt is recorded; a reduced case is what is left of it.
    pub async fn case(&self, reference: &Reference) -> Result<CaseRow, StaffError> {
        let row = case_row(self.pool(), reference)
            .await?
            .ok_or(StaffError::NotFound)?;
        if self.staff.role == Role::Specialist && row.specialist_id != self.staff.specialist_id {
            self.record_seen(AuditAction::CaseViewRefused, Some(row.id), None)
                .await?;
            return Err(StaffError::NotFound);
        }
        row.whole()
    }

    /// Records that the member is shown personal data (`action`, with
    /// `detail`): a page that cannot be recorded is not shown.
    pub async fn record_view(&self, action: AuditAction, detail: &str) -> Result<(), sqlx::Error> {
        self.record_seen(action, None, Some(detail)).await
    }

    /// Records that the member is shown (or refused) personal data:
    /// `action` on the case `case_id`, with `detail`; the line names the
    /// member, the client's address and the session (`session N`), so that
    /// a session used from two places shows.
    pub async fn record_seen(
        &self,
        action: AuditAction,
        case_id: Option<i64>,
        detail: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        let (address, session) = (
            self.client.to_string(),
            format!("session {}", self.staff.session_id),
        );
        let entry = Entry {
            actor: Some(&self.staff.login),
            address: Some(&address),
            case_id,
            before: Some(&session),
            after: detail,
            ..Entry::of(action)
        };
        record(&self.site.pool, self.now(), entry).await
    }

    /// The page `page` for the member, with `status`; for an admin, with
    /// the sign-in alerts still open.
    pub async fn render(
        self,
        status: StatusCode,
        page: impl Fn() -> AnyView + Clone + Send + Sync + 'static,
    ) -> Response {
        let alerts = if self.staff.role == Role::Admin {
            auth::open_alerts(&self.site.pool)
                .await
                .unwrap_or_else(|error| {
                    tracing::error!(%error, "cannot read the sign-in alerts");
                    Vec::new()
                })
        } else {
            Vec::new()
        };
        render(self.site, self.head, Some(self.staff), alerts, status, page).await
    }
}

async fn render(
    site: Site,
    Head(head): Head,
    staff: Option<Staff>,
    alerts: Vec<SignInAlert>,
    status: StatusCode,
    page: impl Fn() -> AnyView + Clone + Send + Sync + 'static,
) -> Response {
    site.render_page(head, status, move || {
        let (staff, alerts, page) = (staff.clone(), alerts.clone(), page.clone());
        view! { <StaffFrame staff alerts>{page()}</StaffFrame> }.into_any()
    })
    .await
}

/// `Retry-After` on an answer that asks to wait `minutes`.
pub fn retry_after(mut response: Response, minutes: i64) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(minutes * 60));
    response
}

/// Finds the signed-in member, or stops the request: a page (GET) goes to
/// the sign-in page, anything else gets 401, before a handler or a query
/// runs. On the way back, a "not found" or "forbidden" becomes the staff
/// page saying so.
pub(super) async fn guard(
    State(site): State<Site>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let now = crate::clock::now();
    let https = crate::http::proxies::peer_of(request.extensions())
        .is_some_and(|peer| site.proxies.is_https(request.headers(), peer));
    let staff = match auth::session_token(request.headers(), https) {
        Some(token) => match auth::session(&site.pool, &token, now).await {
            Ok(staff) => staff,
            Err(error) => return StaffError::from(error).into_response(),
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
    let (mut parts, body) = request.into_parts();
    let Ok(head) = Head::from_request_parts(&mut parts, &site).await;
    let client = match crate::http::Client::from_request_parts(&mut parts, &site).await {
        Ok(crate::http::Client(client)) => client,
        Err(refused) => return refused,
    };
    let mut request = Request::from_parts(parts, body);
    request.extensions_mut().insert(staff.clone());
    let response = next.run(request).await;
    let Some(ShownAsPage(error)) = response.extensions().get::<ShownAsPage>().cloned() else {
        return response;
    };
    let desk = Desk {
        site,
        staff,
        head,
        client,
    };
    desk.render(error.status(), move || match error.clone() {
        StaffError::Forbidden => view! { <Forbidden /> }.into_any(),
        StaffError::Reduced(case) => view! { <ReducedCase case /> }.into_any(),
        _ => view! { <crate::NotFound /> }.into_any(),
    })
    .await
}

/// Lets only admins through (after the guard found the member).
pub(super) async fn admins_only(
    staff: Staff,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    if staff.role != Role::Admin {
        return StaffError::Forbidden.into_response();
    }
    next.run(request).await
}

/// Lets only reception and admins through; a specialist who opens the
/// queue (where signing in leads) goes to their own cases instead.
pub(super) async fn reception_only(
    staff: Staff,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    if staff.role.works_reception() {
        return next.run(request).await;
    }
    if request.method() == Method::GET && request.uri().path() == "/staff" {
        return Redirect::to("/staff/my-cases").into_response();
    }
    StaffError::Forbidden.into_response()
}

/// Lets only specialists (linked to the list) through.
pub async fn specialists_only(
    staff: Staff,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    if staff.role == Role::Specialist && staff.specialist_id.is_some() {
        return next.run(request).await;
    }
    StaffError::Forbidden.into_response()
}

/// Any other address under `/staff`.
pub(super) async fn not_found() -> StaffError {
    StaffError::NotFound
}

/// A reduced case: what the statistics keep, and that the rest is gone.
#[component]
fn ReducedCase(case: super::error::Reduced) -> impl IntoView {
    let locale = crate::use_locale();
    let title = td_string!(
        locale,
        staff.reduced_title,
        reference = case.reference.to_string()
    )
    .to_string();
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <p data-testid="reduced">
            {td_string!(locale, staff.reduced_text, on = crate::format::date(locale, case.reduced_on)).to_string()}
        </p>
        <dl class="answers">
            <div class="answer"><dt>{td_string!(locale, staff.area)}</dt><dd>{super::words::area(locale, case.area)}</dd></div>
            <div class="answer"><dt>{td_string!(locale, staff.received_on)}</dt><dd>{crate::format::date(locale, case.received_on)}</dd></div>
            <div class="answer"><dt>{td_string!(locale, staff.status)}</dt><dd>{super::words::status(locale, case.status)}</dd></div>
        </dl>
    }
}

#[component]
fn Forbidden() -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        <Title text=td_string!(locale, staff.forbidden).to_owned() />
        <h1>{td_string!(locale, staff.forbidden)}</h1>
    }
}
