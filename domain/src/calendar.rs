//! The Japanese consultation-day calendar: national holidays computed from the
//! Act on National Holidays, the hospital's year-end closure and its own extra
//! closure days.
//!
//! Nothing here reads a clock or a file: years and dates are arguments, and the
//! hospital's extra closure days are handed in by whoever loaded them.

use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The years for which the holiday rules below are those of the law in force.
///
/// Outside this range the same code still answers (the calendar is total), but
/// with the rules as written today, which the law may not have had or keep.
pub const SUPPORTED_YEARS: RangeInclusive<i32> = 1989..=2099;

/// Every kind of national holiday (祝日) and statutory day off (休日) of the Act
/// on National Holidays (国民の祝日に関する法律) since 1989, with its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    NewYearsDay,
    ComingOfAgeDay,
    NationalFoundationDay,
    EmperorsBirthday,
    VernalEquinoxDay,
    ShowaDay,
    GreeneryDay,
    ConstitutionMemorialDay,
    ChildrensDay,
    MarineDay,
    MountainDay,
    RespectForTheAgedDay,
    AutumnalEquinoxDay,
    /// 体育の日, the name of the October holiday until 2019.
    HealthAndSportsDay,
    /// スポーツの日, its name from 2020.
    SportsDay,
    CultureDay,
    LabourThanksgivingDay,
    /// 1989-02-24, by a special act.
    FuneralOfEmperorShowa,
    /// 1990-11-12, by a special act.
    EnthronementCeremony1990,
    /// 1993-06-09, by a special act.
    WeddingOfCrownPrince,
    /// 2019-05-01, by the special act for the 2019 enthronement.
    EnthronementDay,
    /// 2019-10-22, by the same act.
    EnthronementCeremonyDay,
    /// 振替休日: a weekday off because a holiday fell on a Sunday (Art. 3-2).
    SubstituteHoliday,
    /// 国民の休日: a day between two holidays (Art. 3-3).
    CitizensHoliday,
}

impl HolidayKind {
    /// The holiday's name as the law writes it.
    pub const fn name_ja(self) -> &'static str {
        match self {
            Self::NewYearsDay => "元日",
            Self::ComingOfAgeDay => "成人の日",
            Self::NationalFoundationDay => "建国記念の日",
            Self::EmperorsBirthday => "天皇誕生日",
            Self::VernalEquinoxDay => "春分の日",
            Self::ShowaDay => "昭和の日",
            Self::GreeneryDay => "みどりの日",
            Self::ConstitutionMemorialDay => "憲法記念日",
            Self::ChildrensDay => "こどもの日",
            Self::MarineDay => "海の日",
            Self::MountainDay => "山の日",
            Self::RespectForTheAgedDay => "敬老の日",
            Self::AutumnalEquinoxDay => "秋分の日",
            Self::HealthAndSportsDay => "体育の日",
            Self::SportsDay => "スポーツの日",
            Self::CultureDay => "文化の日",
            Self::LabourThanksgivingDay => "勤労感謝の日",
            Self::FuneralOfEmperorShowa => "昭和天皇の大喪の礼",
            Self::EnthronementCeremony1990 => "即位礼正殿の儀",
            Self::WeddingOfCrownPrince => "皇太子徳仁親王の結婚の儀",
            Self::EnthronementDay => "天皇の即位の日",
            Self::EnthronementCeremonyDay => "即位礼正殿の儀の行われる日",
            Self::SubstituteHoliday => "振替休日",
            Self::CitizensHoliday => "国民の休日",
        }
    }

    /// The holiday's usual English name.
    pub const fn name_en(self) -> &'static str {
        match self {
            Self::NewYearsDay => "New Year's Day",
            Self::ComingOfAgeDay => "Coming of Age Day",
            Self::NationalFoundationDay => "National Foundation Day",
            Self::EmperorsBirthday => "The Emperor's Birthday",
            Self::VernalEquinoxDay => "Vernal Equinox Day",
            Self::ShowaDay => "Showa Day",
            Self::GreeneryDay => "Greenery Day",
            Self::ConstitutionMemorialDay => "Constitution Memorial Day",
            Self::ChildrensDay => "Children's Day",
            Self::MarineDay => "Marine Day",
            Self::MountainDay => "Mountain Day",
            Self::RespectForTheAgedDay => "Respect for the Aged Day",
            Self::AutumnalEquinoxDay => "Autumnal Equinox Day",
            Self::HealthAndSportsDay => "Health and Sports Day",
            Self::SportsDay => "Sports Day",
            Self::CultureDay => "Culture Day",
            Self::LabourThanksgivingDay => "Labour Thanksgiving Day",
            Self::FuneralOfEmperorShowa => "Funeral of Emperor Showa",
            Self::EnthronementCeremony1990 => "Enthronement Ceremony",
            Self::WeddingOfCrownPrince => "Wedding of Crown Prince Naruhito",
            Self::EnthronementDay => "Enthronement Day",
            Self::EnthronementCeremonyDay => "Enthronement Ceremony Day",
            Self::SubstituteHoliday => "Substitute Holiday",
            Self::CitizensHoliday => "Citizens' Holiday",
        }
    }

    /// Whether this is a 国民の祝日 proper, as opposed to a 休日 that the law
    /// derives from them; only the former move to a substitute day or enclose
    /// a citizens' holiday.
    const fn is_statutory(self) -> bool {
        !matches!(self, Self::SubstituteHoliday | Self::CitizensHoliday)
    }
}

/// One national holiday on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub kind: HolidayKind,
}

/// Why the hospital is closed on a day that is not a national holiday.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Closure {
    /// 29 December to 3 January.
    YearEnd,
    /// A closure day the hospital added, with the label it gave.
    Hospital { label: String },
}

impl Closure {
    pub fn name_ja(&self) -> &str {
        match self {
            Self::YearEnd => "年末年始休診",
            Self::Hospital { label } => label,
        }
    }

    pub fn name_en(&self) -> &str {
        match self {
            Self::YearEnd => "Year-end and New Year closure",
            Self::Hospital { label } => label,
        }
    }
}

/// What kind of day a date is for reception counter 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "day")]
pub enum DayKind {
    Consultation,
    Weekend,
    Holiday { holiday: HolidayKind },
    Closure { closure: Closure },
}

/// A day on which there are no consultations for a reason other than the
/// weekend: what the `calendar` command lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonConsultationDay {
    pub date: NaiveDate,
    pub reason: NonConsultationReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NonConsultationReason {
    Holiday { holiday: HolidayKind },
    Closure { closure: Closure },
}

/// The national holidays of a year, in date order.
pub fn national_holidays(year: i32) -> Vec<Holiday> {
    let statutory = statutory_holidays(year);
    let is_statutory = |date: NaiveDate| statutory.iter().any(|h| h.date == date);
    let mut all = statutory.clone();

    // Art. 3-2. Since 2007 the substitute is the first following day that is
    // not itself a holiday (so Sunday 3 May moves to 6 May); before, it was
    // simply the next day.
    let new_law = year >= 2007;
    for holiday in statutory
        .iter()
        .filter(|h| h.date.weekday() == Weekday::Sun)
    {
        let mut substitute = next_day(holiday.date);
        if new_law {
            while is_statutory(substitute) {
                substitute = next_day(substitute);
            }
        } else if is_statutory(substitute) {
            continue;
        }
        all.push(Holiday {
            date: substitute,
            kind: HolidayKind::SubstituteHoliday,
        });
    }

    // Art. 3-3. A day that is not a holiday but lies between two is a day off.
    // Until 2006 the law excluded Sundays and substitute holidays from it.
    for pair in statutory.windows(2) {
        let between = next_day(pair[0].date);
        if next_day(between) != pair[1].date {
            continue;
        }
        let already_off = all.iter().any(|h| h.date == between);
        let excluded_before_2007 = !new_law && between.weekday() == Weekday::Sun;
        if !already_off && !excluded_before_2007 {
            all.push(Holiday {
                date: between,
                kind: HolidayKind::CitizensHoliday,
            });
        }
    }

    crate::sort_short(&mut all);
    all
}

/// The national holiday on a date, if any.
pub fn national_holiday(date: NaiveDate) -> Option<HolidayKind> {
    national_holidays(date.year())
        .into_iter()
        .find(|h| h.date == date)
        .map(|h| h.kind)
}

/// The hospital's consultation-day calendar: Monday to Friday, except national
/// holidays, 29 December to 3 January, and the hospital's extra closure days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// The hospital's closure days with their labels, in date order, each
    /// day once. (A few a year: a sorted list, not a `BTreeMap`, whose code
    /// would add kilobytes to the browser's bundle.)
    extra_closures: Vec<(NaiveDate, String)>,
}

impl Calendar {
    /// The calendar with no closure days beyond the national holidays and the
    /// year-end closure.
    pub fn new() -> Self {
        Self::default()
    }

    /// The calendar with the hospital's own closure days, each with its label.
    pub fn with_extra_closures(closures: impl IntoIterator<Item = (NaiveDate, String)>) -> Self {
        // Each day once, the last label given winning, kept in order as it
        // comes (no `sort`: its code would add to the bundle too).
        let mut extra_closures: Vec<(NaiveDate, String)> = Vec::new();
        for (date, label) in closures {
            match extra_closures.binary_search_by_key(&date, |(day, _)| *day) {
                Ok(at) => extra_closures[at].1 = label,
                Err(at) => extra_closures.insert(at, (date, label)),
            }
        }
        Self { extra_closures }
    }

    pub fn extra_closures(&self) -> impl Iterator<Item = (NaiveDate, &str)> {
        self.extra_closures
            .iter()
            .map(|(date, label)| (*date, label.as_str()))
    }

    /// What kind of day `date` is. A national holiday on a weekend is reported
    /// as a holiday; a holiday inside the year-end closure as a holiday.
    pub fn day_kind(&self, date: NaiveDate) -> DayKind {
        self.day_kind_with(date, &national_holidays(date.year()))
    }

    pub fn is_consultation_day(&self, date: NaiveDate) -> bool {
        self.day_kind(date) == DayKind::Consultation
    }

    /// The first consultation day strictly after `date`.
    pub fn next_consultation_day(&self, date: NaiveDate) -> NaiveDate {
        self.nth_consultation_day_after(date, 1)
    }

    /// The consultation days strictly after `date`, in order, without end.
    /// Each year's holidays are computed once however far the walk goes.
    pub fn consultation_days_after(&self, date: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
        let mut walker = DayWalker::new(self);
        date.iter_days()
            .skip(1)
            .filter(move |day| walker.is_consultation_day(*day))
    }

    /// The `n`th consultation day strictly after `date`; `date` itself when `n`
    /// is zero.
    pub fn nth_consultation_day_after(&self, date: NaiveDate, n: u32) -> NaiveDate {
        match n.checked_sub(1) {
            None => date,
            Some(skip) => self
                .consultation_days_after(date)
                .nth(skip as usize)
                .expect("consultation days never run out"),
        }
    }

    /// How many consultation days lie after `from` up to and including `to`:
    /// zero when `to` is not after `from`. A request received on day D and
    /// looked at on the 7th consultation day after D is 7 days old.
    pub fn consultation_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let count = self
            .consultation_days_after(from)
            .take_while(|day| *day <= to)
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// Every national holiday and closure day from `from` to `to` inclusive,
    /// whatever its weekday, in date order. A day that is both a holiday and a
    /// closure day is listed once, as the holiday.
    pub fn non_consultation_days(&self, from: NaiveDate, to: NaiveDate) -> Vec<NonConsultationDay> {
        let mut days = Vec::new();
        for year in from.year()..=to.year() {
            let holidays = national_holidays(year);
            let first = NaiveDate::from_ymd_opt(year, 1, 1).map_or(from, |d| d.max(from));
            let last = NaiveDate::from_ymd_opt(year, 12, 31).map_or(to, |d| d.min(to));
            for date in first.iter_days().take_while(|d| *d <= last) {
                let reason = match self.day_kind_with(date, &holidays) {
                    DayKind::Holiday { holiday } => NonConsultationReason::Holiday { holiday },
                    DayKind::Closure { closure } => NonConsultationReason::Closure { closure },
                    DayKind::Weekend => match self.closure(date) {
                        Some(closure) => NonConsultationReason::Closure { closure },
                        None => continue,
                    },
                    DayKind::Consultation => continue,
                };
                days.push(NonConsultationDay { date, reason });
            }
        }
        days
    }

    fn closure(&self, date: NaiveDate) -> Option<Closure> {
        if is_year_end_closure(date) {
            Some(Closure::YearEnd)
        } else {
            self.extra_closures
                .binary_search_by_key(&date, |(day, _)| *day)
                .ok()
                .map(|at| Closure::Hospital {
                    label: self.extra_closures[at].1.clone(),
                })
        }
    }

    fn day_kind_with(&self, date: NaiveDate, holidays_of_year: &[Holiday]) -> DayKind {
        if let Some(holiday) = holidays_of_year.iter().find(|h| h.date == date) {
            return DayKind::Holiday {
                holiday: holiday.kind,
            };
        }
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            return DayKind::Weekend;
        }
        match self.closure(date) {
            Some(closure) => DayKind::Closure { closure },
            None => DayKind::Consultation,
        }
    }
}

/// Walks the calendar day by day, computing each year's holidays once.
struct DayWalker<'a> {
    calendar: &'a Calendar,
    year: i32,
    holidays: Vec<Holiday>,
}

impl<'a> DayWalker<'a> {
    fn new(calendar: &'a Calendar) -> Self {
        Self {
            calendar,
            year: i32::MIN,
            holidays: Vec::new(),
        }
    }

    fn is_consultation_day(&mut self, date: NaiveDate) -> bool {
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            return false;
        }
        if date.year() != self.year {
            self.year = date.year();
            self.holidays = national_holidays(self.year);
        }
        self.calendar.day_kind_with(date, &self.holidays) == DayKind::Consultation
    }
}

fn is_year_end_closure(date: NaiveDate) -> bool {
    matches!((date.month(), date.day()), (12, 29..=31) | (1, 1..=3))
}

fn next_day(date: NaiveDate) -> NaiveDate {
    // chrono's calendar ends in the year 262143; no request reaches it.
    date.succ_opt().expect("date within chrono's range")
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid calendar date")
}

fn nth_monday(year: i32, month: u32, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, n)
        .expect("every month has a 3rd Monday")
}

/// The 国民の祝日 proper of a year (Art. 2 and the special acts), in date order.
fn statutory_holidays(year: i32) -> Vec<Holiday> {
    use HolidayKind as K;
    let mut days: Vec<(NaiveDate, HolidayKind)> = Vec::with_capacity(20);
    let mut fixed = |month, day, kind| days.push((ymd(year, month, day), kind));

    fixed(1, 1, K::NewYearsDay);
    fixed(2, 11, K::NationalFoundationDay);
    fixed(5, 3, K::ConstitutionMemorialDay);
    fixed(5, 5, K::ChildrensDay);
    fixed(11, 3, K::CultureDay);
    fixed(11, 23, K::LabourThanksgivingDay);

    match year {
        ..=2018 => fixed(12, 23, K::EmperorsBirthday),
        2019 => {}
        2020.. => fixed(2, 23, K::EmperorsBirthday),
    }
    if year >= 2007 {
        fixed(4, 29, K::ShowaDay);
        fixed(5, 4, K::GreeneryDay);
    } else {
        fixed(4, 29, K::GreeneryDay);
    }
    if year >= 2016 {
        match year {
            2020 => fixed(8, 10, K::MountainDay),
            2021 => fixed(8, 8, K::MountainDay),
            _ => fixed(8, 11, K::MountainDay),
        }
    }
    match year {
        ..=1995 => {}
        1996..=2002 => fixed(7, 20, K::MarineDay),
        2020 => fixed(7, 23, K::MarineDay),
        2021 => fixed(7, 22, K::MarineDay),
        _ => days.push((nth_monday(year, 7, 3), K::MarineDay)),
    }
    match year {
        2020 => days.push((ymd(year, 7, 24), K::SportsDay)),
        2021 => days.push((ymd(year, 7, 23), K::SportsDay)),
        2022.. => days.push((nth_monday(year, 10, 2), K::SportsDay)),
        2000..=2019 => days.push((nth_monday(year, 10, 2), K::HealthAndSportsDay)),
        ..=1999 => days.push((ymd(year, 10, 10), K::HealthAndSportsDay)),
    }
    if year >= 2000 {
        days.push((nth_monday(year, 1, 2), K::ComingOfAgeDay));
    } else {
        days.push((ymd(year, 1, 15), K::ComingOfAgeDay));
    }
    if year >= 2003 {
        days.push((nth_monday(year, 9, 3), K::RespectForTheAgedDay));
    } else {
        days.push((ymd(year, 9, 15), K::RespectForTheAgedDay));
    }
    days.push((ymd(year, 3, vernal_equinox_day(year)), K::VernalEquinoxDay));
    days.push((
        ymd(year, 9, autumnal_equinox_day(year)),
        K::AutumnalEquinoxDay,
    ));

    match year {
        1989 => days.push((ymd(1989, 2, 24), K::FuneralOfEmperorShowa)),
        1990 => days.push((ymd(1990, 11, 12), K::EnthronementCeremony1990)),
        1993 => days.push((ymd(1993, 6, 9), K::WeddingOfCrownPrince)),
        2019 => {
            days.push((ymd(2019, 5, 1), K::EnthronementDay));
            days.push((ymd(2019, 10, 22), K::EnthronementCeremonyDay));
        }
        _ => {}
    }

    let mut holidays: Vec<Holiday> = days
        .into_iter()
        .map(|(date, kind)| Holiday { date, kind })
        .collect();
    crate::sort_short(&mut holidays);
    debug_assert!(holidays.iter().all(|h| h.kind.is_statutory()));
    holidays
}

/// The day of March of the vernal equinox, by the standard approximation
/// used to announce it (exact for 1980–2150 as published so far).
fn vernal_equinox_day(year: i32) -> u32 {
    let base = if year <= 2099 { 20_843_100 } else { 21_851_000 };
    equinox_day(year, base)
}

/// The day of September of the autumnal equinox, by the same approximation.
fn autumnal_equinox_day(year: i32) -> u32 {
    let base = if year <= 2099 { 23_248_800 } else { 24_248_800 };
    equinox_day(year, base)
}

/// `floor(base + 0.242194 × (year − 1980) − floor((year − 1980) / 4))`, in
/// millionths of a day so that no float rounding can move a holiday.
fn equinox_day(year: i32, base_micro_days: i64) -> u32 {
    let years = i64::from(year) - 1980;
    let day = (base_micro_days + 242_194 * years).div_euclid(1_000_000) - years.div_euclid(4);
    u32::try_from(day).expect("equinox falls within the month")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test date")
    }

    fn holidays_of(year: i32) -> Vec<(String, HolidayKind)> {
        national_holidays(year)
            .into_iter()
            .map(|h| (h.date.to_string(), h.kind))
            .collect()
    }

    #[test]
    fn holidays_of_2026_match_the_cabinet_office_list() {
        use HolidayKind as K;
        let expected = vec![
            ("2026-01-01", K::NewYearsDay),
            ("2026-01-12", K::ComingOfAgeDay),
            ("2026-02-11", K::NationalFoundationDay),
            ("2026-02-23", K::EmperorsBirthday),
            ("2026-03-20", K::VernalEquinoxDay),
            ("2026-04-29", K::ShowaDay),
            ("2026-05-03", K::ConstitutionMemorialDay),
            ("2026-05-04", K::GreeneryDay),
            ("2026-05-05", K::ChildrensDay),
            ("2026-05-06", K::SubstituteHoliday),
            ("2026-07-20", K::MarineDay),
            ("2026-08-11", K::MountainDay),
            ("2026-09-21", K::RespectForTheAgedDay),
            ("2026-09-22", K::CitizensHoliday),
            ("2026-09-23", K::AutumnalEquinoxDay),
            ("2026-10-12", K::SportsDay),
            ("2026-11-03", K::CultureDay),
            ("2026-11-23", K::LabourThanksgivingDay),
        ];
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(d, k)| (d.to_owned(), k))
            .collect();
        assert_eq!(holidays_of(2026), expected);
    }

    #[test]
    fn holidays_of_2019_include_the_enthronement_and_its_citizens_holidays() {
        use HolidayKind as K;
        let golden_week: Vec<_> = holidays_of(2019)
            .into_iter()
            .filter(|(date, _)| date.as_str() >= "2019-04-27" && date.as_str() <= "2019-05-07")
            .collect();
        let expected = [
            ("2019-04-29", K::ShowaDay),
            ("2019-04-30", K::CitizensHoliday),
            ("2019-05-01", K::EnthronementDay),
            ("2019-05-02", K::CitizensHoliday),
            ("2019-05-03", K::ConstitutionMemorialDay),
            ("2019-05-04", K::GreeneryDay),
            ("2019-05-05", K::ChildrensDay),
            ("2019-05-06", K::SubstituteHoliday),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(d, k)| ((*d).to_owned(), *k))
            .collect();
        assert_eq!(golden_week, expected);
        assert_eq!(
            national_holiday(d("2019-10-22")),
            Some(K::EnthronementCeremonyDay)
        );
        assert_eq!(
            national_holiday(d("2019-12-23")),
            None,
            "no Emperor's Birthday in 2019"
        );
        assert_eq!(national_holiday(d("2019-02-23")), None);
    }

    #[test]
    fn olympic_years_moved_marine_sports_and_mountain_days() {
        use HolidayKind as K;
        for (date, kind) in [
            ("2020-07-23", K::MarineDay),
            ("2020-07-24", K::SportsDay),
            ("2020-08-10", K::MountainDay),
            ("2021-07-22", K::MarineDay),
            ("2021-07-23", K::SportsDay),
            ("2021-08-08", K::MountainDay),
            ("2021-08-09", K::SubstituteHoliday),
        ] {
            assert_eq!(national_holiday(d(date)), Some(kind), "{date}");
        }
        for not_a_holiday in [
            "2020-07-20",
            "2020-08-11",
            "2020-10-12",
            "2021-07-19",
            "2021-08-11",
            "2021-10-11",
        ] {
            assert_eq!(national_holiday(d(not_a_holiday)), None, "{not_a_holiday}");
        }
    }

    #[test]
    fn holiday_counts_per_year_match_the_cabinet_office_lists() {
        // Counts from the Cabinet Office's published lists (syukujitsu.csv).
        for (year, count) in [
            (2019, 22),
            (2020, 18),
            (2021, 17),
            (2022, 16),
            (2023, 17),
            (2024, 21),
            (2025, 19),
            (2026, 18),
            (2027, 17),
        ] {
            assert_eq!(national_holidays(year).len(), count, "{year}");
        }
    }

    #[test]
    fn equinoxes_match_the_announced_days() {
        for (year, vernal, autumnal) in [
            (2000, 20, 23),
            (2012, 20, 22),
            (2016, 20, 22),
            (2019, 21, 23),
            (2020, 20, 22),
            (2023, 21, 23),
            (2024, 20, 22),
            (2025, 20, 23),
            (2026, 20, 23),
            (2027, 21, 23),
            (2044, 20, 22),
            (2092, 19, 22),
        ] {
            assert_eq!(vernal_equinox_day(year), vernal, "vernal {year}");
            assert_eq!(autumnal_equinox_day(year), autumnal, "autumnal {year}");
        }
    }

    #[test]
    fn substitute_holiday_follows_a_sunday_holiday() {
        // 2023-01-01 was a Sunday.
        assert_eq!(
            national_holiday(d("2023-01-02")),
            Some(HolidayKind::SubstituteHoliday)
        );
        // 2024-02-11 was a Sunday.
        assert_eq!(
            national_holiday(d("2024-02-12")),
            Some(HolidayKind::SubstituteHoliday)
        );
    }

    #[test]
    fn substitute_for_a_sunday_constitution_day_skips_to_wednesday_since_2007() {
        // 2015-05-03 was a Sunday; 4 and 5 May are holidays themselves.
        assert_eq!(
            national_holiday(d("2015-05-06")),
            Some(HolidayKind::SubstituteHoliday)
        );
    }

    #[test]
    fn citizens_holiday_lies_between_two_holidays() {
        for date in [
            "2009-09-22",
            "2015-09-22",
            "2026-09-22",
            "2032-09-21",
            "2037-09-22",
        ] {
            assert_eq!(
                national_holiday(d(date)),
                Some(HolidayKind::CitizensHoliday),
                "{date}"
            );
        }
        assert_eq!(national_holiday(d("2027-09-22")), None);
    }

    #[test]
    fn before_2007_the_fourth_of_may_was_a_citizens_holiday_except_on_sunday() {
        assert_eq!(
            national_holiday(d("2006-05-04")),
            Some(HolidayKind::CitizensHoliday)
        );
        assert_eq!(
            national_holiday(d("2003-05-04")),
            None,
            "2003-05-04 was a Sunday"
        );
        assert_eq!(
            national_holiday(d("2006-04-29")),
            Some(HolidayKind::GreeneryDay)
        );
    }

    #[test]
    fn happy_monday_rules_start_in_2000_and_2003() {
        assert_eq!(
            national_holiday(d("2000-01-10")),
            Some(HolidayKind::ComingOfAgeDay)
        );
        assert_eq!(
            national_holiday(d("2000-10-09")),
            Some(HolidayKind::HealthAndSportsDay)
        );
        assert_eq!(
            national_holiday(d("2002-07-20")),
            Some(HolidayKind::MarineDay)
        );
        assert_eq!(
            national_holiday(d("2002-09-16")),
            Some(HolidayKind::SubstituteHoliday)
        );
        assert_eq!(
            national_holiday(d("2003-07-21")),
            Some(HolidayKind::MarineDay)
        );
        assert_eq!(
            national_holiday(d("2003-09-15")),
            Some(HolidayKind::RespectForTheAgedDay)
        );
    }

    #[test]
    fn year_end_closure_runs_from_29_december_to_3_january() {
        let calendar = Calendar::new();
        // 2026-12-28 is a Monday, 2027-01-04 a Monday.
        assert!(calendar.is_consultation_day(d("2026-12-28")));
        for date in ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-02"] {
            assert_eq!(
                calendar.day_kind(d(date)),
                closure_or_weekend(d(date)),
                "{date}"
            );
        }
        assert_eq!(
            calendar.day_kind(d("2027-01-01")),
            DayKind::Holiday {
                holiday: HolidayKind::NewYearsDay
            }
        );
        assert!(calendar.is_consultation_day(d("2027-01-04")));
    }

    fn closure_or_weekend(date: NaiveDate) -> DayKind {
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            DayKind::Weekend
        } else {
            DayKind::Closure {
                closure: Closure::YearEnd,
            }
        }
    }

    #[test]
    fn extra_closure_days_are_not_consultation_days() {
        let calendar =
            Calendar::with_extra_closures([(d("2027-02-15"), "Founding day".to_owned())]);
        assert!(!calendar.is_consultation_day(d("2027-02-15")));
        assert!(Calendar::new().is_consultation_day(d("2027-02-15")));
        assert_eq!(
            calendar.next_consultation_day(d("2027-02-12")),
            d("2027-02-16")
        );
    }

    #[test]
    fn closure_days_given_in_any_order_are_kept_in_order_each_once_with_its_last_label() {
        let calendar = Calendar::with_extra_closures([
            (d("2027-03-01"), "Inspection".to_owned()),
            (d("2027-02-15"), "Founding day".to_owned()),
            (d("2027-03-01"), "Power cut".to_owned()),
            (d("2027-02-16"), "Move".to_owned()),
        ]);
        let days: Vec<_> = calendar.extra_closures().collect();
        assert_eq!(
            days,
            [
                (d("2027-02-15"), "Founding day"),
                (d("2027-02-16"), "Move"),
                (d("2027-03-01"), "Power cut"),
            ]
        );
        assert_eq!(
            calendar.day_kind(d("2027-03-01")),
            DayKind::Closure {
                closure: Closure::Hospital {
                    label: "Power cut".to_owned()
                }
            }
        );
    }

    #[test]
    fn non_consultation_days_list_a_holiday_in_the_closure_once_as_a_holiday() {
        let listed = Calendar::new().non_consultation_days(d("2026-12-25"), d("2027-01-12"));
        let summary: Vec<_> = listed
            .iter()
            .map(|day| {
                let kind = match &day.reason {
                    NonConsultationReason::Holiday { .. } => "holiday",
                    NonConsultationReason::Closure { .. } => "closure",
                };
                format!("{} {kind}", day.date)
            })
            .collect();
        assert_eq!(
            summary,
            [
                "2026-12-29 closure",
                "2026-12-30 closure",
                "2026-12-31 closure",
                "2027-01-01 holiday",
                "2027-01-02 closure",
                "2027-01-03 closure",
                "2027-01-11 holiday",
            ]
        );
    }

    #[test]
    fn holidays_are_listed_whatever_their_weekday() {
        // 2027-02-11 is a Thursday, 2026-05-03 a Sunday.
        let listed = Calendar::new().non_consultation_days(d("2026-05-01"), d("2026-05-31"));
        let dates: Vec<_> = listed.iter().map(|day| day.date.to_string()).collect();
        assert_eq!(
            dates,
            ["2026-05-03", "2026-05-04", "2026-05-05", "2026-05-06"]
        );
    }

    #[test]
    fn consultation_days_between_counts_days_after_the_first() {
        let calendar = Calendar::new();
        assert_eq!(
            calendar.consultation_days_between(d("2026-12-28"), d("2027-01-13")),
            7
        );
        assert_eq!(
            calendar.consultation_days_between(d("2027-01-13"), d("2026-12-28")),
            0
        );
        assert_eq!(
            calendar.consultation_days_between(d("2026-12-28"), d("2026-12-28")),
            0
        );
    }
}
