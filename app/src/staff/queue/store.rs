//! The queue's queries (server only): one page of the filtered cases with
//! the counts per status, and every matching case for the CSV.

use chrono::{NaiveDate, NaiveTime};
use domain::Calendar;
use domain::case::{CaseStatus, queue_age};
use domain::contact::{CallOutcome, PatientAnswer};
use domain::reference::Reference;
use domain::report::report_clock;
use sqlx::AnyPool;

use crate::store::Statement;

use super::filters::{Needs, QueueFilters, QueueSort};
use super::{QUEUE_PAGE_SIZE, QueuePage, QueueRow};
use crate::area::AreaCode;
use crate::store::{calendar, in_japan};

/// Hiragana to katakana, so that a search typed in either finds a reading.
fn katakana(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// `LIKE` with the user's `%`, `_` and `\` taken literally.
fn like_pattern(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

/// Whether the status filter applies (the counts per status leave it out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Filtered,
    Ignored,
}

/// The days the due filters compare with: today, the last day "due soon"
/// reaches (two consultation days ahead), and for the steps due a number
/// of consultation days after receipt (the review, the booking), the last
/// receipt day that is late today and the last that is due by "soon".
#[derive(Debug, Clone, Copy)]
struct Days {
    today: NaiveDate,
    soon: NaiveDate,
    /// (late, soon) receipt days for a review.
    review: (NaiveDate, NaiveDate),
    /// (late, soon) receipt days for a booking.
    booking: (NaiveDate, NaiveDate),
}

impl Days {
    fn new(calendar: &Calendar, today: NaiveDate) -> Self {
        use domain::forecast::{REVIEW_DUE_DAYS, last_receipt_due_by, soon_until};
        use domain::window::LATEST_APPOINTMENT_DAY;
        let soon = soon_until(calendar, today);
        let yesterday = today.pred_opt().unwrap_or(today);
        let receipts = |days| {
            (
                last_receipt_due_by(calendar, days, yesterday),
                last_receipt_due_by(calendar, days, soon),
            )
        };
        Self {
            today,
            soon,
            review: receipts(REVIEW_DUE_DAYS),
            booking: receipts(LATEST_APPOINTMENT_DAY),
        }
    }

    /// The next step's due day on or before `by` (SQL, with its binds):
    /// `late` for "before today", otherwise "by the soon day".
    fn push_due(self, query: &mut Statement, late: bool) {
        let (review, booking, by) = if late {
            (
                self.review.0,
                self.booking.0,
                self.today.pred_opt().unwrap_or(self.today),
            )
        } else {
            (self.review.1, self.booking.1, self.soon)
        };
        query
            .push(" AND ((c.status = 'received' AND c.receipt_day <= ")
            .push_bind(review.to_string())
            .push(") OR (c.status = 'under_review' AND c.receipt_day <= ")
            .push_bind(booking.to_string())
            .push(
                ") OR (c.status = 'scheduled' AND (SELECT MAX(n.day) FROM appointments n \
                   WHERE n.case_id = c.id AND n.ended_at IS NULL) <= ",
            )
            .push_bind(by.to_string())
            .push(format!(") OR (c.status = 'seen' AND {REPORT_DUE} <= "))
            .push_bind(by.to_string())
            .push("))");
    }
}

/// The day the current appointment's report is due, for a case seen and
/// not reported yet (SQL).
const REPORT_DUE: &str = "(CASE WHEN c.status = 'seen' THEN (SELECT v.report_due_on FROM visits v \
     JOIN appointments h ON h.id = v.appointment_id WHERE h.case_id = c.id AND h.ended_at IS NULL) END)";

/// The specialist's requests for documents reception has not settled
/// yet (SQL).
const OPEN_REQUESTS: &str = "(SELECT COUNT(*) FROM document_requests q \
     WHERE q.case_id = c.id AND q.settled_at IS NULL)";

/// Pushes ` WHERE` and every filter (the status too when `status` says so)
/// onto `query`, each value bound.
fn push_filters(query: &mut Statement, filters: &QueueFilters, status: Status, days: Days) {
    query.push(" WHERE 1 = 1");
    match filters.needs {
        Some(Needs::ReportOverdue) => {
            query
                .push(format!(" AND {REPORT_DUE} < "))
                .push_bind(days.today.to_string());
        }
        Some(Needs::ReportDueSoon) => {
            query
                .push(format!(" AND {REPORT_DUE} <= "))
                .push_bind(days.soon.to_string());
        }
        Some(Needs::DocumentsRequested) => {
            query.push(format!(" AND {OPEN_REQUESTS} > 0"));
        }
        Some(Needs::StepLate) => days.push_due(query, true),
        Some(Needs::StepDueSoon) => days.push_due(query, false),
        None => {}
    }
    if let Some(area) = filters.area {
        query.push(" AND c.area = ").push_bind(area.code());
    }
    if let Some(from) = filters.from {
        query
            .push(" AND c.receipt_day >= ")
            .push_bind(from.to_string());
    }
    if let Some(to) = filters.to {
        query
            .push(" AND c.receipt_day <= ")
            .push_bind(to.to_string());
    }
    let search = filters.search.trim();
    if !search.is_empty() {
        let compact: String = search
            .chars()
            .filter(|c| *c != '-' && !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        query
            .push(" AND (c.reference LIKE ")
            .push_bind(like_pattern(&compact))
            // lower() on both sides: SQLite's LIKE ignores the case of
            // Latin letters, PostgreSQL's does not.
            .push(" ESCAPE '\\' OR lower(c.patient_name) LIKE lower(")
            .push_bind(like_pattern(search))
            .push(") ESCAPE '\\' OR c.patient_name_reading LIKE ")
            .push_bind(like_pattern(&katakana(search)))
            .push(
                " ESCAPE '\\' OR replace(replace(c.patient_name_reading, ' ', ''), '\u{3000}', '') LIKE ",
            )
            .push_bind(like_pattern(&katakana(&search.replace([' ', '\u{3000}'], ""))))
            .push(" ESCAPE '\\')");
    }
    if let (Status::Filtered, Some(status)) = (status, filters.status) {
        query.push(" AND c.status = ").push_bind(status.code());
    }
}

/// A line of the queue as stored.
#[derive(Debug, sqlx::FromRow)]
struct QueueSqlRow {
    reference: String,
    patient_name: String,
    patient_name_reading: Option<String>,
    patient_date_of_birth: String,
    area: String,
    #[sqlx(try_from = "crate::store::Flag")]
    contact_first: bool,
    status: String,
    receipt_day: String,
    day: Option<String>,
    start_time: Option<String>,
    calls: i64,
    #[sqlx(try_from = "crate::store::Flag")]
    reached: bool,
    last_call: Option<String>,
    #[sqlx(try_from = "crate::store::Flag")]
    mail_failed: bool,
    patient_answer: Option<String>,
    open_requests: i64,
    report_due: Option<String>,
    reduced_at: Option<String>,
}

fn queue_select() -> String {
    format!(
        "SELECT c.reference, c.patient_name, c.patient_name_reading, \
         c.patient_date_of_birth, c.area, c.contact_first, \
         c.status, c.receipt_day, a.day, a.start_time, \
         (SELECT COUNT(*) FROM calls k WHERE k.case_id = c.id) AS calls, \
         EXISTS (SELECT 1 FROM calls k WHERE k.case_id = c.id AND k.outcome = 'reached') AS reached, \
         (SELECT k.outcome || ' ' || k.at FROM calls k WHERE k.case_id = c.id \
          ORDER BY k.at DESC, k.id DESC LIMIT 1) AS last_call, \
         EXISTS (SELECT 1 FROM messages m WHERE m.case_id = c.id AND m.status = 'failed') AS mail_failed, \
         c.patient_answer, {OPEN_REQUESTS} AS open_requests, {REPORT_DUE} AS report_due, \
         c.reduced_at \
         FROM cases c \
         LEFT JOIN appointments a ON a.case_id = c.id AND a.ended_at IS NULL"
    )
}

fn order_by(sort: QueueSort) -> &'static str {
    match sort {
        QueueSort::Oldest => "c.receipt_day ASC, c.received_at ASC, c.id ASC",
        QueueSort::Newest => "c.receipt_day DESC, c.received_at DESC, c.id DESC",
        QueueSort::Reference => "c.reference ASC",
        QueueSort::Name => "COALESCE(c.patient_name_reading, c.patient_name) ASC, c.id ASC",
    }
}

fn queue_row(row: QueueSqlRow, calendar: &Calendar, today: NaiveDate) -> Option<QueueRow> {
    let status = CaseStatus::from_code(&row.status)?;
    let receipt_day: NaiveDate = row.receipt_day.parse().ok()?;
    let report_due: Option<NaiveDate> = row.report_due.as_deref().and_then(|d| d.parse().ok());
    let (age, urgency) = queue_age(calendar, receipt_day, today, status);
    let appointment = match (row.day, row.start_time) {
        (Some(day), Some(start)) => Some((
            day.parse().ok()?,
            NaiveTime::parse_from_str(&start, "%H:%M").ok()?,
        )),
        _ => None,
    };
    Some(QueueRow {
        reference: Reference::parse(&row.reference)?,
        patient_name: row.patient_name,
        patient_name_reading: row.patient_name_reading,
        // Nor over a date of birth it cannot read: the CSV leaves it blank.
        patient_date_of_birth: row.patient_date_of_birth.parse().ok(),
        // Never a case lost from the queue over its area's code.
        area: AreaCode::from_code(&row.area).unwrap_or(AreaCode::Other),
        contact_first: row.contact_first,
        status,
        receipt_day,
        age,
        urgency,
        appointment,
        // Still to be called: open before booking, and nobody reached yet.
        to_call: matches!(status, CaseStatus::Received | CaseStatus::UnderReview) && !row.reached,
        calls: u32::try_from(row.calls).unwrap_or(u32::MAX),
        last_call: row.last_call.and_then(|text| {
            let (outcome, at) = text.split_once(' ')?;
            Some((CallOutcome::from_code(outcome)?, in_japan(at)))
        }),
        mail_failed: row.mail_failed,
        patient_answer: row
            .patient_answer
            .as_deref()
            .and_then(PatientAnswer::from_code),
        open_requests: u32::try_from(row.open_requests).unwrap_or(u32::MAX),
        report: report_due.map(|due| report_clock(calendar, due, today)),
        next: next_due(
            status,
            receipt_day,
            appointment,
            report_due,
            calendar,
            today,
        ),
        reduced_on: row
            .reduced_at
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok())
            .map(|at| domain::japan_time(&at).date()),
    })
}

/// The step a case owes next and how its due day stands today, by the
/// rules of `domain::forecast`.
fn next_due(
    status: CaseStatus,
    receipt: NaiveDate,
    appointment: Option<(NaiveDate, NaiveTime)>,
    report_due: Option<NaiveDate>,
    calendar: &Calendar,
    today: NaiveDate,
) -> Option<super::NextDue> {
    use domain::forecast::{Course, Timeliness, timeliness};
    let course = Course {
        appointment: appointment.map(|(day, _)| day),
        report_due,
        ..Course::received(receipt)
    };
    let (step, due) = domain::forecast::next_due(status, &course, calendar)?;
    let timeliness = timeliness(calendar, due, today);
    let days = match timeliness {
        Timeliness::Late => calendar.consultation_days_between(due, today).max(1),
        _ => calendar.consultation_days_between(today, due),
    };
    Some(super::NextDue {
        step,
        due,
        timeliness,
        days,
    })
}

/// The queue: one page of the filtered cases, the counts per status and
/// the number of pages.
pub async fn queue_page(
    pool: &AnyPool,
    filters: QueueFilters,
    today: NaiveDate,
) -> Result<QueuePage, sqlx::Error> {
    let calendar = calendar(pool).await?;
    let days = Days::new(&calendar, today);
    let mut total = Statement::new("SELECT COUNT(*) FROM cases c");
    push_filters(&mut total, &filters, Status::Filtered, days);
    let (sql, arguments) = total.parts()?;
    let matching: i64 = sqlx::query_scalar_with(&sql, arguments)
        .fetch_one(pool)
        .await?;
    let matching = u32::try_from(matching).unwrap_or(u32::MAX);
    let pages = matching.div_ceil(QUEUE_PAGE_SIZE).max(1);
    let page = filters.page.min(pages);
    let limit = (QUEUE_PAGE_SIZE, (page - 1) * QUEUE_PAGE_SIZE);
    let rows = queue_rows(pool, &filters, Some(limit), &calendar, today).await?;

    let mut counts = Statement::new("SELECT c.status, COUNT(*) FROM cases c");
    push_filters(&mut counts, &filters, Status::Ignored, days);
    counts.push(" GROUP BY c.status");
    let (sql, arguments) = counts.parts()?;
    let counted: Vec<(String, i64)> = sqlx::query_as_with(&sql, arguments).fetch_all(pool).await?;
    let counts = CaseStatus::ALL
        .iter()
        .map(|status| {
            let n = counted
                .iter()
                .find(|(code, _)| code == status.code())
                .map_or(0, |(_, n)| u32::try_from(*n).unwrap_or(u32::MAX));
            (*status, n)
        })
        .collect();
    Ok(QueuePage {
        filters: QueueFilters { page, ..filters },
        rows,
        counts,
        matching,
        pages,
        today,
        scan_missed: None,
        mail_waiting: 0,
        new_requests_refused: false,
        new_request_ceiling: 0,
    })
}

/// Every case matching the filters, in the queue's order (the CSV).
pub async fn queue_all(
    pool: &AnyPool,
    filters: &QueueFilters,
    today: NaiveDate,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    let calendar = calendar(pool).await?;
    queue_rows(pool, filters, None, &calendar, today).await
}

/// The rows matching the filters, in their order; with `limit`, that many
/// from an offset.
async fn queue_rows(
    pool: &AnyPool,
    filters: &QueueFilters,
    limit: Option<(u32, u32)>,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    let mut query = Statement::new(queue_select());
    push_filters(
        &mut query,
        filters,
        Status::Filtered,
        Days::new(calendar, today),
    );
    query.push(" ORDER BY ").push(order_by(filters.sort));
    if let Some((limit, offset)) = limit {
        query
            .push(" LIMIT ")
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::from(offset));
    }
    let (sql, arguments) = query.parts()?;
    Ok(sqlx::query_as_with::<_, QueueSqlRow, _>(&sql, arguments)
        .fetch_all(pool)
        .await?
        .into_iter()
        .filter_map(|row| queue_row(row, calendar, today))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hiragana_searches_find_katakana_readings() {
        assert_eq!(katakana("やまだ はなこ"), "ヤマダ ハナコ");
        assert_eq!(katakana("Yamada"), "Yamada");
    }

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_pattern("100%_a\\"), "%100\\%\\_a\\\\%");
    }
}
