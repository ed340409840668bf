//! The changes reception makes to a case (server only). Each is one
//! transaction that checks the case's version, applies the flow defined in
//! `domain::case`, and writes the audit trail.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::case::{CaseStatus, DeclineReason, Step, check_appointment};
use domain::japan_time;
use domain::reference::Reference;
use sqlx::SqlitePool;

use super::store::{self, Entry, audit, timestamp};
use super::{CaseProblem, Staff};

/// What became of a change.
#[derive(Debug)]
pub enum Outcome {
    Done,
    Refused(CaseProblem),
    NotFound,
}

/// The longest internal note or written reason.
pub const MAX_TEXT_CHARS: usize = 2_000;

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.trim())
}

fn text(pairs: &[(String, String)], name: &str) -> Option<String> {
    let text = value(pairs, name);
    (!text.is_empty() && text.chars().count() <= MAX_TEXT_CHARS).then(|| text.to_owned())
}

/// A change to the case's own row, made only if nobody changed it since
/// the page was loaded.
#[derive(Debug, Default)]
struct Change {
    status: Option<(CaseStatus, CaseStatus)>,
    /// A specialist newly assigned, and their department.
    specialist: Option<(i64, String)>,
    decline: Option<(DeclineReason, Option<String>)>,
    /// Audit lines: action, before, after.
    audit: Vec<(&'static str, Option<String>, Option<String>)>,
}

type Transaction<'a> = sqlx::Transaction<'a, sqlx::Sqlite>;

/// A change to apply, or why it is refused.
type Decided = Result<Change, CaseProblem>;

/// Applies the posted `action` to the case, as `staff`.
pub async fn act(
    pool: &SqlitePool,
    staff: &Staff,
    reference: &Reference,
    pairs: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<Outcome, sqlx::Error> {
    // IMMEDIATE: the version is read under the write lock, so of two
    // changes made at once the second waits, then finds the new version and
    // is told who changed the case, instead of failing as "busy".
    let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    let Some(row) = store::case_row(&mut *transaction, reference).await? else {
        return Ok(Outcome::NotFound);
    };
    let action = value(pairs, "action");
    if action == "note" {
        return add_note(transaction, &row, staff, pairs, now).await;
    }
    // Every other change is made on the version the page showed.
    let posted_version: Option<i64> = value(pairs, "version").parse().ok();
    if posted_version != Some(row.version) {
        return Ok(Outcome::Refused(CaseProblem::Stale {
            by: row.updated_by.clone().unwrap_or_default(),
            at: row
                .updated_at
                .as_deref()
                .map(store::in_japan)
                .unwrap_or_default(),
        }));
    }
    let status = CaseStatus::from_code(&row.status)
        .ok_or_else(|| sqlx::Error::Decode("stored status".into()))?;
    let decided = match action {
        "start_review" | "complete" | "no_show" | "cancel_appointment" => {
            let step =
                Step::from_code(action).ok_or_else(|| sqlx::Error::Protocol("step".into()))?;
            let decided = moved(status, step);
            if decided.is_ok() && step == Step::CancelAppointment {
                end_appointment(&mut transaction, row.id, "cancelled", staff, now).await?;
            }
            decided
        }
        "documents" => match documents(&mut transaction, &row, staff, pairs, now).await? {
            // Nothing ticked or unticked: nothing to write, no new version.
            Ok(change) if change.audit.is_empty() => return Ok(Outcome::Done),
            decided => decided,
        },
        "assign" => assign(&mut transaction, status, pairs).await?,
        "schedule" => schedule(pool, &mut transaction, &row, status, staff, pairs, now).await?,
        "decline" => decline(status, pairs),
        _ => return Err(sqlx::Error::Protocol("unknown action".into())),
    };
    match decided {
        Ok(change) => apply(transaction, &row, change, staff, now).await,
        Err(problem) => Ok(Outcome::Refused(problem)),
    }
}

/// A change that only moves the status along the flow.
fn moved(status: CaseStatus, step: Step) -> Decided {
    let to = status.after(step).map_err(CaseProblem::Refused)?;
    Ok(Change {
        status: Some((status, to)),
        ..Change::default()
    })
}

async fn add_note(
    mut transaction: Transaction<'_>,
    row: &store::CaseRow,
    staff: &Staff,
    pairs: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<Outcome, sqlx::Error> {
    let Some(note) = text(pairs, "note") else {
        return Ok(Outcome::Refused(CaseProblem::BadNote));
    };
    sqlx::query("INSERT INTO case_notes (case_id, at, author, text) VALUES (?, ?, ?, ?)")
        .bind(row.id)
        .bind(timestamp(now))
        .bind(&staff.name)
        .bind(&note)
        .execute(&mut *transaction)
        .await?;
    let entry = Entry {
        actor: Some(&staff.login),
        action: "note_added",
        case_id: Some(row.id),
        ..Entry::default()
    };
    audit(&mut *transaction, now, entry).await?;
    transaction.commit().await?;
    Ok(Outcome::Done)
}

/// Ticks and unticks the documents handed in, each with its day.
async fn documents(
    transaction: &mut Transaction<'_>,
    row: &store::CaseRow,
    staff: &Staff,
    pairs: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<Decided, sqlx::Error> {
    let today = japan_time(&now).date();
    let mut change = Change::default();
    for document in domain::documents_to_bring(&store::submission(row)?.request) {
        let ticked = value(pairs, &format!("doc_{}", document.code())) == "on";
        let on = value(pairs, &format!("doc_{}_on", document.code()));
        let on: NaiveDate = if on.is_empty() {
            today
        } else {
            match on.parse() {
                Ok(day) if day <= today => day,
                _ => return Ok(Err(CaseProblem::BadDateOrTime)),
            }
        };
        let before: Option<String> = sqlx::query_scalar(
            "SELECT received_on FROM case_documents WHERE case_id = ? AND document = ?",
        )
        .bind(row.id)
        .bind(document.code())
        .fetch_optional(&mut **transaction)
        .await?;
        let after = ticked.then(|| on.to_string());
        if before == after {
            continue;
        }
        if let Some(after) = &after {
            sqlx::query(
                "INSERT INTO case_documents (case_id, document, received_on, recorded_by) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (case_id, document) DO UPDATE SET received_on = excluded.received_on, \
                 recorded_by = excluded.recorded_by",
            )
            .bind(row.id)
            .bind(document.code())
            .bind(after)
            .bind(&staff.login)
            .execute(&mut **transaction)
            .await?;
        } else {
            sqlx::query("DELETE FROM case_documents WHERE case_id = ? AND document = ?")
                .bind(row.id)
                .bind(document.code())
                .execute(&mut **transaction)
                .await?;
        }
        change.audit.push((
            "document_received",
            before.map(|on| format!("{}: {on}", document.code())),
            after.map(|on| format!("{}: {on}", document.code())),
        ));
    }
    Ok(Ok(change))
}

/// Assigns an active specialist (and so their department); a received case
/// goes under review with it.
async fn assign(
    transaction: &mut Transaction<'_>,
    status: CaseStatus,
    pairs: &[(String, String)],
) -> Result<Decided, sqlx::Error> {
    let specialist: Option<(i64, String)> = match value(pairs, "specialist").parse::<i64>() {
        Ok(id) => {
            sqlx::query_as("SELECT id, department FROM specialists WHERE id = ? AND active = 1")
                .bind(id)
                .fetch_optional(&mut **transaction)
                .await?
        }
        Err(_) => None,
    };
    let Some(specialist) = specialist else {
        return Ok(Err(CaseProblem::NoSpecialist));
    };
    let mut change = match status {
        CaseStatus::Received => match moved(status, Step::StartReview) {
            Ok(change) => change,
            Err(problem) => return Ok(Err(problem)),
        },
        CaseStatus::UnderReview | CaseStatus::Scheduled => Change::default(),
        _ => return Ok(Err(CaseProblem::Closed)),
    };
    change.specialist = Some(specialist);
    Ok(Ok(change))
}

/// Books (or moves) the appointment; the old one is kept, ended.
async fn schedule(
    pool: &SqlitePool,
    transaction: &mut Transaction<'_>,
    row: &store::CaseRow,
    status: CaseStatus,
    staff: &Staff,
    pairs: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<Decided, sqlx::Error> {
    if row.specialist_id.is_none() {
        return Ok(Err(CaseProblem::NoSpecialist));
    }
    let step = if status == CaseStatus::Scheduled {
        Step::Reschedule
    } else {
        Step::Schedule
    };
    let mut change = match moved(status, step) {
        Ok(change) => change,
        Err(problem) => return Ok(Err(problem)),
    };
    if status == CaseStatus::Scheduled {
        change.status = None;
    }
    // Another day, when one is typed, wins over the proposed day chosen.
    let day = Some(value(pairs, "other_day"))
        .filter(|day| !day.is_empty())
        .unwrap_or_else(|| value(pairs, "day"));
    let (Ok(day), Ok(start)) = (
        day.parse::<NaiveDate>(),
        NaiveTime::parse_from_str(value(pairs, "start"), "%H:%M"),
    ) else {
        return Ok(Err(CaseProblem::BadDateOrTime));
    };
    let reason = value(pairs, "reason");
    if reason.chars().count() > MAX_TEXT_CHARS {
        return Ok(Err(CaseProblem::TooLong));
    }
    let calendar = store::calendar(pool).await?;
    let window = store::window_of(row, &calendar)?;
    let today = japan_time(&now).date();
    if let Err(problems) = check_appointment(&calendar, &window, today, day, start, reason) {
        return Ok(Err(CaseProblem::Schedule(problems)));
    }
    // The specialist sees one patient at a time: another of their current
    // appointments that day must end before this one starts, or start after
    // it ends (each lasts up to 60 minutes).
    let others: Vec<String> = sqlx::query_scalar(
        "SELECT a.start_time FROM appointments a JOIN cases c ON c.id = a.case_id \
         WHERE a.day = ? AND a.ended_at IS NULL AND c.specialist_id = ? AND c.id <> ? AND c.status = 'scheduled'",
    )
    .bind(day.to_string())
    .bind(row.specialist_id)
    .bind(row.id)
    .fetch_all(&mut **transaction)
    .await?;
    let length = chrono::Duration::minutes(i64::from(domain::case::APPOINTMENT_MINUTES));
    let clash = others
        .iter()
        .filter_map(|other| NaiveTime::parse_from_str(other, "%H:%M").ok())
        .find(|other| *other < start + length && start < *other + length);
    if let Some(other) = clash {
        return Ok(Err(CaseProblem::SpecialistBusy(other)));
    }
    let outside = day < window.earliest || day > window.latest;
    let before = store::current_appointment(&mut **transaction, row.id)
        .await?
        .map(|(day, start)| format!("{day} {}", start.format("%H:%M")));
    end_appointment(transaction, row.id, "rescheduled", staff, now).await?;
    sqlx::query(
        "INSERT INTO appointments (case_id, day, start_time, reason_outside_window, booked_by, booked_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(row.id)
    .bind(day.to_string())
    .bind(start.format("%H:%M").to_string())
    .bind(outside.then(|| reason.to_owned()))
    .bind(&staff.login)
    .bind(timestamp(now))
    .execute(&mut **transaction)
    .await?;
    change.audit.push((
        "appointment_booked",
        before,
        Some(format!("{day} {}", start.format("%H:%M"))),
    ));
    Ok(Ok(change))
}

/// Declines with one of the hospital's reasons; "other" needs it written.
fn decline(status: CaseStatus, pairs: &[(String, String)]) -> Decided {
    let reason = DeclineReason::from_code(value(pairs, "decline_reason"))
        .ok_or(CaseProblem::DeclineNeedsText)?;
    if value(pairs, "decline_note").chars().count() > MAX_TEXT_CHARS {
        return Err(CaseProblem::TooLong);
    }
    let note = text(pairs, "decline_note");
    if reason == DeclineReason::Other && note.is_none() {
        return Err(CaseProblem::DeclineNeedsText);
    }
    let mut change = moved(status, Step::Decline)?;
    change.decline = Some((reason, note));
    Ok(change)
}

/// Writes the case's row (its version moves on) and the audit lines, and
/// commits.
async fn apply(
    mut transaction: Transaction<'_>,
    row: &store::CaseRow,
    mut change: Change,
    staff: &Staff,
    now: DateTime<Utc>,
) -> Result<Outcome, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE cases SET status = COALESCE(?, status), department = COALESCE(?, department), \
         specialist_id = COALESCE(?, specialist_id), decline_reason = COALESCE(?, decline_reason), \
         decline_note = COALESCE(?, decline_note), version = version + 1, updated_at = ?, updated_by = ? \
         WHERE id = ? AND version = ?",
    )
    .bind(change.status.map(|(_, to)| to.code()))
    .bind(change.specialist.as_ref().map(|(_, department)| department.clone()))
    .bind(change.specialist.as_ref().map(|(id, _)| *id))
    .bind(change.decline.as_ref().map(|(reason, _)| reason.code()))
    .bind(change.decline.as_ref().and_then(|(_, note)| note.clone()))
    .bind(timestamp(now))
    .bind(&staff.name)
    .bind(row.id)
    .bind(row.version)
    .execute(&mut *transaction)
    .await?;
    if updated.rows_affected() == 0 {
        // Cannot happen under the IMMEDIATE transaction; if it did, nothing
        // is written.
        return Ok(Outcome::Refused(CaseProblem::Stale {
            by: String::new(),
            at: String::new(),
        }));
    }
    if let Some((from, to)) = change.status {
        change.audit.push((
            "status_changed",
            Some(from.code().to_owned()),
            Some(to.code().to_owned()),
        ));
    }
    if let Some((specialist, department)) = &change.specialist {
        change.audit.push((
            "department_assigned",
            row.department.clone(),
            Some(department.clone()),
        ));
        change.audit.push((
            "specialist_assigned",
            row.specialist_id.map(|id| id.to_string()),
            Some(specialist.to_string()),
        ));
    }
    if let Some((reason, _)) = &change.decline {
        change
            .audit
            .push(("declined", None, Some(reason.code().to_owned())));
    }
    for (action, before, after) in &change.audit {
        let entry = Entry {
            actor: Some(&staff.login),
            action,
            case_id: Some(row.id),
            before: before.as_deref(),
            after: after.as_deref(),
            ..Entry::default()
        };
        audit(&mut *transaction, now, entry).await?;
    }
    transaction.commit().await?;
    Ok(Outcome::Done)
}

/// Ends the current appointment, if any, keeping it in the history.
async fn end_appointment(
    transaction: &mut Transaction<'_>,
    case_id: i64,
    how: &str,
    staff: &Staff,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE appointments SET ended_at = ?, ended_by = ?, ended_how = ? WHERE case_id = ? AND ended_at IS NULL",
    )
    .bind(timestamp(now))
    .bind(&staff.login)
    .bind(how)
    .bind(case_id)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= 100 && !name.chars().any(char::is_control)
}

/// Adds a department, or turns one on or off.
async fn department(
    pool: &SqlitePool,
    staff: &Staff,
    pairs: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let code = value(pairs, "code");
    let valid_code =
        (1..=32).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    let adding = value(pairs, "action") == "add_department";
    let changed = if adding {
        let (ja, en) = (value(pairs, "name_ja"), value(pairs, "name_en"));
        if !valid_code || !is_plain_name(ja) || !is_plain_name(en) {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO departments (code, name_ja, name_en) VALUES (?, ?, ?) ON CONFLICT (code) DO NOTHING",
        )
        .bind(code)
        .bind(ja)
        .bind(en)
        .execute(pool)
        .await?
    } else {
        sqlx::query("UPDATE departments SET active = 1 - active WHERE code = ?")
            .bind(code)
            .execute(pool)
            .await?
    };
    if changed.rows_affected() == 0 {
        return Ok(false);
    }
    let entry = Entry {
        actor: Some(&staff.login),
        action: if adding {
            "department_added"
        } else {
            "department_toggled"
        },
        after: Some(code),
        ..Entry::default()
    };
    audit(pool, now, entry).await?;
    Ok(true)
}

/// Admin changes to the specialists and departments. `false` when the
/// posted values cannot be used.
pub async fn specialists(
    pool: &SqlitePool,
    staff: &Staff,
    pairs: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    if matches!(
        value(pairs, "action"),
        "add_department" | "toggle_department"
    ) {
        return department(pool, staff, pairs, now).await;
    }
    let name = value(pairs, "name");
    let valid_name = is_plain_name(name);
    let (sql, audit_action, detail): (&str, &str, String) = match value(pairs, "action") {
        "add" if valid_name => (
            "INSERT INTO specialists (name, department) SELECT ?1, code FROM departments WHERE code = ?2 AND active = 1",
            "specialist_added",
            format!("{name} ({})", value(pairs, "department")),
        ),
        "rename" if valid_name => (
            "UPDATE specialists SET name = ?1 WHERE id = ?2",
            "specialist_renamed",
            name.to_owned(),
        ),
        "deactivate" => (
            "UPDATE specialists SET active = 0 WHERE id = ?2 AND ?1 IS NOT NULL",
            "specialist_deactivated",
            value(pairs, "id").to_owned(),
        ),
        "activate" => (
            "UPDATE specialists SET active = 1 WHERE id = ?2 AND ?1 IS NOT NULL",
            "specialist_activated",
            value(pairs, "id").to_owned(),
        ),
        _ => return Ok(false),
    };
    let key = if value(pairs, "action") == "add" {
        value(pairs, "department")
    } else {
        value(pairs, "id")
    };
    let changed = sqlx::query(sql).bind(name).bind(key).execute(pool).await?;
    if changed.rows_affected() == 0 {
        return Ok(false);
    }
    audit(
        pool,
        now,
        Entry {
            actor: Some(&staff.login),
            action: audit_action,
            after: Some(&detail),
            ..Entry::default()
        },
    )
    .await?;
    Ok(true)
}

/// Admin changes to the hospital's closure days.
pub async fn closures(
    pool: &SqlitePool,
    staff: &Staff,
    pairs: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let Ok(day) = value(pairs, "day").parse::<NaiveDate>() else {
        return Ok(false);
    };
    let changed = match value(pairs, "action") {
        "add" => {
            let name = value(pairs, "name");
            if !is_plain_name(name) {
                return Ok(false);
            }
            // A day with appointments booked cannot close: they would stay on
            // a closed day. Reception moves them first.
            let booked: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM appointments a JOIN cases c ON c.id = a.case_id \
                 WHERE a.day = ? AND a.ended_at IS NULL AND c.status = 'scheduled'",
            )
            .bind(day.to_string())
            .fetch_one(pool)
            .await?;
            if booked > 0 {
                return Ok(false);
            }
            sqlx::query("INSERT INTO closure_days (day, name, added_by, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (day) DO NOTHING")
                .bind(day.to_string())
                .bind(name)
                .bind(&staff.login)
                .bind(timestamp(now))
                .execute(pool)
                .await?
        }
        "remove" => {
            sqlx::query("DELETE FROM closure_days WHERE day = ?")
                .bind(day.to_string())
                .execute(pool)
                .await?
        }
        _ => return Ok(false),
    };
    if changed.rows_affected() == 0 {
        return Ok(false);
    }
    let action = if value(pairs, "action") == "add" {
        "closure_added"
    } else {
        "closure_removed"
    };
    audit(
        pool,
        now,
        Entry {
            actor: Some(&staff.login),
            action,
            after: Some(&day.to_string()),
            ..Entry::default()
        },
    )
    .await?;
    Ok(true)
}
