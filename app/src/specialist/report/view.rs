//! The report's editor and the report as it prints: A4, its parts under
//! the report's own labels (Japanese by default: its reader is a Japanese
//! doctor), numbered pages, and, once signed, the verification code with
//! its QR code.

use domain::case::CaseStatus;
use domain::report::{ReportField, ReportProblem};
use leptos::prelude::*;
use leptos_meta::{Stylesheet, Title};

use super::{EditorPage, EditorProblem, PrintPage, Writing};
use crate::Erase;
use crate::i18n::{Locale, td_string};
use crate::staff::words as staff_words;

/// A part's label, in `locale` (the UI's in the editor, the report's own
/// when printed).
pub fn field_label(locale: Locale, field: ReportField) -> &'static str {
    match field {
        ReportField::Doctor => td_string!(locale, report.doctor),
        ReportField::Institution => td_string!(locale, report.institution),
        ReportField::Purpose => td_string!(locale, report.purpose),
        ReportField::Questions => td_string!(locale, report.questions),
        ReportField::RecordsReviewed => td_string!(locale, report.records_reviewed),
        ReportField::DiagnosisOpinion => td_string!(locale, report.diagnosis_opinion),
        ReportField::TreatmentOpinion => td_string!(locale, report.treatment_opinion),
        ReportField::Explained => td_string!(locale, report.explained),
        ReportField::Remarks => td_string!(locale, report.remarks),
    }
}

fn problem_words(locale: Locale, problem: &EditorProblem) -> Vec<String> {
    match problem {
        EditorProblem::Text(problems) | EditorProblem::NotReady(problems) => problems
            .iter()
            .map(|(field, problem)| {
                let what = match problem {
                    ReportProblem::TooLong => td_string!(locale, report.problem_too_long),
                    ReportProblem::ControlCharacters => td_string!(locale, report.problem_control),
                    ReportProblem::Missing => td_string!(locale, report.problem_missing),
                };
                format!("{}: {what}", field_label(locale, *field))
            })
            .collect(),
        EditorProblem::CodeRefused => vec![td_string!(locale, report.code_refused).to_owned()],
        EditorProblem::TooManyAttempts(minutes) => {
            vec![td_string!(locale, staff.login_throttled, minutes = *minutes).to_string()]
        }
        EditorProblem::NoAmendmentReason => {
            vec![td_string!(locale, report.amendment_needs_reason).to_owned()]
        }
        EditorProblem::Refused(crate::staff::CaseProblem::Refused(refused)) => {
            vec![staff_words::because(locale, refused.because).to_owned()]
        }
        EditorProblem::Refused(_) => vec![td_string!(locale, app_error.bad_request).to_owned()],
    }
}

#[component]
pub(super) fn Editor(page: EditorPage) -> impl IntoView {
    let locale = crate::use_locale();
    let reference = page.reference.to_string();
    let case_path = format!("/staff/cases/{}", page.reference.compact());
    let title = format!("{} {}", td_string!(locale, report.editor_title), reference);
    let problem = page.problem.as_ref().map(|problem| {
        let heading = if problem.draft_saved() {
            td_string!(locale, report.saved_not_signed)
        } else {
            td_string!(locale, report.not_saved)
        };
        let items = problem_words(locale, problem)
            .into_iter()
            .map(|text| view! { <li>{text}</li> })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" autofocus>
                <h2>{heading}</h2>
                <ul>{items}</ul>
            </div>
        }
    });
    let versions = page
        .versions
        .iter()
        .map(|v| {
            let state = match (&v.signed, &v.superseded_at) {
                (Some(_), Some(at)) => td_string!(locale, staff.report_superseded, at = at.clone()).to_string(),
                (Some((at, by)), None) => td_string!(locale, staff.report_signed, at = at.clone(), by = by.clone()).to_string(),
                (None, _) => td_string!(locale, report.being_written).to_owned(),
            };
            let print = format!("{case_path}/report/{}", v.version);
            view! {
                <li>
                    <strong>{td_string!(locale, staff.report_version, version = v.version).to_string()}</strong>
                    " — " {state} " " <a href=print>{td_string!(locale, staff.report_print)}</a>
                    {v.amendment_reason.clone().map(|reason| view! { <br /><small>{td_string!(locale, staff.amendment_reason)} ": " {reason}</small> })}
                </li>
            }
        })
        .collect_view();
    let before = !matches!(page.status, CaseStatus::Seen | CaseStatus::Reported);
    let writing = page
        .writing
        .clone()
        .map(|writing| view! { <WritingForm writing action=format!("{case_path}/report") /> });
    let amend = (page.writing.is_none() && !before && !page.versions.is_empty()).then(|| {
        view! {
            <form method="post" action=format!("{case_path}/report") class="narrow">
                <h2>{td_string!(locale, report.amend_heading)}</h2>
                <p class="hint">{td_string!(locale, report.amend_hint)}</p>
                <div class="field">
                    <label for="amendment-reason">{td_string!(locale, staff.amendment_reason)}</label>
                    <textarea id="amendment-reason" name="amendment_reason" rows="3" maxlength="2000"></textarea>
                </div>
                <p class="actions"><button type="submit" name="action" value="amend" class="button secondary">{td_string!(locale, report.amend_button)}</button></p>
            </form>
        }
    });
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <p><a href=case_path.clone()>{td_string!(locale, report.back_to_case)}</a> " · " {page.patient_name.clone()}</p>
        {problem}
        {page.saved.then(|| view! { <p class="notice" role="status">{td_string!(locale, staff.saved)}</p> })}
        {before.then(|| view! { <p class="notice">{td_string!(locale, report.after_the_consultation)}</p> })}
        {(!page.versions.is_empty()).then(|| view! {
            <h2>{td_string!(locale, report.versions)}</h2>
            <ul class="notes" data-testid="versions">{versions}</ul>
        })}
        {writing}
        {amend}
        <script src="/report-editor.js" defer></script>
    }
    .erase()
}

/// The draft's form: the language it is printed in, every part, and the
/// two ways out: save, or sign with a fresh code.
#[component]
fn WritingForm(writing: Writing, action: String) -> impl IntoView {
    let locale = crate::use_locale();
    let parts = ReportField::ALL
        .iter()
        .map(|field| {
            let id = format!("report-{}", field.code());
            let text = writing.text.get(*field).to_owned();
            let short = matches!(field, ReportField::Doctor | ReportField::Institution);
            let input = if short {
                view! { <input id=id.clone() name=field.code() type="text" maxlength=field.max_chars().to_string() value=text /> }.into_any()
            } else {
                let rows = if matches!(field, ReportField::DiagnosisOpinion | ReportField::TreatmentOpinion) { "8" } else { "4" };
                view! { <textarea id=id.clone() name=field.code() rows=rows maxlength=field.max_chars().to_string()>{text}</textarea> }.into_any()
            };
            let needed = field.needed_to_sign().then(|| view! { " " <span class="optional">{td_string!(locale, report.needed_to_sign)}</span> });
            view! {
                <div class="field">
                    <label for=id>{field_label(locale, *field)}{needed}</label>
                    {input}
                </div>
            }
        })
        .collect_view();
    let heading = td_string!(locale, staff.report_version, version = writing.version).to_string();
    view! {
        <form method="post" action=action id="report-form" data-version=writing.version.to_string() data-saved-at=writing.saved_at.clone().unwrap_or_default()>
            <h2>{heading}</h2>
            {writing.amendment_reason.clone().map(|reason| view! { <p class="hint">{td_string!(locale, staff.amendment_reason)} ": " {reason}</p> })}
            {writing.saved_at.clone().map(|at| view! { <p class="hint" data-testid="saved-at">{td_string!(locale, report.saved_at, at).to_string()}</p> })}
            {(!writing.stored).then(|| view! { <p class="hint">{td_string!(locale, report.prefilled)}</p> })}
            <div class="notice" id="report-restore" role="status" hidden>
                <p>{td_string!(locale, report.restore_text)}</p>
                <p class="actions">
                    <button type="button" class="button secondary" id="report-restore-button">{td_string!(locale, report.restore)}</button>
                    " "
                    <button type="button" class="link-button" id="report-restore-dismiss">{td_string!(locale, report.restore_dismiss)}</button>
                </p>
            </div>
            <div class="field">
                <label for="report-language">{td_string!(locale, report.language)}</label>
                <select id="report-language" name="language">
                    <option value="ja" selected=writing.language == Locale::ja>"日本語"</option>
                    <option value="en" selected=writing.language == Locale::en>"English"</option>
                </select>
            </div>
            {parts}
            <p class="actions"><button type="submit" name="action" value="save" class="button secondary">{td_string!(locale, report.save)}</button></p>
            <fieldset class="sign">
                <legend>{td_string!(locale, report.sign_heading)}</legend>
                <p class="hint" id="sign-hint">{td_string!(locale, report.sign_hint)}</p>
                <div class="field">
                    <label for="sign-code">{td_string!(locale, staff.code)}</label>
                    <input id="sign-code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric" aria-describedby="sign-hint" spellcheck="false" maxlength="8" class="code-input" />
                </div>
                <p class="actions"><button type="submit" name="action" value="sign" class="button">{td_string!(locale, report.sign)}</button></p>
            </fieldset>
        </form>
    }
}

/// The report as it prints (in its own language).
#[component]
pub(super) fn Print(page: PrintPage) -> impl IntoView {
    let screen = crate::use_locale();
    let locale = page.language;
    let title = td_string!(locale, report.title);
    let signed_day = page
        .signed
        .as_ref()
        .map(|(day, _, _)| crate::format::date(locale, *day));
    let parts = [
        ReportField::Purpose,
        ReportField::Questions,
        ReportField::RecordsReviewed,
        ReportField::DiagnosisOpinion,
        ReportField::TreatmentOpinion,
        ReportField::Explained,
        ReportField::Remarks,
    ]
    .into_iter()
    .filter(|field| *field != ReportField::Remarks || !page.text.remarks.trim().is_empty())
    .map(|field| {
        view! {
            <section class="report-part">
                <h2>{field_label(locale, field)}</h2>
                <p class="note-text">{page.text.get(field).to_owned()}</p>
            </section>
        }
    })
    .collect_view();
    let to = td_string!(
        locale,
        report.to,
        doctor = page.text.doctor.clone(),
        institution = page.text.institution.clone()
    )
    .to_string();
    let patient = td_string!(
        locale,
        report.patient,
        name = page.patient_name.clone(),
        born = crate::format::birth_date(locale, page.patient_born)
    )
    .to_string();
    let version = td_string!(locale, report.version_line, version = page.version).to_string();
    let amended = page.amendment_reason.clone().map(|reason| {
        let text = td_string!(
            locale,
            report.amends,
            previous = page.version.saturating_sub(1),
            reason
        )
        .to_string();
        view! { <p class="amends">{text}</p> }
    });
    let signature = page.signed.clone().map(|(_, name, department)| {
        view! { <Signature locale day=signed_day.clone().unwrap_or_default() name department /> }
    });
    let verification = page
        .verification
        .clone()
        .map(|(code, qr, url)| view! { <Verification locale code qr url /> });
    let draft = page.signed.is_none().then(|| {
        view! { <p class="draft-mark" data-testid="draft-mark">{td_string!(locale, report.draft_mark)}</p> }
    });
    let superseded = page.superseded_at.clone().map(|at| {
        view! { <p class="flag no-print" data-testid="superseded">{td_string!(screen, report.superseded_on_screen, at).to_string()}</p> }
    });
    let lang = match locale {
        Locale::ja => "ja",
        Locale::en => "en",
    };
    view! {
        <Stylesheet id="papers" href="/papers.css" />
        <Title text=format!("{title} {}", page.reference) />
        <p class="actions no-print">
            <a href=format!("/staff/cases/{}", page.reference.compact())>{td_string!(screen, report.back_to_case)}</a>
            " "
            <button type="button" class="button" data-print hidden>{td_string!(screen, staff.print)}</button>
        </p>
        {superseded}
        <article class="paper report" data-paper="report" lang=lang>
            {draft}
            <div class="paper-head">
                <div>
                    <p class="paper-hospital">{page.hospital.clone()}</p>
                    <h1 class="paper-title">{title}</h1>
                </div>
                <p class="paper-meta">{version}<br />{page.reference.to_string()}</p>
            </div>
            <p class="report-to">{to}</p>
            <p>{patient}</p>
            {amended}
            {parts}
            {signature}
            {verification}
        </article>
    }
    .erase()
}

/// The signature block: the day, the department and the specialist.
#[component]
fn Signature(locale: Locale, day: String, name: String, department: String) -> impl IntoView {
    view! {
        <div class="signature" data-testid="signature">
            <p>{day}</p>
            <p>{td_string!(locale, report.specialist, department, name).to_string()}</p>
        </div>
    }
}

/// The verification code with its QR code and where it is checked.
#[component]
fn Verification(
    locale: Locale,
    code: domain::report::VerificationCode,
    qr: String,
    url: String,
) -> impl IntoView {
    view! {
        <div class="verification">
            <div class="qr-box" inner_html=qr></div>
            <p>
                <span>{td_string!(locale, report.verify_with)}</span>
                <strong class="verification-code" data-testid="verification-code">{code.to_string()}</strong>
                <span>{url}</span>
            </p>
        </div>
    }
}
