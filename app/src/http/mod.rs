//! What the handlers of both areas stand on (server only): the site's
//! state and how a page is rendered (`site`), what a handler takes
//! (`extract`: a typed form, the client's address, whether it came over
//! HTTPS), cookies, the public pages' limits, the trusted proxies, random
//! tokens, and the one rule for where a redirect may go.

pub mod cookies;
pub mod extract;
pub mod limits;
pub mod proxies;
pub mod sign_in_gate;
pub mod site;
pub mod tokens;

pub use extract::{Client, Form, FormPairs, Head, Https};
pub use site::Site;

/// The largest request body accepted: the longest possible request form,
/// percent-encoded, with room to spare. Larger bodies get 413 before they
/// are read whole.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// `next` if it is a path on this site, for a redirect: never an open
/// redirect, however the address is disguised. Browsers read `//` or a
/// backslash in the path as the start of another host and drop tabs and
/// line breaks anywhere; what the query holds is only data.
pub fn local_path(next: &str) -> Option<&str> {
    let path = next.split(['?', '#']).next().unwrap_or_default();
    (path.starts_with('/')
        && !path.contains("//")
        && !path.contains('\\')
        && !next.chars().any(char::is_control))
    .then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_redirected_to() {
        assert_eq!(local_path("/status?x=1"), Some("/status?x=1"));
        // A search for an address stays a search.
        let search = "/staff?q=https://clinic.example/";
        assert_eq!(local_path(search), Some(search));
        for elsewhere in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example/",
            "/staff//evil.example/",
            "/\t/evil.example/",
            "/?\t",
            "/\n/evil.example/",
            "",
        ] {
            assert_eq!(local_path(elsewhere), None, "{elsewhere:?}");
        }
    }
}
