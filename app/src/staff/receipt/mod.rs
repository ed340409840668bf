//! The receipt (領収書) reception prints on the day, for the fee paid:
//! posted from the case page, each print recorded (the first is the
//! original, every later one says it is reissued, 再発行) and audited.
//! One A4 page.

mod store;

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use chrono::{DateTime, NaiveDate};
use domain::fee::Yen;
use domain::reference::Reference;
use domain::visit::{PaymentMethod, ReceiptNumber};
use leptos::prelude::*;
use leptos_meta::{Stylesheet, Title};

use super::{Desk, StaffError};
use crate::Erase;
use crate::audit::AuditAction;
use crate::audit::chain::{Entry, append};
use crate::http::Site;
use crate::i18n::td_string;
use crate::staff::words as staff_words;
use crate::store::undecodable;

pub(super) fn routes() -> Router<Site> {
    Router::new().route("/staff/cases/{reference}/receipt", post(print))
}

/// A receipt as it prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptPage {
    pub hospital: String,
    pub reference: Reference,
    pub number: ReceiptNumber,
    pub payer: String,
    pub amount: Yen,
    pub tax: Yen,
    pub method: PaymentMethod,
    pub paid_on: NaiveDate,
    /// Printed before: this one is a reissue.
    pub reissue: bool,
}

/// `POST /staff/cases/<reference>/receipt`: records a print and shows the
/// receipt to print.
async fn print(desk: Desk, Path(reference): Path<String>) -> Result<Response, StaffError> {
    let reference = Reference::parse(&reference).ok_or(StaffError::NotFound)?;
    let row = desk.case(&reference).await?;
    let now = desk.now();
    let mut transaction = crate::store::begin_write(desk.pool()).await?;
    let payment = store::payment(&mut transaction, row.id)
        .await?
        .ok_or(StaffError::NotFound)?;
    let printed_before =
        store::record_print(&mut transaction, payment.id, &desk.staff.login, now).await?;
    let number = ReceiptNumber {
        year: payment.receipt_year,
        number: u32::try_from(payment.receipt_number).map_err(|_| undecodable("receipt number"))?,
    };
    let detail = if printed_before > 0 {
        format!("{number} reissue {printed_before}")
    } else {
        number.to_string()
    };
    let entry = Entry {
        actor: Some(&desk.staff.login),
        case_id: Some(row.id),
        after: Some(&detail),
        ..Entry::of(AuditAction::ReceiptPrinted)
    };
    append(&mut transaction, now, entry).await?;
    transaction.commit().await?;
    let paid_at =
        DateTime::parse_from_rfc3339(&payment.taken_at).map_err(|_| undecodable("taken_at"))?;
    let fee = domain::fee::SECOND_OPINION_FEE;
    let amount = Yen(u32::try_from(payment.amount_yen).unwrap_or_default());
    let page = ReceiptPage {
        hospital: desk.site.hospital.to_string(),
        reference,
        number,
        payer: payment.payer,
        amount,
        // The fee's tax, as the price list has it (the amount is the fee).
        tax: if amount == fee.total() {
            fee.consumption_tax()
        } else {
            Yen(0)
        },
        method: PaymentMethod::from_code(&payment.method).ok_or_else(|| undecodable("method"))?,
        paid_on: domain::japan_time(&paid_at).date(),
        reissue: printed_before > 0,
    };
    Ok(desk
        .render(StatusCode::OK, move || {
            view! { <Receipt page=page.clone() /> }.into_any()
        })
        .await)
}

#[component]
fn Receipt(page: ReceiptPage) -> impl IntoView {
    let locale = crate::use_locale();
    let title = if page.reissue {
        td_string!(locale, receipt.title_reissue)
    } else {
        td_string!(locale, receipt.title)
    };
    let amount = crate::format::yen(locale, page.amount);
    let tax = crate::format::yen(locale, page.tax);
    let rate = domain::fee::SECOND_OPINION_FEE.consumption_tax_percent;
    view! {
        <Stylesheet id="papers" href="/papers.css" />
        <Title text=title.to_owned() />
        <p class="actions no-print">
            <a href=format!("/staff/cases/{}", page.reference.compact())>{td_string!(locale, report.back_to_case)}</a>
            " "
            <button type="button" class="button" data-print hidden>{td_string!(locale, staff.print)}</button>
        </p>
        <article class="paper receipt" data-paper="receipt">
            <div class="paper-head">
                <h1 class="paper-title" data-testid="receipt-title">{title}</h1>
                <p class="paper-meta">
                    {td_string!(locale, receipt.number, number = page.number.to_string()).to_string()}<br />
                    {crate::format::date(locale, page.paid_on)}
                </p>
            </div>
            <p class="receipt-payer">{td_string!(locale, receipt.payer, payer = page.payer.clone()).to_string()}</p>
            <p class="receipt-amount" data-testid="receipt-amount">{amount}</p>
            <p>{td_string!(locale, receipt.tax, tax, rate).to_string()}</p>
            <dl class="answers">
                <div class="answer"><dt>{td_string!(locale, receipt.for_label)}</dt><dd>{td_string!(locale, receipt.for_text)}</dd></div>
                <div class="answer"><dt>{td_string!(locale, receipt.method_label)}</dt><dd>{staff_words::payment_method(locale, page.method)}</dd></div>
                <div class="answer"><dt>{td_string!(locale, receipt.reference_label)}</dt><dd>{page.reference.to_string()}</dd></div>
            </dl>
            <p>{td_string!(locale, receipt.received)}</p>
            <div class="paper-from">
                <p>{page.hospital.clone()}</p>
                <p>{td_string!(locale, receipt.counter)}</p>
            </div>
        </article>
    }
    .erase()
}
