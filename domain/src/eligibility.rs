//! Whether the hospital can accept a request, with every reason.
//!
//! `assess` is total: any combination of answers, complete or not, gets a
//! verdict. Each reason has a stable code; the words for it live in the app's
//! locale files, in Japanese and English.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::request::{DiagnosisArea, Purpose, Request, Requester, is_minor_on};

/// Why the hospital cannot accept a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    PatientDoesNotAgree,
    PresentDoctorDoesNotRefer,
    ReportNotSharedWithPresentDoctor,
    PurposeIsTransfer,
    PurposeIsLitigation,
    RequesterNotPermitted,
    GuardianForAdultPatient,
    FamilyMemberForMinorPatient,
    FamilyMemberWithoutPatientConsent,
}

/// Why the hospital asks the requester to contact reception counter 1 first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactReason {
    AreaOutsideMainSpecialties,
    PurposeIsOther,
}

/// A question of the form that the verdict depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    Requester,
    PatientConsentsToFamilyRequest,
    PatientDateOfBirth,
    Attendance,
    DiagnosisArea,
    DiagnosisAreaDescription,
    PatientAgrees,
    PresentDoctorRefers,
    ReportSharedWithPresentDoctor,
    Purpose,
    AcknowledgesInPersonOnly,
    AcknowledgesFeePaidOnTheDay,
    AcknowledgesNotCoveredByInsurance,
}

/// The decision on a request, with every reason that led to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Verdict {
    /// The request can be sent.
    Eligible,
    /// The request can be sent, but the hospital may not be able to accept it:
    /// reception will call, and the requester is asked to contact it first.
    ContactFirst { reasons: Vec<ContactReason> },
    /// The hospital cannot accept the request, whatever else is answered.
    NotAccepted { reasons: Vec<RefusalReason> },
    /// Nothing decides the request yet. `contact_first` lists what already
    /// points to contacting reception, so the requester learns it early.
    Incomplete {
        missing: Vec<Question>,
        contact_first: Vec<ContactReason>,
    },
}

impl Verdict {
    /// The verdict's stable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Eligible => "eligible",
            Self::ContactFirst { .. } => "contact_first",
            Self::NotAccepted { .. } => "not_accepted",
            Self::Incomplete { .. } => "incomplete",
        }
    }

    /// Whether a request with this verdict may be sent and stored.
    pub const fn may_be_submitted(&self) -> bool {
        matches!(self, Self::Eligible | Self::ContactFirst { .. })
    }
}

impl RefusalReason {
    /// The question whose answer alone decides this reason, if one does
    /// (a guardian for an adult, say, takes two answers).
    pub const fn decided_by(self) -> Option<Question> {
        match self {
            Self::PatientDoesNotAgree => Some(Question::PatientAgrees),
            Self::PresentDoctorDoesNotRefer => Some(Question::PresentDoctorRefers),
            Self::ReportNotSharedWithPresentDoctor => Some(Question::ReportSharedWithPresentDoctor),
            Self::PurposeIsTransfer | Self::PurposeIsLitigation => Some(Question::Purpose),
            Self::RequesterNotPermitted => Some(Question::Requester),
            Self::FamilyMemberWithoutPatientConsent => {
                Some(Question::PatientConsentsToFamilyRequest)
            }
            Self::GuardianForAdultPatient | Self::FamilyMemberForMinorPatient => None,
        }
    }
}

impl ContactReason {
    /// The question whose answer alone decides this reason.
    pub const fn decided_by(self) -> Question {
        match self {
            Self::AreaOutsideMainSpecialties => Question::DiagnosisArea,
            Self::PurposeIsOther => Question::Purpose,
        }
    }
}

codes!(RefusalReason {
    PatientDoesNotAgree => "patient_does_not_agree",
    PresentDoctorDoesNotRefer => "present_doctor_does_not_refer",
    ReportNotSharedWithPresentDoctor => "report_not_shared_with_present_doctor",
    PurposeIsTransfer => "purpose_is_transfer",
    PurposeIsLitigation => "purpose_is_litigation",
    RequesterNotPermitted => "requester_not_permitted",
    GuardianForAdultPatient => "guardian_for_adult_patient",
    FamilyMemberForMinorPatient => "family_member_for_minor_patient",
    FamilyMemberWithoutPatientConsent => "family_member_without_patient_consent",
});

codes!(ContactReason {
    AreaOutsideMainSpecialties => "area_outside_main_specialties",
    PurposeIsOther => "purpose_is_other",
});

codes!(Question {
    Requester => "requester",
    PatientConsentsToFamilyRequest => "patient_consents_to_family_request",
    PatientDateOfBirth => "patient_date_of_birth",
    Attendance => "attendance",
    DiagnosisArea => "diagnosis_area",
    DiagnosisAreaDescription => "diagnosis_area_description",
    PatientAgrees => "patient_agrees",
    PresentDoctorRefers => "present_doctor_refers",
    ReportSharedWithPresentDoctor => "report_shared_with_present_doctor",
    Purpose => "purpose",
    AcknowledgesInPersonOnly => "acknowledges_in_person_only",
    AcknowledgesFeePaidOnTheDay => "acknowledges_fee_paid_on_the_day",
    AcknowledgesNotCoveredByInsurance => "acknowledges_not_covered_by_insurance",
});

/// Decides `request` as of `today` (Japan time), the day the patient's age is
/// taken on.
pub fn assess(request: &Request, today: NaiveDate) -> Verdict {
    let refusals = refusals(request, today);
    if !refusals.is_empty() {
        return Verdict::NotAccepted { reasons: refusals };
    }
    let contact_first = contact_reasons(request);
    let missing = missing_answers(request);
    if !missing.is_empty() {
        return Verdict::Incomplete {
            missing,
            contact_first,
        };
    }
    if contact_first.is_empty() {
        Verdict::Eligible
    } else {
        Verdict::ContactFirst {
            reasons: contact_first,
        }
    }
}

fn refusals(request: &Request, today: NaiveDate) -> Vec<RefusalReason> {
    let mut reasons = Vec::new();
    let mut refuse_if = |condition: bool, reason| {
        if condition {
            reasons.push(reason);
        }
    };
    refuse_if(
        request.patient_agrees == Some(false),
        RefusalReason::PatientDoesNotAgree,
    );
    refuse_if(
        request.present_doctor_refers == Some(false),
        RefusalReason::PresentDoctorDoesNotRefer,
    );
    refuse_if(
        request.report_shared_with_present_doctor == Some(false),
        RefusalReason::ReportNotSharedWithPresentDoctor,
    );
    refuse_if(
        request.purpose == Some(Purpose::TransferToAnotherHospital),
        RefusalReason::PurposeIsTransfer,
    );
    refuse_if(
        request.purpose == Some(Purpose::Litigation),
        RefusalReason::PurposeIsLitigation,
    );

    let minor = request
        .patient_date_of_birth
        .map(|born| is_minor_on(born, today));
    match request.requester {
        Some(Requester::Other) => refuse_if(true, RefusalReason::RequesterNotPermitted),
        Some(Requester::Guardian) => {
            refuse_if(minor == Some(false), RefusalReason::GuardianForAdultPatient);
        }
        Some(Requester::FamilyMember) => {
            refuse_if(
                minor == Some(true),
                RefusalReason::FamilyMemberForMinorPatient,
            );
            refuse_if(
                request.patient_consents_to_family_request == Some(false),
                RefusalReason::FamilyMemberWithoutPatientConsent,
            );
        }
        Some(Requester::Patient) | None => {}
    }
    reasons
}

fn contact_reasons(request: &Request) -> Vec<ContactReason> {
    let mut reasons = Vec::new();
    if matches!(request.area, Some(DiagnosisArea::Other(_))) {
        reasons.push(ContactReason::AreaOutsideMainSpecialties);
    }
    if request.purpose == Some(Purpose::Other) {
        reasons.push(ContactReason::PurposeIsOther);
    }
    reasons
}

fn missing_answers(request: &Request) -> Vec<Question> {
    let mut missing = Vec::new();
    let mut need = |answered: bool, question| {
        if !answered {
            missing.push(question);
        }
    };
    need(request.requester.is_some(), Question::Requester);
    if request.requester == Some(Requester::FamilyMember) {
        need(
            request.patient_consents_to_family_request.is_some(),
            Question::PatientConsentsToFamilyRequest,
        );
    }
    need(
        request.patient_date_of_birth.is_some(),
        Question::PatientDateOfBirth,
    );
    need(request.attendance.is_some(), Question::Attendance);
    need(request.area.is_some(), Question::DiagnosisArea);
    if let Some(DiagnosisArea::Other(description)) = &request.area {
        need(
            !description.trim().is_empty(),
            Question::DiagnosisAreaDescription,
        );
    }
    need(request.patient_agrees.is_some(), Question::PatientAgrees);
    need(
        request.present_doctor_refers.is_some(),
        Question::PresentDoctorRefers,
    );
    need(
        request.report_shared_with_present_doctor.is_some(),
        Question::ReportSharedWithPresentDoctor,
    );
    need(request.purpose.is_some(), Question::Purpose);
    need(
        request.acknowledges_in_person_only,
        Question::AcknowledgesInPersonOnly,
    );
    need(
        request.acknowledges_fee_paid_on_the_day,
        Question::AcknowledgesFeePaidOnTheDay,
    );
    need(
        request.acknowledges_not_covered_by_insurance,
        Question::AcknowledgesNotCoveredByInsurance,
    );
    missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Attendance;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        "2026-11-25".parse().expect("date")
    }

    fn adult() -> NaiveDate {
        "1970-04-01".parse().expect("date")
    }

    fn minor() -> NaiveDate {
        "2015-06-30".parse().expect("date")
    }

    /// A complete request the hospital accepts: the patient asks about cancer
    /// treatment with their doctor's referral.
    fn eligible() -> Request {
        Request {
            requester: Some(Requester::Patient),
            patient_consents_to_family_request: None,
            patient_date_of_birth: Some(adult()),
            attendance: Some(Attendance::PatientAlone),
            area: Some(DiagnosisArea::Cancer),
            patient_agrees: Some(true),
            present_doctor_refers: Some(true),
            report_shared_with_present_doctor: Some(true),
            purpose: Some(Purpose::DiagnosisOrTreatment),
            acknowledges_in_person_only: true,
            acknowledges_fee_paid_on_the_day: true,
            acknowledges_not_covered_by_insurance: true,
        }
    }

    fn refused_for(request: &Request) -> Vec<RefusalReason> {
        match assess(request, today()) {
            Verdict::NotAccepted { reasons } => reasons,
            other => panic!("expected not accepted, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_request_in_a_main_area_is_eligible() {
        assert_eq!(assess(&eligible(), today()), Verdict::Eligible);
        for area in [
            DiagnosisArea::Cardiovascular,
            DiagnosisArea::Cerebrovascular,
        ] {
            let request = Request {
                area: Some(area),
                ..eligible()
            };
            assert_eq!(assess(&request, today()), Verdict::Eligible);
        }
    }

    #[test]
    fn each_refusal_reason_is_given_for_its_answer() {
        use RefusalReason as R;
        let cases = [
            (
                Request {
                    patient_agrees: Some(false),
                    ..eligible()
                },
                R::PatientDoesNotAgree,
            ),
            (
                Request {
                    present_doctor_refers: Some(false),
                    ..eligible()
                },
                R::PresentDoctorDoesNotRefer,
            ),
            (
                Request {
                    report_shared_with_present_doctor: Some(false),
                    ..eligible()
                },
                R::ReportNotSharedWithPresentDoctor,
            ),
            (
                Request {
                    purpose: Some(Purpose::TransferToAnotherHospital),
                    ..eligible()
                },
                R::PurposeIsTransfer,
            ),
            (
                Request {
                    purpose: Some(Purpose::Litigation),
                    ..eligible()
                },
                R::PurposeIsLitigation,
            ),
            (
                Request {
                    requester: Some(Requester::Other),
                    ..eligible()
                },
                R::RequesterNotPermitted,
            ),
            (
                Request {
                    requester: Some(Requester::Guardian),
                    ..eligible()
                },
                R::GuardianForAdultPatient,
            ),
            (
                Request {
                    requester: Some(Requester::FamilyMember),
                    patient_consents_to_family_request: Some(true),
                    patient_date_of_birth: Some(minor()),
                    ..eligible()
                },
                R::FamilyMemberForMinorPatient,
            ),
            (
                Request {
                    requester: Some(Requester::FamilyMember),
                    patient_consents_to_family_request: Some(false),
                    ..eligible()
                },
                R::FamilyMemberWithoutPatientConsent,
            ),
        ];
        for (request, reason) in cases {
            assert_eq!(refused_for(&request), vec![reason]);
        }
    }

    #[test]
    fn guardian_cannot_request_for_an_adult_patient() {
        let turns_18_today: NaiveDate = "2008-11-25".parse().expect("date");
        let request = Request {
            requester: Some(Requester::Guardian),
            patient_date_of_birth: Some(turns_18_today),
            ..eligible()
        };
        assert_eq!(
            refused_for(&request),
            vec![RefusalReason::GuardianForAdultPatient]
        );
        let turns_18_tomorrow: NaiveDate = "2008-11-26".parse().expect("date");
        let request = Request {
            patient_date_of_birth: Some(turns_18_tomorrow),
            ..request
        };
        assert_eq!(assess(&request, today()), Verdict::Eligible);
    }

    #[test]
    fn family_member_may_request_for_a_consenting_adult_patient() {
        let request = Request {
            requester: Some(Requester::FamilyMember),
            patient_consents_to_family_request: Some(true),
            attendance: Some(Attendance::FamilyWithoutPatient),
            ..eligible()
        };
        assert_eq!(assess(&request, today()), Verdict::Eligible);
    }

    #[test]
    fn every_refusal_is_listed_not_only_the_first() {
        let request = Request {
            requester: Some(Requester::Other),
            patient_agrees: Some(false),
            purpose: Some(Purpose::Litigation),
            ..Request::default()
        };
        assert_eq!(
            refused_for(&request),
            vec![
                RefusalReason::PatientDoesNotAgree,
                RefusalReason::PurposeIsLitigation,
                RefusalReason::RequesterNotPermitted
            ]
        );
    }

    #[test]
    fn a_refusal_decides_even_when_other_answers_are_missing() {
        let request = Request {
            purpose: Some(Purpose::Litigation),
            ..Request::default()
        };
        assert_eq!(
            refused_for(&request),
            vec![RefusalReason::PurposeIsLitigation]
        );
    }

    #[test]
    fn an_area_outside_the_main_three_asks_to_contact_reception_first() {
        let request = Request {
            area: Some(DiagnosisArea::Other("kidney disease".to_owned())),
            ..eligible()
        };
        assert_eq!(
            assess(&request, today()),
            Verdict::ContactFirst {
                reasons: vec![ContactReason::AreaOutsideMainSpecialties]
            }
        );
    }

    #[test]
    fn an_other_purpose_asks_to_contact_reception_first() {
        let request = Request {
            purpose: Some(Purpose::Other),
            area: Some(DiagnosisArea::Other("kidney disease".to_owned())),
            ..eligible()
        };
        assert_eq!(
            assess(&request, today()),
            Verdict::ContactFirst {
                reasons: vec![
                    ContactReason::AreaOutsideMainSpecialties,
                    ContactReason::PurposeIsOther
                ]
            }
        );
    }

    #[test]
    fn a_refusal_outweighs_contact_first() {
        let request = Request {
            purpose: Some(Purpose::Other),
            patient_agrees: Some(false),
            ..eligible()
        };
        assert_eq!(
            refused_for(&request),
            vec![RefusalReason::PatientDoesNotAgree]
        );
    }

    #[test]
    fn an_empty_request_lists_every_question_as_missing() {
        let expected: Vec<Question> = Question::ALL
            .iter()
            .copied()
            .filter(|q| {
                !matches!(
                    q,
                    Question::PatientConsentsToFamilyRequest | Question::DiagnosisAreaDescription
                )
            })
            .collect();
        assert_eq!(
            assess(&Request::default(), today()),
            Verdict::Incomplete {
                missing: expected,
                contact_first: vec![]
            }
        );
    }

    #[test]
    fn each_unanswered_question_is_reported() {
        use Question as Q;
        let cases = [
            (
                Request {
                    requester: None,
                    ..eligible()
                },
                Q::Requester,
            ),
            (
                Request {
                    requester: Some(Requester::FamilyMember),
                    ..eligible()
                },
                Q::PatientConsentsToFamilyRequest,
            ),
            (
                Request {
                    patient_date_of_birth: None,
                    ..eligible()
                },
                Q::PatientDateOfBirth,
            ),
            (
                Request {
                    attendance: None,
                    ..eligible()
                },
                Q::Attendance,
            ),
            (
                Request {
                    area: None,
                    ..eligible()
                },
                Q::DiagnosisArea,
            ),
            (
                Request {
                    patient_agrees: None,
                    ..eligible()
                },
                Q::PatientAgrees,
            ),
            (
                Request {
                    present_doctor_refers: None,
                    ..eligible()
                },
                Q::PresentDoctorRefers,
            ),
            (
                Request {
                    report_shared_with_present_doctor: None,
                    ..eligible()
                },
                Q::ReportSharedWithPresentDoctor,
            ),
            (
                Request {
                    purpose: None,
                    ..eligible()
                },
                Q::Purpose,
            ),
            (
                Request {
                    acknowledges_in_person_only: false,
                    ..eligible()
                },
                Q::AcknowledgesInPersonOnly,
            ),
            (
                Request {
                    acknowledges_fee_paid_on_the_day: false,
                    ..eligible()
                },
                Q::AcknowledgesFeePaidOnTheDay,
            ),
            (
                Request {
                    acknowledges_not_covered_by_insurance: false,
                    ..eligible()
                },
                Q::AcknowledgesNotCoveredByInsurance,
            ),
        ];
        for (request, question) in cases {
            assert_eq!(
                assess(&request, today()),
                Verdict::Incomplete {
                    missing: vec![question],
                    contact_first: vec![]
                },
                "{question:?}"
            );
        }
    }

    #[test]
    fn an_other_area_needs_its_description() {
        let request = Request {
            area: Some(DiagnosisArea::Other("  ".to_owned())),
            ..eligible()
        };
        assert_eq!(
            assess(&request, today()),
            Verdict::Incomplete {
                missing: vec![Question::DiagnosisAreaDescription],
                contact_first: vec![ContactReason::AreaOutsideMainSpecialties],
            }
        );
    }

    #[test]
    fn guardian_age_check_waits_for_the_date_of_birth() {
        let request = Request {
            requester: Some(Requester::Guardian),
            patient_date_of_birth: None,
            ..eligible()
        };
        assert_eq!(
            assess(&request, today()),
            Verdict::Incomplete {
                missing: vec![Question::PatientDateOfBirth],
                contact_first: vec![]
            }
        );
    }

    #[test]
    fn codes_are_the_serde_names() {
        for reason in RefusalReason::ALL {
            assert_eq!(serde_json::to_value(reason).expect("json"), reason.code());
        }
        for reason in ContactReason::ALL {
            assert_eq!(serde_json::to_value(reason).expect("json"), reason.code());
        }
        for question in Question::ALL {
            assert_eq!(
                serde_json::to_value(question).expect("json"),
                question.code()
            );
        }
        let verdict = Verdict::NotAccepted {
            reasons: vec![RefusalReason::PurposeIsLitigation],
        };
        assert_eq!(
            serde_json::to_string(&verdict).expect("json"),
            r#"{"verdict":"not_accepted","reasons":["purpose_is_litigation"]}"#
        );
    }

    fn any_request() -> impl Strategy<Value = Request> {
        let requester = proptest::option::of(prop_oneof![
            Just(Requester::Patient),
            Just(Requester::Guardian),
            Just(Requester::FamilyMember),
            Just(Requester::Other),
        ]);
        let attendance = proptest::option::of(prop_oneof![
            Just(Attendance::PatientAlone),
            Just(Attendance::PatientWithFamily),
            Just(Attendance::FamilyWithoutPatient),
        ]);
        let area = proptest::option::of(prop_oneof![
            Just(DiagnosisArea::Cancer),
            Just(DiagnosisArea::Cardiovascular),
            Just(DiagnosisArea::Cerebrovascular),
            "[a-z ]{0,8}".prop_map(DiagnosisArea::Other),
        ]);
        let purpose = proptest::option::of(prop_oneof![
            Just(Purpose::DiagnosisOrTreatment),
            Just(Purpose::TransferToAnotherHospital),
            Just(Purpose::Litigation),
            Just(Purpose::Other),
        ]);
        let born = proptest::option::of((1900i32..2026, 1u32..=12, 1u32..=28))
            .prop_map(|d| d.and_then(|(y, m, day)| NaiveDate::from_ymd_opt(y, m, day)));
        let yes_no = || proptest::option::of(any::<bool>());
        (
            (requester, yes_no(), born, attendance, area),
            (yes_no(), yes_no(), yes_no(), purpose),
            (any::<bool>(), any::<bool>(), any::<bool>()),
        )
            .prop_map(
                |(
                    (requester, consent, born, attendance, area),
                    (agrees, refers, shared, purpose),
                    acks,
                )| {
                    Request {
                        requester,
                        patient_consents_to_family_request: consent,
                        patient_date_of_birth: born,
                        attendance,
                        area,
                        patient_agrees: agrees,
                        present_doctor_refers: refers,
                        report_shared_with_present_doctor: shared,
                        purpose,
                        acknowledges_in_person_only: acks.0,
                        acknowledges_fee_paid_on_the_day: acks.1,
                        acknowledges_not_covered_by_insurance: acks.2,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn a_refusal_never_turns_into_acceptance_by_answering_more(request in any_request(), more in any_request()) {
            // Filling in missing answers never lifts a refusal.
            if let Verdict::NotAccepted { reasons } = assess(&request, today()) {
                let filled = Request {
                    requester: request.requester.or(more.requester),
                    patient_consents_to_family_request: request.patient_consents_to_family_request.or(more.patient_consents_to_family_request),
                    patient_date_of_birth: request.patient_date_of_birth.or(more.patient_date_of_birth),
                    attendance: request.attendance.or(more.attendance),
                    area: request.area.clone().or(more.area),
                    patient_agrees: request.patient_agrees.or(more.patient_agrees),
                    present_doctor_refers: request.present_doctor_refers.or(more.present_doctor_refers),
                    report_shared_with_present_doctor: request.report_shared_with_present_doctor.or(more.report_shared_with_present_doctor),
                    purpose: request.purpose.or(more.purpose),
                    ..request.clone()
                };
                match assess(&filled, today()) {
                    Verdict::NotAccepted { reasons: after } => {
                        prop_assert!(reasons.iter().all(|r| after.contains(r)));
                    }
                    other => prop_assert!(false, "refusal lifted: {:?}", other),
                }
            }
        }

        #[test]
        fn only_complete_requests_may_be_submitted(request in any_request()) {
            let verdict = assess(&request, today());
            if verdict.may_be_submitted() {
                prop_assert!(missing_answers(&request).is_empty());
                prop_assert!(refusals(&request, today()).is_empty());
            }
            // Reasons come in a stable order without repeats.
            if let Verdict::NotAccepted { reasons } = &verdict {
                prop_assert!(!reasons.is_empty());
                let mut sorted = reasons.clone();
                sorted.sort();
                sorted.dedup();
                prop_assert_eq!(&sorted, reasons);
            }
        }
    }
}
