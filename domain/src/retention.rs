//! How long a closed request is kept whole. A second-opinion consultation
//! is a consultation: its record is kept as medical records are (医師法
//! 第24条: five years), counted from the case's last step, and then reduced
//! to what the hospital's statistics need (the area, the dates, the
//! outcome), its personal data erased.

use chrono::{Datelike, NaiveDate};

use crate::case::CaseStatus;

/// The years a closed case is kept whole unless the hospital keeps it
/// longer: the five years the law asks of medical records.
pub const LEGAL_YEARS: u32 = 5;

/// The first day a case whose last step was on `closed_on` may be reduced,
/// after `years` full years: the same day `years` later, and 1 March for a
/// case closed on 29 February when that year has no 29 February (kept a
/// day longer, never a day shorter).
#[must_use]
pub fn reducible_from(closed_on: NaiveDate, years: u32) -> NaiveDate {
    let year = closed_on
        .year()
        .saturating_add(i32::try_from(years).unwrap_or(i32::MAX));
    closed_on
        .with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a case with `status`, last changed on `closed_on`, is reduced
/// on `today` when cases are kept `years` years: only a closed case (an
/// open one is still being worked on, however old), and only once its
/// years are over.
#[must_use]
pub fn is_due(status: CaseStatus, closed_on: NaiveDate, today: NaiveDate, years: u32) -> bool {
    !status.is_open() && today >= reducible_from(closed_on, years)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn a_case_is_kept_whole_for_its_years_to_the_day() {
        let closed = day("2021-12-06");
        assert_eq!(reducible_from(closed, 5), day("2026-12-06"));
        assert!(!is_due(CaseStatus::Reported, closed, day("2026-12-05"), 5));
        assert!(is_due(CaseStatus::Reported, closed, day("2026-12-06"), 5));
        assert!(!is_due(CaseStatus::Reported, closed, day("2026-12-06"), 6));
    }

    #[test]
    fn a_case_closed_on_29_february_is_kept_until_1_march() {
        assert_eq!(reducible_from(day("2024-02-29"), 5), day("2029-03-01"));
        assert_eq!(reducible_from(day("2024-02-29"), 4), day("2028-02-29"));
    }

    #[test]
    fn every_closed_status_is_reduced_and_no_open_one() {
        let (closed, today) = (day("2010-01-04"), day("2026-12-06"));
        for status in CaseStatus::ALL {
            assert_eq!(
                is_due(*status, closed, today, 5),
                !status.is_open(),
                "{status:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn never_before_its_years_are_over(
            days in 0_i64..40_000,
            years in 1_u32..100,
            after in -4_000_i64..4_000,
        ) {
            let closed = day("1990-01-01") + chrono::Duration::days(days);
            let from = reducible_from(closed, years);
            // At least `years` years of 365 days, at most one day more
            // than the same date.
            prop_assert!(from > closed);
            prop_assert!((from - closed).num_days() >= i64::from(years) * 365);
            prop_assert_eq!(from.month() == closed.month() || (closed.month() == 2 && closed.day() == 29), true);
            let today = closed + chrono::Duration::days(after);
            prop_assert_eq!(is_due(CaseStatus::Declined, closed, today, years), today >= from);
        }
    }
}
