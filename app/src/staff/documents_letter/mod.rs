//! `/staff/cases/<reference>/documents-letter?request=<id>`: the request
//! for further documents reception prints for the present doctor, filled
//! from what the specialist asked: one A4 page in the page's language, the
//! case's QR code so that the answer finds its case, and the liaison
//! office's FAX and postal address when set. Printing it is recorded.

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use domain::reference::Reference;
use domain::report::NeededDocument;
use leptos::prelude::*;
use leptos_meta::{Stylesheet, Title};

use super::{Desk, StaffError};
use crate::Erase;
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, record};
use crate::hospital::Liaison;
use crate::http::Site;
use crate::i18n::td_string;
use crate::staff::store::{document_request, submission};
use crate::staff::words as staff_words;

pub(super) fn routes() -> Router<Site> {
    Router::new().route("/staff/cases/{reference}/documents-letter", get(show))
}

/// Which request the letter is for.
#[derive(Debug, serde::Deserialize)]
struct Which {
    request: Option<i64>,
}

/// The letter as it prints.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LetterPage {
    reference: Reference,
    qr: String,
    doctor: String,
    institution: String,
    patient_name: String,
    patient_born: NaiveDate,
    needed: Vec<NeededDocument>,
    other: Option<String>,
    note: Option<String>,
    specialist: String,
    liaison: Liaison,
    hospital: String,
}

async fn show(
    desk: Desk,
    Path(reference): Path<String>,
    Query(which): Query<Which>,
) -> Result<Response, StaffError> {
    let reference = Reference::parse(&reference).ok_or(StaffError::NotFound)?;
    let row = desk.case(&reference).await?;
    let id = which.request.ok_or(StaffError::NotFound)?;
    let request = document_request(desk.pool(), row.id, id)
        .await?
        .ok_or(StaffError::NotFound)?;
    let detail = format!("request {id}");
    let entry = Entry {
        actor: Some(&desk.staff.login),
        case_id: Some(row.id),
        after: Some(&detail),
        ..Entry::of(AuditAction::DocumentsLetterPrinted)
    };
    record(desk.pool(), desk.now(), entry).await?;
    let submission = submission(&row)?;
    let page = LetterPage {
        qr: crate::ui::qr::reference_svg(&reference),
        reference,
        doctor: submission.present_doctor_name.as_str().to_owned(),
        institution: submission.present_institution.as_str().to_owned(),
        patient_name: submission.patient_name.as_str().to_owned(),
        patient_born: submission.patient_date_of_birth.date(),
        needed: request.needed,
        other: request.other,
        note: request.note,
        specialist: request.specialist,
        liaison: desk.site.liaison.clone(),
        hospital: desk.site.hospital.to_string(),
    };
    Ok(desk
        .render(StatusCode::OK, move || {
            view! { <Letter page=page.clone() /> }.into_any()
        })
        .await)
}

#[component]
fn Letter(page: LetterPage) -> impl IntoView {
    let locale = crate::use_locale();
    let title = td_string!(locale, letter.title);
    let items = page
        .needed
        .iter()
        .filter(|needed| **needed != NeededDocument::Other)
        .map(|needed| view! { <li>{staff_words::needed_document(locale, *needed)}</li> })
        .collect_view();
    let other = page.other.clone().map(|other| view! { <li>{other}</li> });
    let to = td_string!(
        locale,
        letter.to,
        doctor = page.doctor.clone(),
        institution = page.institution.clone()
    )
    .to_string();
    let patient = td_string!(
        locale,
        report.patient,
        name = page.patient_name.clone(),
        born = crate::format::birth_date(locale, page.patient_born)
    )
    .to_string();
    let send = match (&page.liaison.fax, &page.liaison.postal_address) {
        (None, None) => None,
        (fax, address) => Some(view! {
            <h2>{td_string!(locale, letter.send_heading)}</h2>
            {fax.clone().map(|fax| view! { <p>{td_string!(locale, letter.fax, fax).to_string()}</p> })}
            {address.clone().map(|address| view! { <p>{td_string!(locale, letter.post, address).to_string()}</p> })}
        }),
    };
    view! {
        <Stylesheet id="papers" href="/papers.css" />
        <Title text=format!("{title} {}", page.reference) />
        <p class="actions no-print">
            <a href=format!("/staff/cases/{}", page.reference.compact())>{td_string!(locale, report.back_to_case)}</a>
            " "
            <button type="button" class="button" data-print hidden>{td_string!(locale, staff.print)}</button>
        </p>
        <article class="paper" data-paper="documents-letter">
            <div class="paper-head">
                <div>
                    <p class="paper-hospital">{page.hospital.clone()}</p>
                    <h1 class="paper-title">{title}</h1>
                </div>
                <div class="reference-mark">
                    <div class="qr-box" inner_html=page.qr.clone()></div>
                    <p><span>{td_string!(locale, paper.reference_label)}</span><strong class="reference" data-testid="paper-reference">{page.reference.to_string()}</strong></p>
                </div>
            </div>
            <p class="report-to">{to}</p>
            <p>{patient}</p>
            <p>{td_string!(locale, letter.intro)}</p>
            <ul data-testid="letter-items">{items}{other}</ul>
            {page.note.clone().map(|note| view! { <p class="note-text">{note}</p> })}
            <p>{td_string!(locale, letter.with_reference)}</p>
            {send}
            <div class="paper-from">
                <p>{td_string!(locale, letter.from, specialist = page.specialist.clone()).to_string()}</p>
            </div>
        </article>
    }
    .erase()
}
