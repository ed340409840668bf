//! `/staff/figures` (reception and admins): the service's weeks as pictures
//! drawn on the server (SVG, no script, printable), each with a table of
//! the same numbers under it, for a date range, and `/staff/figures.csv`
//! with the same figures. Counts and durations only: no patient, no
//! reference, appears on either.

mod store;
mod svg;
mod view;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, Duration, NaiveDate};
use domain::Calendar;
use domain::case::{CaseStatus, DeclineReason};
use domain::forecast::{Stage, Typical, typical};
use leptos::prelude::*;

use super::{Desk, StaffError};
use crate::area::AreaCode;
use crate::forecast::CaseFacts;
use crate::http::Site;

pub(super) fn routes() -> Router<Site> {
    Router::new()
        .route("/staff/figures", get(show))
        .route("/staff/figures.csv", get(export_csv))
}

/// The widest range shown at once.
const MAX_DAYS: i64 = 3 * 366;

/// The weeks shown without a range asked for.
const DEFAULT_WEEKS: i64 = 26;

/// The age groups of the open cases, in consultation days since receipt:
/// up to 2, 3–7, 8–14, over 14 (the review's, the window's and past it).
pub const AGE_GROUPS: [(u32, u32); 4] = [(0, 2), (3, 7), (8, 14), (15, u32::MAX)];

/// The statuses of a case still going on.
pub const OPEN: [CaseStatus; 4] = [
    CaseStatus::Received,
    CaseStatus::UnderReview,
    CaseStatus::Scheduled,
    CaseStatus::Seen,
];

/// The figures of a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    /// The first day (a Monday) and the last.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The range asked for could not be read; the default is shown.
    pub bad_range: bool,
    pub weeks: Vec<Week>,
    /// Declined requests received in the range, by reason (every reason).
    pub declined: Vec<(DeclineReason, u32)>,
    pub months: Vec<Month>,
    /// Open cases now, per status, per age group.
    pub open: Vec<(CaseStatus, [u32; 4])>,
    /// Reports not sent and past their due day now.
    pub late_now: u32,
}

/// A week's requests (Monday to Sunday, by receipt day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    pub start: NaiveDate,
    /// Per area, in `AreaCode::ALL`'s order.
    pub by_area: [u32; 4],
    pub declined: u32,
}

impl Week {
    pub fn total(&self) -> u32 {
        self.by_area.iter().sum()
    }
}

/// A month's durations (of the steps that ended in it), reports and
/// no-shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// Its first day.
    pub start: NaiveDate,
    /// Per stage, in `Stage::ALL`'s order.
    pub stages: [Option<Typical>; 5],
    pub reports_sent: u32,
    /// Sent after their due day.
    pub reports_late: u32,
    pub no_shows: u32,
}

/// The range asked for (`from`, `to`), or the last 26 weeks; whether what
/// was asked could not be read.
fn range(desk: &Desk) -> (NaiveDate, NaiveDate, bool) {
    let today = desk.today();
    let query = desk.query();
    let asked = |name: &str| {
        let value = query.value(name);
        (!value.is_empty()).then(|| value.parse::<NaiveDate>())
    };
    let default_from = today - Duration::weeks(DEFAULT_WEEKS - 1);
    let (from, to) = match (asked("from"), asked("to")) {
        (None, None) => return (monday_of(default_from), today, false),
        (from, to) => (from.unwrap_or(Ok(default_from)), to.unwrap_or(Ok(today))),
    };
    match (from, to) {
        (Ok(from), Ok(to)) if from <= to && (to - from).num_days() <= MAX_DAYS => {
            (monday_of(from), to, false)
        }
        _ => (monday_of(default_from), today, true),
    }
}

fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn next_month(day: NaiveDate) -> NaiveDate {
    let (year, month) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(day)
}

/// The figures of `from`–`to` from the cases' facts (`facts`: every case
/// received from a few months before `from` to `to`) and the open cases
/// now (`open`: status, receipt day, report due day).
pub fn compute(
    (from, to): (NaiveDate, NaiveDate),
    facts: &[CaseFacts],
    open: &[(CaseStatus, NaiveDate, Option<NaiveDate>)],
    calendar: &Calendar,
    today: NaiveDate,
) -> Figures {
    let (weeks, declined) = count_weeks((from, to), facts);
    let months = count_months((from, to), facts, calendar);
    let (open, late_now) = count_open(open, calendar, today);
    Figures {
        from,
        to,
        bad_range: false,
        weeks,
        declined,
        months,
        open,
        late_now,
    }
}

/// The requests received each week by area, and the declined by reason.
fn count_weeks(
    (from, to): (NaiveDate, NaiveDate),
    facts: &[CaseFacts],
) -> (Vec<Week>, Vec<(DeclineReason, u32)>) {
    let mut weeks = Vec::new();
    let mut start = monday_of(from);
    while start <= to {
        weeks.push(Week {
            start,
            by_area: [0; 4],
            declined: 0,
        });
        start += Duration::weeks(1);
    }
    let mut declined = DeclineReason::ALL
        .iter()
        .map(|r| (*r, 0))
        .collect::<Vec<_>>();
    for fact in facts
        .iter()
        .filter(|f| f.course.receipt >= from && f.course.receipt <= to)
    {
        let index = usize::try_from((fact.course.receipt - monday_of(from)).num_days() / 7).ok();
        let Some(week) = index.and_then(|i| weeks.get_mut(i)) else {
            continue;
        };
        let area = AreaCode::ALL
            .iter()
            .position(|a| *a == fact.area)
            .unwrap_or(3);
        week.by_area[area] += 1;
        if fact.status == CaseStatus::Declined {
            week.declined += 1;
            if let Some(entry) = fact
                .decline_reason
                .and_then(|reason| declined.iter_mut().find(|(r, _)| *r == reason))
            {
                entry.1 += 1;
            }
        }
    }
    (weeks, declined)
}

/// Each month's step durations (by the month each step ended in), reports
/// sent and sent late, and no-shows (by the appointment's day).
fn count_months(
    (from, to): (NaiveDate, NaiveDate),
    facts: &[CaseFacts],
    calendar: &Calendar,
) -> Vec<Month> {
    let within = |day: NaiveDate| day >= from && day <= to;
    let mut months = Vec::new();
    let mut month = first_of_month(from);
    while month <= to {
        months.push(month);
        month = next_month(month);
    }
    let month_of = |day: NaiveDate| months.iter().position(|m| *m == first_of_month(day));
    let mut durations = vec![[(); 5].map(|()| Vec::new()); months.len()];
    let mut sent = vec![(0u32, 0u32, 0u32); months.len()];
    for fact in facts {
        for stage in Stage::ALL {
            if let Some((_, end)) = fact.course.span(*stage)
                && within(end)
                && let Some(m) = month_of(end)
            {
                let took = fact.course.took(*stage, calendar).unwrap_or(0);
                durations[m][*stage as usize].push(took);
            }
        }
        if let Some(day) = fact.course.report_sent.filter(|d| within(*d))
            && let Some(m) = month_of(day)
        {
            sent[m].0 += 1;
            if fact.course.report_due.is_some_and(|due| day > due) {
                sent[m].1 += 1;
            }
        }
        if fact.status == CaseStatus::NoShow
            && let Some(day) = fact.last_appointment.filter(|d| within(*d))
            && let Some(m) = month_of(day)
        {
            sent[m].2 += 1;
        }
    }
    months
        .iter()
        .zip(durations)
        .zip(sent)
        .map(
            |((start, durations), (reports_sent, reports_late, no_shows))| Month {
                start: *start,
                stages: durations.map(typical),
                reports_sent,
                reports_late,
                no_shows,
            },
        )
        .collect()
}

/// The open cases by status and age group, and the reports late now.
fn count_open(
    open: &[(CaseStatus, NaiveDate, Option<NaiveDate>)],
    calendar: &Calendar,
    today: NaiveDate,
) -> (Vec<(CaseStatus, [u32; 4])>, u32) {
    let mut by_status = OPEN.map(|status| (status, [0u32; 4]));
    let mut late_now = 0;
    for (status, receipt, report_due) in open {
        let age = calendar.consultation_days_between(*receipt, today);
        let group = AGE_GROUPS
            .iter()
            .position(|(low, high)| age >= *low && age <= *high)
            .unwrap_or(3);
        if let Some(entry) = by_status.iter_mut().find(|(s, _)| s == status) {
            entry.1[group] += 1;
        }
        if *status == CaseStatus::Seen && report_due.is_some_and(|due| due < today) {
            late_now += 1;
        }
    }
    (by_status.to_vec(), late_now)
}

/// The figures of the range the page asks for.
async fn figures(desk: &Desk) -> Result<Figures, StaffError> {
    let (from, to, bad_range) = range(desk);
    let pool = desk.pool();
    let calendar = crate::store::calendar(pool).await?;
    // A step ending in the range began at most a few months before it.
    let facts =
        crate::forecast::load_facts(pool, Some((from - Duration::days(180), to)), None).await?;
    let open = store::open_cases(pool).await?;
    let mut figures = compute((from, to), &facts, &open, &calendar, desk.today());
    figures.bad_range = bad_range;
    Ok(figures)
}

/// `GET /staff/figures?from=YYYY-MM-DD&to=YYYY-MM-DD`.
async fn show(desk: Desk) -> Result<Response, StaffError> {
    let figures = figures(&desk).await?;
    Ok(desk
        .render(StatusCode::OK, move || {
            view! { <view::FiguresPage figures=figures.clone() /> }.into_any()
        })
        .await)
}

/// `GET /staff/figures.csv?from=…&to=…`: the same figures, one table after
/// another, for a spreadsheet.
async fn export_csv(desk: Desk) -> Result<Response, StaffError> {
    let figures = figures(&desk).await?;
    let csv = view::csv(desk.locale(), &figures);
    let file = format!("second-opinion-figures-{}-{}.csv", figures.from, figures.to);
    Ok(super::queue::csv_download(&file, csv))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;
    use domain::forecast::Course;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn fact(status: CaseStatus, area: AreaCode, course: Course) -> CaseFacts {
        CaseFacts {
            status,
            area,
            decline_reason: (status == CaseStatus::Declined).then_some(DeclineReason::Transfer),
            course,
            last_appointment: course.appointment,
        }
    }

    #[test]
    fn weeks_months_and_the_open_are_counted() {
        let calendar = Calendar::new();
        let today = d("2027-03-10");
        let seen = Course {
            reviewed: Some(d("2027-02-02")),
            booked: Some(d("2027-02-03")),
            appointment: Some(d("2027-02-10")),
            visit: Some(d("2027-02-10")),
            report_due: Some(d("2027-02-19")),
            report_sent: Some(d("2027-02-22")),
            ..Course::received(d("2027-02-01"))
        };
        let facts = [
            fact(CaseStatus::Completed, AreaCode::Cancer, seen),
            fact(
                CaseStatus::Declined,
                AreaCode::Cardiovascular,
                Course::received(d("2027-02-03")),
            ),
            fact(
                CaseStatus::Received,
                AreaCode::Cancer,
                Course::received(d("2027-03-08")),
            ),
            // Before the range: only its steps inside count.
            fact(
                CaseStatus::Received,
                AreaCode::Cancer,
                Course::received(d("2026-12-01")),
            ),
        ];
        let open = [
            (CaseStatus::Received, d("2027-03-08"), None),
            (CaseStatus::Seen, d("2027-01-04"), Some(d("2027-03-01"))),
        ];
        let figures = compute((d("2027-02-01"), today), &facts, &open, &calendar, today);
        assert_eq!(figures.weeks.len(), 6);
        assert_eq!(figures.weeks[0].by_area, [1, 1, 0, 0]);
        assert_eq!(figures.weeks[0].declined, 1);
        assert_eq!(figures.weeks[5].by_area, [1, 0, 0, 0]);
        let transfer = figures
            .declined
            .iter()
            .find(|(r, _)| *r == DeclineReason::Transfer);
        assert_eq!(transfer, Some(&(DeclineReason::Transfer, 1)));
        assert_eq!(figures.months.len(), 2);
        let february = &figures.months[0];
        assert_eq!(
            february.stages[Stage::Review as usize].map(|t| t.median),
            Some(1)
        );
        assert_eq!(
            february.stages[Stage::Visit as usize].map(|t| t.median),
            Some(5)
        );
        // Sent on the 22nd, due on the 19th: late.
        assert_eq!((february.reports_sent, february.reports_late), (1, 1));
        assert_eq!(figures.open[0], (CaseStatus::Received, [1, 0, 0, 0]));
        assert_eq!(figures.open[3].1.iter().sum::<u32>(), 1);
        assert_eq!(figures.late_now, 1);
        assert_eq!(figures.from.weekday(), Weekday::Mon);
    }
}
