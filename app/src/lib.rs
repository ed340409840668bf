//! The Leptos application: the HTML shell, the layout, the routes and the
//! pages. It is compiled twice: with `ssr` into the server, with `hydrate`
//! into the WebAssembly bundle that makes the server-rendered pages
//! interactive.

#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_i18n::context::CookieOptions;
use leptos_meta::{MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

pub mod api;
mod check;
pub mod clock;
#[cfg(feature = "ssr")]
mod db;
mod draft;
pub mod error;
mod form_fields;
pub mod format;
mod home;
mod layout;
mod panel;
#[cfg(feature = "ssr")]
pub mod posted;
pub mod request_page;
mod sent_page;
#[cfg(feature = "ssr")]
pub mod server;
pub mod status_page;
mod words;

use home::HomePage;
use i18n::{I18nContextProvider, Locale, t_string, td_string, use_i18n};

/// The cookie that remembers the chosen language, so that the server renders
/// the next page in it. Written by the language switch, with or without
/// JavaScript (see `server`'s `/set-lang`).
pub const LANGUAGE_COOKIE: &str = "i18n_pref_locale";

/// The document around every page, rendered only on the server. The
/// language attribute of `<html>` is set by the i18n provider.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: language, metadata, layout and the router.
#[component]
pub fn App() -> impl IntoView {
    let cookie_options: CookieOptions<Locale> = CookieOptions::default()
        .path("/")
        .max_age(365_i64 * 24 * 60 * 60 * 1000)
        .same_site(leptos_use::SameSite::Lax);
    view! {
        <I18nContextProvider cookie_options=cookie_options>
            <Stylesheet id="leptos" href="/pkg/second-opinion.css" />
            <PageTitle />
            <Router>
                <layout::Header />
                <main id="main" tabindex="-1">
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage />
                        <Route path=path!("/request") view=request_page::RequestPage />
                        // Rendered whole before it is sent, so that it reads
                        // without JavaScript and prints as it is.
                        <Route
                            path=path!("/request/sent/:reference")
                            view=sent_page::SentPage
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("/status") view=status_page::StatusLookupPage />
                    </Routes>
                </main>
            </Router>
        </I18nContextProvider>
    }
}

/// `<title>`: the page's own title, then the service's name.
#[component]
fn PageTitle() -> impl IntoView {
    let i18n = use_i18n();
    let formatter = move |page: String| {
        let service = t_string!(i18n, service_name).to_string();
        if page == service {
            page
        } else {
            format!("{page} | {service}")
        }
    };
    view! { <Title formatter /> }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(leptos::server_fn::http_export::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, not_found.title).to_owned() />
        <h1>{tr(i18n, |l| td_string!(l, not_found.title))}</h1>
        <p>
            <a href="/">{tr(i18n, |l| td_string!(l, not_found.back))}</a>
        </p>
    }
}

/// A text of the page in the page's language, following the language
/// switch. Every text goes through this one function with a plain function
/// pointer, so the browser's bundle holds one reactive text type instead of
/// one per text (as each `t!` closure would be).
pub fn tr(
    i18n: leptos_i18n::I18nContext<Locale>,
    text: fn(Locale) -> &'static str,
) -> impl IntoView + Copy {
    move || text(i18n.get_locale())
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

/// The browser's entry point: attaches the application to the
/// server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    draft::capture_typed_before_hydration();
    leptos::mount::hydrate_body(App);
}
