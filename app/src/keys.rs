//! The service's secret (the key file beside the database, never in it or
//! its backups) as the keys derived from it for each use (server only).
//!
//! Each key is derived with HKDF-SHA256 (RFC 5869) under an `info` of its
//! own ([`derive`]). Before, each was HMAC(secret, label) and the typed
//! login's hash HMAC(secret, login): a login typed as a label wrote the
//! start of that key into the audit trail. HKDF's expansion keys nothing
//! with the secret itself, and no typed text reaches it.

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The service's secret as sign-in uses it: it turns what was typed into a
/// login box into the keyed hash the throttle counts by and the audit
/// trail shows, so neither ever holds the text (people type passwords
/// there), and it seals the members' authenticator secrets. It lives in a
/// file of its own beside the database, not in it, so a copy of the
/// database alone can neither be searched for the texts nor make codes.
#[derive(Clone)]
pub struct LoginKey {
    /// Keys the typed logins' hashes.
    hash: [u8; 32],
    /// Seals the authenticator secrets (`v2:`).
    factors: [u8; 32],
    /// The service's secret itself, only to open the secrets an earlier
    /// version sealed (`v1:`) under HMAC(secret, label), once, at the
    /// upgrade.
    legacy: [u8; 32],
}

/// The sub-key for `info` of the service's secret: HKDF-SHA256, no salt
/// (the secret is 32 random bytes already).
pub fn derive(secret: &[u8; 32], info: &str) -> [u8; 32] {
    let mut key = [0_u8; 32];
    let Ok(()) = Hkdf::<Sha256>::new(None, secret).expand(info.as_bytes(), &mut key) else {
        unreachable!("HKDF-SHA256 gives 32 bytes for any info")
    };
    key
}

/// The `info` of each use of the service's secret.
pub mod info {
    pub const LOGIN_HASH: &str = "second-opinion/login-hash/v2";
    pub const AUTHENTICATOR_SECRETS: &str = "second-opinion/authenticator-secrets/v2";
    pub const ANSWER_LINKS: &str = "second-opinion/answer-links/v2";
    pub const REPORT_CODES: &str = "second-opinion/report-codes/v2";
    pub const AUDIT_CHAIN: &str = "second-opinion/audit-chain/v1";
}

impl std::fmt::Debug for LoginKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginKey(…)")
    }
}

impl LoginKey {
    pub fn new(secret: [u8; 32]) -> Self {
        Self {
            hash: derive(&secret, info::LOGIN_HASH),
            factors: derive(&secret, info::AUTHENTICATOR_SECRETS),
            legacy: secret,
        }
    }

    /// The keyed hash of a typed login: HMAC-SHA-256 under the login-hash
    /// key of the login as the accounts know it (trimmed, lower case), its
    /// first 16 bytes in hex.
    pub fn of(&self, typed: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.hash) else {
            unreachable!("HMAC takes a key of any length")
        };
        mac.update(typed.trim().to_lowercase().as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// The cipher the authenticator secrets are sealed with, under a key
    /// derived from the service's secret for this use alone.
    fn factor_cipher(&self) -> XChaCha20Poly1305 {
        chacha20poly1305::KeyInit::new(&self.factors.into())
    }

    /// The cipher an earlier version sealed them with (`v1:`).
    fn legacy_factor_cipher(&self) -> XChaCha20Poly1305 {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.legacy) else {
            unreachable!("HMAC takes a key of any length")
        };
        mac.update(b"second-opinion: authenticator secrets, v1");
        chacha20poly1305::KeyInit::new(&mac.finalize().into_bytes())
    }

    /// An authenticator secret an earlier version sealed (`v1:`), sealed
    /// again under this version's key (`v2:`); `None` when it does not
    /// open.
    pub fn reseal_legacy(&self, user_id: i64, stored: &str) -> Option<String> {
        let secret = open(&self.legacy_factor_cipher(), LEGACY, user_id, stored)?;
        Some(self.seal_factor(user_id, &secret))
    }

    /// What an earlier version stored for `secret` (`v1:`): for the tests
    /// of the upgrade only.
    #[doc(hidden)]
    pub fn seal_legacy(&self, user_id: i64, secret: &str) -> String {
        seal(&self.legacy_factor_cipher(), LEGACY, user_id, secret)
    }

    /// The authenticator secret of account `user_id` as it is stored:
    /// `v2:` and, in hex, a random nonce and the secret sealed with
    /// XChaCha20-Poly1305, bound to the account (moved to another row, it
    /// does not open).
    pub fn seal_factor(&self, user_id: i64, secret: &str) -> String {
        seal(&self.factor_cipher(), SEALED, user_id, secret)
    }

    /// The authenticator secret of account `user_id` from what is stored;
    /// `None` when it does not open (another key file, another row) or is
    /// not sealed at all: a secret written into the database by someone
    /// without the key file signs nobody in. (The service seals the ones an
    /// earlier version stored readable, or sealed as `v1:`, when it starts.)
    pub fn open_factor(&self, user_id: i64, stored: &str) -> Option<String> {
        open(&self.factor_cipher(), SEALED, user_id, stored)
    }
}

fn seal(cipher: &XChaCha20Poly1305, prefix: &str, user_id: i64, secret: &str) -> String {
    let nonce = XNonce::from(rand::random::<[u8; 24]>());
    let aad = user_id.to_be_bytes();
    let payload = Payload {
        msg: secret.as_bytes(),
        aad: &aad,
    };
    let Ok(sealed) = cipher.encrypt(&nonce, payload) else {
        unreachable!("sealing in memory does not fail")
    };
    format!("{prefix}{}{}", hex::encode(nonce), hex::encode(sealed))
}

fn open(cipher: &XChaCha20Poly1305, prefix: &str, user_id: i64, stored: &str) -> Option<String> {
    let sealed = stored.strip_prefix(prefix)?;
    let bytes = hex::decode(sealed).ok()?;
    let (nonce, sealed) = bytes.split_at_checked(24)?;
    let aad = user_id.to_be_bytes();
    let payload = Payload {
        msg: sealed,
        aad: &aad,
    };
    let secret = cipher.decrypt(XNonce::from_slice(nonce), payload).ok()?;
    String::from_utf8(secret).ok()
}

/// How a sealed authenticator secret begins…
pub const SEALED: &str = "v2:";
/// …and how one an earlier version sealed does.
pub const LEGACY: &str = "v1:";

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
        Self(derive(secret, info::REPORT_CODES))
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
        assert!(sealed.starts_with("v2:") && !sealed.contains(secret));
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
        assert_eq!(key.open_factor(7, "v2:zz"), None);
        // Not sealed (written around the service): opens nothing.
        assert_eq!(key.open_factor(7, secret), None);
        // Sealed by an earlier version: opens only to be sealed again.
        let legacy = key.seal_legacy(7, secret);
        assert!(legacy.starts_with("v1:"));
        assert_eq!(key.open_factor(7, &legacy), None);
        let resealed = key.reseal_legacy(7, &legacy).expect("resealed");
        assert_eq!(key.open_factor(7, &resealed).as_deref(), Some(secret));
        assert_eq!(
            key.reseal_legacy(8, &legacy),
            None,
            "bound to its row still"
        );
    }

    #[test]
    fn no_login_typed_shows_any_key_of_the_service() {
        // Typed as a login, an old label or a new info gives a hash that is
        // no part of any key: each key is HKDF's, under its own info.
        let secret = [5; 32];
        let key = LoginKey::new(secret);
        let keys: Vec<String> = [
            info::LOGIN_HASH,
            info::AUTHENTICATOR_SECRETS,
            info::ANSWER_LINKS,
            info::REPORT_CODES,
            info::AUDIT_CHAIN,
        ]
        .iter()
        .map(|info| hex::encode(derive(&secret, info)))
        .chain([hex::encode(key.hash), hex::encode(key.factors)])
        .collect();
        let typed = [
            "second-opinion: authenticator secrets, v1",
            "second-opinion response links",
            "second-opinion: report verification codes, v1",
            info::AUTHENTICATOR_SECRETS,
            info::ANSWER_LINKS,
            info::AUDIT_CHAIN,
        ];
        for text in typed {
            let hashed = key.of(text);
            assert!(keys.iter().all(|k| !k.contains(&hashed)), "{text}");
        }
        let distinct: std::collections::HashSet<&String> = keys.iter().collect();
        assert_eq!(distinct.len(), 5, "a key of its own for each use");
        assert_eq!(keys[5], keys[0], "the login hashes' key is HKDF's");
        assert_eq!(keys[6], keys[1], "the sealing key is HKDF's");
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
