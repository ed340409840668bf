//! The words for the domain's codes the patient's pages read (reception's
//! own are in `staff::words`), in a given language. Each `match` is
//! exhaustive and each key is checked at compile time in every locale, so a
//! code cannot lack its words; the tests below check that no two codes share
//! the same words.

use domain::case::DeclineReason;
use domain::era::Era;
use domain::fields::{DatePart, FieldError};
use domain::form::{Condition, Field};
use domain::{ContactReason, Document, Question, RefusalReason};
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{Locale, td_string};

/// A document to bring, in words, in the page's language.
#[component]
pub fn DocumentText(document: Document) -> impl IntoView {
    let locale = crate::use_locale();
    move || self::document(locale, document)
}

pub fn document(locale: Locale, document: Document) -> String {
    match document {
        Document::RequestForm => td_string!(locale, document.request_form),
        Document::ReferralLetter => td_string!(locale, document.referral_letter),
        Document::TestRecords => td_string!(locale, document.test_records),
        Document::PatientConsentForm => td_string!(locale, document.patient_consent_form),
        Document::RelationshipIdentification => {
            td_string!(locale, document.relationship_identification)
        }
    }
    .to_owned()
}

pub fn refusal(locale: Locale, reason: RefusalReason) -> String {
    use RefusalReason as R;
    match reason {
        R::PatientDoesNotAgree => td_string!(locale, refusal.patient_does_not_agree),
        R::PresentDoctorDoesNotRefer => td_string!(locale, refusal.present_doctor_does_not_refer),
        R::ReportNotSharedWithPresentDoctor => {
            td_string!(locale, refusal.report_not_shared_with_present_doctor)
        }
        R::PurposeIsTransfer => td_string!(locale, refusal.purpose_is_transfer),
        R::PurposeIsLitigation => td_string!(locale, refusal.purpose_is_litigation),
        R::RequesterNotPermitted => td_string!(locale, refusal.requester_not_permitted),
        R::GuardianForAdultPatient => td_string!(locale, refusal.guardian_for_adult_patient),
        R::FamilyMemberForMinorPatient => {
            td_string!(locale, refusal.family_member_for_minor_patient)
        }
        R::FamilyMemberWithoutPatientConsent => {
            td_string!(locale, refusal.family_member_without_patient_consent)
        }
    }
    .to_owned()
}

pub fn contact(locale: Locale, reason: ContactReason) -> String {
    match reason {
        ContactReason::AreaOutsideMainSpecialties => {
            td_string!(locale, contact.area_outside_main_specialties)
        }
        ContactReason::PurposeIsOther => td_string!(locale, contact.purpose_is_other),
    }
    .to_owned()
}

pub fn question(locale: Locale, question: Question) -> String {
    use Question as Q;
    match question {
        Q::Requester => td_string!(locale, question.requester),
        Q::PatientConsentsToFamilyRequest => {
            td_string!(locale, question.patient_consents_to_family_request)
        }
        Q::PatientDateOfBirth => td_string!(locale, question.patient_date_of_birth),
        Q::Attendance => td_string!(locale, question.attendance),
        Q::DiagnosisArea => td_string!(locale, question.diagnosis_area),
        Q::DiagnosisAreaDescription => td_string!(locale, question.diagnosis_area_description),
        Q::PatientAgrees => td_string!(locale, question.patient_agrees),
        Q::PresentDoctorRefers => td_string!(locale, question.present_doctor_refers),
        Q::ReportSharedWithPresentDoctor => {
            td_string!(locale, question.report_shared_with_present_doctor)
        }
        Q::Purpose => td_string!(locale, question.purpose),
        Q::AcknowledgesInPersonOnly => td_string!(locale, question.acknowledges_in_person_only),
        Q::AcknowledgesFeePaidOnTheDay => {
            td_string!(locale, question.acknowledges_fee_paid_on_the_day)
        }
        Q::AcknowledgesNotCoveredByInsurance => {
            td_string!(locale, question.acknowledges_not_covered_by_insurance)
        }
    }
    .to_owned()
}

pub fn field_error(locale: Locale, error: FieldError) -> String {
    use FieldError as E;
    match error {
        E::Required => td_string!(locale, field_error.required).to_owned(),
        E::TooLong { max } => td_string!(locale, field_error.too_long, max).to_string(),
        E::TooManyDates { max } => td_string!(locale, field_error.too_many_dates, max).to_string(),
        E::ControlCharacters => td_string!(locale, field_error.control_characters).to_owned(),
        E::NotKatakana => td_string!(locale, field_error.not_katakana).to_owned(),
        E::NotADate => td_string!(locale, field_error.not_a_date).to_owned(),
        E::DateInTheFuture => td_string!(locale, field_error.date_in_the_future).to_owned(),
        E::DateTooEarly => td_string!(locale, field_error.date_too_early).to_owned(),
        E::NotAPhoneNumber => td_string!(locale, field_error.not_a_phone_number).to_owned(),
        E::NotAnEmailAddress => td_string!(locale, field_error.not_an_email_address).to_owned(),
        E::NeededForEmailUpdates => {
            td_string!(locale, field_error.needed_for_email_updates).to_owned()
        }
        E::PartMissing { part } => match part {
            DatePart::Year => td_string!(locale, field_error.part_missing_year),
            DatePart::Month => td_string!(locale, field_error.part_missing_month),
            DatePart::Day => td_string!(locale, field_error.part_missing_day),
        }
        .to_owned(),
        E::PartNotANumber { part } => match part {
            DatePart::Year => td_string!(locale, field_error.part_not_a_number_year),
            DatePart::Month => td_string!(locale, field_error.part_not_a_number_month),
            DatePart::Day => td_string!(locale, field_error.part_not_a_number_day),
        }
        .to_owned(),
        E::MonthOutOfRange => td_string!(locale, field_error.month_out_of_range).to_owned(),
        E::DayOutOfRange { max } => {
            td_string!(locale, field_error.day_out_of_range, max).to_string()
        }
        E::YearNotFourDigits => td_string!(locale, field_error.year_not_four_digits).to_owned(),
        E::NotInEra { era: e } => {
            let era = era(locale, e);
            td_string!(locale, field_error.not_in_era, era).to_string()
        }
    }
}

/// An era's name: 昭和, Showa.
pub fn era(locale: Locale, era: Era) -> &'static str {
    match era {
        Era::Western => td_string!(locale, era.western),
        Era::Reiwa => td_string!(locale, era.reiwa),
        Era::Heisei => td_string!(locale, era.heisei),
        Era::Showa => td_string!(locale, era.showa),
        Era::Taisho => td_string!(locale, era.taisho),
    }
}

/// When a question that hangs on an earlier answer applies, as its label
/// says without JavaScript (where every question shows).
pub fn applies_when(locale: Locale, condition: Condition) -> &'static str {
    match condition {
        Condition::SomeoneElseAsks => td_string!(locale, request.applies_someone_else),
        Condition::FamilyMemberAsks => td_string!(locale, request.applies_family_member),
        Condition::OtherArea => td_string!(locale, request.applies_other_area),
        Condition::InterpreterNeeded => td_string!(locale, request.applies_interpreter),
    }
}

/// A field's label, as on the form.
pub fn field(locale: Locale, field: Field) -> String {
    use Field as F;
    match field {
        F::Requester => td_string!(locale, field.requester),
        F::RequesterName => td_string!(locale, field.requester_name),
        F::RequesterRelationship => td_string!(locale, field.requester_relationship),
        F::RequesterPhone => td_string!(locale, field.requester_phone),
        F::PatientConsentsToFamilyRequest => {
            td_string!(locale, field.patient_consents_to_family_request)
        }
        F::PatientName => td_string!(locale, field.patient_name),
        F::PatientNameReading => td_string!(locale, field.patient_name_reading),
        F::PatientDateOfBirth => td_string!(locale, field.patient_date_of_birth),
        F::PatientPhone => td_string!(locale, field.patient_phone),
        F::PatientEmail => td_string!(locale, field.patient_email),
        F::PresentDoctorName => td_string!(locale, field.present_doctor_name),
        F::PresentInstitution => td_string!(locale, field.present_institution),
        F::PatientAgrees => td_string!(locale, field.patient_agrees),
        F::PresentDoctorRefers => td_string!(locale, field.present_doctor_refers),
        F::ReportSharedWithPresentDoctor => {
            td_string!(locale, field.report_shared_with_present_doctor)
        }
        F::Purpose => td_string!(locale, field.purpose),
        F::Area => td_string!(locale, field.area),
        F::AreaOther => td_string!(locale, field.area_other),
        F::Diagnosis => td_string!(locale, field.diagnosis),
        F::Questions => td_string!(locale, field.questions),
        F::Attendance => td_string!(locale, field.attendance),
        F::UnsuitableDates => td_string!(locale, field.unsuitable_dates),
        F::InterpreterLanguage => td_string!(locale, field.interpreter_language),
        F::AcknowledgesInPersonOnly => td_string!(locale, field.acknowledges_in_person_only),
        F::AcknowledgesFeePaidOnTheDay => {
            td_string!(locale, field.acknowledges_fee_paid_on_the_day)
        }
        F::AcknowledgesNotCoveredByInsurance => {
            td_string!(locale, field.acknowledges_not_covered_by_insurance)
        }
    }
    .to_owned()
}

/// The label of a checkbox that is not a [`Field`] of its own.
pub fn checkbox(locale: Locale, name: &str) -> String {
    match name {
        "weekday_mon" => td_string!(locale, field.weekday_mon),
        "weekday_tue" => td_string!(locale, field.weekday_tue),
        "weekday_wed" => td_string!(locale, field.weekday_wed),
        "weekday_thu" => td_string!(locale, field.weekday_thu),
        "weekday_fri" => td_string!(locale, field.weekday_fri),
        "email_updates" => td_string!(locale, field.email_updates),
        _ => td_string!(locale, request.interpreter_needed),
    }
    .to_owned()
}

/// The choices of each choice question, as `(code, words)`.
pub fn options(locale: Locale, field: Field) -> Vec<(&'static str, &'static str)> {
    use Field as F;
    let yes_no = vec![
        ("yes", td_string!(locale, common.yes)),
        ("no", td_string!(locale, common.no)),
    ];
    match field {
        F::Requester => vec![
            ("patient", td_string!(locale, option.requester_patient)),
            ("guardian", td_string!(locale, option.requester_guardian)),
            (
                "family_member",
                td_string!(locale, option.requester_family_member),
            ),
            ("other", td_string!(locale, option.requester_other)),
        ],
        F::Attendance => vec![
            (
                "patient_alone",
                td_string!(locale, option.attendance_patient_alone),
            ),
            (
                "patient_with_family",
                td_string!(locale, option.attendance_patient_with_family),
            ),
            (
                "family_without_patient",
                td_string!(locale, option.attendance_family_without_patient),
            ),
        ],
        F::Purpose => vec![
            (
                "diagnosis_or_treatment",
                td_string!(locale, option.purpose_diagnosis_or_treatment),
            ),
            (
                "transfer_to_another_hospital",
                td_string!(locale, option.purpose_transfer_to_another_hospital),
            ),
            ("litigation", td_string!(locale, option.purpose_litigation)),
            ("other", td_string!(locale, option.purpose_other)),
        ],
        F::Area => vec![
            ("cancer", td_string!(locale, option.area_cancer)),
            (
                "cardiovascular",
                td_string!(locale, option.area_cardiovascular),
            ),
            (
                "cerebrovascular",
                td_string!(locale, option.area_cerebrovascular),
            ),
            ("other", td_string!(locale, option.area_other)),
        ],
        F::PatientConsentsToFamilyRequest
        | F::PatientAgrees
        | F::PresentDoctorRefers
        | F::ReportSharedWithPresentDoctor => yes_no,
        _ => Vec::new(),
    }
}

/// What the person is told about an error of a server function.
pub fn app_error(locale: Locale, error: &AppError) -> String {
    match error {
        AppError::InvalidFields { .. } => td_string!(locale, app_error.invalid_fields),
        AppError::NotSendable { .. } => td_string!(locale, app_error.not_sendable),
        AppError::BadRequest => td_string!(locale, app_error.bad_request),
        AppError::Resubmitted => td_string!(locale, app_error.resubmitted),
        AppError::Busy => td_string!(locale, app_error.busy),
        AppError::Unavailable => td_string!(locale, app_error.unavailable),
        AppError::TooManyAttempts => td_string!(locale, app_error.too_many_attempts),
        AppError::LookUpLocked => td_string!(locale, app_error.look_up_locked),
        AppError::TooManyNewRequests => td_string!(locale, app_error.too_many_new_requests),
        AppError::NotFound => td_string!(locale, app_error.not_found),
        AppError::Unreachable => td_string!(locale, app_error.unreachable),
        AppError::Internal => td_string!(locale, app_error.internal),
    }
    .to_owned()
}

/// One of the hospital's reasons for declining a request.
pub fn decline(locale: Locale, reason: DeclineReason) -> &'static str {
    match reason {
        DeclineReason::PatientDoesNotAgree => {
            td_string!(locale, staff.decline_patient_does_not_agree)
        }
        DeclineReason::PresentDoctorDoesNotEncourage => {
            td_string!(locale, staff.decline_present_doctor_does_not_encourage)
        }
        DeclineReason::Transfer => td_string!(locale, staff.decline_transfer),
        DeclineReason::Litigation => td_string!(locale, staff.decline_litigation),
        DeclineReason::OutsideSpecialties => td_string!(locale, staff.decline_outside_specialties),
        DeclineReason::CouldNotContact => td_string!(locale, staff.decline_could_not_contact),
        DeclineReason::Other => td_string!(locale, staff.decline_other),
    }
}

/// A patient's answer through an e-mail's link, in their words.
pub fn patient_answer(locale: Locale, answer: domain::contact::PatientAnswer) -> &'static str {
    use domain::contact::PatientAnswer as A;
    match answer {
        A::Come => td_string!(locale, respond.come),
        A::AnotherDay => td_string!(locale, respond.another_day),
        A::Cancel => td_string!(locale, respond.cancel),
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
    fn every_reason_question_and_document_has_its_own_words_in_both_languages() {
        for locale in LOCALES {
            let texts = |f: &dyn Fn(Locale) -> Vec<String>| f(locale);
            all_distinct(
                &texts(&|l| RefusalReason::ALL.iter().map(|r| refusal(l, *r)).collect()),
                "refusals",
            );
            all_distinct(
                &texts(&|l| ContactReason::ALL.iter().map(|r| contact(l, *r)).collect()),
                "contact reasons",
            );
            all_distinct(
                &texts(&|l| Question::ALL.iter().map(|q| question(l, *q)).collect()),
                "questions",
            );
            all_distinct(
                &texts(&|l| Document::ALL.iter().map(|d| document(l, *d)).collect()),
                "documents",
            );
            all_distinct(
                &texts(&|l| Field::ALL.iter().map(|f| field(l, *f)).collect()),
                "field labels",
            );
        }
    }

    #[test]
    fn every_code_both_areas_read_has_its_own_words_in_both_languages() {
        fn texts<T: Copy>(all: &[T], words: impl Fn(T) -> &'static str) -> Vec<String> {
            all.iter().map(|code| words(*code).to_owned()).collect()
        }
        for locale in LOCALES {
            all_distinct(
                &texts(DeclineReason::ALL, |r| decline(locale, r)),
                "decline reasons",
            );
            all_distinct(
                &texts(domain::contact::PatientAnswer::ALL, |a| {
                    patient_answer(locale, a)
                }),
                "patient answers",
            );
        }
    }

    #[test]
    fn every_field_error_has_words_in_both_languages_with_its_limit() {
        use FieldError as E;
        let errors = [
            E::Required,
            E::TooLong { max: 2_000 },
            E::TooManyDates { max: 30 },
            E::ControlCharacters,
            E::NotKatakana,
            E::NotADate,
            E::DateInTheFuture,
            E::DateTooEarly,
            E::NotAPhoneNumber,
            E::NotAnEmailAddress,
            E::NeededForEmailUpdates,
            E::PartMissing {
                part: DatePart::Year,
            },
            E::PartMissing {
                part: DatePart::Month,
            },
            E::PartMissing {
                part: DatePart::Day,
            },
            E::PartNotANumber {
                part: DatePart::Year,
            },
            E::PartNotANumber {
                part: DatePart::Month,
            },
            E::PartNotANumber {
                part: DatePart::Day,
            },
            E::MonthOutOfRange,
            E::DayOutOfRange { max: 30 },
            E::YearNotFourDigits,
            E::NotInEra { era: Era::Showa },
        ];
        for locale in LOCALES {
            let texts: Vec<String> = errors.iter().map(|e| field_error(locale, *e)).collect();
            all_distinct(&texts, "field errors");
            assert!(texts[1].contains("2000"), "{}", texts[1]);
            assert!(texts[2].contains("30"), "{}", texts[2]);
            assert!(texts[18].contains("30"), "{}", texts[18]);
            assert!(texts[20].contains(era(locale, Era::Showa)), "{}", texts[20]);
            all_distinct(
                &Era::ALL
                    .iter()
                    .map(|e| era(locale, *e).to_owned())
                    .collect::<Vec<_>>(),
                "eras",
            );
        }
    }

    #[test]
    fn every_error_the_person_can_meet_has_words() {
        let errors = [
            AppError::InvalidFields { errors: Vec::new() },
            AppError::NotSendable {
                verdict: domain::Verdict::Eligible,
            },
            AppError::BadRequest,
            AppError::Resubmitted,
            AppError::Busy,
            AppError::Unavailable,
            AppError::TooManyAttempts,
            AppError::LookUpLocked,
            AppError::TooManyNewRequests,
            AppError::NotFound,
            AppError::Unreachable,
            AppError::Internal,
        ];
        for locale in LOCALES {
            let texts: Vec<String> = errors.iter().map(|e| app_error(locale, e)).collect();
            all_distinct(&texts, "errors");
        }
    }

    #[test]
    fn every_choice_question_offers_each_code_the_domain_reads() {
        for locale in LOCALES {
            for field in Field::ALL {
                for (code, words) in options(locale, *field) {
                    assert!(!words.is_empty());
                    // A family member asks, so that the consent is asked too.
                    let mut form = domain::form::RequestForm {
                        requester: "family_member".into(),
                        ..domain::form::RequestForm::default()
                    };
                    form.set(field.code(), code);
                    let request = form.to_request(chrono::NaiveDate::MIN);
                    let read = match field {
                        Field::Requester => request.requester.is_some(),
                        Field::Attendance => request.attendance.is_some(),
                        Field::Purpose => request.purpose.is_some(),
                        Field::Area => request.area.is_some(),
                        Field::PatientConsentsToFamilyRequest => {
                            request.patient_consents_to_family_request.is_some()
                        }
                        Field::PatientAgrees => request.patient_agrees.is_some(),
                        Field::PresentDoctorRefers => request.present_doctor_refers.is_some(),
                        Field::ReportSharedWithPresentDoctor => {
                            request.report_shared_with_present_doctor.is_some()
                        }
                        _ => false,
                    };
                    assert!(read, "{field:?} = {code} is not read by the domain");
                }
            }
        }
    }

    /// Every key path of a locale file, such as `home.title`.
    fn keys(json: &str) -> BTreeSet<String> {
        fn walk(prefix: &str, value: &serde_json::Value, out: &mut BTreeSet<String>) {
            if let Some(object) = value.as_object() {
                for (key, child) in object {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&path, child, out);
                }
            } else {
                out.insert(prefix.to_owned());
            }
        }
        let value: serde_json::Value = serde_json::from_str(json).expect("locale file is JSON");
        let mut out = BTreeSet::new();
        walk("", &value, &mut out);
        out
    }

    #[test]
    fn japanese_and_english_have_the_same_keys() {
        let ja = keys(include_str!("../locales/ja.json"));
        let en = keys(include_str!("../locales/en.json"));
        assert_eq!(
            ja.symmetric_difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new()
        );
    }
}
