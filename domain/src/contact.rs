//! Reception's contact with the patient: when the reminder of an
//! appointment goes out, the outcomes of a phone call, and when unanswered
//! calls make "could not be reached" the reason to propose for declining.
//!
//! Like the rest of the crate this reads no clock: the days are arguments.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::window::hm;

/// The reminder goes out at 10:00 Japan time, when reception is open to
/// answer a patient who calls back about it.
pub const REMINDER_TIME: NaiveTime = hm(10, 0);

/// When the reminder of an appointment on `day` is due (Japan time): at
/// 10:00 on the consultation day before it, so that a Monday appointment
/// after a holiday weekend is reminded on the Friday before, and one just
/// after the year-end closure on the last day before the closure.
pub fn reminder_due(calendar: &Calendar, day: NaiveDate) -> NaiveDateTime {
    let previous = day
        .iter_days()
        .rev()
        .skip(1)
        .find(|candidate| calendar.is_consultation_day(*candidate))
        .expect("consultation days never run out");
    previous.and_time(REMINDER_TIME)
}

/// How a call to the patient (or the person asking for them) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Reached,
    NoAnswer,
    LeftMessage,
    WrongNumber,
}

codes!(CallOutcome {
    Reached => "reached",
    NoAnswer => "no_answer",
    LeftMessage => "left_message",
    WrongNumber => "wrong_number",
});

/// What the patient answers through a link of the booking or the
/// reminder e-mail. Reception acts on it: nothing changes by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatientAnswer {
    /// "I will come."
    Come,
    /// "I need another day": reception calls to find one.
    AnotherDay,
    /// "Cancel my request."
    Cancel,
}

codes!(PatientAnswer {
    Come => "come",
    AnotherDay => "another_day",
    Cancel => "cancel",
});

/// Unsuccessful calls before declining with "could not be reached" is
/// proposed...
pub const UNANSWERED_CALLS_BEFORE_DECLINING: usize = 3;
/// ...made on at least this many different consultation days.
pub const CALL_DAYS_BEFORE_DECLINING: usize = 2;

/// Whether the calls made so far (the Japan day of each and its outcome)
/// make reception propose declining with "could not be reached": nobody
/// was ever reached, and at least three calls went unanswered on at least
/// two different consultation days (calls on closed days do not count: the
/// patient may simply have been away for a holiday).
pub fn proposes_declining_unreachable(
    calendar: &Calendar,
    calls: &[(NaiveDate, CallOutcome)],
) -> bool {
    if calls
        .iter()
        .any(|(_, outcome)| *outcome == CallOutcome::Reached)
    {
        return false;
    }
    let mut days: Vec<NaiveDate> = calls
        .iter()
        .map(|(day, _)| *day)
        .filter(|day| calendar.is_consultation_day(*day))
        .collect();
    let unanswered = days.len();
    crate::sort_short(&mut days);
    days.dedup();
    unanswered >= UNANSWERED_CALLS_BEFORE_DECLINING && days.len() >= CALL_DAYS_BEFORE_DECLINING
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test date")
    }

    fn due(day: &str) -> String {
        reminder_due(&Calendar::new(), d(day))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    #[test]
    fn a_wednesday_appointment_is_reminded_on_tuesday_at_ten() {
        assert_eq!(due("2026-11-18"), "2026-11-17 10:00");
    }

    #[test]
    fn a_monday_appointment_is_reminded_on_the_friday_before() {
        assert_eq!(due("2026-11-16"), "2026-11-13 10:00");
    }

    #[test]
    fn a_tuesday_after_a_holiday_monday_is_reminded_on_the_friday_before() {
        // Monday 23 November 2026 is Labour Thanksgiving Day.
        assert_eq!(due("2026-11-24"), "2026-11-20 10:00");
    }

    #[test]
    fn the_first_day_after_the_year_end_closure_is_reminded_before_it() {
        // 29 December to 3 January are closed; Monday 4 January 2027 opens.
        assert_eq!(due("2027-01-04"), "2026-12-28 10:00");
    }

    #[test]
    fn a_day_after_golden_week_is_reminded_before_the_holidays() {
        // 3 (Mon), 4 (Tue), 5 (Wed) and the substitute 6 May 2026 are holidays.
        assert_eq!(due("2026-05-07"), "2026-05-01 10:00");
    }

    #[test]
    fn a_hospital_closure_day_is_skipped_too() {
        let calendar = Calendar::with_extra_closures([(d("2026-11-17"), "Inventory".to_owned())]);
        assert_eq!(
            reminder_due(&calendar, d("2026-11-18")).to_string(),
            "2026-11-16 10:00:00"
        );
    }

    #[test]
    fn three_unanswered_calls_on_two_days_propose_declining() {
        let calls = [
            (d("2026-11-16"), CallOutcome::NoAnswer),
            (d("2026-11-16"), CallOutcome::LeftMessage),
            (d("2026-11-17"), CallOutcome::NoAnswer),
        ];
        assert!(proposes_declining_unreachable(&Calendar::new(), &calls));
    }

    #[test]
    fn three_unanswered_calls_on_one_day_do_not() {
        let calls = [(d("2026-11-16"), CallOutcome::NoAnswer); 3];
        assert!(!proposes_declining_unreachable(&Calendar::new(), &calls));
    }

    #[test]
    fn two_unanswered_calls_on_two_days_do_not() {
        let calls = [
            (d("2026-11-16"), CallOutcome::NoAnswer),
            (d("2026-11-17"), CallOutcome::WrongNumber),
        ];
        assert!(!proposes_declining_unreachable(&Calendar::new(), &calls));
    }

    #[test]
    fn a_call_that_reached_someone_never_proposes_declining() {
        let calls = [
            (d("2026-11-16"), CallOutcome::NoAnswer),
            (d("2026-11-17"), CallOutcome::NoAnswer),
            (d("2026-11-18"), CallOutcome::Reached),
            (d("2026-11-19"), CallOutcome::NoAnswer),
        ];
        assert!(!proposes_declining_unreachable(&Calendar::new(), &calls));
    }

    #[test]
    fn calls_on_a_holiday_do_not_count_as_a_consultation_day() {
        // Monday 23 November 2026 is a holiday.
        let calls = [
            (d("2026-11-20"), CallOutcome::NoAnswer),
            (d("2026-11-20"), CallOutcome::NoAnswer),
            (d("2026-11-23"), CallOutcome::NoAnswer),
        ];
        assert!(!proposes_declining_unreachable(&Calendar::new(), &calls));
    }

    #[test]
    fn outcomes_have_stable_codes() {
        for outcome in CallOutcome::ALL {
            assert_eq!(CallOutcome::from_code(outcome.code()), Some(*outcome));
        }
    }
}
