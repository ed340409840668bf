//! Japan time, reception hours, the receipt day of a request and the window in
//! which its in-person appointment is expected.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;

/// Japan Standard Time is UTC+9 all year: Japan keeps no daylight saving.
pub const JAPAN_UTC_OFFSET_SECONDS: i32 = 9 * 3600;

/// Reception counter 1 opens at 09:00 on consultation days.
pub const RECEPTION_OPENS: NaiveTime = hm(9, 0);
/// Reception counter 1 closes at 16:45; a request received by then on a
/// consultation day is received that day.
pub const RECEPTION_CLOSES: NaiveTime = hm(16, 45);
/// The earliest appointment is this many consultation days after receipt.
pub const EARLIEST_APPOINTMENT_DAY: u32 = 7;
/// The latest expected appointment is this many consultation days after receipt.
pub const LATEST_APPOINTMENT_DAY: u32 = 14;

pub(crate) const fn hm(hour: u32, minute: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(hour, minute, 0) {
        Some(time) => time,
        None => panic!("invalid time constant"),
    }
}

/// The Japan time zone as a chrono offset.
pub fn japan() -> FixedOffset {
    FixedOffset::east_opt(JAPAN_UTC_OFFSET_SECONDS).expect("UTC+9 is a valid offset")
}

/// The wall-clock time in Japan at `moment`. Call it once, at the edge, where a
/// moment enters the program; everything inside works in Japan time.
pub fn japan_time<Tz: TimeZone>(moment: &DateTime<Tz>) -> NaiveDateTime {
    moment.with_timezone(&japan()).naive_local()
}

/// When a request is received and when its appointment is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AppointmentWindow {
    /// The consultation day on which reception counts the request as received.
    pub receipt: NaiveDate,
    /// The 7th consultation day after the receipt day.
    pub earliest: NaiveDate,
    /// The 14th consultation day after the receipt day.
    pub latest: NaiveDate,
}

/// The receipt day of a request received at `received` (Japan time): that day
/// if it is a consultation day and the time is 16:45 or earlier (to the
/// minute, as a clock on the wall reads), otherwise the next consultation day.
pub fn receipt_day(received: NaiveDateTime, calendar: &Calendar) -> NaiveDate {
    let date = received.date();
    let time = received.time();
    let by_closing =
        (time.hour(), time.minute()) <= (RECEPTION_CLOSES.hour(), RECEPTION_CLOSES.minute());
    if by_closing && calendar.is_consultation_day(date) {
        date
    } else {
        calendar.next_consultation_day(date)
    }
}

/// The appointment window of a request received at `received` (Japan time).
pub fn appointment_window(received: NaiveDateTime, calendar: &Calendar) -> AppointmentWindow {
    let receipt = receipt_day(received, calendar);
    // One walk finds both: the 7th consultation day after receipt, then the 14th.
    let mut days = calendar.consultation_days_after(receipt);
    let never_ends = "consultation days never run out";
    let earliest = days
        .nth(EARLIEST_APPOINTMENT_DAY as usize - 1)
        .expect(never_ends);
    let latest = days
        .nth((LATEST_APPOINTMENT_DAY - EARLIEST_APPOINTMENT_DAY) as usize - 1)
        .expect(never_ends);
    AppointmentWindow {
        receipt,
        earliest,
        latest,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{Datelike, Duration, Weekday};
    use proptest::prelude::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("test moment")
    }

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test date")
    }

    fn window(received: &str) -> (String, String, String) {
        let w = appointment_window(at(received), &Calendar::new());
        (
            w.receipt.to_string(),
            w.earliest.to_string(),
            w.latest.to_string(),
        )
    }

    fn strings(receipt: &str, earliest: &str, latest: &str) -> (String, String, String) {
        (receipt.to_owned(), earliest.to_owned(), latest.to_owned())
    }

    #[test]
    fn a_friday_evening_request_before_the_closure_is_received_on_monday() {
        assert_eq!(
            window("2026-12-25 17:00"),
            strings("2026-12-28", "2027-01-13", "2027-01-22")
        );
    }

    #[test]
    fn a_request_at_16_45_on_a_consultation_day_is_received_that_day() {
        assert_eq!(window("2026-12-25 16:45").0, "2026-12-25");
        assert_eq!(window("2026-12-25 16:46").0, "2026-12-28");
        assert_eq!(window("2026-12-25 00:00").0, "2026-12-25");
    }

    #[test]
    fn a_request_on_a_holiday_is_received_on_the_next_consultation_day() {
        // 2026-09-21..23 are Respect for the Aged Day, a citizens' holiday and the equinox.
        assert_eq!(window("2026-09-21 10:00").0, "2026-09-24");
        assert_eq!(window("2026-09-22 10:00").0, "2026-09-24");
    }

    #[test]
    fn the_moment_is_read_in_japan_time() {
        // 2026-12-25 07:59 UTC is 16:59 in Japan: after closing.
        let utc: DateTime<chrono::Utc> = "2026-12-25T07:59:00Z".parse().expect("rfc 3339");
        let received = japan_time(&utc);
        assert_eq!(received, at("2026-12-25 16:59"));
        assert_eq!(receipt_day(received, &Calendar::new()), d("2026-12-28"));
    }

    #[test]
    fn an_extra_closure_day_moves_the_window() {
        let closed = Calendar::with_extra_closures([(d("2027-01-13"), "Closed".to_owned())]);
        let w = appointment_window(at("2026-12-25 17:00"), &closed);
        assert_eq!(w.earliest, d("2027-01-14"));
        assert_eq!(w.latest, d("2027-01-25"));
    }

    /// Consultation days after `from` up to `to`, asking the calendar about each
    /// day on its own rather than through the walk the window uses.
    fn count_one_by_one(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> usize {
        from.iter_days()
            .skip(1)
            .take_while(|day| *day <= to)
            .filter(|day| calendar.is_consultation_day(*day))
            .count()
    }

    /// Any minute of 2000–2099; the case module's properties use it too.
    pub(crate) fn any_moment() -> impl Strategy<Value = NaiveDateTime> {
        // Every minute from 2000-01-01 to the end of 2099.
        (0i64..100 * 366 * 24 * 60).prop_filter_map("within 2000–2099", |minutes| {
            let moment = at("2000-01-01 00:00") + Duration::minutes(minutes);
            (moment.year() <= 2099).then_some(moment)
        })
    }

    proptest! {
        #[test]
        fn earliest_and_latest_are_consultation_days_7_and_14_days_after_receipt(received in any_moment()) {
            let calendar = Calendar::new();
            let w = appointment_window(received, &calendar);
            prop_assert!(calendar.is_consultation_day(w.receipt));
            prop_assert!(calendar.is_consultation_day(w.earliest));
            prop_assert!(calendar.is_consultation_day(w.latest));
            prop_assert_eq!(count_one_by_one(&calendar, w.receipt, w.earliest), 7);
            prop_assert_eq!(count_one_by_one(&calendar, w.receipt, w.latest), 14);
            prop_assert_eq!(calendar.consultation_days_between(w.receipt, w.latest), 14);
            prop_assert!(w.earliest.weekday() != Weekday::Sat && w.earliest.weekday() != Weekday::Sun);
        }

        #[test]
        fn receipt_is_never_before_the_received_date_nor_after_the_next_consultation_day(received in any_moment()) {
            let calendar = Calendar::new();
            let receipt = receipt_day(received, &calendar);
            prop_assert!(receipt >= received.date());
            prop_assert!(receipt <= calendar.next_consultation_day(received.date()));
            // Every day skipped between the received date and the receipt day is not a consultation day.
            let skipped = received.date().iter_days().skip(1).take_while(|day| *day < receipt);
            for day in skipped {
                prop_assert!(!calendar.is_consultation_day(day));
            }
        }

        #[test]
        fn windows_are_stable_across_a_year_boundary(year in 2000i32..2099, day in 20u32..=31, minute in 0u32..24 * 60) {
            // The same answer whether the walk starts in December or is re-run from the receipt day.
            let calendar = Calendar::new();
            let received = NaiveDate::from_ymd_opt(year, 12, day).expect("December day")
                .and_hms_opt(minute / 60, minute % 60, 0).expect("time");
            let w = appointment_window(received, &calendar);
            let again = appointment_window(w.receipt.and_time(RECEPTION_OPENS), &calendar);
            prop_assert_eq!(w, again);
            prop_assert!(w.earliest.year() == year + 1 || w.earliest.year() == year);
            prop_assert!(w.latest > w.earliest);
            for date in [w.receipt, w.earliest, w.latest] {
                let in_closure = matches!((date.month(), date.day()), (12, 29..=31) | (1, 1..=3));
                prop_assert!(!in_closure);
            }
        }
    }
}
