//! `StaffError`: why something reception asked for did not happen, with
//! its HTTP status and the one way it is answered (`IntoResponse`): in
//! words, or, for "not found", "forbidden" and "reduced" behind the guard,
//! as a staff page (`desk::guard` renders it). The case page shows the two a person
//! can act on (a refused change, a stale page) above the form they posted,
//! with the values kept.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, NaiveTime};
use domain::case::{RefusedStep, ScheduleProblem};
use domain::reference::Reference;
use domain::report::DocumentRequestProblem;
use domain::visit::{CheckInProblem, ConsultationProblem, ReceiptNumber};

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
    /// The case was kept whole for its years and then reduced to
    /// statistics: its personal data is gone. What remains, for the page.
    #[error("the case was reduced")]
    Reduced(Reduced),
    /// The page exists but the member's role may not see it.
    #[error("not for this role")]
    Forbidden,
    /// Someone changed the case after this page was loaded: who, and when
    /// (Japan time). Nothing was written.
    #[error("the case was changed by {by} at {at}")]
    Stale { by: String, at: String },
    /// The database is busy; nothing was written and the same change can
    /// be made again.
    #[error("the service is busy, please try again")]
    Busy,
    /// The server's disk is full: nothing was written; the IT admin must
    /// make room.
    #[error("the server's disk is full: nothing was saved; tell the IT admin")]
    DiskFull,
    /// Anything else. The details are in the server's log, not here.
    #[error("something went wrong")]
    Internal,
}

/// What is left of a reduced case: what the statistics count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reduced {
    pub reference: Reference,
    pub status: domain::case::CaseStatus,
    pub area: crate::area::AreaCode,
    /// Japan's date.
    pub received_on: NaiveDate,
    /// Japan's date.
    pub reduced_on: NaiveDate,
}

/// Why a change to a case was refused: a rule of the case's flow or of
/// the form, which the case page explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseProblem {
    Refused(RefusedStep),
    Schedule(Vec<ScheduleProblem>),
    /// The specialist already sees another patient then (that one's start).
    SpecialistBusy(NaiveTime),
    /// A day or a time that cannot be read.
    BadDateOrTime,
    /// "Other" needs a written reason.
    DeclineNeedsText,
    NoSpecialist,
    /// A note must have 1 to 2,000 characters.
    BadNote,
    /// A written reason longer than 2,000 characters.
    TooLong,
    /// The case is closed: nothing can be assigned any more.
    Closed,
    /// A call needs its outcome.
    NoCallOutcome,
    /// The message cannot be sent again (it is still queued, or withdrawn).
    NotSendable,
    /// Check-in and the consultation happen on the appointment's day.
    NotTheDay,
    /// Check-in needs who came.
    NoWhoCame,
    /// What reception must see before the patient goes in.
    CheckIn(Vec<CheckInProblem>),
    /// A payment needs how it was made…
    NoPaymentMethod,
    /// …and the payer's name for the receipt (1 to 100 characters).
    NoPayer,
    /// The fee was paid already for this visit: the first receipt's number.
    AlreadyPaid(ReceiptNumber),
    /// The consultation's times cannot be recorded.
    Consultation(Vec<ConsultationProblem>),
    /// A sending needs to whom and how (a way that suits them).
    NoSendingMethod,
    /// A request for further documents that cannot be made.
    DocumentRequest(Vec<DocumentRequestProblem>),
}

impl StaffError {
    /// Whether the case page shows this error above the posted form (the
    /// rest get a response of their own).
    pub const fn is_shown_on_the_case(&self) -> bool {
        matches!(self, Self::Refused(_) | Self::Stale { .. })
    }

    /// The HTTP status of the error.
    pub const fn status(&self) -> StatusCode {
        match self {
            Self::BadForm => StatusCode::BAD_REQUEST,
            Self::Refused(_) | Self::Unusable => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Reduced(_) => StatusCode::GONE,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Stale { .. } => StatusCode::CONFLICT,
            Self::Busy | Self::DiskFull => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// On a response: the error a staff page is to be rendered for, by the
/// guard, which knows the member (`desk::guard`).
#[derive(Debug, Clone)]
pub(super) struct ShownAsPage(pub StaffError);

/// Its status and a short text in words (never an internal error's text,
/// which `StaffError` does not carry: it was logged where it happened);
/// "not found" and "forbidden" are marked for the guard to show as pages.
impl IntoResponse for StaffError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), self.to_string()).into_response();
        if matches!(self, Self::NotFound | Self::Forbidden | Self::Reduced(_)) {
            response.extensions_mut().insert(ShownAsPage(self));
        }
        response
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
impl From<sqlx::Error> for StaffError {
    fn from(error: sqlx::Error) -> Self {
        if crate::error::is_disk_full(&error) {
            tracing::warn!(%error, "reception's database: the disk is full");
            Self::DiskFull
        } else if crate::error::is_busy(&error) {
            tracing::warn!(%error, "reception's database is busy");
            Self::Busy
        } else {
            tracing::error!(%error, "reception's database work");
            Self::Internal
        }
    }
}

/// An account's change that failed for a reason the member cannot act on.
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
