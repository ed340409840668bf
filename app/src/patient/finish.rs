//! `POST /request/sent/finish`: "Finish" on the confirmation. The browser's
//! confirmation token is ended and its cookie cleared, so that the next
//! person at a shared computer finds nothing; then the home page.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};

use crate::error::AppError;
use crate::http::{Https, Site};
use crate::patient::api::SENT_COOKIE;

pub async fn post(State(site): State<Site>, Https(https): Https, headers: HeaderMap) -> Response {
    if let Some(token) = crate::http::cookies::private_cookie_value(&headers, SENT_COOKIE) {
        // Not ended (the database busy): the cookie goes all the same, and
        // the token ends by itself within its hour or day.
        if let Err(error) = crate::patient::store::end_sent_token(&site.pool, &token).await {
            let _logged = AppError::from(error);
        }
    }
    let cleared = crate::http::cookies::private_cookie(SENT_COOKIE, https, String::new())
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string();
    (
        AppendHeaders([(header::SET_COOKIE, cleared)]),
        Redirect::to("/?finished=1"),
    )
        .into_response()
}
