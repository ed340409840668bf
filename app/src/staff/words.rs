//! The words for the codes reception's pages read (statuses, urgencies,
//! areas, steps, how documents came, calls, messages, audit actions), in a
//! given language. Each `match` is exhaustive and each key is checked at
//! compile time in every locale, so a code cannot lack its words; the test
//! below checks that no two codes share the same words.

use domain::case::{Because, CaseStatus, ScheduleProblem, Step, Urgency};
use domain::report::{
    DocumentRequestProblem, NeededDocument, Recipient, ReportClock, SendingMethod,
};
use domain::visit::{CheckInProblem, ConsultationProblem, PaymentMethod, WhoCame};

use crate::area::AreaCode;
use crate::audit::AuditAction;
use crate::i18n::{Locale, td_string};

/// A case's status, as reception and the patient read it.
pub fn status(locale: Locale, status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Received => td_string!(locale, staff.status_received),
        CaseStatus::UnderReview => td_string!(locale, staff.status_under_review),
        CaseStatus::Scheduled => td_string!(locale, staff.status_scheduled),
        CaseStatus::Seen => td_string!(locale, staff.status_seen),
        CaseStatus::Reported => td_string!(locale, staff.status_reported),
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
        Step::CheckIn => td_string!(locale, staff.step_check_in),
        Step::RecordPayment => td_string!(locale, staff.step_record_payment),
        Step::HoldConsultation => td_string!(locale, staff.step_hold_consultation),
        Step::SignReport => td_string!(locale, staff.step_sign_report),
        Step::AmendReport => td_string!(locale, staff.step_amend_report),
        Step::RecordSending => td_string!(locale, staff.step_record_sending),
        Step::NoShow => td_string!(locale, staff.step_no_show),
        Step::Decline => td_string!(locale, staff.step_decline),
    }
}

/// Why a step cannot be taken yet (or any more).
pub fn because(locale: Locale, because: Because) -> &'static str {
    match because {
        Because::Flow => td_string!(locale, staff.because_flow),
        Because::NotCheckedIn => td_string!(locale, staff.because_not_checked_in),
        Because::AlreadyCheckedIn => td_string!(locale, staff.because_already_checked_in),
        Because::AlreadyPaid => td_string!(locale, staff.because_already_paid),
        Because::NoDraft => td_string!(locale, staff.because_no_draft),
        Because::NothingSigned => td_string!(locale, staff.because_nothing_signed),
        Because::DraftOpen => td_string!(locale, staff.because_draft_open),
    }
}

/// Who came to the consultation.
pub fn who_came(locale: Locale, who: WhoCame) -> &'static str {
    match who {
        WhoCame::Patient => td_string!(locale, staff.who_patient),
        WhoCame::Family => td_string!(locale, staff.who_family),
    }
}

/// What reception has still to see at check-in.
pub fn check_in_problem(locale: Locale, problem: CheckInProblem) -> &'static str {
    match problem {
        CheckInProblem::IdentificationNotSeen => td_string!(locale, staff.check_in_identification),
        CheckInProblem::RelationshipNotSeen => td_string!(locale, staff.check_in_relationship),
        CheckInProblem::ConsentFormNotSeen => td_string!(locale, staff.check_in_consent),
    }
}

/// How the fee was paid.
pub fn payment_method(locale: Locale, method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::Cash => td_string!(locale, staff.pay_cash),
        PaymentMethod::Card => td_string!(locale, staff.pay_card),
    }
}

/// Why the consultation's times cannot be recorded.
pub fn consultation_problem(locale: Locale, problem: ConsultationProblem) -> &'static str {
    match problem {
        ConsultationProblem::EndsBeforeItStarts => {
            td_string!(locale, staff.consultation_ends_before)
        }
        ConsultationProblem::LongerWithoutReason => td_string!(locale, staff.consultation_longer),
        ConsultationProblem::ReasonTooLong => td_string!(locale, staff.too_long),
    }
}

/// What the specialist may ask the present doctor for.
pub fn needed_document(locale: Locale, needed: NeededDocument) -> &'static str {
    match needed {
        NeededDocument::ReferralLetter => td_string!(locale, staff.need_referral_letter),
        NeededDocument::ImagesOnCd => td_string!(locale, staff.need_images_on_cd),
        NeededDocument::Pathology => td_string!(locale, staff.need_pathology),
        NeededDocument::BloodTests => td_string!(locale, staff.need_blood_tests),
        NeededDocument::Other => td_string!(locale, staff.need_other),
    }
}

/// Why a request for further documents cannot be made.
pub fn document_request_problem(locale: Locale, problem: DocumentRequestProblem) -> &'static str {
    match problem {
        DocumentRequestProblem::NothingTicked => td_string!(locale, staff.request_nothing_ticked),
        DocumentRequestProblem::OtherWithoutWords => td_string!(locale, staff.request_other_words),
        DocumentRequestProblem::TooLong => td_string!(locale, staff.too_long),
    }
}

/// Who a copy of the report went to.
pub fn recipient(locale: Locale, recipient: Recipient) -> &'static str {
    match recipient {
        Recipient::PresentDoctor => td_string!(locale, staff.to_present_doctor),
        Recipient::Patient => td_string!(locale, staff.to_patient),
    }
}

/// How a copy of the report left the hospital.
pub fn sending_method(locale: Locale, method: SendingMethod) -> &'static str {
    match method {
        SendingMethod::Fax => td_string!(locale, staff.send_fax),
        SendingMethod::Post => td_string!(locale, staff.send_post),
        SendingMethod::SealedEnvelope => td_string!(locale, staff.send_sealed_envelope),
        SendingMethod::RegionalNetwork => td_string!(locale, staff.send_regional_network),
        SendingMethod::HandedOnTheDay => td_string!(locale, staff.send_handed_on_the_day),
    }
}

/// Where a report's clock stands: "report due in 3 consultation days",
/// "overdue by 2 consultation days" (one day has words of its own).
pub fn report_clock(locale: Locale, clock: ReportClock) -> String {
    match clock {
        ReportClock::DueIn(1) => td_string!(locale, staff.report_due_next_day).to_owned(),
        ReportClock::DueIn(days) => td_string!(locale, staff.report_due_in, days).to_string(),
        ReportClock::DueToday => td_string!(locale, staff.report_due_today).to_owned(),
        ReportClock::Overdue(1) => td_string!(locale, staff.report_overdue_one_day).to_owned(),
        ReportClock::Overdue(days) => td_string!(locale, staff.report_overdue, days).to_string(),
    }
}

/// The step a case owes next, in a word.
pub fn next_step(locale: Locale, step: domain::forecast::NextStep) -> &'static str {
    use domain::forecast::NextStep as S;
    match step {
        S::Review => td_string!(locale, staff.step_next_review),
        S::Booking => td_string!(locale, staff.step_next_booking),
        S::Visit => td_string!(locale, staff.step_next_visit),
        S::Report => td_string!(locale, staff.step_next_report),
    }
}

/// How a due day stands, in a word.
pub fn timeliness(locale: Locale, timeliness: domain::forecast::Timeliness) -> &'static str {
    use domain::forecast::Timeliness as T;
    match timeliness {
        T::OnTime => td_string!(locale, staff.timeliness_on_time),
        T::DueSoon => td_string!(locale, staff.timeliness_due_soon),
        T::Late => td_string!(locale, staff.timeliness_late),
    }
}

/// A step's due day and its distance in consultation days (past it when
/// late): "due 12 Jan, in 3 days".
pub fn next_due(
    locale: Locale,
    due: chrono::NaiveDate,
    timeliness: domain::forecast::Timeliness,
    days: u32,
) -> String {
    use domain::forecast::Timeliness as T;
    let on = crate::staff::frame::day(locale, due);
    match timeliness {
        T::Late if days == 1 => td_string!(locale, staff.step_late_one, day = on).to_string(),
        T::Late => td_string!(locale, staff.step_late, day = on, days = days).to_string(),
        _ if days == 0 => td_string!(locale, staff.step_due_today).to_owned(),
        _ if days == 1 => td_string!(locale, staff.step_due_in_one, day = on).to_string(),
        _ => td_string!(locale, staff.step_due_in, day = on, days = days).to_string(),
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
        K::ReportSent => td_string!(locale, staff.message_report_sent),
        K::ConfirmAddress => td_string!(locale, staff.message_confirm_address),
        K::FormLink => td_string!(locale, staff.message_form_link),
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
        A::SignInTally => td_string!(locale, staff.audit_sign_in_tally),
        A::KeysUpgraded => td_string!(locale, staff.audit_keys_upgraded),
        A::CaseReduced => td_string!(locale, staff.audit_case_reduced),
        A::FormLinkAsked => td_string!(locale, staff.audit_form_link_asked),
        A::FormLinkUsed => td_string!(locale, staff.audit_form_link_used),
        A::StatusPaperPrinted => td_string!(locale, staff.audit_status_paper_printed),
        A::AddressConfirmed => td_string!(locale, staff.audit_address_confirmed),
        A::CaseExported => td_string!(locale, staff.audit_case_exported),
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
        A::SpecialistLinked => td_string!(locale, staff.audit_specialist_linked),
        A::CaseViewRefused => td_string!(locale, staff.audit_case_view_refused),
        A::MyCasesViewed => td_string!(locale, staff.audit_my_cases_viewed),
        A::RecordsReviewed => td_string!(locale, staff.audit_records_reviewed),
        A::DocumentsRequested => td_string!(locale, staff.audit_documents_requested),
        A::DocumentRequestSettled => td_string!(locale, staff.audit_document_request_settled),
        A::DeclineProposed => td_string!(locale, staff.audit_decline_proposed),
        A::CheckedIn => td_string!(locale, staff.audit_checked_in),
        A::PaymentRecorded => td_string!(locale, staff.audit_payment_recorded),
        A::ReceiptPrinted => td_string!(locale, staff.audit_receipt_printed),
        A::ConsultationHeld => td_string!(locale, staff.audit_consultation_held),
        A::ReportSaved => td_string!(locale, staff.audit_report_saved),
        A::ReportSigned => td_string!(locale, staff.audit_report_signed),
        A::ReportSigningRefused => td_string!(locale, staff.audit_report_signing_refused),
        A::ReportAmended => td_string!(locale, staff.audit_report_amended),
        A::ReportViewed => td_string!(locale, staff.audit_report_viewed),
        A::ReportSent => td_string!(locale, staff.audit_report_sent),
        A::DocumentsLetterPrinted => td_string!(locale, staff.audit_documents_letter_printed),
    }
}

/// The purpose of a request (its stored code) in words; the code itself
/// when it is none the form offers.
pub fn purpose(locale: Locale, code: &str) -> String {
    crate::words::options(locale, domain::form::Field::Purpose)
        .into_iter()
        .find(|(option, _)| *option == code)
        .map_or_else(|| code.to_owned(), |(_, words)| words.to_owned())
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
            all_distinct(&texts(Because::ALL, |b| because(locale, b)), "reasons");
            all_distinct(&texts(WhoCame::ALL, |w| who_came(locale, w)), "who came");
            all_distinct(
                &texts(CheckInProblem::ALL, |p| check_in_problem(locale, p)),
                "check-in problems",
            );
            all_distinct(
                &texts(PaymentMethod::ALL, |m| payment_method(locale, m)),
                "payment methods",
            );
            all_distinct(
                &texts(NeededDocument::ALL, |n| needed_document(locale, n)),
                "needed documents",
            );
            all_distinct(
                &texts(Recipient::ALL, |r| recipient(locale, r)),
                "recipients",
            );
            all_distinct(
                &texts(SendingMethod::ALL, |m| sending_method(locale, m)),
                "sending methods",
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
