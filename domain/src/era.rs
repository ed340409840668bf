//! Japanese era years (和暦): the eras since 大正 with their first days.
//! Patients in Japan often know their birth year as 昭和21年 rather than
//! 1946; the form reads such a year (`fields::date_from_parts`) and
//! reception reads a date back with its era (`Era::of`).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How the year of a date is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Era {
    /// 西暦: the Western year.
    Western,
    Reiwa,
    Heisei,
    Showa,
    Taisho,
}

crate::codes!(Era {
    Western => "western",
    Reiwa => "reiwa",
    Heisei => "heisei",
    Showa => "showa",
    Taisho => "taisho",
});

const fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("a valid date"),
    }
}

/// The Japanese eras, newest first, each with its first day.
const ERAS: [(Era, NaiveDate); 4] = [
    (Era::Reiwa, day(2019, 5, 1)),
    (Era::Heisei, day(1989, 1, 8)),
    (Era::Showa, day(1926, 12, 25)),
    (Era::Taisho, day(1912, 7, 30)),
];

impl Era {
    /// The first day of a Japanese era (`None` for Western years).
    pub fn first_day(self) -> Option<NaiveDate> {
        ERAS.iter()
            .find(|(era, _)| *era == self)
            .map(|(_, first)| *first)
    }

    /// The last day of a Japanese era, if it has ended.
    pub fn last_day(self) -> Option<NaiveDate> {
        let position = ERAS.iter().position(|(era, _)| *era == self)?;
        let (_, next_first) = ERAS.get(position.checked_sub(1)?)?;
        next_first.pred_opt()
    }

    /// The Western year of the era's year `year` (元年 is 1).
    pub fn western_year(self, year: i32) -> i32 {
        self.first_day()
            .map_or(year, |first| first.year() + year - 1)
    }

    /// The era a date falls in, and its year in that era; `None` before
    /// 大正.
    pub fn of(date: NaiveDate) -> Option<(Self, i32)> {
        ERAS.iter()
            .find(|(_, first)| date >= *first)
            .map(|(era, first)| (*era, date.year() - first.year() + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn each_era_begins_and_ends_on_its_day() {
        let cases = [
            (Era::Taisho, date(1912, 7, 30), Some(date(1926, 12, 24))),
            (Era::Showa, date(1926, 12, 25), Some(date(1989, 1, 7))),
            (Era::Heisei, date(1989, 1, 8), Some(date(2019, 4, 30))),
            (Era::Reiwa, date(2019, 5, 1), None),
        ];
        for (era, first, last) in cases {
            assert_eq!(era.first_day(), Some(first), "{era:?}");
            assert_eq!(era.last_day(), last, "{era:?}");
            assert_eq!(Era::of(first), Some((era, 1)), "{era:?} 元年");
            if let Some(last) = last {
                assert_ne!(
                    Era::of(last + chrono::Days::new(1)).map(|(e, _)| e),
                    Some(era)
                );
            }
        }
        assert_eq!(Era::of(date(1912, 7, 29)), None, "明治");
        assert_eq!(Era::of(date(1946, 3, 15)), Some((Era::Showa, 21)));
        assert_eq!(Era::of(date(1989, 1, 7)), Some((Era::Showa, 64)));
    }
}
