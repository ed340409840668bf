//! What the patient's and reception's pages both show: the header with the
//! language switch, the verdict with its reasons, and a request's answers.

pub mod answers;
pub mod layout;
#[cfg(feature = "ssr")]
pub mod qr;
pub mod verdict;
