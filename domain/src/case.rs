//! The rules of a received case: the steps it may take (reception's, and on
//! the day and after it the specialist's and the liaison office's), when an
//! appointment can be booked, which days to offer, and how urgent it is.
//!
//! Like the rest of the crate this reads no clock: "today" is an argument.

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::window::{AppointmentWindow, EARLIEST_APPOINTMENT_DAY, LATEST_APPOINTMENT_DAY, hm};

/// Where a case is at reception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// The request arrived and nobody has looked at it yet.
    Received,
    /// Reception is checking the documents and finding a specialist.
    UnderReview,
    /// An appointment is booked.
    Scheduled,
    /// The consultation took place; the written opinion is still to reach
    /// the present doctor.
    Seen,
    /// The written opinion was sent to the present doctor: the end of a
    /// case that went well (an amendment may still follow).
    Reported,
    /// Closed by hand as done, before the service kept the day and the
    /// report (older cases only: no step leads here any more).
    Completed,
    /// The patient did not come to the appointment.
    NoShow,
    /// The appointment was cancelled.
    Cancelled,
    /// The hospital declined the request.
    Declined,
}

codes!(CaseStatus {
    Received => "received",
    UnderReview => "under_review",
    Scheduled => "scheduled",
    Seen => "seen",
    Reported => "reported",
    Completed => "completed",
    NoShow => "no_show",
    Cancelled => "cancelled",
    Declined => "declined",
});

/// What is done to a case: by reception (review, booking, the day at
/// counter 1, declining), the specialist (the consultation, the report)
/// and the liaison office (sending the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    StartReview,
    Schedule,
    Reschedule,
    CancelAppointment,
    /// The patient (or the family) arrived at counter 1.
    CheckIn,
    /// The fee was paid (on the day, before or after the consultation).
    RecordPayment,
    /// The specialist records that the consultation took place.
    HoldConsultation,
    /// The specialist signs the report's draft.
    SignReport,
    /// A signed report is changed: a new version, to be signed again.
    AmendReport,
    /// The report (its current signed version) was sent.
    RecordSending,
    NoShow,
    Decline,
}

codes!(Step {
    StartReview => "start_review",
    Schedule => "schedule",
    Reschedule => "reschedule",
    CancelAppointment => "cancel_appointment",
    CheckIn => "check_in",
    RecordPayment => "record_payment",
    HoldConsultation => "hold_consultation",
    SignReport => "sign_report",
    AmendReport => "amend_report",
    RecordSending => "record_sending",
    NoShow => "no_show",
    Decline => "decline",
});

/// Why a step is refused beyond the status's flow: what the day and the
/// report have come to so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Because {
    /// The status does not allow the step.
    #[default]
    Flow,
    /// Nobody checked the patient in yet.
    NotCheckedIn,
    /// The patient has arrived: they came, so it is not a no-show, and the
    /// appointment can no longer be moved or cancelled.
    AlreadyCheckedIn,
    /// The fee was paid already (once per visit: never a second fee).
    AlreadyPaid,
    /// There is no draft to sign.
    NoDraft,
    /// No version is signed yet.
    NothingSigned,
    /// A draft (the next version) is open already: it is what to go on with.
    DraftOpen,
}

codes!(Because {
    Flow => "flow",
    NotCheckedIn => "not_checked_in",
    AlreadyCheckedIn => "already_checked_in",
    AlreadyPaid => "already_paid",
    NoDraft => "no_draft",
    NothingSigned => "nothing_signed",
    DraftOpen => "draft_open",
});

/// A step refused: from which status, which step, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedStep {
    pub from: CaseStatus,
    pub step: Step,
    #[serde(default)]
    pub because: Because,
}

impl fmt::Display for RefusedStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "step {} is not allowed from status {}",
            self.step.code(),
            self.from.code()
        )?;
        if self.because != Because::Flow {
            write!(f, ": {}", self.because.code())?;
        }
        Ok(())
    }
}

/// What a case has come to beyond its status: the day at counter 1 and the
/// report's versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Progress {
    pub checked_in: bool,
    pub paid: bool,
    /// The latest signed version of the report, if any.
    pub signed: Option<u32>,
    /// An unsigned draft (the next version) is open.
    pub draft: bool,
}

impl Progress {
    /// Why `step` cannot be taken now, whatever the status says.
    pub const fn refuses(&self, step: Step) -> Option<Because> {
        match step {
            Step::CheckIn | Step::NoShow | Step::Reschedule | Step::CancelAppointment
                if self.checked_in =>
            {
                Some(Because::AlreadyCheckedIn)
            }
            Step::RecordPayment | Step::HoldConsultation if !self.checked_in => {
                Some(Because::NotCheckedIn)
            }
            Step::RecordPayment if self.paid => Some(Because::AlreadyPaid),
            Step::SignReport if !self.draft => Some(Because::NoDraft),
            Step::AmendReport | Step::RecordSending if self.signed.is_none() => {
                Some(Because::NothingSigned)
            }
            Step::AmendReport if self.draft => Some(Because::DraftOpen),
            _ => None,
        }
    }
}

impl std::error::Error for RefusedStep {}

impl CaseStatus {
    /// `Received`, `UnderReview`, `Scheduled` or `Seen`: a case the hospital
    /// still has work on (the report is the last of it).
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            Self::Received | Self::UnderReview | Self::Scheduled | Self::Seen
        )
    }

    /// The status after `step`, or the refusal. The one definition of the
    /// flow; what the day and the report have come to is checked by
    /// [`CaseStatus::take`].
    pub fn after(self, step: Step) -> Result<CaseStatus, RefusedStep> {
        use CaseStatus as S;
        match (self, step) {
            (S::Received, Step::StartReview) => Ok(S::UnderReview),
            // Rescheduling books a new appointment; the case stays
            // scheduled. On the day, arriving leaves it scheduled too.
            (S::UnderReview, Step::Schedule) | (S::Scheduled, Step::Reschedule | Step::CheckIn) => {
                Ok(S::Scheduled)
            }
            (S::Scheduled, Step::CancelAppointment) => Ok(S::Cancelled),
            (S::Scheduled, Step::NoShow) => Ok(S::NoShow),
            // Steps that leave the status as it is: paying (before or after
            // the consultation); signing and amending the report while
            // seen, and after it reached the present doctor.
            (S::Scheduled | S::Seen, Step::RecordPayment)
            | (S::Seen | S::Reported, Step::SignReport | Step::AmendReport) => Ok(self),
            // The consultation held makes the case seen.
            (S::Scheduled, Step::HoldConsultation) => Ok(S::Seen),
            (S::Seen | S::Reported, Step::RecordSending) => Ok(S::Reported),
            // Once an appointment is booked the hospital has accepted the
            // case: it can be cancelled, no longer declined.
            (S::Received | S::UnderReview, Step::Decline) => Ok(S::Declined),
            _ => Err(RefusedStep {
                from: self,
                step,
                because: Because::Flow,
            }),
        }
    }

    /// The status after `step` for a case that has come to `progress`, or
    /// the refusal with its reason: the flow first, then the day and the
    /// report.
    pub fn take(self, step: Step, progress: &Progress) -> Result<CaseStatus, RefusedStep> {
        let to = self.after(step)?;
        match progress.refuses(step) {
            Some(because) => Err(RefusedStep {
                from: self,
                step,
                because,
            }),
            None => Ok(to),
        }
    }

    /// The steps `progress` allows from this status (in `Step::ALL` order).
    pub fn steps_now(self, progress: &Progress) -> Vec<Step> {
        Step::ALL
            .iter()
            .copied()
            .filter(|step| self.take(*step, progress).is_ok())
            .collect()
    }

    /// The steps allowed from this status (in `Step::ALL` order).
    pub fn allowed_steps(self) -> Vec<Step> {
        Step::ALL
            .iter()
            .copied()
            .filter(|step| self.after(*step).is_ok())
            .collect()
    }
}

/// The hospital's reasons to decline a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    PatientDoesNotAgree,
    PresentDoctorDoesNotEncourage,
    /// The request is about a transfer, not an opinion.
    Transfer,
    Litigation,
    OutsideSpecialties,
    CouldNotContact,
    Other,
}

codes!(DeclineReason {
    PatientDoesNotAgree => "patient_does_not_agree",
    PresentDoctorDoesNotEncourage => "present_doctor_does_not_encourage",
    Transfer => "transfer",
    Litigation => "litigation",
    OutsideSpecialties => "outside_specialties",
    CouldNotContact => "could_not_contact",
    Other => "other",
});

/// How long an appointment lasts.
pub const APPOINTMENT_MINUTES: u32 = 60;
/// The first appointment starts when reception counter 1 opens.
pub const FIRST_START: NaiveTime = hm(9, 0);
/// The last appointment starts at 15:45, so that its 60 minutes end when
/// reception counter 1 closes at 16:45.
pub const LAST_START: NaiveTime = hm(15, 45);

/// Why a proposed appointment cannot be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleProblem {
    NotAConsultationDay,
    OutsideHours,
    InThePast,
    /// The day lies outside the appointment window and no reason is given.
    OutsideWindowWithoutReason,
}

codes!(ScheduleProblem {
    NotAConsultationDay => "not_a_consultation_day",
    OutsideHours => "outside_hours",
    InThePast => "in_the_past",
    OutsideWindowWithoutReason => "outside_window_without_reason",
});

/// Checks an appointment: `day` must be a consultation day of `calendar`, not
/// before `today`; `start` between `FIRST_START` and `LAST_START` inclusive; a
/// day outside `window.earliest..=window.latest` needs a reason that is not
/// blank once trimmed. Returns every problem at once, in
/// `ScheduleProblem::ALL` order.
pub fn check_appointment(
    calendar: &Calendar,
    window: &AppointmentWindow,
    today: NaiveDate,
    day: NaiveDate,
    start: NaiveTime,
    reason_outside_window: &str,
) -> Result<(), Vec<ScheduleProblem>> {
    let problems: Vec<ScheduleProblem> = ScheduleProblem::ALL
        .iter()
        .copied()
        .filter(|problem| match problem {
            ScheduleProblem::NotAConsultationDay => !calendar.is_consultation_day(day),
            ScheduleProblem::OutsideHours => !(FIRST_START..=LAST_START).contains(&start),
            ScheduleProblem::InThePast => day < today,
            ScheduleProblem::OutsideWindowWithoutReason => {
                !(window.earliest..=window.latest).contains(&day)
                    && reason_outside_window.trim().is_empty()
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The consultation days from `window.earliest` to `window.latest` (inclusive)
/// that fall on one of `preferred_weekdays` (all weekdays when the slice is
/// empty) and are not in `unsuitable`, and are not before `today`.
pub fn proposed_days(
    calendar: &Calendar,
    window: &AppointmentWindow,
    today: NaiveDate,
    preferred_weekdays: &[Weekday],
    unsuitable: &[NaiveDate],
) -> Vec<NaiveDate> {
    let first = window.earliest.max(today);
    let day_before = first.pred_opt().expect("date within chrono's range");
    calendar
        .consultation_days_after(day_before)
        .take_while(|day| *day <= window.latest)
        .filter(|day| preferred_weekdays.is_empty() || preferred_weekdays.contains(&day.weekday()))
        .filter(|day| !unsuitable.contains(day))
        .collect()
}

/// How a case stands in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    OnTrack,
    /// The window has begun and no appointment is booked yet.
    Due,
    /// The window has passed and no appointment is booked.
    Overdue,
    Closed,
}

codes!(Urgency {
    OnTrack => "on_track",
    Due => "due",
    Overdue => "overdue",
    Closed => "closed",
});

/// A case's age in consultation days since its receipt day (the receipt day
/// is day 0; 0 when `today` is not after it), and its urgency. A case with no
/// appointment yet is due from day 7, when its window opens, and overdue after
/// day 14, when it has closed; a scheduled case is on track; a finished one
/// is closed.
pub fn queue_age(
    calendar: &Calendar,
    receipt_day: NaiveDate,
    today: NaiveDate,
    status: CaseStatus,
) -> (u32, Urgency) {
    // Counts the consultation days d with receipt_day < d <= today.
    let age = calendar.consultation_days_between(receipt_day, today);
    let urgency = match status {
        CaseStatus::Received | CaseStatus::UnderReview => {
            if age > LATEST_APPOINTMENT_DAY {
                Urgency::Overdue
            } else if age >= EARLIEST_APPOINTMENT_DAY {
                Urgency::Due
            } else {
                Urgency::OnTrack
            }
        }
        CaseStatus::Scheduled | CaseStatus::Seen => Urgency::OnTrack,
        CaseStatus::Reported
        | CaseStatus::Completed
        | CaseStatus::NoShow
        | CaseStatus::Cancelled
        | CaseStatus::Declined => Urgency::Closed,
    };
    (age, urgency)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::tests::any_moment;
    use crate::window::{RECEPTION_CLOSES, appointment_window};
    use chrono::{Duration, NaiveDateTime};
    use proptest::prelude::*;
    use serde::de::DeserializeOwned;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test date")
    }

    fn t(text: &str) -> NaiveTime {
        NaiveTime::parse_from_str(text, "%H:%M").expect("test time")
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("test moment")
    }

    fn dates(texts: &[&str]) -> Vec<NaiveDate> {
        texts.iter().map(|text| d(text)).collect()
    }

    /// The window of a request received on Monday 9 November 2026 at 10:00.
    /// Consultation days after the receipt day: Tue 10 (1), Wed 11, Thu 12,
    /// Fri 13, Mon 16, Tue 17, Wed 18 (7), Thu 19, Fri 20, [Mon 23 is Labour
    /// Thanksgiving Day], Tue 24 (10), Wed 25, Thu 26, Fri 27, Mon 30 (14).
    fn november_window(calendar: &Calendar) -> AppointmentWindow {
        appointment_window(at("2026-11-09 10:00"), calendar)
    }

    #[test]
    fn the_november_window_runs_from_18_to_30_november() {
        let w = november_window(&Calendar::new());
        assert_eq!(
            (w.receipt, w.earliest, w.latest),
            (d("2026-11-09"), d("2026-11-18"), d("2026-11-30"))
        );
    }

    // ---- The flow ----

    /// The steps the flow allows, written out once more by hand.
    const ALLOWED: [(CaseStatus, Step, CaseStatus); 17] = {
        use CaseStatus as S;
        [
            (S::Received, Step::StartReview, S::UnderReview),
            (S::UnderReview, Step::Schedule, S::Scheduled),
            (S::Scheduled, Step::Reschedule, S::Scheduled),
            (S::Scheduled, Step::CancelAppointment, S::Cancelled),
            (S::Scheduled, Step::NoShow, S::NoShow),
            (S::Scheduled, Step::CheckIn, S::Scheduled),
            (S::Scheduled, Step::RecordPayment, S::Scheduled),
            (S::Seen, Step::RecordPayment, S::Seen),
            (S::Scheduled, Step::HoldConsultation, S::Seen),
            (S::Seen, Step::SignReport, S::Seen),
            (S::Reported, Step::SignReport, S::Reported),
            (S::Seen, Step::AmendReport, S::Seen),
            (S::Reported, Step::AmendReport, S::Reported),
            (S::Seen, Step::RecordSending, S::Reported),
            (S::Reported, Step::RecordSending, S::Reported),
            (S::Received, Step::Decline, S::Declined),
            (S::UnderReview, Step::Decline, S::Declined),
        ]
    };

    #[test]
    fn every_step_from_every_status_follows_the_flow_table() {
        let mut pairs = 0;
        for &from in CaseStatus::ALL {
            for &step in Step::ALL {
                let expected = ALLOWED
                    .iter()
                    .find(|(f, s, _)| (*f, *s) == (from, step))
                    .map(|(_, _, to)| *to)
                    .ok_or(RefusedStep {
                        from,
                        step,
                        because: Because::Flow,
                    });
                assert_eq!(from.after(step), expected, "{from:?} --{step:?}-->");
                pairs += 1;
            }
        }
        assert_eq!(pairs, 9 * 12, "every status and every step is checked");
    }

    #[test]
    fn allowed_steps_are_the_steps_after_accepts() {
        use CaseStatus as S;
        for &status in S::ALL {
            let accepted: Vec<Step> = Step::ALL
                .iter()
                .copied()
                .filter(|step| status.after(*step).is_ok())
                .collect();
            assert_eq!(status.allowed_steps(), accepted, "{status:?}");
        }
        assert_eq!(
            S::Received.allowed_steps(),
            [Step::StartReview, Step::Decline]
        );
        assert_eq!(
            S::UnderReview.allowed_steps(),
            [Step::Schedule, Step::Decline]
        );
        assert_eq!(
            S::Scheduled.allowed_steps(),
            [
                Step::Reschedule,
                Step::CancelAppointment,
                Step::CheckIn,
                Step::RecordPayment,
                Step::HoldConsultation,
                Step::NoShow
            ]
        );
        assert_eq!(
            S::Seen.allowed_steps(),
            [
                Step::RecordPayment,
                Step::SignReport,
                Step::AmendReport,
                Step::RecordSending
            ]
        );
        assert!(
            S::Completed.allowed_steps().is_empty(),
            "no step from the old way"
        );
    }

    #[test]
    fn the_day_goes_check_in_then_payment_and_consultation_then_the_report_then_sending() {
        use CaseStatus as S;
        let mut progress = Progress::default();
        let refused = |from, step, because| RefusedStep {
            from,
            step,
            because,
        };
        assert_eq!(
            S::Scheduled.take(Step::RecordPayment, &progress),
            Err(refused(
                S::Scheduled,
                Step::RecordPayment,
                Because::NotCheckedIn
            ))
        );
        assert_eq!(
            S::Scheduled.take(Step::HoldConsultation, &progress),
            Err(refused(
                S::Scheduled,
                Step::HoldConsultation,
                Because::NotCheckedIn
            ))
        );
        assert_eq!(
            S::Scheduled.take(Step::CheckIn, &progress),
            Ok(S::Scheduled)
        );
        progress.checked_in = true;
        for step in [
            Step::CheckIn,
            Step::NoShow,
            Step::Reschedule,
            Step::CancelAppointment,
        ] {
            assert_eq!(
                S::Scheduled.take(step, &progress),
                Err(refused(S::Scheduled, step, Because::AlreadyCheckedIn)),
                "{step:?}"
            );
        }
        assert_eq!(
            S::Scheduled.take(Step::HoldConsultation, &progress),
            Ok(S::Seen)
        );
        assert_eq!(S::Seen.take(Step::RecordPayment, &progress), Ok(S::Seen));
        progress.paid = true;
        assert_eq!(
            S::Seen.take(Step::RecordPayment, &progress),
            Err(refused(S::Seen, Step::RecordPayment, Because::AlreadyPaid))
        );
        assert_eq!(
            S::Seen.take(Step::SignReport, &progress),
            Err(refused(S::Seen, Step::SignReport, Because::NoDraft))
        );
        assert_eq!(
            S::Seen.take(Step::RecordSending, &progress),
            Err(refused(
                S::Seen,
                Step::RecordSending,
                Because::NothingSigned
            ))
        );
        progress.draft = true;
        assert_eq!(S::Seen.take(Step::SignReport, &progress), Ok(S::Seen));
        progress = Progress {
            signed: Some(1),
            draft: false,
            ..progress
        };
        assert_eq!(
            S::Seen.take(Step::RecordSending, &progress),
            Ok(S::Reported)
        );
        assert_eq!(
            S::Reported.take(Step::AmendReport, &progress),
            Ok(S::Reported)
        );
        progress.draft = true;
        assert_eq!(
            S::Reported.take(Step::AmendReport, &progress),
            Err(refused(S::Reported, Step::AmendReport, Because::DraftOpen))
        );
    }

    #[test]
    fn only_received_under_review_and_scheduled_cases_are_open_and_only_they_have_steps() {
        use CaseStatus as S;
        let open: Vec<CaseStatus> = S::ALL.iter().copied().filter(|s| s.is_open()).collect();
        assert_eq!(open, [S::Received, S::UnderReview, S::Scheduled, S::Seen]);
        for &status in S::ALL {
            // A reported case is done, and may still be amended.
            let has_steps = !status.allowed_steps().is_empty();
            assert_eq!(
                status.is_open() || status == S::Reported,
                has_steps,
                "{status:?}"
            );
        }
    }

    #[test]
    fn a_refused_step_names_the_status_and_the_step_by_their_codes() {
        let refused = CaseStatus::Completed
            .after(Step::Reschedule)
            .expect_err("a completed case cannot be rescheduled");
        assert_eq!(
            serde_json::to_value(refused).expect("json"),
            serde_json::json!({ "from": "completed", "step": "reschedule", "because": "flow" })
        );
        assert_eq!(
            refused.to_string(),
            "step reschedule is not allowed from status completed"
        );
        let paid = Progress {
            checked_in: true,
            paid: true,
            ..Progress::default()
        };
        let twice = CaseStatus::Seen
            .take(Step::RecordPayment, &paid)
            .expect_err("one fee");
        assert_eq!(
            twice.to_string(),
            "step record_payment is not allowed from status seen: already_paid"
        );
    }

    // ---- Codes ----

    fn assert_codes_round_trip<T>(
        all: &[T],
        code: fn(T) -> &'static str,
        from_code: fn(&str) -> Option<T>,
    ) where
        T: Copy + PartialEq + fmt::Debug + Serialize + DeserializeOwned,
    {
        for &value in all {
            let code = code(value);
            assert_eq!(from_code(code), Some(value), "{code}");
            assert_eq!(serde_json::to_value(value).expect("json"), code);
            assert_eq!(
                serde_json::from_value::<T>(serde_json::Value::from(code)).expect("back"),
                value
            );
        }
        assert_eq!(from_code(""), None);
        assert_eq!(from_code("Received"), None, "codes are case-sensitive");
    }

    #[test]
    fn codes_round_trip_through_from_code_and_serde() {
        assert_codes_round_trip(CaseStatus::ALL, CaseStatus::code, CaseStatus::from_code);
        assert_codes_round_trip(Step::ALL, Step::code, Step::from_code);
        assert_codes_round_trip(
            DeclineReason::ALL,
            DeclineReason::code,
            DeclineReason::from_code,
        );
        assert_codes_round_trip(
            ScheduleProblem::ALL,
            ScheduleProblem::code,
            ScheduleProblem::from_code,
        );
        assert_codes_round_trip(Urgency::ALL, Urgency::code, Urgency::from_code);
        assert_codes_round_trip(Because::ALL, Because::code, Because::from_code);
    }

    /// The codes of every value, in `ALL` order, separated by spaces.
    fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> String {
        all.iter()
            .map(|value| code(*value))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_stored_codes_are_the_agreed_ones() {
        // The database keeps these codes: changing one loses data.
        assert_eq!(
            codes(CaseStatus::ALL, CaseStatus::code),
            "received under_review scheduled seen reported completed no_show cancelled declined"
        );
        assert_eq!(
            codes(Step::ALL, Step::code),
            "start_review schedule reschedule cancel_appointment check_in record_payment \
             hold_consultation sign_report amend_report record_sending no_show decline"
        );
        assert_eq!(
            codes(DeclineReason::ALL, DeclineReason::code),
            "patient_does_not_agree present_doctor_does_not_encourage transfer litigation \
             outside_specialties could_not_contact other"
        );
        assert_eq!(
            codes(ScheduleProblem::ALL, ScheduleProblem::code),
            "not_a_consultation_day outside_hours in_the_past outside_window_without_reason"
        );
        assert_eq!(
            codes(Urgency::ALL, Urgency::code),
            "on_track due overdue closed"
        );
    }

    // ---- Booking an appointment ----

    #[test]
    fn the_last_appointment_ends_when_reception_closes() {
        let end = LAST_START + Duration::minutes(i64::from(APPOINTMENT_MINUTES));
        assert_eq!(end, RECEPTION_CLOSES);
        assert_eq!(FIRST_START, t("09:00"));
    }

    /// `check_appointment` on the plain calendar and the window of 18–30
    /// November 2026.
    fn check_november(
        today: &str,
        day: &str,
        start: &str,
        reason: &str,
    ) -> Result<(), Vec<ScheduleProblem>> {
        let calendar = Calendar::new();
        let w = november_window(&calendar);
        check_appointment(&calendar, &w, d(today), d(day), t(start), reason)
    }

    #[test]
    fn a_consultation_day_in_the_window_is_fine_from_09_00_to_15_45() {
        // Thursday 19 November 2026, inside 18–30 November.
        for start in ["09:00", "12:30", "15:45"] {
            assert_eq!(
                check_november("2026-11-10", "2026-11-19", start, ""),
                Ok(()),
                "{start}"
            );
        }
        // The window's first and last days belong to it.
        for day in ["2026-11-18", "2026-11-30"] {
            assert_eq!(
                check_november("2026-11-10", day, "10:00", ""),
                Ok(()),
                "{day}"
            );
        }
    }

    #[test]
    fn a_start_before_09_00_or_after_15_45_is_outside_hours() {
        for start in ["08:59", "15:46", "16:45", "00:00"] {
            assert_eq!(
                check_november("2026-11-10", "2026-11-19", start, ""),
                Err(vec![ScheduleProblem::OutsideHours]),
                "{start}"
            );
        }
    }

    #[test]
    fn weekends_holidays_the_year_end_and_hospital_closures_are_not_consultation_days() {
        let refused = Err(vec![ScheduleProblem::NotAConsultationDay]);
        // Saturday 21 and Sunday 22 November, and Monday 23 November (Labour
        // Thanksgiving Day), all inside the window 18–30 November.
        for day in ["2026-11-21", "2026-11-22", "2026-11-23"] {
            assert_eq!(
                check_november("2026-11-10", day, "10:00", ""),
                refused,
                "{day}"
            );
        }

        // Received Thursday 10 December 2026: Fri 11 (1), Mon 14, Tue 15,
        // Wed 16, Thu 17, Fri 18, Mon 21 (7), Tue 22, Wed 23, Thu 24, Fri 25,
        // Mon 28 (12), [29 December to 3 January closed], Mon 4 January (13),
        // Tue 5 January (14): the window runs across the year-end closure.
        let calendar = Calendar::new();
        let year_end = appointment_window(at("2026-12-10 10:00"), &calendar);
        assert_eq!(
            (year_end.earliest, year_end.latest),
            (d("2026-12-21"), d("2027-01-05"))
        );
        // Wednesday 30 December is a weekday, closed for the year end.
        let today = d("2026-12-10");
        let ten = t("10:00");
        assert_eq!(
            check_appointment(&calendar, &year_end, today, d("2026-12-30"), ten, ""),
            refused
        );

        // The hospital closes on Wednesday 25 November 2026. Its window is
        // then 18 November to Tuesday 1 December, and 25 November is in it.
        let closed = Calendar::with_extra_closures([(d("2026-11-25"), "Training day".to_owned())]);
        let w = november_window(&closed);
        assert_eq!((w.earliest, w.latest), (d("2026-11-18"), d("2026-12-01")));
        let today = d("2026-11-10");
        assert_eq!(
            check_appointment(&closed, &w, today, d("2026-11-25"), ten, ""),
            refused
        );
        assert_eq!(
            check_appointment(&calendar, &w, today, d("2026-11-25"), ten, ""),
            Ok(()),
            "without the closure the day is fine"
        );
    }

    #[test]
    fn a_day_outside_the_window_needs_a_reason_that_is_not_blank() {
        let refused = Err(vec![ScheduleProblem::OutsideWindowWithoutReason]);
        // Tuesday 17 November is the day before the window, Tuesday 1
        // December the day after it.
        for day in ["2026-11-17", "2026-12-01"] {
            for blank in ["", " ", "\n\t", "\u{3000}"] {
                assert_eq!(
                    check_november("2026-11-10", day, "10:00", blank),
                    refused,
                    "{day} {blank:?}"
                );
            }
            assert_eq!(
                check_november("2026-11-10", day, "10:00", " 患者さんの希望 "),
                Ok(()),
                "{day}"
            );
        }
    }

    #[test]
    fn a_day_before_today_is_in_the_past_and_today_is_not() {
        assert_eq!(
            check_november("2026-11-20", "2026-11-19", "10:00", ""),
            Err(vec![ScheduleProblem::InThePast])
        );
        assert_eq!(
            check_november("2026-11-20", "2026-11-20", "10:00", ""),
            Ok(())
        );
    }

    #[test]
    fn every_problem_is_reported_at_once_in_a_fixed_order() {
        // Saturday 14 November at 08:00, seen on 20 November: closed, too
        // early, past, and before the window with no reason.
        assert_eq!(
            check_november("2026-11-20", "2026-11-14", "08:00", "  "),
            Err(ScheduleProblem::ALL.to_vec())
        );
        // Labour Thanksgiving Day at 16:00: closed and too late, nothing else.
        assert_eq!(
            check_november("2026-11-10", "2026-11-23", "16:00", ""),
            Err(vec![
                ScheduleProblem::NotAConsultationDay,
                ScheduleProblem::OutsideHours
            ])
        );
    }

    // ---- Proposing days ----

    #[test]
    fn proposed_days_fall_on_the_preferred_weekdays_and_skip_holidays_and_unsuitable_dates() {
        let calendar = Calendar::new();
        let w = november_window(&calendar);
        let today = d("2026-11-10");
        // Mondays and Wednesdays of 18–30 November: Wed 18, [Mon 23 is a
        // holiday], Wed 25, Mon 30.
        let mon_wed = [Weekday::Mon, Weekday::Wed];
        assert_eq!(
            proposed_days(&calendar, &w, today, &mon_wed, &[]),
            dates(&["2026-11-18", "2026-11-25", "2026-11-30"])
        );
        // The patient cannot come on 25 November, nor on 3 December (outside
        // the window anyway).
        assert_eq!(
            proposed_days(
                &calendar,
                &w,
                today,
                &mon_wed,
                &dates(&["2026-11-25", "2026-12-03"])
            ),
            dates(&["2026-11-18", "2026-11-30"])
        );
        // Saturday is not a consultation day, whatever the patient prefers.
        assert_eq!(
            proposed_days(&calendar, &w, today, &[Weekday::Sat], &[]),
            Vec::<NaiveDate>::new()
        );
    }

    #[test]
    fn no_preferred_weekday_proposes_every_consultation_day_of_the_window() {
        let calendar = Calendar::new();
        let today = d("2026-11-10");
        // 18–30 November without Saturdays, Sundays and Monday 23 November.
        assert_eq!(
            proposed_days(&calendar, &november_window(&calendar), today, &[], &[]),
            dates(&[
                "2026-11-18",
                "2026-11-19",
                "2026-11-20",
                "2026-11-24",
                "2026-11-25",
                "2026-11-26",
                "2026-11-27",
                "2026-11-30"
            ])
        );
        // With the hospital closed on Thursday 26 November the window grows
        // to Tuesday 1 December, and the 26th is not proposed.
        let closed = Calendar::with_extra_closures([(d("2026-11-26"), "Training day".to_owned())]);
        assert_eq!(
            proposed_days(&closed, &november_window(&closed), today, &[], &[]),
            dates(&[
                "2026-11-18",
                "2026-11-19",
                "2026-11-20",
                "2026-11-24",
                "2026-11-25",
                "2026-11-27",
                "2026-11-30",
                "2026-12-01"
            ])
        );
        // Across the year end (received 10 December): 21–28 December, then
        // 4 and 5 January.
        let year_end = appointment_window(at("2026-12-10 10:00"), &calendar);
        assert_eq!(
            proposed_days(&calendar, &year_end, d("2026-12-10"), &[], &[]),
            dates(&[
                "2026-12-21",
                "2026-12-22",
                "2026-12-23",
                "2026-12-24",
                "2026-12-25",
                "2026-12-28",
                "2027-01-04",
                "2027-01-05"
            ])
        );
    }

    #[test]
    fn proposed_days_start_today_once_the_window_has_begun() {
        let calendar = Calendar::new();
        let w = november_window(&calendar);
        assert_eq!(
            proposed_days(&calendar, &w, d("2026-11-25"), &[], &[]),
            dates(&["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30"])
        );
        // Seen on Sunday 29 November, only Monday 30 is left.
        assert_eq!(
            proposed_days(&calendar, &w, d("2026-11-29"), &[], &[]),
            dates(&["2026-11-30"])
        );
        assert_eq!(
            proposed_days(&calendar, &w, d("2026-12-01"), &[], &[]),
            Vec::<NaiveDate>::new()
        );
    }

    // ---- The queue ----

    #[test]
    fn age_counts_the_consultation_days_after_receipt_without_labour_thanksgiving_day() {
        let calendar = Calendar::new();
        let receipt = d("2026-11-16"); // a Monday
        let age = |today: &str| queue_age(&calendar, receipt, d(today), CaseStatus::Received).0;
        assert_eq!(age("2026-11-15"), 0, "before the receipt day");
        assert_eq!(age("2026-11-16"), 0, "the receipt day is day 0");
        assert_eq!(age("2026-11-17"), 1);
        // Tue 17 (1), Wed 18 (2), Thu 19 (3), Fri 20 (4).
        assert_eq!(age("2026-11-20"), 4);
        // Sat 21, Sun 22 and Mon 23 (Labour Thanksgiving Day) add nothing.
        assert_eq!(age("2026-11-23"), 4);
        assert_eq!(age("2026-11-24"), 5);
        // Wed 25 (6), Thu 26 (7), Fri 27 (8); Saturday 28 adds nothing.
        assert_eq!(age("2026-11-28"), 8);
    }

    #[test]
    fn a_case_without_an_appointment_is_due_from_day_7_and_overdue_after_day_14() {
        let calendar = Calendar::new();
        let receipt = d("2026-11-16");
        // Days after Monday 16 November: Tue 17 (1) .. Fri 20 (4), [Mon 23
        // holiday], Tue 24 (5), Wed 25 (6), Thu 26 (7), Fri 27 (8), Mon 30
        // (9), Tue 1 Dec (10), Wed 2 (11), Thu 3 (12), Fri 4 (13), Mon 7 (14),
        // Tue 8 (15).
        for status in [CaseStatus::Received, CaseStatus::UnderReview] {
            let on = |today: &str| queue_age(&calendar, receipt, d(today), status);
            assert_eq!(on("2026-11-25"), (6, Urgency::OnTrack), "{status:?}");
            assert_eq!(on("2026-11-26"), (7, Urgency::Due), "{status:?}");
            assert_eq!(on("2026-12-07"), (14, Urgency::Due), "{status:?}");
            // The weekend before does not make day 14 overdue.
            assert_eq!(on("2026-12-05"), (13, Urgency::Due), "{status:?}");
            assert_eq!(on("2026-12-08"), (15, Urgency::Overdue), "{status:?}");
        }
    }

    #[test]
    fn a_scheduled_case_is_on_track_and_a_finished_one_closed_however_old() {
        let calendar = Calendar::new();
        let receipt = d("2026-11-16");
        let today = d("2026-12-08"); // day 15
        assert_eq!(
            queue_age(&calendar, receipt, today, CaseStatus::Scheduled),
            (15, Urgency::OnTrack)
        );
        for status in [
            CaseStatus::Completed,
            CaseStatus::NoShow,
            CaseStatus::Cancelled,
            CaseStatus::Declined,
        ] {
            assert_eq!(
                queue_age(&calendar, receipt, today, status),
                (15, Urgency::Closed),
                "{status:?}"
            );
        }
    }

    fn any_progress() -> impl Strategy<Value = Progress> {
        (
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(1_u32..5),
            any::<bool>(),
        )
            .prop_map(|(checked_in, paid, signed, draft)| Progress {
                checked_in,
                paid,
                signed,
                draft,
            })
    }

    proptest! {
        #[test]
        fn a_step_is_taken_only_when_the_flow_and_the_day_allow_it_and_a_refusal_says_which(
            status in proptest::sample::select(CaseStatus::ALL),
            step in proptest::sample::select(Step::ALL),
            progress in any_progress(),
        ) {
            match status.take(step, &progress) {
                Ok(to) => {
                    prop_assert_eq!(status.after(step), Ok(to));
                    prop_assert_eq!(progress.refuses(step), None);
                }
                Err(refused) => {
                    prop_assert_eq!((refused.from, refused.step), (status, step));
                    if status.after(step).is_err() {
                        prop_assert_eq!(refused.because, Because::Flow);
                    } else {
                        prop_assert_eq!(Some(refused.because), progress.refuses(step));
                    }
                }
            }
        }

        #[test]
        fn nothing_leads_back_to_an_earlier_status_or_out_of_a_closed_case(
            status in proptest::sample::select(CaseStatus::ALL),
            step in proptest::sample::select(Step::ALL),
            progress in any_progress(),
        ) {
            if let Ok(to) = status.take(step, &progress) {
                let rank = |s: CaseStatus| CaseStatus::ALL.iter().position(|x| *x == s);
                prop_assert!(rank(to) >= rank(status), "{:?} -> {:?}", status, to);
                prop_assert!(status.is_open() || status == CaseStatus::Reported);
            }
        }

        #[test]
        fn an_unscheduled_case_is_due_exactly_while_its_window_is_open(received in any_moment()) {
            let calendar = Calendar::new();
            let w = appointment_window(received, &calendar);
            let urgency = |today: NaiveDate| queue_age(&calendar, w.receipt, today, CaseStatus::UnderReview).1;
            let day_before_earliest = w.earliest.pred_opt().expect("date");
            prop_assert_eq!(urgency(day_before_earliest), Urgency::OnTrack);
            prop_assert_eq!(urgency(w.earliest), Urgency::Due);
            prop_assert_eq!(urgency(w.latest), Urgency::Due);
            prop_assert_eq!(urgency(calendar.next_consultation_day(w.latest)), Urgency::Overdue);
        }

        #[test]
        fn with_no_preferences_every_day_of_the_window_is_proposed(received in any_moment()) {
            // Days 7 to 14 after receipt: eight consultation days.
            let calendar = Calendar::new();
            let w = appointment_window(received, &calendar);
            let days = proposed_days(&calendar, &w, w.receipt, &[], &[]);
            prop_assert_eq!(days.len(), 8);
            prop_assert_eq!(days.first(), Some(&w.earliest));
            prop_assert_eq!(days.last(), Some(&w.latest));
            for day in days {
                prop_assert_eq!(check_appointment(&calendar, &w, w.receipt, day, FIRST_START, ""), Ok(()));
            }
        }
    }
}
