//! The answer links of the booking and reminder e-mails (server only):
//! "I will come", "I need another day", "Cancel my request". A message is
//! written with a placeholder for each link; the mail task fills them as
//! it sends, with tokens derived from the message and a key kept beside
//! the database, and stores only each token's hash, so that neither the
//! stored message nor a copy of the database opens anything.

use domain::contact::PatientAnswer;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The placeholder of an answer's link in a stored message.
pub fn placeholder(answer: PatientAnswer) -> String {
    format!("%RESPOND_{}%", answer.code())
}

/// The placeholder of the status page's address in a stored message:
/// filled at sending with the address the service has then, so that a
/// message queued before `--public-url` was set still leads there.
pub const STATUS_URL: &str = "%STATUS_URL%";

/// The placeholder of the address-confirmation link in a stored message:
/// filled at sending with a token derived from the message.
pub const CONFIRM_URL: &str = "%CONFIRM_URL%";

/// The placeholder of the one-time link to the request form in a stored
/// message: filled at sending with a token derived from the message.
pub const FORM_URL: &str = "%FORM_URL%";

/// Whether a stored message carries answer links.
pub fn has_links(body: &str) -> bool {
    PatientAnswer::ALL
        .iter()
        .any(|answer| body.contains(&placeholder(*answer)))
}

/// The body with each placeholder replaced by its link (or, when the
/// links cannot be offered any more, by `status_url`), and the status
/// page's placeholder by `status_url`.
pub fn fill(body: &str, links: &[(PatientAnswer, String)], status_url: &str) -> String {
    let fallback = status_url;
    let mut body = body.replace(STATUS_URL, status_url);
    for answer in PatientAnswer::ALL {
        let link = links
            .iter()
            .find(|(linked, _)| linked == answer)
            .map_or(fallback, |(_, link)| link.as_str());
        body = body.replace(&placeholder(*answer), link);
    }
    body
}

/// The key the links' tokens are derived with.
#[derive(Clone)]
pub struct LinkKey([u8; 32]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(…)")
    }
}

impl LinkKey {
    /// The links' own key, derived from the service's secret (so that it
    /// is never the key of anything else).
    pub fn derive(secret: &[u8; 32]) -> Self {
        Self(crate::keys::derive(secret, crate::keys::info::ANSWER_LINKS))
    }

    /// The token of the address-confirmation link in the message
    /// `message_id`: the same at every attempt to send it.
    pub fn confirmation(&self, message_id: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(message_id.as_bytes());
        mac.update(b"\0confirm-address");
        hex::encode(mac.finalize().into_bytes())
    }

    /// The token of the one-time request-form link in the message
    /// `message_id`: the same at every attempt to send it.
    pub fn form_link(&self, message_id: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(message_id.as_bytes());
        mac.update(b"\0form-link");
        hex::encode(mac.finalize().into_bytes())
    }

    /// The token of `answer`'s link in the message `message_id`: the same
    /// at every attempt to send it.
    pub fn token(&self, message_id: &str, answer: PatientAnswer) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(message_id.as_bytes());
        mac.update(b"\0");
        mac.update(answer.code().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_by_message_and_answer_and_repeat_for_the_same() {
        let key = LinkKey::derive(&[7; 32]);
        let come = key.token("<a@x>", PatientAnswer::Come);
        assert_eq!(come, key.token("<a@x>", PatientAnswer::Come));
        assert_ne!(come, key.token("<b@x>", PatientAnswer::Come));
        assert_ne!(come, key.token("<a@x>", PatientAnswer::Cancel));
        assert_ne!(
            come,
            LinkKey::derive(&[8; 32]).token("<a@x>", PatientAnswer::Come)
        );
        assert!(crate::http::tokens::is_token(&come));
    }

    #[test]
    fn every_placeholder_is_filled() {
        let body: String = PatientAnswer::ALL
            .iter()
            .map(|a| placeholder(*a) + " ")
            .collect();
        assert!(has_links(&body));
        let links = [(PatientAnswer::Come, "https://x/respond/1".to_owned())];
        let filled = fill(&body, &links, "https://x/status");
        assert!(!has_links(&filled));
        assert_eq!(
            filled,
            "https://x/respond/1 https://x/status https://x/status "
        );
    }
}
