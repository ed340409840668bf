//! The written opinion (`/staff/cases/<reference>/report`): the case's own
//! specialist writes it after the consultation, saves it as a draft any
//! number of times (without a script; with one, unsaved changes are kept
//! in the tab and a slip of the finger asks first), and signs it with a
//! fresh code from their authenticator app: the signed version is frozen
//! and its SHA-256 goes into the audit chain. A change after signing is an
//! amendment: the next version, with its reason, signed again; every
//! earlier version stays readable and says it was superseded.
//!
//! `…/report/<version>` prints a version (A4, numbered pages, the
//! verification code and its QR code, which `/verify` answers); anyone who
//! may see the case prints a signed one, and each view is recorded.

mod store;
mod view;

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use domain::case::{CaseStatus, Step};
use domain::reference::Reference;
use domain::report::{ReportField, ReportProblem, ReportText, VerificationCode};
use leptos::prelude::*;
use sha2::{Digest, Sha256};

use crate::audit::AuditAction;
use crate::audit::chain::{Entry, append, record};
use crate::http::{Client, Form, FormPairs, Site};
use crate::i18n::Locale;
use crate::staff::auth::{self, FreshCode};
use crate::staff::retry_after;
use crate::staff::store::{CaseRow, submission};
use crate::staff::{CaseProblem, Desk, Role, StaffError};
use crate::store::{in_japan, timestamp, undecodable};

pub(super) fn routes() -> Router<Site> {
    Router::new()
        .route("/staff/cases/{reference}/report", get(editor).post(change))
        .route("/staff/cases/{reference}/report/{version}", get(print))
}

/// A version of the report, as the editor lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionLine {
    pub version: u32,
    /// Japan time, and the signer, once signed.
    pub signed: Option<(String, String)>,
    pub superseded_at: Option<String>,
    pub amendment_reason: Option<String>,
}

/// What the editor shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorPage {
    pub reference: Reference,
    pub patient_name: String,
    pub status: CaseStatus,
    /// The version being written (stored or not yet), its text and language.
    pub writing: Option<Writing>,
    pub versions: Vec<VersionLine>,
    pub problem: Option<EditorProblem>,
    pub saved: bool,
}

/// The draft in the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writing {
    pub version: u32,
    pub text: ReportText,
    pub language: Locale,
    /// Whether the draft is stored (a new one is only prefilled).
    pub stored: bool,
    /// Japan time of the last save.
    pub saved_at: Option<String>,
    pub amendment_reason: Option<String>,
}

/// Why the editor did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorProblem {
    /// Parts that cannot be kept as they are: nothing saved.
    Text(Vec<(ReportField, ReportProblem)>),
    /// Parts a signed report needs: the draft is saved, not signed.
    NotReady(Vec<(ReportField, ReportProblem)>),
    /// The code was not the authenticator's, or was used already: the
    /// draft is saved, not signed.
    CodeRefused,
    /// Too many wrong codes: minutes to wait.
    TooManyAttempts(i64),
    /// An amendment needs its reason.
    NoAmendmentReason,
    /// The case's flow does not allow it now (before the consultation…).
    Refused(CaseProblem),
}

/// What the editor posts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "FormPairs")]
pub enum ReportAction {
    Save {
        text: ReportText,
        language: Locale,
    },
    Sign {
        text: ReportText,
        language: Locale,
        code: String,
    },
    Amend {
        reason: String,
    },
}

impl EditorProblem {
    /// Whether the draft was saved all the same (only the signing failed).
    pub const fn draft_saved(&self) -> bool {
        matches!(
            self,
            Self::NotReady(_) | Self::CodeRefused | Self::TooManyAttempts(_)
        )
    }
}

impl TryFrom<FormPairs> for ReportAction {
    type Error = StaffError;

    fn try_from(pairs: FormPairs) -> Result<Self, StaffError> {
        let text = || {
            let mut text = ReportText::default();
            for field in ReportField::ALL {
                // As typed: the line breaks are the specialist's.
                text.set(*field, pairs.raw(field.code()).replace("\r\n", "\n"));
            }
            text
        };
        let language = || {
            if pairs.value("language") == "en" {
                Locale::en
            } else {
                Locale::ja
            }
        };
        match pairs.value("action") {
            "save" => Ok(Self::Save {
                text: text(),
                language: language(),
            }),
            "sign" => Ok(Self::Sign {
                text: text(),
                language: language(),
                code: pairs.value("code").to_owned(),
            }),
            "amend" => Ok(Self::Amend {
                reason: pairs.value("amendment_reason").to_owned(),
            }),
            _ => Err(StaffError::BadForm),
        }
    }
}

/// The longest reason for an amendment.
const MAX_REASON_CHARS: usize = 2_000;

/// The case of the report, for its own specialist only.
async fn own_case(desk: &Desk, reference: &str) -> Result<(Reference, CaseRow), StaffError> {
    let reference = Reference::parse(reference).ok_or(StaffError::NotFound)?;
    desk.specialist()?;
    let row = desk.case(&reference).await?;
    Ok((reference, row))
}

fn locale_code(locale: Locale) -> &'static str {
    match locale {
        Locale::ja => "ja",
        Locale::en => "en",
    }
}

fn locale_of(code: &str) -> Locale {
    if code == "en" { Locale::en } else { Locale::ja }
}

/// The text a first draft starts from: the present doctor and the
/// questions from the request, the records from the documents received.
async fn prefilled(desk: &Desk, row: &CaseRow, locale: Locale) -> Result<ReportText, StaffError> {
    let submission = submission(row)?;
    let form = submission.to_form();
    let received = crate::staff::store::documents_received(desk.pool(), row.id).await?;
    let records: Vec<String> = received
        .into_iter()
        .map(|(document, on)| {
            format!(
                "{} ({})",
                crate::words::document(locale, document),
                crate::format::date(locale, on)
            )
        })
        .collect();
    Ok(ReportText {
        doctor: form.present_doctor_name.clone(),
        institution: form.present_institution.clone(),
        purpose: crate::staff::words::purpose(locale, &form.purpose),
        questions: form.questions.clone(),
        records_reviewed: records.join("\n"),
        ..ReportText::default()
    })
}

/// The editor page for the case `row`, with `problem` and the text posted
/// when it was refused.
async fn editor_page(
    desk: &Desk,
    reference: Reference,
    row: &CaseRow,
    problem: Option<(EditorProblem, ReportText, Locale)>,
) -> Result<EditorPage, StaffError> {
    let status = CaseStatus::from_code(&row.status).ok_or_else(|| undecodable("status"))?;
    let stored = store::versions(desk.pool(), row.id).await?;
    let versions = stored
        .iter()
        .map(|v| VersionLine {
            version: u32::try_from(v.version).unwrap_or_default(),
            signed: v
                .signed_at
                .as_deref()
                .map(|at| (in_japan(at), v.signer_name.clone().unwrap_or_default())),
            superseded_at: v.superseded_at.as_deref().map(in_japan),
            amendment_reason: v.amendment_reason.clone(),
        })
        .collect();
    let draft = stored.iter().find(|v| v.signed_at.is_none());
    let mut writing = match draft {
        Some(draft) => Some(Writing {
            version: u32::try_from(draft.version).unwrap_or(1),
            text: draft.text()?,
            language: locale_of(&draft.language),
            stored: true,
            saved_at: Some(in_japan(&draft.updated_at)),
            amendment_reason: draft.amendment_reason.clone(),
        }),
        // Written after the consultation: a first draft, prefilled.
        None if stored.is_empty() && status == CaseStatus::Seen => Some(Writing {
            version: 1,
            text: prefilled(desk, row, Locale::ja).await?,
            language: Locale::ja,
            stored: false,
            saved_at: None,
            amendment_reason: None,
        }),
        None => None,
    };
    let problem = problem.map(|(problem, text, language)| {
        if let Some(writing) = &mut writing {
            writing.text = text;
            writing.language = language;
        }
        problem
    });
    Ok(EditorPage {
        reference,
        patient_name: submission(row)?.patient_name.as_str().to_owned(),
        status,
        writing,
        versions,
        problem,
        saved: desk.query().0.iter().any(|(k, _)| k == "saved"),
    })
}

async fn show_editor(desk: Desk, page: EditorPage) -> Response {
    let status = match &page.problem {
        None => StatusCode::OK,
        Some(EditorProblem::TooManyAttempts(_)) => StatusCode::TOO_MANY_REQUESTS,
        Some(EditorProblem::CodeRefused) => StatusCode::UNAUTHORIZED,
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let wait = match page.problem {
        Some(EditorProblem::TooManyAttempts(minutes)) => Some(minutes),
        _ => None,
    };
    let response = desk
        .render(status, move || {
            view! { <view::Editor page=page.clone() /> }.into_any()
        })
        .await;
    match wait {
        Some(minutes) => retry_after(response, minutes),
        None => response,
    }
}

/// `GET /staff/cases/<reference>/report`: the editor.
async fn editor(desk: Desk, Path(reference): Path<String>) -> Result<Response, StaffError> {
    let (reference, row) = own_case(&desk, &reference).await?;
    let page = editor_page(&desk, reference, &row, None).await?;
    Ok(show_editor(desk, page).await)
}

/// `POST /staff/cases/<reference>/report`: save, sign or amend.
async fn change(
    desk: Desk,
    Client(address): Client,
    Path(reference): Path<String>,
    Form(action): Form<ReportAction>,
) -> Result<Response, StaffError> {
    let (reference, row) = own_case(&desk, &reference).await?;
    let refused = match act(&desk, &row, address, action).await? {
        Ok(()) => {
            let path = format!("/staff/cases/{}/report?saved=1", reference.compact());
            return Ok(Redirect::to(&path).into_response());
        }
        Err(refused) => refused,
    };
    let page = editor_page(&desk, reference, &row, Some(refused)).await?;
    Ok(show_editor(desk, page).await)
}

type Refusal = (EditorProblem, ReportText, Locale);

/// Carries out `action`: `Ok(Err(…))` when it is refused, with the text
/// posted, to show again.
async fn act(
    desk: &Desk,
    row: &CaseRow,
    address: std::net::IpAddr,
    action: ReportAction,
) -> Result<Result<(), Refusal>, StaffError> {
    let now = desk.now();
    let status = CaseStatus::from_code(&row.status).ok_or_else(|| undecodable("status"))?;
    match action {
        ReportAction::Save { text, language } => {
            if let Err(problem) = save(desk, row, status, &text, language, now).await? {
                return Ok(Err((problem, text, language)));
            }
            Ok(Ok(()))
        }
        ReportAction::Sign {
            text,
            language,
            code,
        } => {
            if let Err(problem) = save(desk, row, status, &text, language, now).await? {
                return Ok(Err((problem, text, language)));
            }
            let problems = text.signing_problems();
            if !problems.is_empty() {
                return Ok(Err((EditorProblem::NotReady(problems), text, language)));
            }
            let (pool, key) = (desk.pool(), &desk.site.login_key);
            let typed = (code.as_str(), "report signing");
            match auth::fresh_code(pool, key, &desk.staff, typed, address, now).await? {
                FreshCode::Accepted => {}
                FreshCode::Refused => {
                    let entry = Entry {
                        actor: Some(&desk.staff.login),
                        case_id: Some(row.id),
                        ..Entry::of(AuditAction::ReportSigningRefused)
                    };
                    record(pool, now, entry).await?;
                    return Ok(Err((EditorProblem::CodeRefused, text, language)));
                }
                FreshCode::Throttled { minutes } => {
                    return Ok(Err((
                        EditorProblem::TooManyAttempts(minutes),
                        text,
                        language,
                    )));
                }
            }
            sign(desk, row, now).await
        }
        ReportAction::Amend { reason } => {
            let reason = reason.trim();
            let kept = (ReportText::default(), Locale::ja);
            if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
                return Ok(Err((EditorProblem::NoAmendmentReason, kept.0, kept.1)));
            }
            let mut transaction = crate::store::begin_write(desk.pool()).await?;
            let progress = crate::staff::store::progress(&mut transaction, row.id).await?;
            if let Err(refused) = status.take(Step::AmendReport, &progress) {
                let problem = EditorProblem::Refused(CaseProblem::Refused(refused));
                return Ok(Err((problem, kept.0, kept.1)));
            }
            let login = &desk.staff.login;
            let version = store::amend(&mut transaction, row.id, reason, login, now)
                .await?
                .ok_or_else(|| undecodable("report to amend"))?;
            let detail = format!("v{version}: {reason}");
            let entry = Entry {
                actor: Some(login),
                case_id: Some(row.id),
                after: Some(&detail),
                ..Entry::of(AuditAction::ReportAmended)
            };
            append(&mut transaction, now, entry).await?;
            transaction.commit().await?;
            Ok(Ok(()))
        }
    }
}

/// Keeps the text as the open draft, if the flow allows writing now.
async fn save(
    desk: &Desk,
    row: &CaseRow,
    status: CaseStatus,
    text: &ReportText,
    language: Locale,
    now: DateTime<Utc>,
) -> Result<Result<(), EditorProblem>, StaffError> {
    let problems = text.draft_problems();
    if !problems.is_empty() {
        return Ok(Err(EditorProblem::Text(problems)));
    }
    // Writing is signing's first half: the flow that allows signing (after
    // the consultation) allows a draft.
    if let Err(refused) = status.after(Step::SignReport) {
        return Ok(Err(EditorProblem::Refused(CaseProblem::Refused(refused))));
    }
    let mut transaction = crate::store::begin_write(desk.pool()).await?;
    let login = &desk.staff.login;
    let saved = (text, locale_code(language));
    let Some(version) = store::save_draft(&mut transaction, row.id, saved, login, now).await?
    else {
        // A signed version stands and no amendment is open.
        let refused = domain::case::RefusedStep {
            from: status,
            step: Step::SignReport,
            because: domain::case::Because::NoDraft,
        };
        return Ok(Err(EditorProblem::Refused(CaseProblem::Refused(refused))));
    };
    let detail = format!("v{version}");
    let entry = Entry {
        actor: Some(login),
        case_id: Some(row.id),
        after: Some(&detail),
        ..Entry::of(AuditAction::ReportSaved)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(Ok(()))
}

/// What is signed and hashed: the case, the version, its language and
/// text, the signer and the moment, in a fixed order.
#[derive(serde::Serialize)]
struct Signed<'a> {
    reference: String,
    version: u32,
    language: &'a str,
    text: &'a ReportText,
    signer: &'a str,
    department: &'a str,
    at: &'a str,
}

/// The SHA-256 of what is signed, in hex.
fn digest_of(signed: &Signed<'_>) -> Result<String, StaffError> {
    let bytes = serde_json::to_vec(signed).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

/// Signs the open draft (the code was accepted): frozen, hashed into the
/// audit chain, the version before superseded.
async fn sign(
    desk: &Desk,
    row: &CaseRow,
    now: DateTime<Utc>,
) -> Result<Result<(), Refusal>, StaffError> {
    let specialist = desk.specialist()?;
    let (name_ja, name_en) = store::department_of(desk.pool(), specialist)
        .await?
        .unwrap_or_default();
    let mut transaction = crate::store::begin_write(desk.pool()).await?;
    let status = crate::staff::store::status_of(&mut transaction, row.id).await?;
    let progress = crate::staff::store::progress(&mut transaction, row.id).await?;
    let Some(draft) = store::draft(&mut transaction, row.id).await? else {
        return Err(StaffError::Stale {
            by: String::new(),
            at: String::new(),
        });
    };
    let text = draft.text()?;
    let language = locale_of(&draft.language);
    if let Err(refused) = status.take(Step::SignReport, &progress) {
        let problem = EditorProblem::Refused(CaseProblem::Refused(refused));
        return Ok(Err((problem, text, language)));
    }
    let department = match language {
        Locale::ja => name_ja,
        Locale::en => name_en,
    };
    let signed_at = timestamp(now);
    let version = u32::try_from(draft.version).unwrap_or(1);
    let signed = Signed {
        reference: Reference::parse(&row.reference)
            .ok_or_else(|| undecodable("reference"))?
            .to_string(),
        version,
        language: &draft.language,
        text: &text,
        signer: &desk.staff.name,
        department: &department,
        at: &signed_at,
    };
    let digest = digest_of(&signed)?;
    let code = desk.site.report_key.code(draft.id, &digest);
    let hash = crate::keys::code_hash(&code);
    let signature = store::Signature {
        by: &desk.staff.login,
        name: &desk.staff.name,
        department: &department,
        digest: &digest,
        verification_hash: &hash,
    };
    store::sign(&mut transaction, (row.id, draft.id), &signature, &signed_at).await?;
    let detail = format!("v{version} sha256:{digest}");
    let entry = Entry {
        actor: Some(&desk.staff.login),
        case_id: Some(row.id),
        after: Some(&detail),
        ..Entry::of(AuditAction::ReportSigned)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(Ok(()))
}

/// A version as it prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintPage {
    pub hospital: String,
    pub reference: Reference,
    pub version: u32,
    pub text: ReportText,
    pub language: Locale,
    pub patient_name: String,
    pub patient_born: NaiveDate,
    /// Signed: the day, the signer, the department; a draft otherwise.
    pub signed: Option<(NaiveDate, String, String)>,
    pub amendment_reason: Option<String>,
    pub superseded_at: Option<String>,
    /// The verification code, its QR code (inline SVG) and where it is
    /// checked.
    pub verification: Option<(VerificationCode, String, String)>,
}

/// `GET /staff/cases/<reference>/report/<version>`: a version to print.
/// A signed one for anyone who may see the case; a draft only for the
/// specialist, marked as a draft.
async fn print(
    desk: Desk,
    Path((reference, version)): Path<(String, u32)>,
) -> Result<Response, StaffError> {
    let reference = Reference::parse(&reference).ok_or(StaffError::NotFound)?;
    let row = desk.case(&reference).await?;
    let stored = store::version(desk.pool(), row.id, version)
        .await?
        .ok_or(StaffError::NotFound)?;
    if stored.signed_at.is_none() && desk.staff.role != Role::Specialist {
        return Err(StaffError::NotFound);
    }
    let detail = format!("v{version}");
    desk.record_seen(AuditAction::ReportViewed, Some(row.id), Some(&detail))
        .await?;
    let submission = submission(&row)?;
    let signed = match (&stored.signed_at, &stored.signer_name) {
        (Some(at), Some(name)) => DateTime::parse_from_rfc3339(at).ok().map(|at| {
            (
                domain::japan_time(&at).date(),
                name.clone(),
                stored.signer_department.clone().unwrap_or_default(),
            )
        }),
        _ => None,
    };
    let verification = stored.digest.as_deref().map(|digest| {
        let code = desk.site.report_key.code(stored.id, digest);
        let url = format!("{}/verify", desk.site.mail.public_url);
        let qr = crate::ui::qr::url_svg(&format!("{url}?code={code}"));
        (code, qr, url)
    });
    let page = PrintPage {
        hospital: desk.site.hospital.to_string(),
        reference,
        version,
        text: stored.text()?,
        language: locale_of(&stored.language),
        patient_name: submission.patient_name.as_str().to_owned(),
        patient_born: submission.patient_date_of_birth.date(),
        signed,
        amendment_reason: stored.amendment_reason.clone(),
        superseded_at: stored.superseded_at.as_deref().map(in_japan),
        verification,
    };
    Ok(desk
        .render(StatusCode::OK, move || {
            view! { <view::Print page=page.clone() /> }.into_any()
        })
        .await)
}
