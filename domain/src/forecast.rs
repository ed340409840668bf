//! What to expect, from the hospital's own figures: how long each step of
//! a request took in the hospital's recent cases (counted in consultation
//! days, with its calendar), the days an open case's remaining steps are
//! expected on, and the day its next step is due in reception's queue.
//!
//! Steps are measured from the step before them in the case's course:
//! review, documents and booking from the receipt day, the visit from the
//! day the appointment was booked, the report from the visit. A step with
//! fewer than [`MIN_CASES`] recent measurements is expected by the rules
//! instead (the 7–14 day window, the report days), never by a handful of
//! cases.
//!
//! Like the rest of the crate this reads no clock: "today" is an argument.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::case::CaseStatus;
use crate::window::{EARLIEST_APPOINTMENT_DAY, LATEST_APPOINTMENT_DAY};

/// How far back "recent" reaches, in calendar days: a step counts when it
/// ended within this many days before today.
pub const HISTORY_DAYS: i64 = 180;

/// Fewer recent measurements than this, and a step is expected by the
/// rules.
pub const MIN_CASES: usize = 20;

/// Reception looks at a request within this many consultation days of its
/// receipt day (the queue's due day for a new request, and the rule when
/// the history is short).
pub const REVIEW_DUE_DAYS: u32 = 2;

/// A step's due day is "soon" from this many consultation days before it.
pub const DUE_SOON_DAYS: u32 = 2;

/// A step of a request's course that takes time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Receipt → reception has looked at it (under review).
    Review,
    /// Receipt → every document the request needs has arrived.
    Documents,
    /// Receipt → the appointment is booked.
    Booking,
    /// Booked → the consultation takes place.
    Visit,
    /// Visit → the written opinion is sent to the present doctor.
    Report,
}

codes!(Stage {
    Review => "review",
    Documents => "documents",
    Booking => "booking",
    Visit => "visit",
    Report => "report",
});

impl Stage {
    const fn index(self) -> usize {
        self as usize
    }
}

/// The days a case reached each step of its course (`None`: not yet, or
/// never).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    /// The receipt day.
    pub receipt: NaiveDate,
    /// The day reception started the review.
    pub reviewed: Option<NaiveDate>,
    /// The day the last document the request needs arrived.
    pub documents_in: Option<NaiveDate>,
    /// The day the (first) appointment was booked.
    pub booked: Option<NaiveDate>,
    /// The day of the appointment in force.
    pub appointment: Option<NaiveDate>,
    /// The day the consultation took place.
    pub visit: Option<NaiveDate>,
    /// The day the report is due, fixed when the consultation is recorded.
    pub report_due: Option<NaiveDate>,
    /// The first day the report reached the present doctor.
    pub report_sent: Option<NaiveDate>,
}

impl Course {
    /// A course that has only been received.
    pub const fn received(receipt: NaiveDate) -> Self {
        Self {
            receipt,
            reviewed: None,
            documents_in: None,
            booked: None,
            appointment: None,
            visit: None,
            report_due: None,
            report_sent: None,
        }
    }

    /// The days `stage` started and ended on, when the case went through it.
    pub fn span(&self, stage: Stage) -> Option<(NaiveDate, NaiveDate)> {
        let (start, end) = match stage {
            Stage::Review => (Some(self.receipt), self.reviewed),
            Stage::Documents => (Some(self.receipt), self.documents_in),
            Stage::Booking => (Some(self.receipt), self.booked),
            Stage::Visit => (self.booked, self.visit),
            Stage::Report => (self.visit, self.report_sent),
        };
        Some((start?, end?))
    }

    /// How many consultation days `stage` took (0 when it ended on the day
    /// it started, or before).
    pub fn took(&self, stage: Stage, calendar: &Calendar) -> Option<u32> {
        let (start, end) = self.span(stage)?;
        Some(calendar.consultation_days_between(start, end))
    }
}

/// The median and 80th percentile of a step's recent durations, in
/// consultation days, and how many cases they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Typical {
    pub median: u32,
    pub p80: u32,
    pub cases: u32,
}

/// The `percent`th percentile of sorted values by the nearest rank (the
/// smallest value with at least `percent`% of the values at or below it);
/// `None` for no values.
pub fn percentile(sorted: &[u32], percent: u32) -> Option<u32> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (n * percent.min(100) as usize).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The median and 80th percentile of `durations` (in any order).
pub fn typical(mut durations: Vec<u32>) -> Option<Typical> {
    durations.sort_unstable();
    Some(Typical {
        median: percentile(&durations, 50)?,
        p80: percentile(&durations, 80)?,
        cases: u32::try_from(durations.len()).unwrap_or(u32::MAX),
    })
}

/// The durations of each step in the hospital's recent cases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Per stage, sorted.
    durations: [Vec<u32>; 5],
}

impl History {
    /// The durations of the steps of `courses` that ended within
    /// [`HISTORY_DAYS`] before `today` (today included).
    pub fn of<'a>(
        courses: impl IntoIterator<Item = &'a Course>,
        today: NaiveDate,
        calendar: &Calendar,
    ) -> Self {
        let since = today - Duration::days(HISTORY_DAYS);
        let mut durations: [Vec<u32>; 5] = Default::default();
        for course in courses {
            for stage in Stage::ALL {
                let Some((start, end)) = course.span(*stage) else {
                    continue;
                };
                if end > since && end <= today {
                    let took = calendar.consultation_days_between(start, end);
                    durations[stage.index()].push(took);
                }
            }
        }
        for each in &mut durations {
            each.sort_unstable();
        }
        Self { durations }
    }

    /// How many recent cases went through `stage`.
    pub fn cases(&self, stage: Stage) -> usize {
        self.durations[stage.index()].len()
    }

    /// The median and 80th percentile of `stage`, when at least
    /// [`MIN_CASES`] recent cases went through it.
    pub fn typical(&self, stage: Stage) -> Option<Typical> {
        let sorted = &self.durations[stage.index()];
        if sorted.len() < MIN_CASES {
            return None;
        }
        Some(Typical {
            median: percentile(sorted, 50)?,
            p80: percentile(sorted, 80)?,
            cases: u32::try_from(sorted.len()).unwrap_or(u32::MAX),
        })
    }
}

/// Where an expected range comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "basis", content = "cases", rename_all = "snake_case")]
pub enum Basis {
    /// The hospital's recent cases (this many made the step that decides it).
    Recent(u32),
    /// The rules (too few recent cases).
    Rules,
    /// The day is booked: it is the appointment.
    Booked,
}

/// The days a step still to come is expected on: most likely from `from`
/// (the median) to `to` (the 80th percentile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    pub stage: Stage,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub basis: Basis,
}

/// A range of consultation days after an anchor, and where it comes from.
#[derive(Debug, Clone, Copy)]
struct Span {
    low: u32,
    high: u32,
    basis: Basis,
}

/// The rule for `stage` when the history is too short: review within
/// [`REVIEW_DUE_DAYS`], documents and booking by the day the window opens,
/// the report within `report_days` of the visit. (The visit has no rule of
/// its own from the booking: its rule is the appointment window, from the
/// receipt.)
const fn rule(stage: Stage, report_days: u32) -> (u32, u32) {
    match stage {
        Stage::Review => (1, REVIEW_DUE_DAYS),
        Stage::Documents | Stage::Booking => (1, EARLIEST_APPOINTMENT_DAY),
        Stage::Visit => (
            EARLIEST_APPOINTMENT_DAY,
            LATEST_APPOINTMENT_DAY - EARLIEST_APPOINTMENT_DAY,
        ),
        Stage::Report => (1, report_days),
    }
}

fn span(history: &History, stage: Stage, report_days: u32) -> Span {
    if let Some(typical) = history.typical(stage) {
        Span {
            low: typical.median,
            high: typical.p80.max(typical.median),
            basis: Basis::Recent(typical.cases),
        }
    } else {
        let (low, high) = rule(stage, report_days);
        Span {
            low,
            high,
            basis: Basis::Rules,
        }
    }
}

/// The days of the remaining steps of an open case: each step not reached
/// yet, counted forward in consultation days from the case's own last step
/// (a step that follows another still to come follows its range), never
/// before `today` (a step already late is expected from today).
pub fn forecast(
    course: &Course,
    history: &History,
    today: NaiveDate,
    calendar: &Calendar,
    report_days: u32,
) -> Vec<Expected> {
    let after = |day: NaiveDate, n: u32| calendar.nth_consultation_day_after(day, n);
    let from_receipt = |stage: Stage| {
        let s = span(history, stage, report_days);
        (
            after(course.receipt, s.low),
            after(course.receipt, s.high),
            s.basis,
        )
    };
    let mut expected = Vec::new();
    if course.reviewed.is_none() {
        expected.push(from_receipt(Stage::Review).with(Stage::Review));
    }
    if course.documents_in.is_none() {
        expected.push(from_receipt(Stage::Documents).with(Stage::Documents));
    }
    // The visit: the appointment's day once booked; otherwise the booking's
    // range followed by the visit's, or the rules' window when either is
    // short of cases.
    let visit = match (course.visit, course.appointment, course.booked) {
        (Some(day), _, _) | (None, Some(day), _) => Some((day, day, Basis::Booked)),
        (None, None, Some(booked)) => {
            let s = span(history, Stage::Visit, report_days);
            Some((after(booked, s.low), after(booked, s.high), s.basis))
        }
        (None, None, None) => {
            let booking = span(history, Stage::Booking, report_days);
            let visit = span(history, Stage::Visit, report_days);
            expected.push(from_receipt(Stage::Booking).with(Stage::Booking));
            Some(match (booking.basis, visit.basis) {
                (Basis::Recent(_), Basis::Recent(cases)) => {
                    let low = after(after(course.receipt, booking.low), visit.low);
                    let high = after(after(course.receipt, booking.high), visit.high);
                    (low, high, Basis::Recent(cases))
                }
                _ => (
                    after(course.receipt, EARLIEST_APPOINTMENT_DAY),
                    after(course.receipt, LATEST_APPOINTMENT_DAY),
                    Basis::Rules,
                ),
            })
        }
    };
    if course.visit.is_none()
        && let Some((from, to, basis)) = visit
    {
        expected.push((from, to, basis).with(Stage::Visit));
    }
    if course.report_sent.is_none()
        && let Some((visit_from, visit_to, _)) = visit
    {
        let s = span(history, Stage::Report, report_days);
        let mut range = (after(visit_from, s.low), after(visit_to, s.high), s.basis);
        // The report's due day, once fixed, is the rule's last day.
        if let (Basis::Rules, Some(due)) = (s.basis, course.report_due) {
            range.1 = due;
        }
        expected.push(range.with(Stage::Report));
    }
    // Never before today: a step already late is expected from today on.
    let first = if calendar.is_consultation_day(today) {
        today
    } else {
        calendar.next_consultation_day(today)
    };
    for each in &mut expected {
        if each.basis != Basis::Booked {
            each.from = each.from.max(first);
        }
        each.to = each.to.max(each.from);
    }
    expected
}

trait WithStage {
    fn with(self, stage: Stage) -> Expected;
}

impl WithStage for (NaiveDate, NaiveDate, Basis) {
    fn with(self, stage: Stage) -> Expected {
        Expected {
            stage,
            from: self.0,
            to: self.1.max(self.0),
            basis: self.2,
        }
    }
}

/// The step reception (or the specialist) owes an open case next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextStep {
    /// Look at the new request.
    Review,
    /// Book its appointment.
    Booking,
    /// See the patient (the appointment's day).
    Visit,
    /// Send the written opinion.
    Report,
}

codes!(NextStep {
    Review => "review",
    Booking => "booking",
    Visit => "visit",
    Report => "report",
});

/// How a due day stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    OnTime,
    /// Due within [`DUE_SOON_DAYS`] consultation days, or today.
    DueSoon,
    /// Past its due day.
    Late,
}

codes!(Timeliness {
    OnTime => "on_time",
    DueSoon => "due_soon",
    Late => "late",
});

/// The next step of a case and the day it is due, by the rules: a new
/// request is looked at within [`REVIEW_DUE_DAYS`]; one under review is
/// booked by the window's last day; a booked one is seen on its
/// appointment's day; a seen one's report is due on its due day. `None`
/// for a case that owes nothing (closed, or reported).
pub fn next_due(
    status: CaseStatus,
    course: &Course,
    calendar: &Calendar,
) -> Option<(NextStep, NaiveDate)> {
    match status {
        CaseStatus::Received => Some((
            NextStep::Review,
            calendar.nth_consultation_day_after(course.receipt, REVIEW_DUE_DAYS),
        )),
        CaseStatus::UnderReview => Some((
            NextStep::Booking,
            calendar.nth_consultation_day_after(course.receipt, LATEST_APPOINTMENT_DAY),
        )),
        CaseStatus::Scheduled => course.appointment.map(|day| (NextStep::Visit, day)),
        CaseStatus::Seen => course.report_due.map(|day| (NextStep::Report, day)),
        CaseStatus::Reported
        | CaseStatus::Completed
        | CaseStatus::NoShow
        | CaseStatus::Cancelled
        | CaseStatus::Declined => None,
    }
}

/// The last day a step due on `due` is "soon" from: `due` itself or
/// earlier; see [`timeliness`].
pub fn soon_until(calendar: &Calendar, today: NaiveDate) -> NaiveDate {
    calendar.nth_consultation_day_after(today, DUE_SOON_DAYS)
}

/// Whether a step due on `due` is on time, due soon or late on `today`.
pub fn timeliness(calendar: &Calendar, due: NaiveDate, today: NaiveDate) -> Timeliness {
    if today > due {
        Timeliness::Late
    } else if due <= soon_until(calendar, today) {
        Timeliness::DueSoon
    } else {
        Timeliness::OnTime
    }
}

/// The last receipt day whose `days`-th consultation day after it is on or
/// before `by`: a request received then or earlier is due by `by` (what a
/// database compares a receipt day with to find the late and the soon).
pub fn last_receipt_due_by(calendar: &Calendar, days: u32, by: NaiveDate) -> NaiveDate {
    let mut day = by;
    // The due day grows with the receipt day; walk back to the first that
    // fits (at most the days plus a closure away).
    while calendar.nth_consultation_day_after(day, days) > by {
        day = day.pred_opt().expect("date within chrono's range");
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test date")
    }

    /// A history in which every stage took exactly the days given, `n`
    /// times, each case's steps ending before `today`.
    fn history_of(n: usize, today: NaiveDate, took: [u32; 5], calendar: &Calendar) -> History {
        let courses: Vec<Course> = (0..n)
            .map(|i| {
                // Cases received over the last weeks, all finished by today.
                let receipt = today - Duration::days(60 + i64::try_from(i % 30).unwrap_or(0));
                let after = |day, n| calendar.nth_consultation_day_after(day, n);
                let booked = after(receipt, took[2]);
                let visit = after(booked, took[3]);
                Course {
                    reviewed: Some(after(receipt, took[0])),
                    documents_in: Some(after(receipt, took[1])),
                    booked: Some(booked),
                    appointment: Some(visit),
                    visit: Some(visit),
                    report_due: None,
                    report_sent: Some(after(visit, took[4])),
                    ..Course::received(receipt)
                }
            })
            .collect();
        History::of(&courses, today, calendar)
    }

    #[test]
    fn percentiles_are_by_nearest_rank() {
        let values: Vec<u32> = (1..=10).collect();
        assert_eq!(percentile(&values, 50), Some(5));
        assert_eq!(percentile(&values, 80), Some(8));
        assert_eq!(percentile(&[7], 80), Some(7));
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(
            typical(vec![9, 1, 3, 4, 2]),
            Some(Typical {
                median: 3,
                p80: 4,
                cases: 5
            })
        );
    }

    #[test]
    fn a_hospital_with_too_few_cases_expects_by_the_rules() {
        let calendar = Calendar::new();
        let today = d("2027-03-01");
        let history = history_of(MIN_CASES - 1, today, [1, 3, 4, 5, 6], &calendar);
        assert_eq!(history.cases(Stage::Booking), MIN_CASES - 1);
        assert_eq!(history.typical(Stage::Booking), None);
        let expected = forecast(&Course::received(today), &history, today, &calendar, 7);
        let stages: Vec<Stage> = expected.iter().map(|e| e.stage).collect();
        assert_eq!(
            stages,
            [
                Stage::Review,
                Stage::Documents,
                Stage::Booking,
                Stage::Visit,
                Stage::Report
            ]
        );
        assert!(expected.iter().all(|e| e.basis == Basis::Rules));
        // The visit is the appointment window: the 7th to the 14th
        // consultation day after receipt (Monday 1 March 2027: 10th to 19th).
        let visit = expected[3];
        assert_eq!((visit.from, visit.to), (d("2027-03-10"), d("2027-03-19")));
        // The report: the day after the earliest visit to 7 consultation
        // days after the latest (Monday 22 March is the equinox's
        // substitute holiday).
        let report = expected[4];
        assert_eq!((report.from, report.to), (d("2027-03-11"), d("2027-03-31")));
    }

    #[test]
    fn enough_cases_give_the_median_and_80th_percentile() {
        let calendar = Calendar::new();
        let today = d("2027-03-01");
        let history = history_of(40, today, [1, 3, 4, 5, 6], &calendar);
        assert_eq!(
            history.typical(Stage::Visit),
            Some(Typical {
                median: 5,
                p80: 5,
                cases: 40
            })
        );
        let expected = forecast(&Course::received(today), &history, today, &calendar, 7);
        let visit = expected
            .iter()
            .find(|e| e.stage == Stage::Visit)
            .expect("visit");
        // 4 + 5 consultation days after Monday 1 March: Friday 12 March.
        assert_eq!((visit.from, visit.to), (d("2027-03-12"), d("2027-03-12")));
        assert_eq!(visit.basis, Basis::Recent(40));
    }

    #[test]
    fn old_cases_are_left_out_of_the_history() {
        let calendar = Calendar::new();
        let today = d("2027-03-01");
        let history = history_of(
            40,
            today - Duration::days(HISTORY_DAYS + 70),
            [1, 3, 4, 5, 6],
            &calendar,
        );
        let recent = History::of(&[], today, &calendar);
        assert_eq!(history.cases(Stage::Report), 40);
        assert_eq!(History::of(&[] as &[Course], today, &calendar), recent);
        // The same courses seen from today: every step ended too long ago.
        let courses = [Course {
            reviewed: Some(today - Duration::days(HISTORY_DAYS + 1)),
            ..Course::received(today - Duration::days(HISTORY_DAYS + 3))
        }];
        assert_eq!(
            History::of(&courses, today, &calendar).cases(Stage::Review),
            0
        );
    }

    #[test]
    fn a_booked_case_expects_its_appointment_and_the_report_after_it() {
        let calendar = Calendar::new();
        let today = d("2027-03-01");
        let history = history_of(40, today, [1, 3, 4, 5, 6], &calendar);
        let course = Course {
            reviewed: Some(today),
            documents_in: Some(today),
            booked: Some(today),
            appointment: Some(d("2027-03-10")),
            ..Course::received(d("2027-02-25"))
        };
        let expected = forecast(&course, &history, today, &calendar, 7);
        assert_eq!(expected.len(), 2);
        assert_eq!(
            (expected[0].stage, expected[0].from, expected[0].basis),
            (Stage::Visit, d("2027-03-10"), Basis::Booked)
        );
        // Six consultation days after Wednesday 10 March: Thursday 18th.
        assert_eq!(
            (expected[1].from, expected[1].to),
            (d("2027-03-18"), d("2027-03-18"))
        );
    }

    #[test]
    fn a_year_end_inside_the_range_pushes_it() {
        let calendar = Calendar::new();
        let today = d("2026-12-25");
        let history = history_of(40, today, [1, 3, 4, 5, 6], &calendar);
        let expected = forecast(&Course::received(today), &history, today, &calendar, 7);
        let booking = expected
            .iter()
            .find(|e| e.stage == Stage::Booking)
            .expect("booking");
        // 4 consultation days after Friday 25 December: 28 December, then
        // the closure (29 Dec–3 Jan), 4, 5, 6 January.
        assert_eq!(booking.from, d("2027-01-06"));
    }

    #[test]
    fn a_closure_day_pushes_the_range() {
        let today = d("2027-03-01");
        let open = Calendar::new();
        let closed = Calendar::with_extra_closures([(d("2027-03-03"), "研修".to_owned())]);
        let history = history_of(40, d("2027-02-01"), [1, 3, 4, 5, 6], &open);
        let course = Course::received(today);
        let before = forecast(&course, &history, today, &open, 7);
        let after = forecast(&course, &history, today, &closed, 7);
        let review = |e: &[Expected]| {
            e.iter()
                .find(|e| e.stage == Stage::Documents)
                .map(|e| e.from)
        };
        assert_eq!(review(&before), Some(d("2027-03-04")));
        assert_eq!(review(&after), Some(d("2027-03-05")));
    }

    #[test]
    fn a_late_step_is_expected_from_today() {
        let calendar = Calendar::new();
        let today = d("2027-03-06"); // a Saturday
        let history = History::default();
        let course = Course::received(d("2027-02-01"));
        for each in forecast(&course, &history, today, &calendar, 7) {
            assert!(each.from >= d("2027-03-08"), "{each:?}");
        }
    }

    #[test]
    fn the_next_step_is_due_by_the_rules() {
        let calendar = Calendar::new();
        let course = Course {
            appointment: Some(d("2027-03-10")),
            report_due: Some(d("2027-03-19")),
            ..Course::received(d("2027-03-01"))
        };
        assert_eq!(
            next_due(CaseStatus::Received, &course, &calendar),
            Some((NextStep::Review, d("2027-03-03")))
        );
        assert_eq!(
            next_due(CaseStatus::UnderReview, &course, &calendar),
            Some((NextStep::Booking, d("2027-03-19")))
        );
        assert_eq!(
            next_due(CaseStatus::Scheduled, &course, &calendar),
            Some((NextStep::Visit, d("2027-03-10")))
        );
        assert_eq!(
            next_due(CaseStatus::Seen, &course, &calendar),
            Some((NextStep::Report, d("2027-03-19")))
        );
        assert_eq!(next_due(CaseStatus::Completed, &course, &calendar), None);
        let due = d("2027-03-10");
        assert_eq!(
            timeliness(&calendar, due, d("2027-03-05")),
            Timeliness::OnTime
        );
        assert_eq!(
            timeliness(&calendar, due, d("2027-03-08")),
            Timeliness::DueSoon
        );
        assert_eq!(
            timeliness(&calendar, due, d("2027-03-10")),
            Timeliness::DueSoon
        );
        assert_eq!(
            timeliness(&calendar, due, d("2027-03-11")),
            Timeliness::Late
        );
    }

    fn any_day() -> impl Strategy<Value = NaiveDate> {
        (0i64..3 * 366).prop_map(|n| d("2026-01-01") + Duration::days(n))
    }

    fn any_course() -> impl Strategy<Value = Course> {
        (
            any_day(),
            proptest::collection::vec(proptest::option::of(0i64..40), 6),
        )
            .prop_map(|(receipt, offsets)| {
                let at = |i: usize| offsets[i].map(|n| receipt + Duration::days(n));
                Course {
                    reviewed: at(0),
                    documents_in: at(1),
                    booked: at(2),
                    appointment: at(3).and(at(2)).map(|b| b + Duration::days(5)),
                    visit: at(4).and(at(3)).and(at(2)).map(|b| b + Duration::days(5)),
                    report_due: None,
                    report_sent: at(5),
                    ..Course::received(receipt)
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn a_range_never_starts_before_today_nor_ends_before_it_starts(
            past in proptest::collection::vec(any_course(), 0..60),
            course in any_course(),
            today in any_day(),
            report_days in 1u32..15,
        ) {
            let calendar = Calendar::new();
            let history = History::of(&past, today, &calendar);
            for each in forecast(&course, &history, today, &calendar, report_days) {
                prop_assert!(each.from <= each.to, "{:?}", each);
                if each.basis != Basis::Booked {
                    prop_assert!(each.from >= today, "{:?}", each);
                    prop_assert!(calendar.is_consultation_day(each.from), "{:?}", each);
                }
            }
        }

        #[test]
        fn more_history_keeps_a_range_whole(
            past in proptest::collection::vec(any_course(), 0..80),
            more in proptest::collection::vec(any_course(), 0..80),
            course in any_course(),
            today in any_day(),
        ) {
            let calendar = Calendar::new();
            let all: Vec<Course> = past.iter().chain(&more).copied().collect();
            let short = forecast(&course, &History::of(&past, today, &calendar), today, &calendar, 7);
            let long = forecast(&course, &History::of(&all, today, &calendar), today, &calendar, 7);
            // The same steps are expected, each a range that starts and ends.
            let stages = |e: &[Expected]| e.iter().map(|e| e.stage).collect::<Vec<_>>();
            prop_assert_eq!(stages(&short), stages(&long));
            for each in long {
                prop_assert!(each.from <= each.to);
                prop_assert!(each.to <= today.max(course.receipt) + Duration::days(400), "{:?}", each);
            }
        }

        #[test]
        fn the_history_counts_every_recent_step_once(
            past in proptest::collection::vec(any_course(), 0..60),
            today in any_day(),
        ) {
            let calendar = Calendar::new();
            let history = History::of(&past, today, &calendar);
            let since = today - Duration::days(HISTORY_DAYS);
            for stage in Stage::ALL {
                let expected = past
                    .iter()
                    .filter_map(|c| c.span(*stage))
                    .filter(|(_, end)| *end > since && *end <= today)
                    .count();
                prop_assert_eq!(history.cases(*stage), expected);
            }
        }

        #[test]
        fn a_receipt_day_threshold_finds_exactly_the_due(
            by in any_day(),
            receipt in any_day(),
            days in 1u32..15,
        ) {
            let calendar = Calendar::new();
            let last = last_receipt_due_by(&calendar, days, by);
            let due = calendar.nth_consultation_day_after(receipt, days);
            prop_assert_eq!(receipt <= last, due <= by);
        }
    }
}
