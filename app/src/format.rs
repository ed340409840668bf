//! How dates and amounts are written on the pages, in each language.

use chrono::{Datelike, NaiveDate};
use domain::Yen;

use crate::i18n::Locale;

/// A date as readers expect it: `2027年1月13日(水)` or `Wed 13 Jan 2027`.
pub fn date(locale: Locale, date: NaiveDate) -> String {
    match locale {
        Locale::ja => {
            const WEEKDAYS: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];
            let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize];
            format!(
                "{}年{}月{}日({weekday})",
                date.year(),
                date.month(),
                date.day()
            )
        }
        // Written out rather than through `chrono`'s `format`, whose
        // pattern parser would add tens of kilobytes to the bundle.
        Locale::en => {
            const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            format!(
                "{} {} {} {}",
                WEEKDAYS[date.weekday().num_days_from_monday() as usize],
                date.day(),
                MONTHS[date.month0() as usize],
                date.year()
            )
        }
    }
}

/// A date of birth: `1946年(昭和21年)3月15日` (the era year, 元年 for the
/// first) or `15 March 1946`.
pub fn birth_date(locale: Locale, date: NaiveDate) -> String {
    match locale {
        Locale::ja => {
            let era = domain::era::Era::of(date).map(|(era, year)| {
                let name = crate::words::era(locale, era);
                if year == 1 {
                    format!("({name}元年)")
                } else {
                    format!("({name}{year}年)")
                }
            });
            format!(
                "{}年{}{}月{}日",
                date.year(),
                era.unwrap_or_default(),
                date.month(),
                date.day()
            )
        }
        Locale::en => {
            const MONTHS: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            format!(
                "{} {} {}",
                date.day(),
                MONTHS[date.month0() as usize],
                date.year()
            )
        }
    }
}

/// An amount of yen with thousands separators: `33,000円` or `33,000 yen`.
pub fn yen(locale: Locale, amount: Yen) -> String {
    let grouped = group_thousands(amount.0);
    match locale {
        Locale::ja => format!("{grouped}円"),
        Locale::en => format!("{grouped} yen"),
    }
}

fn group_thousands(value: u32) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_per_language() {
        let day = NaiveDate::from_ymd_opt(2027, 1, 13).expect("date");
        assert_eq!(date(Locale::en, day), "Wed 13 Jan 2027");
        assert_eq!(date(Locale::ja, day), "2027年1月13日(水)");
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
        assert_eq!(date(Locale::ja, sunday), "2026年11月29日(日)");
        assert_eq!(date(Locale::en, sunday), "Sun 29 Nov 2026");
        let first = NaiveDate::from_ymd_opt(2027, 5, 1).expect("date");
        assert_eq!(date(Locale::en, first), "Sat 1 May 2027");
    }

    #[test]
    fn a_birth_date_carries_its_era_in_japanese() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(
            birth_date(Locale::ja, day(1946, 3, 15)),
            "1946年(昭和21年)3月15日"
        );
        assert_eq!(birth_date(Locale::en, day(1946, 3, 15)), "15 March 1946");
        assert_eq!(
            birth_date(Locale::ja, day(2019, 5, 1)),
            "2019年(令和元年)5月1日"
        );
        assert_eq!(
            birth_date(Locale::ja, day(1989, 1, 7)),
            "1989年(昭和64年)1月7日"
        );
        assert_eq!(birth_date(Locale::ja, day(1905, 6, 1)), "1905年6月1日");
    }

    #[test]
    fn yen_amounts_have_thousands_separators() {
        assert_eq!(yen(Locale::en, Yen(33_000)), "33,000 yen");
        assert_eq!(yen(Locale::ja, Yen(33_000)), "33,000円");
        assert_eq!(yen(Locale::en, Yen(1_234_567)), "1,234,567 yen");
        assert_eq!(yen(Locale::en, Yen(999)), "999 yen");
        assert_eq!(yen(Locale::en, Yen(0)), "0 yen");
    }
}
