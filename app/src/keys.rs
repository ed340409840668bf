//! The service's secret (the key file beside the database, never in it or
//! its backups) as the keys derived from it for each use (server only).

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The service's secret as sign-in uses it: it turns what was typed into a
/// login box into the keyed hash the throttle counts by and the audit
/// trail shows, so neither ever holds the text (people type passwords
/// there), and it seals the members' authenticator secrets. It lives in a
/// file of its own beside the database, not in it, so a copy of the
/// database alone can neither be searched for the texts nor make codes.
#[derive(Clone)]
pub struct LoginKey([u8; 32]);

impl std::fmt::Debug for LoginKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginKey(…)")
    }
}

impl LoginKey {
    pub const fn new(secret: [u8; 32]) -> Self {
        Self(secret)
    }

    /// The keyed hash of a typed login: HMAC-SHA-256 of the login as the
    /// accounts know it (trimmed, lower case), its first 16 bytes in hex.
    pub fn of(&self, typed: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            unreachable!("HMAC takes a key of any length")
        };
        mac.update(typed.trim().to_lowercase().as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// The cipher the authenticator secrets are sealed with, under a key
    /// derived from the service's secret for this use alone.
    fn factor_cipher(&self) -> XChaCha20Poly1305 {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            unreachable!("HMAC takes a key of any length")
        };
        mac.update(b"second-opinion: authenticator secrets, v1");
        chacha20poly1305::KeyInit::new(&mac.finalize().into_bytes())
    }

    /// The authenticator secret of account `user_id` as it is stored:
    /// `v1:` and, in hex, a random nonce and the secret sealed with
    /// XChaCha20-Poly1305, bound to the account (moved to another row, it
    /// does not open).
    pub fn seal_factor(&self, user_id: i64, secret: &str) -> String {
        let nonce = XNonce::from(rand::random::<[u8; 24]>());
        let aad = user_id.to_be_bytes();
        let payload = Payload {
            msg: secret.as_bytes(),
            aad: &aad,
        };
        let Ok(sealed) = self.factor_cipher().encrypt(&nonce, payload) else {
            unreachable!("sealing in memory does not fail")
        };
        format!("{SEALED}{}{}", hex::encode(nonce), hex::encode(sealed))
    }

    /// The authenticator secret of account `user_id` from what is stored;
    /// `None` when it does not open (another key file, another row) or is
    /// not sealed at all: a secret written into the database by someone
    /// without the key file signs nobody in. (The service seals the ones an
    /// earlier version stored readable when it starts.)
    pub fn open_factor(&self, user_id: i64, stored: &str) -> Option<String> {
        let sealed = stored.strip_prefix(SEALED)?;
        let bytes = hex::decode(sealed).ok()?;
        let (nonce, sealed) = bytes.split_at_checked(24)?;
        let aad = user_id.to_be_bytes();
        let payload = Payload {
            msg: sealed,
            aad: &aad,
        };
        let secret = self
            .factor_cipher()
            .decrypt(XNonce::from_slice(nonce), payload)
            .ok()?;
        String::from_utf8(secret).ok()
    }
}

/// How a sealed authenticator secret begins.
const SEALED: &str = "v1:";

/// The key the reports' verification codes are derived with: a signed
/// version's code is the same at every print (so a reprint verifies), and
/// only its hash is stored (so a copy of the database makes no code).
#[derive(Clone)]
pub struct ReportKey([u8; 32]);

impl std::fmt::Debug for ReportKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReportKey(…)")
    }
}

impl ReportKey {
    /// The reports' own key, derived from the service's secret (so that it
    /// is never the key of anything else).
    pub fn derive(secret: &[u8; 32]) -> Self {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
            unreachable!("HMAC takes a key of any length")
        };
        mac.update(b"second-opinion: report verification codes, v1");
        Self(mac.finalize().into_bytes().into())
    }

    /// The verification code of the signed report `report_id` whose
    /// content's SHA-256 is `digest`: 80 bits of HMAC-SHA-256.
    pub fn code(&self, report_id: i64, digest: &str) -> domain::report::VerificationCode {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            unreachable!("HMAC takes a key of any length")
        };
        mac.update(&report_id.to_be_bytes());
        mac.update(digest.as_bytes());
        let out = mac.finalize().into_bytes();
        let mut bits = [0u8; 10];
        bits.copy_from_slice(&out[..10]);
        domain::report::VerificationCode::from_bits(bits)
    }
}

/// What is stored of a verification code: the SHA-256 of its 16 symbols.
pub fn code_hash(code: &domain::report::VerificationCode) -> String {
    crate::http::tokens::token_hash(&code.compact())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_authenticator_secret_is_sealed_to_its_account_and_its_key() {
        let key = LoginKey::new([1; 32]);
        let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        let sealed = key.seal_factor(7, secret);
        assert!(sealed.starts_with("v1:") && !sealed.contains(secret));
        assert_ne!(
            sealed,
            key.seal_factor(7, secret),
            "a fresh nonce each time"
        );
        assert_eq!(key.open_factor(7, &sealed).as_deref(), Some(secret));
        assert_eq!(key.open_factor(8, &sealed), None, "another account's row");
        assert_eq!(LoginKey::new([2; 32]).open_factor(7, &sealed), None);
        let mut tampered = sealed.clone();
        let last = if sealed.ends_with('0') { "1" } else { "0" };
        tampered.replace_range(sealed.len() - 1.., last);
        assert_eq!(key.open_factor(7, &tampered), None);
        assert_eq!(key.open_factor(7, "v1:zz"), None);
        // Not sealed (written around the service): opens nothing.
        assert_eq!(key.open_factor(7, secret), None);
    }

    #[test]
    fn the_login_key_hides_the_text_and_ignores_case_and_spaces() {
        let key = LoginKey::new([7; 32]);
        let hashed = key.of("Sato");
        assert_eq!(hashed.len(), 32);
        assert_eq!(hashed, key.of(" sato "));
        assert_ne!(hashed, key.of("suzuki"));
        assert_ne!(hashed, LoginKey::new([8; 32]).of("sato"), "keyed");
        assert!(!hashed.contains("sato"));
    }

    #[test]
    fn a_report_s_code_is_the_same_at_every_print_and_differs_by_report_content_and_key() {
        let key = ReportKey::derive(&[3; 32]);
        let code = key.code(7, "ab12");
        assert_eq!(code, key.code(7, "ab12"));
        assert_ne!(code, key.code(8, "ab12"));
        assert_ne!(code, key.code(7, "ab13"));
        assert_ne!(code, ReportKey::derive(&[4; 32]).code(7, "ab12"));
        assert_eq!(code_hash(&code).len(), 64);
        assert!(!code_hash(&code).contains(&code.compact()));
    }
}
