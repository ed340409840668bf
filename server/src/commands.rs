//! The `calendar` and `window` commands (the domain's calendar, printed)
//! and `audit verify` (the audit trail's hash chain, walked).

use std::fmt::Write as _;
use std::io::Write;

use anyhow::{Result, bail};
use domain::calendar::{NonConsultationReason, SUPPORTED_YEARS};
use domain::{Calendar, appointment_window, japan_time};

use crate::cli::{CalendarArgs, DatabaseArgs, Language, WindowArgs};
use crate::database::DatabaseUrl;

pub async fn print_calendar(args: &CalendarArgs, out: &mut impl Write) -> Result<()> {
    let calendar = hospital_calendar(&args.database.database_url).await?;
    out.write_all(calendar_lines(args, &calendar)?.as_bytes())?;
    Ok(())
}

/// Walks the audit trail's chain and prints what it found; an error when a
/// row does not fit, so the command fails.
pub async fn verify_audit(database: &DatabaseArgs, out: &mut impl Write) -> Result<()> {
    crate::database::use_existing_secret(database)?;
    let pool = crate::database::open_read_only(&database.database_url).await?;
    crate::database::require_audit_chain(&pool).await?;
    let check = app::audit::chain::verify(&pool).await?;
    if let app::audit::chain::ChainCheck::Broken { .. } = check {
        bail!("the audit trail is broken: {check}");
    }
    writeln!(out, "{check}")?;
    Ok(())
}

pub async fn print_window(args: &WindowArgs, out: &mut impl Write) -> Result<()> {
    let calendar = hospital_calendar(&args.database.database_url).await?;
    writeln!(out, "{}", window_line(args, &calendar))?;
    Ok(())
}

/// The national calendar with the hospital's closure days from the
/// database, when there is one (the commands never create it).
async fn hospital_calendar(database_url: &DatabaseUrl) -> Result<Calendar> {
    if let Some(file) = database_url.sqlite_file()
        && !file.exists()
    {
        return Ok(Calendar::new());
    }
    let pool = crate::database::open_read_only(database_url).await?;
    if !crate::database::has_table(&pool, "closure_days").await? {
        return Ok(Calendar::new());
    }
    Ok(app::store::calendar(&pool).await?)
}

/// One line per national holiday or closure day in the range:
/// `YYYY-MM-DD holiday <name>` or `YYYY-MM-DD closure <name>`.
fn calendar_lines(args: &CalendarArgs, calendar: &Calendar) -> Result<String> {
    use chrono::Datelike;
    if args.from > args.to {
        bail!("--from ({}) is after --to ({})", args.from, args.to);
    }
    for date in [args.from, args.to] {
        if !SUPPORTED_YEARS.contains(&date.year()) {
            bail!(
                "{date} is outside {}–{}, the years whose holiday rules this program knows",
                SUPPORTED_YEARS.start(),
                SUPPORTED_YEARS.end()
            );
        }
    }
    let mut out = String::new();
    for day in calendar.non_consultation_days(args.from, args.to) {
        let (kind, name) = match (&day.reason, args.lang) {
            (NonConsultationReason::Holiday { holiday }, Language::En) => {
                ("holiday", holiday.name_en())
            }
            (NonConsultationReason::Holiday { holiday }, Language::Ja) => {
                ("holiday", holiday.name_ja())
            }
            (NonConsultationReason::Closure { closure }, Language::En) => {
                ("closure", closure.name_en())
            }
            (NonConsultationReason::Closure { closure }, Language::Ja) => {
                ("closure", closure.name_ja())
            }
        };
        writeln!(out, "{} {kind} {name}", day.date)?;
    }
    Ok(out)
}

/// `receipt=YYYY-MM-DD earliest=YYYY-MM-DD latest=YYYY-MM-DD`, in Japan time.
fn window_line(args: &WindowArgs, calendar: &Calendar) -> String {
    let window = appointment_window(japan_time(&args.received), calendar);
    format!(
        "receipt={} earliest={} latest={}",
        window.receipt, window.earliest, window.latest
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_database() -> DatabaseArgs {
        DatabaseArgs {
            database_url: DatabaseUrl::parse("sqlite://unused.db").expect("url"),
            key_file: None,
        }
    }

    fn calendar(from: &str, to: &str, lang: Language) -> Result<String> {
        let args = CalendarArgs {
            from: from.parse()?,
            to: to.parse()?,
            lang,
            database: test_database(),
        };
        calendar_lines(&args, &Calendar::new())
    }

    #[test]
    fn calendar_lists_holidays_and_closure_days_in_date_order() -> Result<()> {
        let listed = calendar("2026-12-20", "2027-01-12", Language::En)?;
        assert_eq!(
            listed,
            "2026-12-29 closure Year-end and New Year closure\n\
             2026-12-30 closure Year-end and New Year closure\n\
             2026-12-31 closure Year-end and New Year closure\n\
             2027-01-01 holiday New Year's Day\n\
             2027-01-02 closure Year-end and New Year closure\n\
             2027-01-03 closure Year-end and New Year closure\n\
             2027-01-11 holiday Coming of Age Day\n"
        );
        Ok(())
    }

    #[test]
    fn calendar_names_holidays_in_japanese_on_request() -> Result<()> {
        assert_eq!(
            calendar("2026-09-21", "2026-09-23", Language::Ja)?,
            "2026-09-21 holiday 敬老の日\n2026-09-22 holiday 国民の休日\n2026-09-23 holiday 秋分の日\n"
        );
        Ok(())
    }

    #[test]
    fn calendar_refuses_a_reversed_range_and_unknown_years() {
        let reversed = calendar("2026-12-31", "2026-01-01", Language::En).expect_err("reversed");
        assert!(reversed.to_string().contains("is after --to"));
        let too_late = calendar("2100-01-01", "2100-12-31", Language::En).expect_err("2100");
        assert!(too_late.to_string().contains("outside 1989–2099"));
    }

    #[test]
    fn window_reads_the_timestamp_in_japan_time() -> Result<()> {
        // 08:00 UTC is 17:00 in Japan: after reception closes.
        let args = WindowArgs {
            received: chrono::DateTime::parse_from_rfc3339("2026-12-25T08:00:00Z")?,
            database: test_database(),
        };
        assert_eq!(
            window_line(&args, &Calendar::new()),
            "receipt=2026-12-28 earliest=2027-01-13 latest=2027-01-22"
        );
        Ok(())
    }

    #[test]
    fn the_hospital_s_closure_days_count_in_the_calendar_and_the_window() -> Result<()> {
        let closed: chrono::NaiveDate = "2027-01-13".parse()?;
        let calendar = Calendar::with_extra_closures([(closed, "Founding day".to_owned())]);
        let args = CalendarArgs {
            from: "2027-01-12".parse()?,
            to: "2027-01-14".parse()?,
            lang: Language::En,
            database: test_database(),
        };
        assert_eq!(
            calendar_lines(&args, &calendar)?,
            "2027-01-13 closure Founding day\n"
        );
        let args = WindowArgs {
            received: chrono::DateTime::parse_from_rfc3339("2026-12-25T08:00:00Z")?,
            database: test_database(),
        };
        // The 7th consultation day moves from 13 to 14 January.
        assert_eq!(
            window_line(&args, &calendar),
            "receipt=2026-12-28 earliest=2027-01-14 latest=2027-01-25"
        );
        Ok(())
    }
}
