//! The patient's server functions: sending a request and looking up its
//! status. Each is thin: parse with `domain`, decide with `domain`, store
//! through `db`.

use domain::form::RequestForm;
use domain::reference::Reference;
use domain::{AppointmentWindow, Document, Verdict};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the form sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitRequestInput {
    /// Chosen when the form was rendered; sending the same id again returns
    /// the first answer instead of storing a second case.
    pub submission_id: String,
    /// The language the patient used: `ja` or `en`.
    pub language: String,
    pub form: RequestForm,
}

/// What the patient is told once the request is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentRequest {
    pub reference: Reference,
    pub verdict: Verdict,
    pub window: AppointmentWindow,
    pub documents: Vec<Document>,
}

/// Checks the request again with the server's clock and stores it once.
#[server(endpoint = "submit_request")]
pub async fn submit_request(input: SubmitRequestInput) -> Result<SentRequest, AppError> {
    use crate::{clock, db, server};
    use domain::{Calendar, appointment_window, assess, documents_to_bring, japan_time};

    if !server::is_submission_id(&input.submission_id)
        || !matches!(input.language.as_str(), "ja" | "en")
    {
        return Err(server::fail(AppError::BadRequest));
    }
    let received_at = clock::now();
    let now_in_japan = japan_time(&received_at);
    let today = now_in_japan.date();
    let submission = input
        .form
        .parse(today)
        .map_err(|errors| server::fail(AppError::InvalidFields { errors }))?;
    let verdict = assess(&submission.request, today);
    if !verdict.may_be_submitted() {
        return Err(server::fail(AppError::NotSendable { verdict }));
    }
    let window = appointment_window(now_in_japan, &Calendar::new());
    let case = db::NewCase {
        submission_id: &input.submission_id,
        submission: &submission,
        verdict: &verdict,
        window,
        received_at,
        language: &input.language,
    };
    let reference = db::store_case(&server::pool()?, &case)
        .await
        .map_err(|e| server::database_error("store a case", &e))?;
    Ok(SentRequest {
        reference,
        verdict,
        window,
        documents: documents_to_bring(&submission.request),
    })
}

/// What the status page asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusQuery {
    pub reference: String,
    pub date_of_birth: String,
}

/// Where a request stands, in the words the patient reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CaseStatus {
    /// Received; reception has not looked at it yet.
    Received { window: AppointmentWindow },
    /// Reception asks the patient to contact counter 1.
    ContactReception,
}

/// The status of the request with this reference, if the patient's date of
/// birth matches. A wrong reference and a wrong date of birth get the same
/// answer from the same single query; each client address has 10 attempts
/// per 15 minutes.
#[server(endpoint = "find_status")]
pub async fn find_status(query: StatusQuery) -> Result<CaseStatus, AppError> {
    use crate::{clock, db, server};
    use domain::fields::DateOfBirth;

    let limiter = use_context::<server::AttemptLimiter>()
        .ok_or_else(|| AppError::internal("find the limiter", &"no AttemptLimiter in context"))?;
    if !limiter.try_attempt(server::client_address().await?, std::time::Instant::now()) {
        return Err(server::fail(AppError::TooManyAttempts));
    }
    let today = domain::japan_time(&clock::now()).date();
    let reference = Reference::parse(&query.reference);
    let date_of_birth = DateOfBirth::parse(&query.date_of_birth, today).ok();
    let (Some(reference), Some(date_of_birth)) = (reference, date_of_birth) else {
        return Err(server::fail(AppError::NotFound));
    };
    let row = db::find_case_status(&server::pool()?, &reference, date_of_birth.date())
        .await
        .map_err(|e| server::database_error("find a case's status", &e))?
        .ok_or_else(|| server::fail(AppError::NotFound))?;
    let day = |text: &str| {
        text.parse()
            .map_err(|e| AppError::internal("read a stored day", &e))
    };
    let window = AppointmentWindow {
        receipt: day(&row.receipt_day)?,
        earliest: day(&row.earliest_day)?,
        latest: day(&row.latest_day)?,
    };
    match (row.status.as_str(), row.contact_first) {
        ("received", true) => Ok(CaseStatus::ContactReception),
        ("received", false) => Ok(CaseStatus::Received { window }),
        (other, _) => Err(server::fail(AppError::internal(
            "read a case's status",
            &other,
        ))),
    }
}
