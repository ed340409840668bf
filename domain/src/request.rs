//! The answers of a second-opinion request that the rules look at. Every
//! answer may still be missing, because the form is filled step by step.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Age of majority in Japan since April 2022.
pub const AGE_OF_MAJORITY: i32 = 18;

/// Who is asking for the second opinion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requester {
    /// The patient themself.
    Patient,
    /// A parent or guardian of a patient who is a minor.
    Guardian,
    /// A family member of an adult patient, who needs the patient's consent.
    FamilyMember,
    /// Anyone else: a friend, an employer, an insurer, a lawyer.
    Other,
}

/// Who will come to the consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    PatientAlone,
    PatientWithFamily,
    /// Family members come without the patient; they bring the patient's
    /// consent and proof of their relationship.
    FamilyWithoutPatient,
}

/// The area of the diagnosis. The hospital's second-opinion service covers
/// the first three.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosisArea {
    Cancer,
    Cardiovascular,
    Cerebrovascular,
    /// Another area, as the requester describes it.
    Other(String),
}

impl DiagnosisArea {
    pub const fn is_main_area(&self) -> bool {
        !matches!(self, Self::Other(_))
    }
}

/// What the second opinion is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// An opinion on the diagnosis or the treatment: what the service is for.
    DiagnosisOrTreatment,
    TransferToAnotherHospital,
    Litigation,
    Other,
}

/// The answers the rules depend on. `None` (or an unticked acknowledgement)
/// means not answered yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub requester: Option<Requester>,
    /// Asked only when a family member requests: does the adult patient
    /// consent to the family member requesting on their behalf?
    pub patient_consents_to_family_request: Option<bool>,
    pub patient_date_of_birth: Option<NaiveDate>,
    pub attendance: Option<Attendance>,
    pub area: Option<DiagnosisArea>,
    /// The patient agrees to receive a second opinion.
    pub patient_agrees: Option<bool>,
    /// The present doctor encourages the second opinion and will write a
    /// referral letter.
    pub present_doctor_refers: Option<bool>,
    /// The specialist's written report will be sent to and shared with the
    /// present doctor.
    pub report_shared_with_present_doctor: Option<bool>,
    pub purpose: Option<Purpose>,
    /// The consultation is in person only: no telephone, letter or e-mail.
    pub acknowledges_in_person_only: bool,
    /// The fee, and that it is paid on the day of the consultation.
    pub acknowledges_fee_paid_on_the_day: bool,
    /// The consultation is not covered by Japanese health insurance.
    pub acknowledges_not_covered_by_insurance: bool,
}

/// A person's age in completed years on `on`, as Japanese law counts it: the
/// year is reached at the end of the day before the birthday, so someone born
/// on 29 February is a year older from 1 March in a common year.
pub fn age_on(date_of_birth: NaiveDate, on: NaiveDate) -> i32 {
    let before_birthday = (on.month(), on.day()) < (date_of_birth.month(), date_of_birth.day());
    on.year() - date_of_birth.year() - i32::from(before_birthday)
}

/// Whether the patient is a minor (under 18) on `on`. A date of birth after
/// `on` counts as a minor; the form's date parser refuses such a date anyway.
pub fn is_minor_on(date_of_birth: NaiveDate, on: NaiveDate) -> bool {
    age_on(date_of_birth, on) < AGE_OF_MAJORITY
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test date")
    }

    #[test]
    fn age_increases_on_the_birthday() {
        assert_eq!(age_on(d("2008-12-25"), d("2026-12-24")), 17);
        assert_eq!(age_on(d("2008-12-25"), d("2026-12-25")), 18);
    }

    #[test]
    fn patient_born_on_29_february_comes_of_age_on_1_march_in_a_common_year() {
        assert!(is_minor_on(d("2008-02-29"), d("2026-02-28")));
        assert!(!is_minor_on(d("2008-02-29"), d("2026-03-01")));
        assert!(!is_minor_on(d("2008-02-29"), d("2028-02-29")));
    }

    #[test]
    fn a_date_of_birth_in_the_future_counts_as_a_minor() {
        assert!(is_minor_on(d("2030-01-01"), d("2026-11-25")));
    }

    #[test]
    fn answers_serialise_with_stable_snake_case_names() {
        let request = Request {
            requester: Some(Requester::FamilyMember),
            area: Some(DiagnosisArea::Other("kidney".to_owned())),
            purpose: Some(Purpose::DiagnosisOrTreatment),
            ..Request::default()
        };
        let json = serde_json::to_value(&request).expect("serialise");
        assert_eq!(json["requester"], "family_member");
        assert_eq!(json["area"]["other"], "kidney");
        assert_eq!(json["purpose"], "diagnosis_or_treatment");
        let back: Request = serde_json::from_value(json).expect("deserialise");
        assert_eq!(back, request);
    }
}
