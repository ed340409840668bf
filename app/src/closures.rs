//! The hospital's own closure days as the patient's pages know them, so
//! that the appointment window they show is the one Send will store. The
//! server keeps them in memory (read from the database at start and every
//! minute after) and puts them in each page's context; the request form's
//! island reads them from its page (`data-closures`).

use chrono::NaiveDate;
use domain::Calendar;

/// The closure days, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClosureDays(pub Vec<NaiveDate>);

impl ClosureDays {
    /// The days in the page's context (none where there are none).
    pub fn of_page() -> Self {
        leptos::prelude::use_context::<Self>().unwrap_or_default()
    }

    /// The consultation-day calendar with these days closed.
    pub fn calendar(&self) -> Calendar {
        Calendar::with_extra_closures(self.0.iter().map(|day| (*day, String::new())))
    }

    /// The days from `today` on, as the page carries them (`2026-12-28 …`):
    /// past days cannot move a window.
    pub fn attribute(&self, today: NaiveDate) -> String {
        self.0
            .iter()
            .filter(|day| **day >= today)
            .map(NaiveDate::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The days read back from the page; anything unreadable is skipped.
    /// (By hand: `chrono`'s parser would add kilobytes to the bundle.)
    pub fn parse(text: &str) -> Self {
        Self(
            text.split(' ')
                .filter_map(domain::fields::parse_iso_date)
                .collect(),
        )
    }
}

/// The closure days the server holds for its pages: read again from the
/// database after an admin changes them, and every minute (for a change
/// made by another process, such as the command line).
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Default)]
pub struct KnownClosures(std::sync::Arc<std::sync::RwLock<ClosureDays>>);

#[cfg(feature = "ssr")]
impl KnownClosures {
    /// The days as last read.
    pub fn current(&self) -> ClosureDays {
        self.0.read().map_or_else(
            |poisoned| poisoned.into_inner().clone(),
            |days| days.clone(),
        )
    }

    /// Reads the days again.
    pub async fn refresh(&self, pool: &sqlx::AnyPool) -> Result<(), sqlx::Error> {
        let days = ClosureDays(
            crate::store::closures(pool)
                .await?
                .into_iter()
                .map(|(day, _, _)| day)
                .collect(),
        );
        match self.0.write() {
            Ok(mut known) => *known = days,
            Err(poisoned) => *poisoned.into_inner() = days,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_days_ahead_go_to_the_page_and_back() {
        let day = |text: &str| text.parse::<NaiveDate>().expect("date");
        let days = ClosureDays(vec![
            day("2026-11-30"),
            day("2026-12-28"),
            day("2027-02-15"),
        ]);
        let text = days.attribute(day("2026-12-02"));
        assert_eq!(text, "2026-12-28 2027-02-15");
        assert_eq!(
            ClosureDays::parse(&text),
            ClosureDays(vec![day("2026-12-28"), day("2027-02-15")])
        );
        assert!(!days.calendar().is_consultation_day(day("2026-12-28")));
    }
}
