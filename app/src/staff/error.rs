//! `StaffError`: why something reception asked for did not happen. The
//! `server` crate turns it into a response in one place; the case page shows
//! the two a person can act on (a refused change, a stale page) above the
//! form they posted, with the values kept.

use super::CaseProblem;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffError {
    /// The post cannot be read as any change (an unknown action): not
    /// something the pages send.
    #[error("the form cannot be read")]
    BadForm,
    /// The change breaks one of the case's rules; the page says which.
    #[error("the change breaks a rule of the case")]
    Refused(CaseProblem),
    /// Values an admin posted cannot be used (a bad code or name, a day
    /// with appointments); the page says so.
    #[error("the values cannot be used")]
    Unusable,
    /// No case (or page) by that name.
    #[error("not found")]
    NotFound,
    /// Someone changed the case after this page was loaded: who, and when
    /// (Japan time). Nothing was written.
    #[error("the case was changed by {by} at {at}")]
    Stale { by: String, at: String },
    /// The database is busy; nothing was written and the same change can
    /// be made again.
    #[error("the service is busy, please try again")]
    Busy,
    /// Anything else. The details are in the server's log, not here.
    #[error("something went wrong")]
    Internal,
}

impl StaffError {
    /// Whether the case page shows this error above the posted form (the
    /// rest get a response of their own).
    pub const fn is_shown_on_the_case(&self) -> bool {
        matches!(self, Self::Refused(_) | Self::Stale { .. })
    }
}

impl From<CaseProblem> for StaffError {
    fn from(problem: CaseProblem) -> Self {
        Self::Refused(problem)
    }
}

/// A database error: "busy" when SQLite is locked or the pool is
/// exhausted, otherwise an internal error, logged here (without personal
/// data: sqlx's errors name the statement's failure, not its values).
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for StaffError {
    fn from(error: sqlx::Error) -> Self {
        if crate::store::is_busy(&error) {
            tracing::warn!(%error, "reception's database is busy");
            Self::Busy
        } else {
            tracing::error!(%error, "reception's database work");
            Self::Internal
        }
    }
}

/// An account's change that failed for a reason the member cannot act on.
#[cfg(feature = "ssr")]
impl From<super::auth::AccountError> for StaffError {
    fn from(error: super::auth::AccountError) -> Self {
        match error {
            super::auth::AccountError::Database(error) => error.into(),
            other => {
                tracing::error!(error = %other, "an account's change");
                Self::Internal
            }
        }
    }
}
