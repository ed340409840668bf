//! The request form's fields as types: each has one constructor that checks
//! its rules, called by the browser for instant feedback and by the server,
//! which trusts nothing it receives.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::era::Era;

/// The longest name, in characters.
pub const NAME_MAX_CHARS: usize = 100;
/// The longest free text (a diagnosis, questions for the specialist), in characters.
pub const FREE_TEXT_MAX_CHARS: usize = 2_000;
/// The earliest date of birth the form accepts.
pub const EARLIEST_DATE_OF_BIRTH: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(date) => date,
    None => panic!("valid date"),
};

/// Why a field's value was refused. The words for each live in the app's
/// locale files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum FieldError {
    Required,
    TooLong {
        max: usize,
    },
    /// More dates than the list allows.
    TooManyDates {
        max: usize,
    },
    ControlCharacters,
    NotKatakana,
    NotADate,
    DateInTheFuture,
    DateTooEarly,
    NotAPhoneNumber,
    NotAnEmailAddress,
    /// News by e-mail was asked for without an address to send it to.
    NeededForEmailUpdates,
    /// One part of a date typed in parts is missing.
    PartMissing {
        part: DatePart,
    },
    /// One part of a date typed in parts is not a number.
    PartNotANumber {
        part: DatePart,
    },
    MonthOutOfRange,
    /// The day is not in the month, which has `max` days.
    DayOutOfRange {
        max: u32,
    },
    /// A Western year needs its four digits.
    YearNotFourDigits,
    /// The date is not in the era chosen (昭和64年2月 is 平成).
    NotInEra {
        era: Era,
    },
}

/// A part of a date typed in three inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePart {
    Year,
    Month,
    Day,
}

crate::codes!(DatePart {
    Year => "year",
    Month => "month",
    Day => "day",
});

impl FieldError {
    /// The part of a date typed in parts that this error is about, if any.
    pub const fn date_part(self) -> Option<DatePart> {
        match self {
            Self::PartMissing { part } | Self::PartNotANumber { part } => Some(part),
            Self::MonthOutOfRange => Some(DatePart::Month),
            Self::DayOutOfRange { .. } => Some(DatePart::Day),
            Self::YearNotFourDigits | Self::NotInEra { .. } => Some(DatePart::Year),
            _ => None,
        }
    }

    /// The stable machine-readable code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooLong { .. } => "too_long",
            Self::TooManyDates { .. } => "too_many_dates",
            Self::ControlCharacters => "control_characters",
            Self::NotKatakana => "not_katakana",
            Self::NotADate => "not_a_date",
            Self::DateInTheFuture => "date_in_the_future",
            Self::DateTooEarly => "date_too_early",
            Self::NotAPhoneNumber => "not_a_phone_number",
            Self::NotAnEmailAddress => "not_an_email_address",
            Self::NeededForEmailUpdates => "needed_for_email_updates",
            Self::PartMissing { .. } => "part_missing",
            Self::PartNotANumber { .. } => "part_not_a_number",
            Self::MonthOutOfRange => "month_out_of_range",
            Self::DayOutOfRange { .. } => "day_out_of_range",
            Self::YearNotFourDigits => "year_not_four_digits",
            Self::NotInEra { .. } => "not_in_era",
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Trims the text and refuses it when empty, longer than `max` characters,
/// or holding control characters (other than line breaks and tabs where
/// `multiline`).
fn checked_text(text: &str, max: usize, multiline: bool) -> Result<String, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::Required);
    }
    if text.chars().count() > max {
        return Err(FieldError::TooLong { max });
    }
    let allowed_control = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if text.chars().any(|c| c.is_control() && !allowed_control(c)) {
        return Err(FieldError::ControlCharacters);
    }
    Ok(text.to_owned())
}

/// `TryFrom<String>` through the type's `parse`, and back to `String`: what
/// serde uses, so that deserialising a value runs its rules.
macro_rules! string_conversions {
    ($name:ident) => {
        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(text: String) -> Result<Self, FieldError> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

macro_rules! text_newtype {
    ($(#[$doc:meta])* $name:ident, $max:expr, $multiline:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Trims `text` and checks it.
            pub fn parse(text: &str) -> Result<Self, FieldError> {
                checked_text(text, $max, $multiline).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        string_conversions!($name);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_newtype!(
    /// A person's full name, as they write it: up to 100 characters.
    PersonName, NAME_MAX_CHARS, false
);
text_newtype!(
    /// A short answer on one line (a relationship, a clinic, a language): up
    /// to 100 characters.
    ShortText, NAME_MAX_CHARS, false
);
text_newtype!(
    /// A longer answer, line breaks allowed: up to 2,000 characters.
    FreeText, FREE_TEXT_MAX_CHARS, true
);

/// The reading of a name in full-width katakana (フリガナ), spaces and the
/// long-vowel mark allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NameReading(String);

impl NameReading {
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let text = checked_text(text, NAME_MAX_CHARS, false)?;
        let katakana = |c: char| {
            matches!(
                c,
                '\u{30A1}'..='\u{30FA}' | 'ー' | '・' | ' ' | '\u{3000}' | 'ヽ' | 'ヾ'
            )
        };
        if text.chars().all(katakana) {
            Ok(Self(text))
        } else {
            Err(FieldError::NotKatakana)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_conversions!(NameReading);

/// A date written `YYYY-MM-DD` (months and days may have one digit), as an
/// `<input type="date">` sends it. Parsed by hand: `chrono`'s format parser
/// would add to the browser's bundle for one fixed pattern.
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('-');
    let mut number = |digits: std::ops::RangeInclusive<usize>| {
        parts
            .next()
            .filter(|part| digits.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|part| part.parse::<u32>().ok())
    };
    let (year, month, day) = (number(4..=4)?, number(1..=2)?, number(1..=2)?);
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// A patient's date of birth: a real date, written `YYYY-MM-DD` (as a date
/// input sends it), from 1900 up to today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DateOfBirth(NaiveDate);

impl DateOfBirth {
    /// A date of birth written `YYYY-MM-DD` (the status lookup).
    pub fn parse(text: &str, today: NaiveDate) -> Result<Self, FieldError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(FieldError::Required);
        }
        Self::new(parse_iso_date(text).ok_or(FieldError::NotADate)?, today)
    }

    /// A date of birth typed in parts, the year Western or in an era (the
    /// request form): see [`date_from_parts`].
    pub fn from_parts(
        era: &str,
        year: &str,
        month: &str,
        day: &str,
        today: NaiveDate,
    ) -> Result<Self, FieldError> {
        Self::new(date_from_parts(era, year, month, day)?, today)
    }

    /// `date`, if it can be someone's date of birth `today`.
    pub fn new(date: NaiveDate, today: NaiveDate) -> Result<Self, FieldError> {
        if date > today {
            Err(FieldError::DateInTheFuture)
        } else if date < EARLIEST_DATE_OF_BIRTH {
            Err(FieldError::DateTooEarly)
        } else {
            Ok(Self(date))
        }
    }

    pub const fn date(self) -> NaiveDate {
        self.0
    }
}

/// A telephone number: digits, `+`, `-`, spaces and brackets, with 10 to 15
/// digits (a Japanese number or an international one).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let text = normalise_width(text.trim());
        if text.is_empty() {
            return Err(FieldError::Required);
        }
        let allowed = |c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')');
        let digits = text.chars().filter(char::is_ascii_digit).count();
        let plus_only_first = text.chars().skip(1).all(|c| c != '+');
        if text.chars().all(allowed)
            && (10..=15).contains(&digits)
            && plus_only_first
            && text.len() <= 24
        {
            Ok(Self(text))
        } else {
            Err(FieldError::NotAPhoneNumber)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_conversions!(PhoneNumber);

/// An e-mail address in the usual form `name@example.jp`: one `@`, a dotted
/// domain, no spaces, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(FieldError::Required);
        }
        let well_formed = text.len() <= 254
            && text.split_once('@').is_some_and(|(local, domain)| {
                let domain_ok = domain.contains('.')
                    && !domain.starts_with(['.', '-'])
                    && !domain.ends_with(['.', '-'])
                    && !domain.contains("..")
                    && domain
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'));
                let local_ok = !local.is_empty()
                    && local.len() <= 64
                    && local.chars().all(|c| {
                        c.is_ascii_graphic() && !matches!(c, '@' | '<' | '>' | '"' | '\\')
                    });
                domain_ok && local_ok
            });
        if well_formed {
            Ok(Self(text.to_owned()))
        } else {
            Err(FieldError::NotAnEmailAddress)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_conversions!(EmailAddress);

/// Full-width digits and signs, as Japanese keyboards often type them in a
/// phone number, turned into their ASCII forms.
pub fn normalise_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '＋' => '+',
            'ー' | '－' | '−' | '‐' => '-',
            '（' => '(',
            '）' => ')',
            '\u{3000}' => ' ',
            other => other,
        })
        .collect()
}

/// A year as typed: digits (full-width ones too), or 元 for an era's first
/// year.
fn read_year(text: &str, era: Era) -> Option<i32> {
    let text = normalise_width(text.trim());
    let text = text.trim_end_matches('年');
    if era != Era::Western && text == "元" {
        return Some(1);
    }
    read_number(text)
}

fn read_number(text: &str) -> Option<i32> {
    let text = normalise_width(text.trim());
    (!text.is_empty() && text.len() <= 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// A date of birth from its typed parts: the era (`""` is Western), the
/// year in it, the month and the day. The first part that is missing or
/// wrong says why, by its name.
pub fn date_from_parts(
    era: &str,
    year: &str,
    month: &str,
    day_text: &str,
) -> Result<NaiveDate, FieldError> {
    let era = if era.trim().is_empty() {
        Era::Western
    } else {
        Era::from_code(era.trim()).ok_or(FieldError::NotADate)?
    };
    let blank = |text: &str| text.trim().is_empty();
    if blank(year) && blank(month) && blank(day_text) {
        return Err(FieldError::Required);
    }
    for (text, part) in [
        (year, DatePart::Year),
        (month, DatePart::Month),
        (day_text, DatePart::Day),
    ] {
        if blank(text) {
            return Err(FieldError::PartMissing { part });
        }
    }
    let year = read_year(year, era).ok_or(FieldError::PartNotANumber {
        part: DatePart::Year,
    })?;
    let month = read_number(month).ok_or(FieldError::PartNotANumber {
        part: DatePart::Month,
    })?;
    let day_number = read_number(day_text).ok_or(FieldError::PartNotANumber {
        part: DatePart::Day,
    })?;
    let month = u32::try_from(month)
        .ok()
        .filter(|month| (1..=12).contains(month))
        .ok_or(FieldError::MonthOutOfRange)?;
    if era == Era::Western && year < 1000 {
        return Err(FieldError::YearNotFourDigits);
    }
    // A four-digit year under an era is the Western year the patient
    // knows (昭和 1946 is 1946), taken if the date falls in the era.
    let typed_western = era != Era::Western && year >= 1000;
    let western = if typed_western {
        year
    } else {
        era.western_year(year)
    };
    // A month wholly outside the era says so before its days are counted
    // (昭和64年2月: 昭和 ended on 7 January 1989).
    if let (Some(first), Some(month_start)) =
        (era.first_day(), NaiveDate::from_ymd_opt(western, month, 1))
    {
        // The day before the next month's first (not `checked_add_months`,
        // which brings more of chrono into the browser's bundle).
        let next_month = if month == 12 {
            NaiveDate::from_ymd_opt(western + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(western, month + 1, 1)
        };
        let month_end = next_month
            .and_then(|next| next.pred_opt())
            .unwrap_or(month_start);
        let outside = (!typed_western && year < 1)
            || month_end < first
            || era.last_day().is_some_and(|last| month_start > last);
        if outside {
            return Err(FieldError::NotInEra { era });
        }
    }
    let days = days_in_month(western, month);
    let day_number = u32::try_from(day_number)
        .ok()
        .filter(|day| (1..=days).contains(day))
        .ok_or(FieldError::DayOutOfRange { max: days })?;
    let date = NaiveDate::from_ymd_opt(western, month, day_number).ok_or(FieldError::NotADate)?;
    if let Some(first) = era.first_day() {
        let last = era.last_day();
        if date < first || last.is_some_and(|last| date > last) {
            return Err(FieldError::NotInEra { era });
        }
    }
    Ok(date)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.and_then(|next| next.pred_opt())
        .map_or(31, |last| last.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        "2026-11-25".parse().expect("date")
    }

    #[test]
    fn names_are_trimmed_and_limited_to_100_characters() {
        assert_eq!(
            PersonName::parse("  山田 花子 ").map(|n| n.to_string()),
            Ok("山田 花子".to_owned())
        );
        assert_eq!(
            PersonName::parse(&"あ".repeat(100)).map(|n| n.as_str().chars().count()),
            Ok(100)
        );
        assert_eq!(
            PersonName::parse(&"あ".repeat(101)),
            Err(FieldError::TooLong { max: 100 })
        );
        assert_eq!(PersonName::parse("   "), Err(FieldError::Required));
        assert_eq!(
            PersonName::parse("Hana\u{0}ko"),
            Err(FieldError::ControlCharacters)
        );
        assert_eq!(
            PersonName::parse("Hana\nko"),
            Err(FieldError::ControlCharacters)
        );
    }

    #[test]
    fn free_text_keeps_line_breaks_and_is_limited_to_2000_characters() {
        assert!(FreeText::parse("Stage II.\nWhich treatment?").is_ok());
        assert!(FreeText::parse(&"a".repeat(2_000)).is_ok());
        assert_eq!(
            FreeText::parse(&"a".repeat(2_001)),
            Err(FieldError::TooLong { max: 2_000 })
        );
        assert_eq!(
            FreeText::parse("bell\u{7}"),
            Err(FieldError::ControlCharacters)
        );
    }

    #[test]
    fn name_reading_is_full_width_katakana() {
        assert!(NameReading::parse("ヤマダ ハナコ").is_ok());
        assert!(NameReading::parse("スミス・ジョーン").is_ok());
        assert_eq!(NameReading::parse("やまだ"), Err(FieldError::NotKatakana));
        assert_eq!(NameReading::parse("Yamada"), Err(FieldError::NotKatakana));
        assert_eq!(NameReading::parse("ﾔﾏﾀﾞ"), Err(FieldError::NotKatakana));
    }

    #[test]
    fn date_of_birth_is_a_real_past_date_after_1900() {
        assert_eq!(
            DateOfBirth::parse("1970-04-01", today()).map(DateOfBirth::date),
            Ok("1970-04-01".parse().expect("date"))
        );
        assert!(
            DateOfBirth::parse("2026-11-25", today()).is_ok(),
            "born today"
        );
        assert_eq!(
            DateOfBirth::parse("2026-11-26", today()),
            Err(FieldError::DateInTheFuture)
        );
        assert_eq!(
            DateOfBirth::parse("1899-12-31", today()),
            Err(FieldError::DateTooEarly)
        );
        assert_eq!(
            DateOfBirth::parse("2023-02-29", today()),
            Err(FieldError::NotADate)
        );
        assert_eq!(
            DateOfBirth::parse("1 April 1970", today()),
            Err(FieldError::NotADate)
        );
        assert_eq!(DateOfBirth::parse("", today()), Err(FieldError::Required));
    }

    #[test]
    fn iso_dates_are_read_strictly() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_iso_date("1970-04-01"), date(1970, 4, 1));
        assert_eq!(parse_iso_date("1970-4-1"), date(1970, 4, 1));
        assert_eq!(parse_iso_date("2024-02-29"), date(2024, 2, 29));
        for wrong in [
            "",
            "1970",
            "1970-04",
            "1970-04-01-",
            "70-04-01",
            "1970-004-01",
            "1970-04-31",
            "+1970-04-01",
            "1970-0x-01",
            " 1970-04-01",
            "1970/04/01",
            "１９７０-04-01",
        ] {
            assert_eq!(parse_iso_date(wrong), None, "{wrong:?}");
        }
    }

    #[test]
    fn phone_numbers_take_digits_plus_dashes_and_spaces() {
        assert!(PhoneNumber::parse("03-1234-5678").is_ok());
        assert!(PhoneNumber::parse("090 1234 5678").is_ok());
        assert!(PhoneNumber::parse("+81 90-1234-5678").is_ok());
        assert_eq!(
            PhoneNumber::parse("０９０ー１２３４ー５６７８").map(String::from),
            Ok("090-1234-5678".to_owned())
        );
        assert_eq!(
            PhoneNumber::parse("12345"),
            Err(FieldError::NotAPhoneNumber)
        );
        assert_eq!(
            PhoneNumber::parse("03-1234-5678 ext"),
            Err(FieldError::NotAPhoneNumber)
        );
        assert_eq!(
            PhoneNumber::parse("81+90-1234-5678"),
            Err(FieldError::NotAPhoneNumber)
        );
    }

    #[test]
    fn email_addresses_must_be_well_formed() {
        assert!(EmailAddress::parse("hanako.yamada@example.jp").is_ok());
        for bad in [
            "hanako",
            "hanako@",
            "@example.jp",
            "hanako@example",
            "hana ko@example.jp",
            "a@b..jp",
            "<a>@example.jp",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(FieldError::NotAnEmailAddress),
                "{bad}"
            );
        }
    }

    #[test]
    fn newtypes_deserialise_only_through_their_rules() {
        let refused: Result<PersonName, _> =
            serde_json::from_str(&format!("\"{}\"", "x".repeat(101)));
        assert!(refused.is_err());
        let accepted: PersonName = serde_json::from_str("\"Hanako\"").expect("valid");
        assert_eq!(accepted.as_str(), "Hanako");
    }

    proptest! {
        #[test]
        fn a_parsed_text_is_never_empty_too_long_or_untrimmed(text in "\\PC{0,120}") {
            if let Ok(name) = PersonName::parse(&text) {
                prop_assert!(!name.as_str().is_empty());
                prop_assert!(name.as_str().chars().count() <= NAME_MAX_CHARS);
                prop_assert_eq!(name.as_str().trim(), name.as_str());
            }
        }

        #[test]
        fn parsing_is_total_on_any_input(text in any::<String>()) {
            let _ = PersonName::parse(&text);
            let _ = FreeText::parse(&text);
            let _ = NameReading::parse(&text);
            let _ = PhoneNumber::parse(&text);
            let _ = EmailAddress::parse(&text);
            let _ = DateOfBirth::parse(&text, today());
        }
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn an_era_date_is_read_on_each_eras_first_and_last_day() {
        assert_eq!(
            date_from_parts("taisho", "1", "7", "30"),
            Ok(ymd(1912, 7, 30))
        );
        assert_eq!(
            date_from_parts("taisho", "15", "12", "24"),
            Ok(ymd(1926, 12, 24))
        );
        assert_eq!(
            date_from_parts("showa", "元", "12", "25"),
            Ok(ymd(1926, 12, 25))
        );
        assert_eq!(
            date_from_parts("showa", "64", "1", "7"),
            Ok(ymd(1989, 1, 7))
        );
        assert_eq!(
            date_from_parts("heisei", "1", "1", "8"),
            Ok(ymd(1989, 1, 8))
        );
        assert_eq!(
            date_from_parts("heisei", "31", "4", "30"),
            Ok(ymd(2019, 4, 30))
        );
        assert_eq!(
            date_from_parts("reiwa", "元", "5", "1"),
            Ok(ymd(2019, 5, 1))
        );
        assert_eq!(
            date_from_parts("reiwa", "１", "５", "１"),
            Ok(ymd(2019, 5, 1)),
            "full width"
        );
        assert_eq!(
            date_from_parts("showa", "21", "3", "15"),
            Ok(ymd(1946, 3, 15))
        );
        assert_eq!(
            date_from_parts("showa", "21年", "03", "15"),
            Ok(ymd(1946, 3, 15))
        );
        assert_eq!(date_from_parts("", "1946", "3", "15"), Ok(ymd(1946, 3, 15)));
        assert_eq!(
            date_from_parts("western", "1946", "3", "15"),
            Ok(ymd(1946, 3, 15))
        );
    }

    #[test]
    fn a_date_outside_its_era_is_refused() {
        let outside = |era| Err(FieldError::NotInEra { era });
        assert_eq!(
            date_from_parts("taisho", "1", "7", "29"),
            outside(Era::Taisho)
        );
        assert_eq!(
            date_from_parts("showa", "1", "12", "24"),
            outside(Era::Showa)
        );
        assert_eq!(
            date_from_parts("showa", "64", "1", "8"),
            outside(Era::Showa)
        );
        assert_eq!(
            date_from_parts("heisei", "1", "1", "7"),
            outside(Era::Heisei)
        );
        assert_eq!(
            date_from_parts("heisei", "31", "5", "1"),
            outside(Era::Heisei)
        );
        assert_eq!(
            date_from_parts("reiwa", "1", "4", "30"),
            outside(Era::Reiwa)
        );
        assert_eq!(date_from_parts("showa", "0", "1", "1"), outside(Era::Showa));
        // A month after the era ended is outside it, not short of days.
        assert_eq!(
            date_from_parts("showa", "64", "2", "29"),
            outside(Era::Showa)
        );
        // A four-digit year under an era is the Western year, if in the era.
        assert_eq!(
            date_from_parts("showa", "1946", "3", "15"),
            Ok(ymd(1946, 3, 15))
        );
        assert_eq!(
            date_from_parts("heisei", "1946", "3", "15"),
            outside(Era::Heisei)
        );
    }

    #[test]
    fn february_29_is_counted_by_the_western_year() {
        // 平成4年 is 1992, a leap year; 平成5年 (1993) is not.
        assert_eq!(
            date_from_parts("heisei", "4", "2", "29"),
            Ok(ymd(1992, 2, 29))
        );
        assert_eq!(
            date_from_parts("heisei", "5", "2", "29"),
            Err(FieldError::DayOutOfRange { max: 28 })
        );
        assert_eq!(
            date_from_parts("showa", "63", "2", "29"),
            Ok(ymd(1988, 2, 29))
        );
    }

    #[test]
    fn the_wrong_part_is_named() {
        assert_eq!(date_from_parts("", "", "", ""), Err(FieldError::Required));
        assert_eq!(
            date_from_parts("", "1946", "", "15"),
            Err(FieldError::PartMissing {
                part: DatePart::Month
            })
        );
        assert_eq!(
            date_from_parts("", "", "3", "15"),
            Err(FieldError::PartMissing {
                part: DatePart::Year
            })
        );
        assert_eq!(
            date_from_parts("", "1946", "13", "1"),
            Err(FieldError::MonthOutOfRange)
        );
        assert_eq!(
            date_from_parts("", "1946", "2", "29"),
            Err(FieldError::DayOutOfRange { max: 28 })
        );
        assert_eq!(date_from_parts("", "1948", "2", "29"), Ok(ymd(1948, 2, 29)));
        assert_eq!(
            date_from_parts("", "1946", "4", "31"),
            Err(FieldError::DayOutOfRange { max: 30 })
        );
        assert_eq!(
            date_from_parts("", "46", "4", "1"),
            Err(FieldError::YearNotFourDigits)
        );
        assert_eq!(
            date_from_parts("", "1946", "march", "1"),
            Err(FieldError::PartNotANumber {
                part: DatePart::Month
            })
        );
        assert_eq!(
            date_from_parts("", "元", "3", "1"),
            Err(FieldError::PartNotANumber {
                part: DatePart::Year
            }),
            "元 is an era's year"
        );
    }
}
