//! Cookies, read and written with the `cookie` crate: the language the
//! pages are rendered in, and the private cookies only the server reads
//! (`__Host-` and `Secure` over HTTPS).

/// The value of the cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

/// The language of the person asking, as every page is rendered in: the
/// language cookie, else the best match of `Accept-Language` (its entries
/// in the order sent, matched by `leptos_i18n`), else Japanese.
pub fn language_of(headers: &axum::http::HeaderMap) -> crate::i18n::Locale {
    use crate::i18n::{I18nLocaleTrait, Locale};
    cookie(headers, crate::LANGUAGE_COOKIE)
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| {
            let accepted: Vec<&str> = headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .split(',')
                .map(|entry| entry.split(';').next().unwrap_or_default().trim())
                .filter(|tag| !tag.is_empty())
                .collect();
            Locale::find_locale(&accepted)
        })
}

/// The `Set-Cookie` value that remembers the chosen language for a year,
/// for the pages the server renders next (see `LANGUAGE_COOKIE`).
pub fn language_cookie(locale: crate::i18n::Locale) -> String {
    use crate::i18n::I18nLocaleTrait;
    cookie::Cookie::build((crate::LANGUAGE_COOKIE, locale.as_str()))
        .path("/")
        .max_age(cookie::time::Duration::days(365))
        .same_site(cookie::SameSite::Lax)
        .build()
        .to_string()
}

/// A cookie's name: over HTTPS with the `__Host-` prefix, which browsers
/// accept only with `Secure`, `Path=/` and no `Domain`, so no other host
/// or path can set or shadow it.
pub fn cookie_name(base: &str, https: bool) -> String {
    if https {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// A cookie only the server reads: never to scripts, never on requests
/// from other sites, `Secure` and `__Host-` over HTTPS.
pub fn private_cookie(name: &str, https: bool, value: String) -> cookie::CookieBuilder<'static> {
    cookie::Cookie::build((cookie_name(name, https), value))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .secure(https)
}

/// A private cookie's value, under its `__Host-` name or its plain one.
pub fn private_cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    cookie(headers, &cookie_name(name, true)).or_else(|| cookie(headers, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name_from_every_cookie_header() {
        let mut headers = axum::http::HeaderMap::new();
        headers.append("cookie", "a=1; b=2".parse().expect("header"));
        headers.append("cookie", "c=3".parse().expect("header"));
        assert_eq!(cookie(&headers, "b").as_deref(), Some("2"));
        assert_eq!(cookie(&headers, "c").as_deref(), Some("3"));
        assert_eq!(cookie(&headers, "d"), None);
    }
}
