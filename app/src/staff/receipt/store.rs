//! The receipt's queries (server only): the payment of the case's current
//! appointment, and its prints.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::store::timestamp;

/// The payment a receipt is for.
#[derive(Debug, sqlx::FromRow)]
pub struct Payment {
    pub id: i64,
    pub receipt_year: i32,
    pub receipt_number: i64,
    pub amount_yen: i64,
    pub method: String,
    pub payer: String,
    pub taken_at: String,
}

pub async fn payment(
    connection: &mut AnyConnection,
    case_id: i64,
) -> Result<Option<Payment>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.receipt_year, p.receipt_number, p.amount_yen, p.method, p.payer, p.taken_at \
         FROM payments p JOIN appointments a ON a.id = p.appointment_id \
         WHERE a.case_id = $1 AND a.ended_at IS NULL",
    )
    .bind(case_id)
    .fetch_optional(connection)
    .await
}

/// Records a print of the receipt of `payment_id`: how many there were
/// before it.
pub async fn record_print(
    connection: &mut AnyConnection,
    payment_id: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM receipt_prints WHERE payment_id = $1")
            .bind(payment_id)
            .fetch_one(&mut *connection)
            .await?;
    sqlx::query(
        "INSERT INTO receipt_prints (payment_id, printed_at, printed_by) VALUES ($1, $2, $3)",
    )
    .bind(payment_id)
    .bind(timestamp(now))
    .bind(by)
    .execute(connection)
    .await?;
    Ok(before)
}
