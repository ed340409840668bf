//! Random tokens (sessions, pending sign-ins, confirmation pages) and
//! what is stored of them: their SHA-256, so that a copy of the database
//! opens nothing.

/// 256 bits from the operating system's CSPRNG, in hex: a session's,
/// a pending sign-in's or a confirmation page's token.
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// What is stored of a token: its SHA-256, so that a copy of the database
/// opens nothing.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` has the shape of one of ours (64 hex digits).
pub fn is_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}
