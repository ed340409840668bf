//! What every page shares: the skip link, the service's name and the
//! language switch, with its route (`/set-lang`) for the server.

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

/// The pages whose address holds a secret: the links of the e-mails (an
/// answer, the address's confirmation, the request form).
const SECRET_PATHS: &[&str] = &["/respond/", "/confirm/", "/form/"];

/// The other language's name, as a link through the server's `/set-lang`,
/// which sets the cookie and comes back to this page in that language. The
/// request form's answers survive the reload in the draft. On a page whose
/// address holds a secret ([`SECRET_PATHS`]), the way back is posted
/// instead, so that it never stands in an address a log keeps.
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
    if SECRET_PATHS.iter().any(|secret| back.starts_with(secret)) {
        return view! {
            <nav class="language" aria-label=td_string!(locale, language.label)>
                <form method="post" action="/set-lang">
                    <input type="hidden" name="lang" value=other.as_str() />
                    <input type="hidden" name="next" value=back />
                    <button type="submit" class="link" lang=other.as_str()>
                        {td_string!(locale, language.switch_to)}
                    </button>
                </form>
            </nav>
        }
        .into_any();
    }
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
    .into_any()
}

/// The language switch's route.
#[cfg(feature = "ssr")]
pub fn routes<S: Clone + Send + Sync + 'static>() -> axum::Router<S> {
    axum::Router::new().route(
        "/set-lang",
        axum::routing::get(set_language).post(set_language_posted),
    )
}

/// What the language switch's link asks for.
#[cfg(feature = "ssr")]
#[derive(Debug, serde::Deserialize)]
struct SetLanguage {
    lang: Option<String>,
    next: Option<String>,
}

/// `GET /set-lang?lang=ja&next=/request`: remembers the language in the
/// cookie the app reads and goes back to the page. This is the language
/// switch without JavaScript; with it, the switch works in place.
#[cfg(feature = "ssr")]
async fn set_language(
    axum::extract::Query(query): axum::extract::Query<SetLanguage>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::{AppendHeaders, Redirect};
    let locale: Locale = query
        .lang
        .and_then(|lang| lang.parse().ok())
        .unwrap_or_default();
    let next = query.next.unwrap_or_default();
    let next = crate::http::local_path(&next).unwrap_or("/");
    axum::response::IntoResponse::into_response((
        AppendHeaders([(
            header::SET_COOKIE,
            crate::http::cookies::language_cookie(locale),
        )]),
        Redirect::to(next),
    ))
}

/// `POST /set-lang`: the same, the way back posted (from a page whose
/// address holds a secret).
#[cfg(feature = "ssr")]
async fn set_language_posted(
    crate::http::Form(posted): crate::http::Form<SetLanguage>,
) -> axum::response::Response {
    set_language(axum::extract::Query(posted)).await
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
