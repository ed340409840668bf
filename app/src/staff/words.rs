//! The words for the codes reception's pages read (statuses, urgencies,
//! areas, steps, how documents came, calls, messages, audit actions), in a
//! given language. Each `match` is exhaustive and each key is checked at
//! compile time in every locale, so a code cannot lack its words; the test
//! below checks that no two codes share the same words.

use domain::case::{CaseStatus, ScheduleProblem, Step, Urgency};

use crate::area::AreaCode;
use crate::audit::AuditAction;
use crate::i18n::{Locale, td_string};

/// A case's status, as reception and the patient read it.
pub fn status(locale: Locale, status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Received => td_string!(locale, staff.status_received),
        CaseStatus::UnderReview => td_string!(locale, staff.status_under_review),
        CaseStatus::Scheduled => td_string!(locale, staff.status_scheduled),
        CaseStatus::Completed => td_string!(locale, staff.status_completed),
        CaseStatus::NoShow => td_string!(locale, staff.status_no_show),
        CaseStatus::Cancelled => td_string!(locale, staff.status_cancelled),
        CaseStatus::Declined => td_string!(locale, staff.status_declined),
    }
}

/// How urgent a case in the queue is.
pub fn urgency(locale: Locale, urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::OnTrack => td_string!(locale, staff.urgency_on_track),
        Urgency::Due => td_string!(locale, staff.urgency_due),
        Urgency::Overdue => td_string!(locale, staff.urgency_overdue),
        Urgency::Closed => td_string!(locale, staff.urgency_closed),
    }
}

/// A diagnosis area, as the form names it.
pub fn area(locale: Locale, area: AreaCode) -> &'static str {
    match area {
        AreaCode::Cancer => td_string!(locale, option.area_cancer),
        AreaCode::Cardiovascular => td_string!(locale, option.area_cardiovascular),
        AreaCode::Cerebrovascular => td_string!(locale, option.area_cerebrovascular),
        AreaCode::Other => td_string!(locale, option.area_other),
    }
}

/// Why an appointment cannot be booked.
pub fn schedule_problem(locale: Locale, problem: ScheduleProblem) -> &'static str {
    match problem {
        ScheduleProblem::NotAConsultationDay => {
            td_string!(locale, staff.schedule_not_a_consultation_day)
        }
        ScheduleProblem::OutsideHours => td_string!(locale, staff.schedule_outside_hours),
        ScheduleProblem::InThePast => td_string!(locale, staff.schedule_in_the_past),
        ScheduleProblem::OutsideWindowWithoutReason => {
            td_string!(locale, staff.schedule_outside_window_without_reason)
        }
    }
}

/// A step of reception's case flow, as its button says it.
pub fn step(locale: Locale, step: Step) -> &'static str {
    match step {
        Step::StartReview => td_string!(locale, staff.step_start_review),
        Step::Schedule => td_string!(locale, staff.step_schedule),
        Step::Reschedule => td_string!(locale, staff.step_reschedule),
        Step::CancelAppointment => td_string!(locale, staff.step_cancel_appointment),
        Step::Complete => td_string!(locale, staff.step_complete),
        Step::NoShow => td_string!(locale, staff.step_no_show),
        Step::Decline => td_string!(locale, staff.step_decline),
    }
}

/// How a document came, as reception reads it.
pub fn arrival(locale: Locale, arrival: domain::Arrival) -> &'static str {
    use domain::Arrival as A;
    match arrival {
        A::Counter => td_string!(locale, staff.arrival_counter),
        A::Post => td_string!(locale, staff.arrival_post),
        A::Fax => td_string!(locale, staff.arrival_fax),
        A::ReferringHospital => td_string!(locale, staff.arrival_referring_hospital),
    }
}

/// The outcome of a call, as reception reads it.
pub fn call_outcome(locale: Locale, outcome: domain::contact::CallOutcome) -> &'static str {
    use domain::contact::CallOutcome as O;
    match outcome {
        O::Reached => td_string!(locale, staff.call_reached),
        O::NoAnswer => td_string!(locale, staff.call_no_answer),
        O::LeftMessage => td_string!(locale, staff.call_left_message),
        O::WrongNumber => td_string!(locale, staff.call_wrong_number),
    }
}

/// A patient's answer, as reception reads it (what it asks of them).
pub fn staff_answer(locale: Locale, answer: domain::contact::PatientAnswer) -> &'static str {
    use domain::contact::PatientAnswer as A;
    match answer {
        A::Come => td_string!(locale, staff.answer_come),
        A::AnotherDay => td_string!(locale, staff.answer_another_day),
        A::Cancel => td_string!(locale, staff.answer_cancel),
    }
}

/// What a message to the patient tells, as reception reads it.
pub fn message_kind(locale: Locale, kind: crate::message::MessageKind) -> &'static str {
    use crate::message::MessageKind as K;
    match kind {
        K::Received => td_string!(locale, staff.message_received),
        K::Booked => td_string!(locale, staff.message_booked),
        K::Moved => td_string!(locale, staff.message_moved),
        K::Cancelled => td_string!(locale, staff.message_cancelled),
        K::Reminder => td_string!(locale, staff.message_reminder),
        K::Declined => td_string!(locale, staff.message_declined),
    }
}

/// Where a message stands, as reception reads it.
pub fn message_status(locale: Locale, status: crate::message::MessageStatus) -> &'static str {
    use crate::message::MessageStatus as S;
    match status {
        S::Queued => td_string!(locale, staff.message_queued),
        S::Sent => td_string!(locale, staff.message_sent),
        S::Failed => td_string!(locale, staff.message_failed),
        S::Withdrawn => td_string!(locale, staff.message_withdrawn),
    }
}

/// An audit line's action in words (its stored code, if it is none the
/// program knows).
pub fn audit_action(locale: Locale, code: &str) -> String {
    AuditAction::from_code(code).map_or_else(|| code.to_owned(), |a| audit(locale, a).to_owned())
}

fn audit(locale: Locale, action: AuditAction) -> &'static str {
    use AuditAction as A;
    match action {
        A::CaseViewed => td_string!(locale, staff.audit_case_viewed),
        A::QueueViewed => td_string!(locale, staff.audit_queue_viewed),
        A::QueueExported => td_string!(locale, staff.audit_queue_exported),
        A::DaySheetViewed => td_string!(locale, staff.audit_day_sheet_viewed),
        A::StatusChanged => td_string!(locale, staff.audit_status_changed),
        A::DepartmentAssigned => td_string!(locale, staff.audit_department_assigned),
        A::SpecialistAssigned => td_string!(locale, staff.audit_specialist_assigned),
        A::AppointmentBooked => td_string!(locale, staff.audit_appointment_booked),
        A::DocumentReceived => td_string!(locale, staff.audit_document_received),
        A::Declined => td_string!(locale, staff.audit_declined),
        A::NoteAdded => td_string!(locale, staff.audit_note_added),
        A::MessageQueued => td_string!(locale, staff.audit_message_queued),
        A::MessageSentAgain => td_string!(locale, staff.audit_message_sent_again),
        A::MessageFailed => td_string!(locale, staff.audit_message_failed),
        A::CallRecorded => td_string!(locale, staff.audit_call_recorded),
        A::PatientAnswered => td_string!(locale, staff.audit_patient_answered),
        A::PasswordAccepted => td_string!(locale, staff.audit_password_accepted),
        A::SignIn => td_string!(locale, staff.audit_sign_in),
        A::SignInFailed => td_string!(locale, staff.audit_sign_in_failed),
        A::CodeFailed => td_string!(locale, staff.audit_code_failed),
        A::SignInUnknownLogin => td_string!(locale, staff.audit_sign_in_unknown_login),
        A::SignInThrottled => td_string!(locale, staff.audit_sign_in_throttled),
        A::SignInNotEnrolled => td_string!(locale, staff.audit_sign_in_not_enrolled),
        A::FactorsSealed => td_string!(locale, staff.audit_factors_sealed),
        A::SignInAlert => td_string!(locale, staff.audit_sign_in_alert),
        A::SignInAlertAcknowledged => td_string!(locale, staff.audit_sign_in_alert_acknowledged),
        A::SignOut => td_string!(locale, staff.audit_sign_out),
        A::SessionEnded => td_string!(locale, staff.audit_session_ended),
        A::SessionsEnded => td_string!(locale, staff.audit_sessions_ended),
        A::PasswordChanged => td_string!(locale, staff.audit_password_changed),
        A::UserAdded => td_string!(locale, staff.audit_user_added),
        A::UserDisabled => td_string!(locale, staff.audit_user_disabled),
        A::UserEnrolled => td_string!(locale, staff.audit_user_enrolled),
        A::UserPasswordSet => td_string!(locale, staff.audit_user_password_set),
        A::SpecialistAdded => td_string!(locale, staff.audit_specialist_added),
        A::SpecialistRenamed => td_string!(locale, staff.audit_specialist_renamed),
        A::SpecialistActivated => td_string!(locale, staff.audit_specialist_activated),
        A::SpecialistDeactivated => td_string!(locale, staff.audit_specialist_deactivated),
        A::DepartmentAdded => td_string!(locale, staff.audit_department_added),
        A::DepartmentToggled => td_string!(locale, staff.audit_department_toggled),
        A::ClosureAdded => td_string!(locale, staff.audit_closure_added),
        A::ClosureRemoved => td_string!(locale, staff.audit_closure_removed),
        A::StatusLookupLocked => td_string!(locale, staff.audit_status_lookup_locked),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const LOCALES: [Locale; 2] = [Locale::ja, Locale::en];

    /// Asserts every text is non-empty and no two are the same.
    fn all_distinct(texts: &[String], what: &str) {
        assert!(
            texts.iter().all(|t| !t.trim().is_empty()),
            "{what}: {texts:?}"
        );
        let unique: BTreeSet<_> = texts.iter().collect();
        assert_eq!(unique.len(), texts.len(), "{what} share words: {texts:?}");
    }

    #[test]
    fn every_code_reception_reads_has_its_own_words_in_both_languages() {
        fn texts<T: Copy>(all: &[T], words: impl Fn(T) -> &'static str) -> Vec<String> {
            all.iter().map(|code| words(*code).to_owned()).collect()
        }
        for locale in LOCALES {
            all_distinct(&texts(CaseStatus::ALL, |s| status(locale, s)), "statuses");
            all_distinct(&texts(Urgency::ALL, |u| urgency(locale, u)), "urgencies");
            all_distinct(&texts(AreaCode::ALL, |a| area(locale, a)), "areas");
            all_distinct(
                &texts(ScheduleProblem::ALL, |p| schedule_problem(locale, p)),
                "schedule problems",
            );
            all_distinct(&texts(Step::ALL, |s| step(locale, s)), "steps");
            all_distinct(
                &texts(AuditAction::ALL, |a| audit(locale, a)),
                "audit actions",
            );
            all_distinct(
                &texts(domain::contact::CallOutcome::ALL, |o| {
                    call_outcome(locale, o)
                }),
                "call outcomes",
            );
            all_distinct(
                &texts(crate::message::MessageKind::ALL, |k| {
                    message_kind(locale, k)
                }),
                "message kinds",
            );
            all_distinct(
                &texts(crate::message::MessageStatus::ALL, |s| {
                    message_status(locale, s)
                }),
                "message statuses",
            );
            all_distinct(
                &texts(domain::Arrival::ALL, |a| arrival(locale, a)),
                "arrivals",
            );
            all_distinct(
                &texts(domain::contact::PatientAnswer::ALL, |a| {
                    staff_answer(locale, a)
                }),
                "patient answers for reception",
            );
        }
    }
}
