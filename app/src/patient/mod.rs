//! The patient's journey: the hospital's information (`/`), the request
//! form with its live panel and check step (`/request`), the confirmation
//! (`/request/sent/<reference>`) with its papers, the status look-up
//! (`/status`), the page an e-mail's answer link opens
//! (`/respond/<token>`), the one the request form's e-mailed link opens
//! (`/form/<token>`) and the one a doctor checks a printed report on
//! (`/verify`), with their server functions (`api`), the forms as
//! posted without JavaScript (each slice's `posted`), and their SQL
//! (`store`). Nothing here imports reception (`staff`), nor is imported by
//! it.

#[cfg(feature = "ssr")]
pub mod answer_link;
pub mod api;
#[cfg(feature = "ssr")]
pub mod confirm_address;
#[cfg(feature = "ssr")]
pub mod finish;
#[cfg(feature = "ssr")]
pub mod form_link;
pub mod home;
pub mod papers;
pub mod request;
pub mod sent;
pub mod status;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod verify;

/// The patient's routes a handler serves (the pages themselves are the
/// app's Leptos routes): the forms posted, and the answer links.
#[cfg(feature = "ssr")]
pub fn routes<S: Clone + Send + Sync + 'static>(site: crate::http::Site) -> axum::Router<S> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/request", post(request::posted::post))
        .route("/request/sent/finish", post(finish::post))
        .route("/status", post(status::posted::post_status))
        .route("/status/calendar", post(status::posted::post_calendar))
        .route("/status/paper", post(status::posted::post_paper))
        .route("/status/form-link", post(status::posted::post_form_link))
        .route(
            "/respond/{token}",
            get(answer_link::show).post(answer_link::confirm),
        )
        .with_state(site.clone())
        .merge(confirm_address::routes(site.clone()))
        .merge(form_link::routes(site.clone()))
        .merge(verify::routes(site))
}
