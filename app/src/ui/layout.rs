//! What every page shares: the skip link, the service's name and the
//! language switch.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::{I18nLocaleTrait, Locale, td_string};

#[component]
pub fn Header() -> impl IntoView {
    let locale = crate::use_locale();
    view! {
        <a class="skip-link" href="#main">{td_string!(locale, skip_to_content)}</a>
        <header class="site-header">
            <a class="service-name" href="/">
                <span class="hospital">{td_string!(locale, hospital)}</span>
                " "
                <span>{td_string!(locale, service_name)}</span>
            </a>
            <LanguageSwitch />
        </header>
    }
}

/// The other language's name, as a link through the server's `/set-lang`,
/// which sets the cookie and comes back to this page in that language. The
/// request form's answers survive the reload in the draft.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let locale = crate::use_locale();
    let location = use_location();
    let other = match locale {
        Locale::en => Locale::ja,
        Locale::ja => Locale::en,
    };
    let back = {
        let (path, query) = (
            location.pathname.get_untracked(),
            location.search.get_untracked(),
        );
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    };
    let href = format!(
        "/set-lang?lang={}&next={}",
        other.as_str(),
        encode_query_value(&back)
    );
    view! {
        <nav class="language" aria-label=td_string!(locale, language.label)>
            <a href=href hreflang=other.as_str() lang=other.as_str()>
                {td_string!(locale, language.switch_to)}
            </a>
        </nav>
    }
}

/// Percent-encodes a path for a query value.
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
