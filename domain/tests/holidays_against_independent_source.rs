//! The computed holidays of 2000–2099 against a list produced by an
//! independent implementation (see the header of the data file).

use chrono::NaiveDate;
use domain::{HolidayKind, national_holidays};

/// The independent list names a substitute holiday after the holiday it
/// replaces ("建国記念の日 振替休日") and calls the 2019 ceremony day by its
/// short name; bring both to the law's names before comparing.
fn law_name(independent: &str) -> &str {
    if independent.ends_with("振替休日") {
        HolidayKind::SubstituteHoliday.name_ja()
    } else if independent == "即位礼正殿の儀" {
        HolidayKind::EnthronementCeremonyDay.name_ja()
    } else {
        independent
    }
}

#[test]
fn every_holiday_of_2000_to_2099_matches_the_independent_list() {
    let list = include_str!("data/holidays_2000_2099.txt");
    let expected: Vec<(NaiveDate, &str)> = list
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            let (date, holiday_name) = line.split_once(' ').expect("date and name");
            (date.parse().expect("date"), law_name(holiday_name))
        })
        .collect();
    let computed: Vec<(NaiveDate, &str)> = (2000..=2099)
        .flat_map(national_holidays)
        .map(|h| (h.date, h.kind.name_ja()))
        .collect();
    assert_eq!(computed.len(), expected.len());
    for (mine, theirs) in computed.iter().zip(&expected) {
        assert_eq!(mine, theirs);
    }
}

/// A deliberately plain re-statement of the window rules, on the independent
/// holiday list, to check the calendar's walk for every day of the century.
#[test]
fn every_window_of_2000_to_2099_matches_a_plain_walk_over_the_independent_list() {
    use chrono::{Datelike, Weekday};
    use domain::{Calendar, appointment_window};
    use std::collections::HashSet;

    let holidays: HashSet<NaiveDate> = include_str!("data/holidays_2000_2099.txt")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| line[..10].parse().expect("date"))
        .collect();
    let open = |day: NaiveDate| {
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let closure = matches!((day.month(), day.day()), (12, 29..=31) | (1, 1..=3));
        !weekend && !closure && !holidays.contains(&day)
    };
    let nth_open_after = |mut day: NaiveDate, n: usize| {
        let mut seen = 0;
        while seen < n {
            day = day.succ_opt().expect("date");
            if open(day) {
                seen += 1;
            }
        }
        day
    };

    let calendar = Calendar::new();
    let first = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
    let last = NaiveDate::from_ymd_opt(2099, 12, 10).expect("date");
    for day in first.iter_days().take_while(|day| *day <= last) {
        for (hour, minute) in [(9, 0), (16, 45), (16, 46)] {
            let received = day.and_hms_opt(hour, minute, 0).expect("time");
            let receipt = if open(day) && (hour, minute) <= (16, 45) {
                day
            } else {
                nth_open_after(day, 1)
            };
            let window = appointment_window(received, &calendar);
            assert_eq!(window.receipt, receipt, "receipt of {received}");
            assert_eq!(
                window.earliest,
                nth_open_after(receipt, 7),
                "earliest of {received}"
            );
            assert_eq!(
                window.latest,
                nth_open_after(receipt, 14),
                "latest of {received}"
            );
        }
    }
}
