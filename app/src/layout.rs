//! What every page shares: the skip link, the service's name and the
//! language switch.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::{I18nLocaleTrait, Locale, t_string, td_string, use_i18n};
use crate::tr;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#main">{tr(i18n, |l| td_string!(l, skip_to_content))}</a>
        <header class="site-header">
            <a class="service-name" href="/">
                <span class="hospital">{tr(i18n, |l| td_string!(l, hospital))}</span>
                " "
                <span>{tr(i18n, |l| td_string!(l, service_name))}</span>
            </a>
            <LanguageSwitch />
        </header>
    }
}

/// The other language's name, as a link. Without JavaScript it goes through
/// the server's `/set-lang`, which sets the cookie and comes back here; once
/// hydrated it switches in place.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let other = move || match i18n.get_locale() {
        Locale::en => Locale::ja,
        Locale::ja => Locale::en,
    };
    let href = move || {
        let (path, query) = (location.pathname.get(), location.search.get());
        let back = if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        };
        format!(
            "/set-lang?lang={}&next={}",
            other().as_str(),
            encode_query_value(&back)
        )
    };
    view! {
        <nav class="language" aria-label=move || t_string!(i18n, language.label)>
            <a
                href=href
                rel="external"
                hreflang=move || other().as_str()
                lang=move || other().as_str()
                on:click=move |event| {
                    event.prevent_default();
                    let locale = other();
                    remember_language(locale);
                    i18n.set_locale(locale);
                }
            >
                {tr(i18n, |l| td_string!(l, language.switch_to))}
            </a>
        </nav>
    }
}

/// Writes the language cookie the server reads, as `/set-lang` does. The
/// browser writes it itself rather than through `leptos_i18n`'s cookie
/// support, which would bring a cookie parser and a date library into the
/// bundle.
#[cfg(target_arch = "wasm32")]
fn remember_language(locale: Locale) {
    use leptos::wasm_bindgen::JsCast;
    if let Ok(document) = document().dyn_into::<leptos::web_sys::HtmlDocument>() {
        let _ = document.set_cookie(&format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            crate::LANGUAGE_COOKIE,
            locale.as_str()
        ));
    }
}

#[cfg(not(target_arch = "wasm32"))]
const fn remember_language(_locale: Locale) {}

/// Percent-encodes a path for a query value, the same way on the server and
/// in the browser so that hydration finds the same `href`.
fn encode_query_value(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_is_percent_encoded() {
        assert_eq!(
            encode_query_value("/status?ref=AB CD&x=1"),
            "/status%3Fref%3DAB%20CD%26x%3D1"
        );
        assert_eq!(encode_query_value("/request"), "/request");
    }
}
