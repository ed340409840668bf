//! The day of the consultation at counter 1: who came and what reception
//! saw before letting them in, how the fee was paid and the receipt's
//! number, and how long the consultation lasted.
//!
//! Like the rest of the crate this reads no clock: the times are arguments.

use std::fmt;

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::fee::SECOND_OPINION_FEE;

/// Who came to the consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhoCame {
    /// The patient, alone or with family.
    Patient,
    /// Family members without the patient, who brought the patient's consent
    /// form.
    Family,
}

codes!(WhoCame {
    Patient => "patient",
    Family => "family",
});

/// What reception saw at check-in: the seed's items (4) and (5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub who: WhoCame,
    /// The identification of whoever came (a health-insurance card, a
    /// driving licence…).
    pub identification_seen: bool,
    /// For family: a document showing the relationship to the patient.
    pub relationship_seen: bool,
    /// For family without the patient: the patient's consent form (4).
    pub consent_form_seen: bool,
}

/// What is missing to check someone in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckInProblem {
    IdentificationNotSeen,
    RelationshipNotSeen,
    ConsentFormNotSeen,
}

codes!(CheckInProblem {
    IdentificationNotSeen => "identification_not_seen",
    RelationshipNotSeen => "relationship_not_seen",
    ConsentFormNotSeen => "consent_form_not_seen",
});

impl CheckIn {
    /// Every document still to see before the consultation, in
    /// `CheckInProblem::ALL` order: identification always; for family
    /// without the patient, the relationship and the patient's consent.
    pub fn problems(&self) -> Vec<CheckInProblem> {
        let family = self.who == WhoCame::Family;
        CheckInProblem::ALL
            .iter()
            .copied()
            .filter(|problem| match problem {
                CheckInProblem::IdentificationNotSeen => !self.identification_seen,
                CheckInProblem::RelationshipNotSeen => family && !self.relationship_seen,
                CheckInProblem::ConsentFormNotSeen => family && !self.consent_form_seen,
            })
            .collect()
    }
}

/// How the fee was paid at counter 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Card,
}

codes!(PaymentMethod {
    Cash => "cash",
    Card => "card",
});

/// A receipt's number: sequential within its year (Japan time), never
/// reused or skipped. Written `2026-000123`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReceiptNumber {
    pub year: i32,
    pub number: u32,
}

impl fmt::Display for ReceiptNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:06}", self.year, self.number)
    }
}

/// The longest written reason (for a consultation longer than the fee
/// covers).
pub const MAX_REASON_CHARS: usize = 2_000;

/// Why a consultation's times cannot be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationProblem {
    /// The end is not after the start.
    EndsBeforeItStarts,
    /// Longer than the fee's 60 minutes, with no reason written.
    LongerWithoutReason,
    ReasonTooLong,
}

codes!(ConsultationProblem {
    EndsBeforeItStarts => "ends_before_it_starts",
    LongerWithoutReason => "longer_without_reason",
    ReasonTooLong => "reason_too_long",
});

/// Checks a consultation from `start` to `end` (the same day): its length
/// in minutes, or every problem. The fee covers up to 60 minutes; a longer
/// consultation is recorded with a reason, and never costs a second fee.
pub fn check_consultation(
    start: NaiveTime,
    end: NaiveTime,
    reason_longer: &str,
) -> Result<u32, Vec<ConsultationProblem>> {
    let minutes = (end - start).num_minutes();
    let reason = reason_longer.trim();
    let problems: Vec<ConsultationProblem> = ConsultationProblem::ALL
        .iter()
        .copied()
        .filter(|problem| match problem {
            ConsultationProblem::EndsBeforeItStarts => minutes <= 0,
            ConsultationProblem::LongerWithoutReason => {
                minutes > i64::from(SECOND_OPINION_FEE.max_minutes) && reason.is_empty()
            }
            ConsultationProblem::ReasonTooLong => reason.chars().count() > MAX_REASON_CHARS,
        })
        .collect();
    if problems.is_empty() {
        Ok(u32::try_from(minutes).unwrap_or(u32::MAX))
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(text: &str) -> NaiveTime {
        NaiveTime::parse_from_str(text, "%H:%M").expect("test time")
    }

    #[test]
    fn the_patient_shows_identification_and_family_without_them_the_relationship_and_the_consent() {
        let patient = CheckIn {
            who: WhoCame::Patient,
            identification_seen: true,
            relationship_seen: false,
            consent_form_seen: false,
        };
        assert_eq!(patient.problems(), []);
        let unseen = CheckIn {
            identification_seen: false,
            ..patient
        };
        assert_eq!(unseen.problems(), [CheckInProblem::IdentificationNotSeen]);
        let family = CheckIn {
            who: WhoCame::Family,
            ..patient
        };
        assert_eq!(
            family.problems(),
            [
                CheckInProblem::RelationshipNotSeen,
                CheckInProblem::ConsentFormNotSeen
            ]
        );
        let complete = CheckIn {
            relationship_seen: true,
            consent_form_seen: true,
            ..family
        };
        assert_eq!(complete.problems(), []);
    }

    #[test]
    fn a_consultation_of_up_to_60_minutes_needs_no_reason_and_a_longer_one_does() {
        assert_eq!(check_consultation(t("10:00"), t("11:00"), ""), Ok(60));
        assert_eq!(
            check_consultation(t("10:00"), t("11:05"), ""),
            Err(vec![ConsultationProblem::LongerWithoutReason])
        );
        assert_eq!(
            check_consultation(
                t("10:00"),
                t("11:05"),
                "  Images reviewed with the family  "
            ),
            Ok(65)
        );
        assert_eq!(
            check_consultation(t("10:00"), t("10:00"), ""),
            Err(vec![ConsultationProblem::EndsBeforeItStarts])
        );
        let essay = "x".repeat(MAX_REASON_CHARS + 1);
        assert_eq!(
            check_consultation(t("10:00"), t("12:00"), &essay),
            Err(vec![ConsultationProblem::ReasonTooLong])
        );
    }

    #[test]
    fn a_receipt_number_is_its_year_and_six_digits() {
        let number = ReceiptNumber {
            year: 2027,
            number: 42,
        };
        assert_eq!(number.to_string(), "2027-000042");
        assert!(
            number
                < ReceiptNumber {
                    year: 2027,
                    number: 43
                }
        );
        assert!(
            ReceiptNumber {
                year: 2026,
                number: 900
            } < number
        );
    }

    #[test]
    fn codes_are_the_stored_ones() {
        assert_eq!(WhoCame::from_code("family"), Some(WhoCame::Family));
        assert_eq!(PaymentMethod::from_code("card"), Some(PaymentMethod::Card));
        assert_eq!(PaymentMethod::ALL.len(), 2);
    }

    proptest! {
        #[test]
        fn a_recorded_consultation_ends_after_it_starts_and_is_covered_or_explained(
            start in 0_u32..24 * 60,
            length in -120_i64..240,
            reason in proptest::option::of("[a-z ]{1,20}"),
        ) {
            let start = NaiveTime::from_num_seconds_from_midnight_opt(start * 60, 0).expect("time");
            let end = start + chrono::Duration::minutes(length);
            let reason = reason.unwrap_or_default();
            if let Ok(minutes) = check_consultation(start, end, &reason) {
                prop_assert!(minutes > 0);
                prop_assert!(minutes <= SECOND_OPINION_FEE.max_minutes || !reason.trim().is_empty());
                prop_assert_eq!(i64::from(minutes), (end - start).num_minutes());
            }
        }
    }
}
