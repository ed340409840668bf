//! What every page shares: the skip link, the service's name and the
//! language switch.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::{I18nLocaleTrait, Locale, t, t_string, use_i18n};

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <a class="service-name" href="/">
                <span class="hospital">{t!(i18n, hospital)}</span>
                " "
                <span>{t!(i18n, service_name)}</span>
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
                    i18n.set_locale(other());
                }
            >
                {t!(i18n, language.switch_to)}
            </a>
        </nav>
    }
}

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
