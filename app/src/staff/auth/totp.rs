//! The second factor: time-based codes (RFC 6238 with `totp-rs`: SHA-1,
//! six digits, 30-second steps, one step of clock drift either way), each
//! accepted once and never one older than the last accepted; and ten
//! single-use recovery codes per enrolment, of which only the SHA-256 is
//! kept.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::AnyPool;
use totp_rs::{Algorithm, Secret, TOTP};

const DIGITS: usize = 6;
const STEP_SECONDS: u64 = 30;
/// Recovery codes per enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Letters and digits that cannot be mistaken for one another (no 0/o,
/// 1/l/i): 16 of them make about 79 bits, too many to guess or to search
/// from the stored hash.
const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const RECOVERY_LENGTH: usize = 16;

/// A new secret: 160 random bits, as RFC 4226 recommends.
pub(super) fn new_secret() -> String {
    Secret::Raw(rand::random::<[u8; 20]>().to_vec())
        .to_encoded()
        .to_string()
}

fn totp(secret: &str, issuer: Option<&str>, login: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    Some(TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECONDS,
        bytes,
        issuer.map(str::to_owned),
        login.to_owned(),
    ))
}

/// The `otpauth://totp/ISSUER:LOGIN?secret=…&issuer=…` address an
/// authenticator app reads (from a QR code or typed in).
pub(super) fn enrolment_uri(secret: &str, issuer: &str, login: &str) -> Option<String> {
    // The issuer and the login are the label's two halves: no colon in either.
    let issuer = issuer.replace(':', " ");
    totp(secret, Some(&issuer), login).map(|totp| totp.get_url())
}

/// The time step whose code `code` is, within one step of `now` either
/// way; `None` if it is none of them.
pub(super) fn matching_step(secret: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let totp = totp(secret, None, "")?;
    let current = u64::try_from(now.timestamp()).ok()? / STEP_SECONDS;
    (current.saturating_sub(1)..=current + 1)
        .rev()
        .find(|step| totp.check(code, step * STEP_SECONDS))
        .and_then(|step| i64::try_from(step).ok())
}

/// What was typed into the code box.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Typed {
    /// Six digits (spaces dropped).
    Code(String),
    /// A recovery code, normalised (lower case, no dashes or spaces).
    Recovery(String),
    Neither,
}

/// What was typed, without spaces or dashes, in lower case.
fn compact(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

pub(super) fn read(typed: &str) -> Typed {
    let compact = compact(typed);
    if compact.len() == DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
        Typed::Code(compact)
    } else if compact.len() == RECOVERY_LENGTH
        && compact.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))
    {
        Typed::Recovery(compact)
    } else {
        Typed::Neither
    }
}

/// Ten new recovery codes, written `xxxx-xxxx-xxxx-xxxx`.
pub(super) fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let characters: Vec<u8> = (0..RECOVERY_LENGTH)
                .map(|_| RECOVERY_ALPHABET[rand::random_range(0..RECOVERY_ALPHABET.len())])
                .collect();
            characters
                .chunks(4)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// The stored form of a recovery code, as typed or as printed.
pub(super) fn recovery_hash(code: &str) -> String {
    hex::encode(Sha256::digest(compact(code).as_bytes()))
}

/// How the second factor was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Factor {
    Code,
    /// A recovery code, and how many are left.
    Recovery {
        left: u32,
    },
}

/// Accepts `typed` as the second factor of the account `user_id` (whose
/// secret is `secret`) at `now`, using it up: a code or a recovery code.
/// `None` if it is not accepted.
pub(super) async fn accept(
    pool: &AnyPool,
    user_id: i64,
    secret: &str,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Option<Factor>, sqlx::Error> {
    if let Typed::Recovery(code) = read(typed) {
        if !super::store::use_recovery_code(pool, user_id, &recovery_hash(&code), now).await? {
            return Ok(None);
        }
        let left = super::recovery_codes_left(pool, user_id).await?;
        return Ok(Some(Factor::Recovery { left }));
    }
    Ok(accept_code(pool, user_id, secret, typed, now)
        .await?
        .then_some(Factor::Code))
}

/// Accepts `typed` only as a time-based code (not a recovery code), using
/// it up: its time step becomes the last accepted, so the same code (or an
/// older one) is refused from now on.
pub(super) async fn accept_code(
    pool: &AnyPool,
    user_id: i64,
    secret: &str,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let Typed::Code(code) = read(typed) else {
        return Ok(false);
    };
    let Some(step) = matching_step(secret, &code, now) else {
        return Ok(false);
    };
    // One statement: of two sign-ins with the same code at once, one moves
    // the step and the other finds it moved.
    super::store::take_step(pool, user_id, step).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's test secret ("12345678901234567890") and its SHA-1 vectors.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).expect("moment")
    }

    #[test]
    fn codes_follow_rfc_6238_within_one_step_either_way() {
        // RFC 6238 appendix B: T = 59 s gives 94287082, whose last six
        // digits are the six-digit code.
        assert_eq!(matching_step(RFC_SECRET, "287082", at(59)), Some(1));
        assert_eq!(matching_step(RFC_SECRET, "287082", at(59 + 30)), Some(1));
        assert_eq!(matching_step(RFC_SECRET, "287082", at(59 - 30)), Some(1));
        assert_eq!(matching_step(RFC_SECRET, "287082", at(59 + 60)), None);
        // T = 1111111109 s gives 07081804.
        assert_eq!(
            matching_step(RFC_SECRET, "081804", at(1_111_111_109)),
            Some(1_111_111_109 / 30)
        );
        assert_eq!(matching_step(RFC_SECRET, "000000", at(59)), None);
    }

    #[test]
    fn the_enrolment_address_names_the_issuer_and_the_login() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32, "160 bits in base32");
        let uri = enrolment_uri(&secret, "Kita: Hospital", "sato").expect("uri");
        assert!(
            uri.starts_with("otpauth://totp/Kita%20%20Hospital:sato?secret="),
            "{uri}"
        );
        assert!(uri.contains(&format!("secret={secret}")) && uri.contains("&issuer="));
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_however_they_are_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 19, "{code}");
        let typed = code.to_uppercase().replace('-', " ");
        assert_eq!(recovery_hash(&typed), recovery_hash(code));
        assert!(matches!(read(&typed), Typed::Recovery(_)));
        assert_eq!(read(" 123 456 "), Typed::Code("123456".into()));
        assert_eq!(read("12345"), Typed::Neither);
    }
}
