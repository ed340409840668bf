//! The documents a requester brings to reception counter 1.

use serde::{Deserialize, Serialize};

use crate::request::{Attendance, Request};

/// A document to bring, in the order reception checks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    /// The hospital's second-opinion request form.
    RequestForm,
    /// The referral letter (診療情報提供書) from the present doctor.
    ReferralLetter,
    /// Test records: X-ray films, scan data, blood test results, pathology slides.
    TestRecords,
    /// The patient's written consent, when the patient does not come.
    PatientConsentForm,
    /// Identification showing the relationship to the patient, for example a
    /// health insurance card, when the patient does not come.
    RelationshipIdentification,
}

codes!(Document {
    RequestForm => "request_form",
    ReferralLetter => "referral_letter",
    TestRecords => "test_records",
    PatientConsentForm => "patient_consent_form",
    RelationshipIdentification => "relationship_identification",
});

/// How a document reached reception counter 1: in the hospital's paper
/// world the referral letter and the CD-R come by hand, by post, or by FAX
/// from the referring hospital's liaison office (地域医療連携室).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrival {
    /// Handed in at the counter.
    Counter,
    Post,
    Fax,
    /// Sent by the referring hospital (its liaison office), not the patient.
    ReferringHospital,
}

codes!(Arrival {
    Counter => "counter",
    Post => "post",
    Fax => "fax",
    ReferringHospital => "referring_hospital",
});

impl Document {
    /// Whether reception checks that the document can be read: the test
    /// records' images come on a CD-R, which may not open.
    pub const fn may_be_unreadable(self) -> bool {
        matches!(self, Self::TestRecords)
    }
}

/// The documents this request needs. The consent form and proof of
/// relationship are added only when family members come without the patient.
pub fn documents_to_bring(request: &Request) -> Vec<Document> {
    let mut documents = vec![
        Document::RequestForm,
        Document::ReferralLetter,
        Document::TestRecords,
    ];
    if request.attendance == Some(Attendance::FamilyWithoutPatient) {
        documents.extend([
            Document::PatientConsentForm,
            Document::RelationshipIdentification,
        ]);
    }
    documents
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attending(attendance: Option<Attendance>) -> Vec<Document> {
        documents_to_bring(&Request {
            attendance,
            ..Request::default()
        })
    }

    #[test]
    fn the_patient_brings_the_form_the_referral_letter_and_test_records() {
        let base = vec![
            Document::RequestForm,
            Document::ReferralLetter,
            Document::TestRecords,
        ];
        assert_eq!(attending(Some(Attendance::PatientAlone)), base);
        assert_eq!(attending(Some(Attendance::PatientWithFamily)), base);
        assert_eq!(attending(None), base);
    }

    #[test]
    fn family_without_the_patient_also_bring_consent_and_proof_of_relationship() {
        assert_eq!(
            attending(Some(Attendance::FamilyWithoutPatient)),
            Document::ALL
        );
    }

    #[test]
    fn codes_are_the_serde_names() {
        for document in Document::ALL {
            assert_eq!(
                serde_json::to_value(document).expect("json"),
                document.code()
            );
        }
    }
}
