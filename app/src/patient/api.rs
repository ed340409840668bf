//! The patient's server functions: sending a request and looking up its
//! status. Each is thin: parse with `domain`, decide with `domain`, store
//! through `patient::store`.

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
    /// "This is a shared computer" was ticked: the confirmation stays open
    /// in this browser for its session and an hour at most.
    #[serde(default)]
    pub shared_computer: bool,
}

pub use crate::message::AddressState;

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
    use crate::http;
    use leptos::server_fn::http_export::{HeaderValue, header};
    let (client, https) = http::proxies::connection().await?;
    let limiter = use_context::<http::limits::NewCaseLimiter>()
        .ok_or_else(|| AppError::internal("find the limiter", &"no NewCaseLimiter in context"))?;
    let mail = use_context::<crate::mail::MailSetup>()
        .ok_or_else(|| AppError::internal("find the mail setup", &"no MailSetup in context"))?;
    let history = use_context::<crate::forecast::KnownHistory>()
        .ok_or_else(|| AppError::internal("find the history", &"no KnownHistory in context"))?;
    let sender = Sender {
        client,
        new_cases: &limiter,
        mail: &mail,
        history: &history,
    };
    let accepted = accept_request(&crate::store::pool()?, input, &sender)
        .await
        .map_err(AppError::answered)?;
    if let (Some(response), Ok(cookie)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&sent_cookie(
            &accepted.token,
            https,
            accepted.shared_computer,
        )),
    ) {
        response.append_header(header::SET_COOKIE, cookie);
    }
    Ok(accepted.sent)
}

/// A request stored (or found stored, when resent), and the token that
/// lets the browser which sent it show its confirmation.
#[cfg(feature = "ssr")]
#[derive(Debug)]
pub struct Accepted {
    pub sent: SentRequest,
    /// The confirmation page's token for this browser.
    pub token: String,
    /// Sent from a shared computer: the cookie lives for the browser's
    /// session only.
    pub shared_computer: bool,
}

/// Who sends a request: the client's address (for the limit on new
/// requests), the limit, and how messages to the patient are written.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy)]
pub struct Sender<'a> {
    pub client: std::net::IpAddr,
    pub new_cases: &'a crate::http::limits::NewCaseLimiter,
    pub mail: &'a crate::mail::MailSetup,
    /// The recent cases' durations, for the "received" message's forecast.
    pub history: &'a crate::forecast::KnownHistory,
}

/// The work of [`submit_request`], shared with the form posted without
/// JavaScript: parse, decide with the server's clock, store once (with the
/// "received" message, when asked for). A new case counts against the
/// sender's hourly limit; a resend does not.
#[cfg(feature = "ssr")]
pub async fn accept_request(
    pool: &sqlx::AnyPool,
    input: SubmitRequestInput,
    sender: &Sender<'_>,
) -> Result<Accepted, AppError> {
    use super::store;
    use crate::clock;
    use crate::http::limits::NotTaken;
    use domain::{appointment_window, assess, documents_to_bring, japan_time};

    if !is_submission_id(&input.submission_id) || !matches!(input.language.as_str(), "ja" | "en") {
        return Err(AppError::BadRequest);
    }
    let received_at = clock::now();
    let now_in_japan = japan_time(&received_at);
    let today = now_in_japan.date();
    let submission = input
        .form
        .parse(today)
        .map_err(|errors| AppError::InvalidFields { errors })?;
    let verdict = assess(&submission.request, today);
    if !verdict.may_be_submitted() {
        return Err(AppError::NotSendable { verdict });
    }
    let calendar = crate::store::calendar(pool).await?;
    let window = appointment_window(now_in_japan, &calendar);
    let expected = sender
        .history
        .for_new_request(window.receipt, today, &calendar);
    // A client this process knows is over its limit is refused here
    // without waiting for the write turn; the store counts a new request
    // for good in the transaction that stores it. A resend does not count.
    let resent = store::submission_is_known(pool, &input.submission_id).await?;
    let not_taken = |not| match not {
        NotTaken::Client => AppError::TooManyNewRequests,
        // The whole service is over its hourly ceiling: "busy", and
        // reception's queue says so.
        NotTaken::Service => AppError::Busy,
    };
    if !resent {
        sender
            .new_cases
            .check(sender.client, received_at)
            .map_err(not_taken)?;
    }
    let case = store::NewCase {
        submission_id: &input.submission_id,
        submission: &submission,
        verdict: &verdict,
        window,
        expected: &expected,
        received_at,
        language: &input.language,
        limit: (!resent).then_some((sender.new_cases, sender.client)),
        token_lifetime: if input.shared_computer {
            store::SHARED_SENT_TOKEN
        } else {
            store::SENT_TOKEN
        },
    };
    let (stored, token) = match store::store_case(pool, &case, sender.mail).await? {
        store::Storing::Stored { case, token } => (case, token),
        // The submission id was used before for other answers: not a retry.
        store::Storing::Resubmitted => return Err(AppError::Resubmitted),
        store::Storing::NotTaken(not) => return Err(not_taken(not)),
    };
    Ok(Accepted {
        sent: SentRequest {
            reference: stored.reference,
            verdict: stored.verdict,
            window: stored.window,
            documents: documents_to_bring(&stored.request),
        },
        token,
        shared_computer: input.shared_computer,
    })
}

/// 8 to 64 letters, digits and dashes: what the form generates.
#[cfg(feature = "ssr")]
pub fn is_submission_id(text: &str) -> bool {
    (8..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The cookie that lets the browser which sent a request show its
/// confirmation again (reload, print). It holds a random token, whose hash
/// is stored with the case: the reference alone, which can be seen over a
/// shoulder or in a browser's history, opens nothing.
#[cfg(feature = "ssr")]
pub const SENT_COOKIE: &str = "second_opinion_sent";

/// The `Set-Cookie` value for a request just sent: for one day (from a
/// shared computer, for the browser's session: the token itself ends
/// within the hour), never to scripts, never on requests from other sites,
/// `Secure` over HTTPS.
#[cfg(feature = "ssr")]
pub fn sent_cookie(token: &str, https: bool, shared_computer: bool) -> String {
    let cookie = crate::http::cookies::private_cookie(SENT_COOKIE, https, token.to_owned());
    if shared_computer {
        cookie.build().to_string()
    } else {
        let day = super::store::SENT_TOKEN.num_seconds();
        cookie
            .max_age(cookie::time::Duration::seconds(day))
            .build()
            .to_string()
    }
}

/// What the confirmation page and the papers it prints show: the
/// reference (also as QR codes, drawn on the server), the window, the
/// documents, and every answer, for the request form the patient signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentSummary {
    pub reference: Reference,
    pub contact_first: bool,
    pub window: AppointmentWindow,
    pub documents: Vec<Document>,
    pub answers: domain::form::RequestForm,
    /// The reference's QR code, inline SVG.
    pub qr: String,
    /// The same, with the highest error correction, for the FAX cover.
    pub fax_qr: String,
    /// Where the e-mail address given stands, when updates were asked for.
    pub address: Option<AddressState>,
    /// The days its steps are expected on (the confirmation page's).
    #[serde(default)]
    pub expected: Vec<domain::forecast::Expected>,
}

/// The papers of the case with `reference` (server only).
#[cfg(feature = "ssr")]
pub async fn summary_of(
    pool: &sqlx::AnyPool,
    reference: &Reference,
) -> Result<Option<SentSummary>, AppError> {
    let stored = super::store::find_submission(pool, reference).await?;
    let address = super::store::address_state(pool, reference).await?;
    Ok(stored.map(|(stored, submission)| SentSummary {
        address,
        expected: Vec::new(),
        contact_first: matches!(stored.verdict, Verdict::ContactFirst { .. }),
        window: stored.window,
        documents: domain::documents_to_bring(&stored.request),
        answers: submission.to_form(),
        qr: crate::ui::qr::reference_svg(&stored.reference),
        fax_qr: crate::ui::qr::fax_svg(&stored.reference),
        reference: stored.reference,
    }))
}

/// The confirmation of a sent request, by its reference, for the browser
/// that sent it (it holds the sent cookie's token); anyone else is told
/// "not found", as for a reference that does not exist. Misses count
/// against the status look-up's limit for the client, and a client past
/// it is told to try later; the browser holding the token (a 256-bit
/// secret, nothing to guess) sees its confirmation whatever others behind
/// the same address looked up.
#[server(endpoint = "find_sent")]
pub async fn find_sent(reference: String) -> Result<SentSummary, AppError> {
    use super::store;
    use crate::{clock, http};

    let limiter = use_context::<http::limits::AttemptLimiter>()
        .ok_or_else(|| AppError::internal("find the limiter", &"no AttemptLimiter in context"))?;
    let (client, _) = http::proxies::connection().await?;
    let headers = leptos_axum::extract::<axum::http::HeaderMap>()
        .await
        .map_err(|e| AppError::internal("read the request headers", &e))?;
    let token = http::cookies::private_cookie_value(&headers, SENT_COOKIE).unwrap_or_default();
    let now = clock::now();
    let pool = crate::store::pool()?;
    // Without a token there is nothing to find: past the limit, no look-up.
    if !http::tokens::is_token(&token) && !limiter.allows(&pool, client, now).await? {
        return Err(AppError::TooManyAttempts.answered());
    }
    let sent = match Reference::parse(&reference) {
        Some(reference) => store::sent_with_token(&pool, &reference, &token, now)
            .await?
            .then_some(reference),
        None => None,
    };
    let Some(reference) = sent else {
        let missed = if limiter.try_attempt(&pool, client, now).await? {
            AppError::NotFound
        } else {
            AppError::TooManyAttempts
        };
        return Err(missed.answered());
    };
    let mut summary = summary_of(&pool, &reference)
        .await?
        .ok_or_else(|| AppError::NotFound.answered())?;
    if let Some(history) = use_context::<crate::forecast::KnownHistory>() {
        let today = clock::now_in_japan().date();
        summary.expected = history.forecast(&pool, &reference, today).await?;
    }
    Ok(summary)
}

/// What the status page asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Reception is reviewing it.
    UnderReview { window: AppointmentWindow },
    /// The appointment: day, start (HH:MM) and the department's names in
    /// Japanese and English.
    Scheduled {
        day: chrono::NaiveDate,
        start: String,
        department: Option<(String, String)>,
        /// What the patient answered through an e-mail's link, and when
        /// (Japan time).
        #[serde(default)]
        answer: Option<(domain::contact::PatientAnswer, String)>,
    },
    /// The hospital cannot take the request, for this reason.
    Declined { reason: domain::case::DeclineReason },
    /// The consultation took place on `day`; the specialist is writing the
    /// report for the present doctor.
    Seen { day: chrono::NaiveDate },
    /// The written opinion was sent to the present doctor (`doctor`, as
    /// the report is addressed) on `day`.
    Reported {
        day: chrono::NaiveDate,
        doctor: String,
    },
    /// The consultation took place (a case closed before the hospital
    /// recorded the report's sending).
    Completed,
    /// Reception asks the patient to contact counter 1 (a request to
    /// clarify, a cancelled or missed appointment).
    ContactReception,
}

/// The status of the request with this reference, if the patient's date of
/// birth matches. A wrong reference and a wrong date of birth get the same
/// answer from the same single query; each client address has 10 attempts
/// per 15 minutes.
#[server(endpoint = "find_status")]
pub async fn find_status(query: StatusQuery) -> Result<CaseStatus, AppError> {
    use crate::http;
    let limiter = use_context::<http::limits::AttemptLimiter>()
        .ok_or_else(|| AppError::internal("find the limiter", &"no AttemptLimiter in context"))?;
    let client = http::proxies::client_address().await?;
    look_up_status(&crate::store::pool()?, &limiter, client, &query)
        .await
        .map_err(AppError::answered)
}

/// The work of [`find_status`], shared with the form posted without
/// JavaScript.
#[cfg(feature = "ssr")]
pub async fn look_up_status(
    pool: &sqlx::AnyPool,
    limiter: &crate::http::limits::AttemptLimiter,
    client: std::net::IpAddr,
    query: &StatusQuery,
) -> Result<CaseStatus, AppError> {
    use super::store;
    use crate::clock;
    use domain::case::{CaseStatus as Stage, DeclineReason};
    use domain::fields::DateOfBirth;

    let now = clock::now();
    if !limiter.try_attempt(pool, client, now).await? {
        return Err(AppError::TooManyAttempts);
    }
    let today = domain::japan_time(&now).date();
    let reference = Reference::parse(&query.reference);
    let date_of_birth = DateOfBirth::parse(&query.date_of_birth, today).ok();
    let (Some(reference), Some(date_of_birth)) = (reference, date_of_birth) else {
        return Err(AppError::NotFound);
    };
    // Ten misses in a day lock the reference for everyone, whatever the
    // client; a reference that does not exist is counted the same way, so
    // that the answers and the work done tell the two apart no more than
    // "not found" does.
    if store::status_lookup_locked(pool, &reference, now).await? {
        metrics::counter!("second_opinion_status_lookup_locked_total").increment(1);
        return Err(AppError::LookUpLocked);
    }
    let found = store::find_case_status(pool, &reference, date_of_birth.date()).await?;
    let Some(row) = found else {
        store::record_status_miss(pool, &reference, now).await?;
        return Err(AppError::NotFound);
    };
    let calendar = crate::store::calendar(pool).await?;
    let received = chrono::DateTime::parse_from_rfc3339(&row.received_at)
        .map_err(|e| AppError::internal("read a stored moment", &e))?;
    // With today's calendar: a closure day added since counts.
    let window = domain::appointment_window(domain::japan_time(&received), &calendar);
    let stage = Stage::from_code(&row.status)
        .ok_or_else(|| AppError::internal("read a case's status", &row.status))?;
    let read_day = |day: &str| {
        day.parse::<chrono::NaiveDate>()
            .map_err(|e| AppError::internal("read a stored day", &e))
    };
    Ok(match stage {
        Stage::Received if row.contact_first => CaseStatus::ContactReception,
        Stage::Received => CaseStatus::Received { window },
        Stage::UnderReview => CaseStatus::UnderReview { window },
        Stage::Scheduled => match (row.appointment_day, row.appointment_start) {
            (Some(day), Some(start)) => CaseStatus::Scheduled {
                day: read_day(&day)?,
                start,
                department: row.department_ja.zip(row.department_en),
                answer: row
                    .patient_answer
                    .as_deref()
                    .and_then(domain::contact::PatientAnswer::from_code)
                    .zip(row.patient_answer_at.as_deref().map(crate::store::in_japan)),
            },
            _ => CaseStatus::ContactReception,
        },
        Stage::Declined => row
            .decline_reason
            .as_deref()
            .and_then(DeclineReason::from_code)
            .map_or(CaseStatus::ContactReception, |reason| {
                CaseStatus::Declined { reason }
            }),
        Stage::Seen => row
            .seen_on
            .as_deref()
            .map(read_day)
            .transpose()?
            .map_or(CaseStatus::Completed, |day| CaseStatus::Seen { day }),
        Stage::Reported => match (row.sent_on.as_deref(), row.sent_to()) {
            (Some(day), Some(doctor)) => CaseStatus::Reported {
                day: read_day(day)?,
                doctor,
            },
            _ => CaseStatus::Completed,
        },
        Stage::Completed => CaseStatus::Completed,
        Stage::Cancelled | Stage::NoShow => CaseStatus::ContactReception,
    })
}
