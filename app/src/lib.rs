//! The Leptos application: the HTML shell, the frame, the routes and the
//! pages of both areas with their handlers and queries. It is compiled
//! twice: with `ssr` into the server, which renders every page, and with
//! `hydrate` into the WebAssembly bundle. The bundle holds only the
//! islands, the parts of a page that react in the browser (the request
//! form with its live panel, the print button, the one that forgets the
//! draft); everything else is plain HTML from the server, with links and
//! forms that work without JavaScript.

#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Html, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

// The shared layer: what both areas stand on.
pub mod area;
pub mod audit;
pub mod clock;
pub mod closures;
pub mod error;
pub mod forecast;
pub mod format;
pub mod hospital;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod message;
#[cfg(feature = "ssr")]
pub mod store;
mod ui;
mod words;

// The areas. The patient's and reception's never import each other; the
// specialist's is built on reception's sign-in and desk. Reception's and
// the specialist's pages are rendered on the server only: none of them is
// in the browser's bundle.
pub mod patient;
#[cfg(feature = "ssr")]
pub mod specialist;
#[cfg(feature = "ssr")]
pub mod staff;

use i18n::{Locale, td_string};

/// The cookie that remembers the chosen language, so that the server renders
/// the next page in it. Written by the language switch, with or without
/// JavaScript (`/set-lang`, `http::cookies::language_cookie`).
pub const LANGUAGE_COOKIE: &str = "i18n_pref_locale";

/// The document around every page the app's router serves, rendered only
/// on the server. The language attribute of `<html>` is set by [`Frame`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    html_document(options, App)
}

/// The document around a page a handler renders itself (reception's
/// pages, the answer links'), inside the same frame as every other page.
#[cfg(feature = "ssr")]
pub fn page_shell(
    options: LeptosOptions,
    page: impl Fn() -> AnyView + Clone + Send + 'static,
) -> impl IntoView {
    html_document(options, move || {
        let page = page.clone();
        view! { <Frame>{page()}</Frame> }
    })
}

/// The HTML document: the head every page has, and `body` in it.
fn html_document<Body: IntoView + 'static>(
    options: LeptosOptions,
    body: impl Fn() -> Body + Send + 'static,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // The stylesheet under its content-hashed name.
                <HashedStylesheet options=options.clone() id="leptos" />
                // Without JavaScript every question and the whole panel show.
                <noscript><link rel="stylesheet" href="/noscript.css" /></noscript>
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                {body()}
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from this site or with
/// this response's nonce (Leptos's inline scripts carry it), WebAssembly
/// compiled from this site's bundle, nothing else from anywhere.
#[cfg(feature = "ssr")]
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

#[cfg(feature = "ssr")]
fn content_security_policy() {
    use leptos::server_fn::http_export::{HeaderValue, header};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(policy) = HeaderValue::from_str(&page_policy(nonce.as_inner())) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// The application: the patient's pages, by the app's router, in the
/// frame. Reception's pages and the answer links' are served by their
/// handlers (`routes`), which render their own components in the same
/// frame (`page_shell`).
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Frame>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=patient::home::HomePage />
                <Route path=path!("/request") view=patient::request::RequestPage />
                // Rendered whole before it is sent, so that it reads
                // without JavaScript and prints as it is.
                <Route
                    path=path!("/request/sent/:reference")
                    view=patient::sent::SentPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/request/sent/:reference/:paper")
                    view=patient::papers::SentPaperPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/status") view=patient::status::StatusLookupPage />
                <Route path=path!("/status/paper") view=patient::status::StatusPaperPage />
                <Route path=path!("/status/form-link") view=patient::status::StatusLookupPage />
            </Routes>
        </Frame>
    }
}

/// What every page is inside: the language, the title, the header with the
/// language switch, and `<main>`.
#[component]
fn Frame(children: Children) -> impl IntoView {
    leptos_meta::provide_meta_context();
    let locale = page_locale();
    provide_context(locale);
    view! {
        <Html attr:lang=i18n::I18nLocaleTrait::as_str(locale) attr:dir="ltr" />
        <PageTitle />
        <Router>
            <ui::layout::Header />
            <main id="main" tabindex="-1">
                {children()}
            </main>
        </Router>
    }
}

/// The page's language, chosen by the server from the request (the
/// language cookie, then `Accept-Language`: `http::cookies::language_of`),
/// and given to everything below as a plain value. Not `leptos_i18n`'s
/// context provider: its effect that writes the language cookie runs as a
/// task of its own after the render, and read its signal after a quick
/// render had disposed of it (a panic in the server's log, seen under a
/// flood of sign-in attempts), for a cookie the language switch writes
/// anyway.
fn page_locale() -> Locale {
    #[cfg(feature = "ssr")]
    let locale = use_context::<axum::http::request::Parts>()
        .map(|parts| http::cookies::language_of(&parts.headers))
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let locale = Locale::default();
    locale
}

/// Every route the app's handlers serve (server only): the language switch,
/// the patient's posted pages, and reception. The `server` crate mounts
/// them beside the router's pages and the server functions.
#[cfg(feature = "ssr")]
pub fn routes<S: Clone + Send + Sync + 'static>(site: http::Site) -> axum::Router<S> {
    axum::Router::new()
        .merge(ui::layout::routes())
        .merge(patient::routes(site.clone()))
        .merge(staff::routes(site.clone()))
        .merge(specialist::routes(site))
}

/// `<title>`: the page's own title, then the service's name.
#[component]
fn PageTitle() -> impl IntoView {
    let locale = crate::use_locale();
    let formatter = move |page: String| {
        let service = td_string!(locale, service_name).to_string();
        if page == service {
            page
        } else {
            format!("{page} | {service}")
        }
    };
    view! { <Title formatter /> }
}

#[component]
pub(crate) fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(leptos::server_fn::http_export::StatusCode::NOT_FOUND);
    }
    let locale = crate::use_locale();
    view! {
        <Title text=move || td_string!(locale, not_found.title).to_owned() />
        <h1>{td_string!(locale, not_found.title)}</h1>
        <p>
            <a href="/">{td_string!(locale, not_found.back)}</a>
        </p>
    }
}

/// The page's language. Changing it loads the page again (`/set-lang`), so
/// no text needs to follow it reactively: on the server it comes from
/// [`Frame`], in an island from [`island_locale`].
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// The page's language for an island, which it also provides to its parts:
/// the server's on the server, and in the browser the page's `<html
/// lang>`, which the server wrote. Islands take no props, so no JSON
/// reader reaches the bundle.
pub fn island_locale() -> Locale {
    #[cfg(target_arch = "wasm32")]
    let locale = document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|lang| lang.parse().ok())
        .unwrap_or_default();
    #[cfg(not(target_arch = "wasm32"))]
    let locale = use_locale();
    provide_context(locale);
    locale
}

/// Erases a component's view type on the server, where the nested types of
/// a long form otherwise produce debug information beyond what the linker
/// can address; in the browser the concrete type is kept, because an erased
/// view carries every rendering method into the bundle.
pub trait Erase: IntoView + Sized + 'static {
    #[cfg(not(target_arch = "wasm32"))]
    fn erase(self) -> AnyView {
        self.into_any()
    }

    #[cfg(target_arch = "wasm32")]
    #[must_use]
    fn erase(self) -> Self {
        self
    }
}

impl<T: IntoView + 'static> Erase for T {}

/// Asks browsers and proxies not to keep a page that holds personal data
/// (answers, a reference, a status).
fn no_store() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        use leptos::server_fn::http_export::{HeaderValue, header};
        response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// The browser's entry point: brings the islands of the server-rendered
/// page to life. On every page of the site, a draft older than a week is
/// forgotten first (not only when the form is opened again).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    patient::request::draft::forget_if_expired();
    leptos::mount::hydrate_islands();
}
