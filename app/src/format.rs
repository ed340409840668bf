//! How dates and amounts are written on the pages.

use chrono::NaiveDate;
use domain::Yen;

/// A date as English-speaking readers in Japan expect it: `Wed 13 Jan 2027`.
pub fn date_en(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

/// An amount of yen with thousands separators: `33,000 yen`.
pub fn yen_en(amount: Yen) -> String {
    format!("{} yen", group_thousands(amount.0))
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
    fn dates_are_written_with_weekday_day_month_and_year() {
        let date = NaiveDate::from_ymd_opt(2027, 1, 13).expect("date");
        assert_eq!(date_en(date), "Wed 13 Jan 2027");
    }

    #[test]
    fn yen_amounts_have_thousands_separators() {
        assert_eq!(yen_en(Yen(33_000)), "33,000 yen");
        assert_eq!(yen_en(Yen(1_234_567)), "1,234,567 yen");
        assert_eq!(yen_en(Yen(999)), "999 yen");
        assert_eq!(yen_en(Yen(0)), "0 yen");
    }
}
