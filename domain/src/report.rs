//! The written opinion (セカンドオピニオン回答書) the specialist sends to the
//! present doctor: its parts and their rules, what must be written before
//! it is signed, when it is due, what the specialist may ask for before the
//! visit, and how it (and the patient's copy) leaves the hospital.
//!
//! Like the rest of the crate this reads no clock: "today" and the visit's
//! day are arguments.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;

/// A part of the report, in the order it is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportField {
    /// The present doctor it is addressed to.
    Doctor,
    /// The present doctor's institution.
    Institution,
    /// The purpose of the consultation.
    Purpose,
    /// The patient's questions.
    Questions,
    /// The records reviewed.
    RecordsReviewed,
    /// The opinion on the diagnosis.
    DiagnosisOpinion,
    /// The opinion on the treatment plan and the options.
    TreatmentOpinion,
    /// What was explained to the patient and the family.
    Explained,
    Remarks,
}

codes!(ReportField {
    Doctor => "doctor",
    Institution => "institution",
    Purpose => "purpose",
    Questions => "questions",
    RecordsReviewed => "records_reviewed",
    DiagnosisOpinion => "diagnosis_opinion",
    TreatmentOpinion => "treatment_opinion",
    Explained => "explained",
    Remarks => "remarks",
});

impl ReportField {
    /// The longest text of the part, in characters.
    pub const fn max_chars(self) -> usize {
        match self {
            Self::Doctor | Self::Institution => 100,
            _ => 8_000,
        }
    }

    /// Whether the part must be written before the report is signed (the
    /// remarks may stay empty).
    pub const fn needed_to_sign(self) -> bool {
        !matches!(self, Self::Remarks)
    }
}

/// The report's text, part by part, as the specialist typed it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportText {
    pub doctor: String,
    pub institution: String,
    pub purpose: String,
    pub questions: String,
    pub records_reviewed: String,
    pub diagnosis_opinion: String,
    pub treatment_opinion: String,
    pub explained: String,
    #[serde(default)]
    pub remarks: String,
}

/// Why a part cannot be kept as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportProblem {
    TooLong,
    /// A character that is neither printable nor a line break or tab.
    ControlCharacters,
    /// Empty, when signing.
    Missing,
}

codes!(ReportProblem {
    TooLong => "too_long",
    ControlCharacters => "control_characters",
    Missing => "missing",
});

impl ReportText {
    /// The text of `field`.
    pub fn get(&self, field: ReportField) -> &str {
        match field {
            ReportField::Doctor => &self.doctor,
            ReportField::Institution => &self.institution,
            ReportField::Purpose => &self.purpose,
            ReportField::Questions => &self.questions,
            ReportField::RecordsReviewed => &self.records_reviewed,
            ReportField::DiagnosisOpinion => &self.diagnosis_opinion,
            ReportField::TreatmentOpinion => &self.treatment_opinion,
            ReportField::Explained => &self.explained,
            ReportField::Remarks => &self.remarks,
        }
    }

    /// Sets the text of `field`.
    pub fn set(&mut self, field: ReportField, text: String) {
        let slot = match field {
            ReportField::Doctor => &mut self.doctor,
            ReportField::Institution => &mut self.institution,
            ReportField::Purpose => &mut self.purpose,
            ReportField::Questions => &mut self.questions,
            ReportField::RecordsReviewed => &mut self.records_reviewed,
            ReportField::DiagnosisOpinion => &mut self.diagnosis_opinion,
            ReportField::TreatmentOpinion => &mut self.treatment_opinion,
            ReportField::Explained => &mut self.explained,
            ReportField::Remarks => &mut self.remarks,
        };
        *slot = text;
    }

    /// What keeps the text from being saved as a draft: every part too
    /// long or with control characters.
    pub fn draft_problems(&self) -> Vec<(ReportField, ReportProblem)> {
        ReportField::ALL
            .iter()
            .filter_map(|field| {
                let text = self.get(*field);
                if text.chars().count() > field.max_chars() {
                    Some((*field, ReportProblem::TooLong))
                } else if text
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                {
                    Some((*field, ReportProblem::ControlCharacters))
                } else {
                    None
                }
            })
            .collect()
    }

    /// What keeps it from being signed: the draft's problems, and every
    /// needed part left empty. Each part at most once, in printed order.
    pub fn signing_problems(&self) -> Vec<(ReportField, ReportProblem)> {
        let draft = self.draft_problems();
        ReportField::ALL
            .iter()
            .filter_map(|field| {
                draft.iter().find(|(f, _)| f == field).copied().or_else(|| {
                    (field.needed_to_sign() && self.get(*field).trim().is_empty())
                        .then_some((*field, ReportProblem::Missing))
                })
            })
            .collect()
    }
}

/// The report is due this many consultation days after the visit, unless
/// the hospital sets otherwise.
pub const DEFAULT_REPORT_DAYS: u32 = 7;

/// The day the report is due: the `days`-th consultation day after the
/// visit (the visit's day counts as none).
pub fn report_due(calendar: &Calendar, visit: NaiveDate, days: u32) -> NaiveDate {
    calendar.nth_consultation_day_after(visit, days)
}

/// Where the report's clock stands, in consultation days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "days", rename_all = "snake_case")]
pub enum ReportClock {
    /// Due in this many consultation days (1 or more).
    DueIn(u32),
    DueToday,
    /// This many consultation days late (1 or more).
    Overdue(u32),
}

/// The clock of a report due on `due`, seen on `today`.
pub fn report_clock(calendar: &Calendar, due: NaiveDate, today: NaiveDate) -> ReportClock {
    match today.cmp(&due) {
        std::cmp::Ordering::Less => {
            ReportClock::DueIn(calendar.consultation_days_between(today, due).max(1))
        }
        std::cmp::Ordering::Equal => ReportClock::DueToday,
        std::cmp::Ordering::Greater => {
            ReportClock::Overdue(calendar.consultation_days_between(due, today).max(1))
        }
    }
}

/// What the specialist may ask for before the visit (the request for
/// further documents reception sends to the present doctor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeededDocument {
    ReferralLetter,
    /// Images on CD-R (DICOM).
    ImagesOnCd,
    /// Pathology slides or the pathology report.
    Pathology,
    BloodTests,
    /// Something else, in words.
    Other,
}

codes!(NeededDocument {
    ReferralLetter => "referral_letter",
    ImagesOnCd => "images_on_cd",
    Pathology => "pathology",
    BloodTests => "blood_tests",
    Other => "other",
});

/// Why a request for further documents cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentRequestProblem {
    NothingTicked,
    /// "Other" needs its words.
    OtherWithoutWords,
    TooLong,
}

codes!(DocumentRequestProblem {
    NothingTicked => "nothing_ticked",
    OtherWithoutWords => "other_without_words",
    TooLong => "too_long",
});

/// The longest note or "other" on a request for further documents.
pub const MAX_REQUEST_CHARS: usize = 2_000;

/// Checks a request for further documents: something ticked, "other" with
/// its words, nothing too long.
pub fn check_document_request(
    needed: &[NeededDocument],
    other: &str,
    note: &str,
) -> Result<(), Vec<DocumentRequestProblem>> {
    let too_long = |text: &str| text.chars().count() > MAX_REQUEST_CHARS;
    let problems: Vec<DocumentRequestProblem> = DocumentRequestProblem::ALL
        .iter()
        .copied()
        .filter(|problem| match problem {
            DocumentRequestProblem::NothingTicked => needed.is_empty(),
            DocumentRequestProblem::OtherWithoutWords => {
                needed.contains(&NeededDocument::Other) && other.trim().is_empty()
            }
            DocumentRequestProblem::TooLong => too_long(other) || too_long(note),
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Who a copy of the report goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// The present doctor: the condition of every request. Recording it
    /// makes the case reported.
    PresentDoctor,
    /// The patient's own copy.
    Patient,
}

codes!(Recipient {
    PresentDoctor => "present_doctor",
    Patient => "patient",
});

/// How a copy of the report left the hospital.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendingMethod {
    Fax,
    Post,
    /// Handed to the patient in a sealed envelope for the present doctor.
    SealedEnvelope,
    /// Through the regional medical information network.
    RegionalNetwork,
    /// The patient's copy, handed over on the day.
    HandedOnTheDay,
}

codes!(SendingMethod {
    Fax => "fax",
    Post => "post",
    SealedEnvelope => "sealed_envelope",
    RegionalNetwork => "regional_network",
    HandedOnTheDay => "handed_on_the_day",
});

impl SendingMethod {
    /// Whether a copy for `recipient` can go this way (the present doctor's
    /// is never simply handed over; the patient's is handed or posted).
    pub const fn suits(self, recipient: Recipient) -> bool {
        match recipient {
            Recipient::PresentDoctor => !matches!(self, Self::HandedOnTheDay),
            Recipient::Patient => matches!(self, Self::HandedOnTheDay | Self::Post),
        }
    }
}

/// The symbols of a verification code: Crockford's base 32 (no I, L, O or
/// U), so that a code read off paper is typed without doubt.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The code printed on a signed report, by which `/verify` tells a doctor
/// holding the paper whether it is genuine and current: 80 bits, written
/// as 16 symbols `XXXX-XXXX-XXXX-XXXX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerificationCode([u8; 16]);

impl VerificationCode {
    /// The code of 80 bits.
    pub fn from_bits(bits: [u8; 10]) -> Self {
        let mut symbols = [0u8; 16];
        let mut acc: u32 = 0;
        let mut held = 0;
        let mut out = 0;
        for byte in bits {
            acc = (acc << 8) | u32::from(byte);
            held += 8;
            while held >= 5 {
                held -= 5;
                symbols[out] = CODE_ALPHABET[((acc >> held) & 31) as usize];
                out += 1;
            }
        }
        Self(symbols)
    }

    /// Reads a code as it is typed or scanned: any case, with or without
    /// dashes and spaces, full-width too, O read as 0 and I or L as 1.
    /// `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let mut symbols = [0u8; 16];
        let mut count = 0;
        for c in text.chars() {
            // Full-width forms (a Japanese input method) as their ASCII.
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            };
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' | '\u{3000}' | '\u{30FC}' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            let byte = u8::try_from(c).ok()?;
            if !CODE_ALPHABET.contains(&byte) || count == 16 {
                return None;
            }
            symbols[count] = byte;
            count += 1;
        }
        (count == 16).then_some(Self(symbols))
    }

    /// The 16 symbols without dashes: what is hashed and looked up.
    pub fn compact(&self) -> String {
        self.0.iter().map(|b| char::from(*b)).collect()
    }
}

impl std::fmt::Display for VerificationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let compact = self.compact();
        let groups: Vec<&str> = (0..4).map(|i| &compact[i * 4..i * 4 + 4]).collect();
        f.write_str(&groups.join("-"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_verification_code_is_read_back_however_it_is_typed() {
        let code = VerificationCode::from_bits([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        let written = code.to_string();
        assert_eq!(written.len(), 19);
        assert_eq!(VerificationCode::parse(&written), Some(code));
        assert_eq!(VerificationCode::parse(&written.to_lowercase()), Some(code));
        assert_eq!(VerificationCode::parse(&code.compact()), Some(code));
        let full_width: String = written
            .chars()
            .map(|c| {
                if c == '-' {
                    'ー'
                } else {
                    char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
                }
            })
            .collect();
        assert_eq!(VerificationCode::parse(&full_width), Some(code));
        assert_eq!(
            VerificationCode::parse("0000-0000-0000-000"),
            None,
            "too short"
        );
        assert_eq!(
            VerificationCode::parse("0000-0000-0000-00000"),
            None,
            "too long"
        );
        assert_eq!(VerificationCode::parse("UUUU-0000-0000-0000"), None, "no U");
        assert_eq!(
            VerificationCode::parse("OOOO-IIII-LLLL-0000"),
            VerificationCode::parse("0000-1111-1111-0000")
        );
    }

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test date")
    }

    fn written() -> ReportText {
        ReportText {
            doctor: "佐藤 一郎".into(),
            institution: "さくらクリニック".into(),
            purpose: "治療方針について".into(),
            questions: "手術と化学療法の順序".into(),
            records_reviewed: "紹介状、CT画像".into(),
            diagnosis_opinion: "診断に同意します。".into(),
            treatment_opinion: "術前化学療法を勧めます。".into(),
            explained: "ご本人とご家族に説明しました。".into(),
            remarks: String::new(),
        }
    }

    #[test]
    fn a_report_is_signed_only_with_every_needed_part_written_and_remarks_may_stay_empty() {
        assert_eq!(written().signing_problems(), []);
        let mut empty = written();
        empty.diagnosis_opinion = "  ".into();
        empty.explained = String::new();
        assert_eq!(
            empty.signing_problems(),
            [
                (ReportField::DiagnosisOpinion, ReportProblem::Missing),
                (ReportField::Explained, ReportProblem::Missing)
            ]
        );
        assert_eq!(empty.draft_problems(), [], "a draft may be unfinished");
    }

    #[test]
    fn a_part_too_long_or_with_control_characters_cannot_even_be_kept_as_a_draft() {
        let mut text = written();
        text.doctor = "x".repeat(101);
        text.remarks = "line one\nline two\u{7}".into();
        assert_eq!(
            text.draft_problems(),
            [
                (ReportField::Doctor, ReportProblem::TooLong),
                (ReportField::Remarks, ReportProblem::ControlCharacters)
            ]
        );
        assert_eq!(text.signing_problems(), text.draft_problems());
    }

    #[test]
    fn the_report_is_due_seven_consultation_days_after_the_visit_across_holidays_and_the_year_end()
    {
        let calendar = Calendar::new();
        // A Thursday visit: Fri 11, Mon 14, Tue 15, Wed 16, Thu 17, Fri 18,
        // Mon 21 December 2026.
        assert_eq!(report_due(&calendar, d("2026-12-10"), 7), d("2026-12-21"));
        // Across the year end (29 December to 3 January closed): Mon 28,
        // then Mon 4, Tue 5, Wed 6, Thu 7, Fri 8, and Tue 12 January (11
        // January is Coming of Age Day).
        assert_eq!(report_due(&calendar, d("2026-12-25"), 7), d("2027-01-12"));
        // A hospital closure day pushes it one further.
        let closed = Calendar::with_extra_closures([(d("2026-12-15"), "Founding day".into())]);
        assert_eq!(report_due(&closed, d("2026-12-10"), 7), d("2026-12-22"));
    }

    #[test]
    fn the_clock_counts_consultation_days_before_and_after_the_due_day() {
        let calendar = Calendar::new();
        let due = d("2026-12-21"); // a Monday
        assert_eq!(
            report_clock(&calendar, due, d("2026-12-18")),
            ReportClock::DueIn(1)
        );
        // The weekend in between does not count.
        assert_eq!(
            report_clock(&calendar, due, d("2026-12-19")),
            ReportClock::DueIn(1)
        );
        assert_eq!(
            report_clock(&calendar, due, d("2026-12-17")),
            ReportClock::DueIn(2)
        );
        assert_eq!(report_clock(&calendar, due, due), ReportClock::DueToday);
        assert_eq!(
            report_clock(&calendar, due, d("2026-12-22")),
            ReportClock::Overdue(1)
        );
        assert_eq!(
            report_clock(&calendar, due, d("2027-01-04")),
            ReportClock::Overdue(6)
        );
    }

    #[test]
    fn a_request_for_further_documents_names_something_and_other_needs_its_words() {
        use DocumentRequestProblem as P;
        use NeededDocument as N;
        assert_eq!(
            check_document_request(&[], "", ""),
            Err(vec![P::NothingTicked])
        );
        assert_eq!(
            check_document_request(&[N::Other], " ", ""),
            Err(vec![P::OtherWithoutWords])
        );
        assert_eq!(
            check_document_request(&[N::ImagesOnCd, N::Other], "Echo video", "By FAX"),
            Ok(())
        );
        let long = "x".repeat(MAX_REQUEST_CHARS + 1);
        assert_eq!(
            check_document_request(&[N::Pathology], "", &long),
            Err(vec![P::TooLong])
        );
    }

    #[test]
    fn the_present_doctor_s_copy_is_never_simply_handed_over_and_the_patient_s_is_handed_or_posted()
    {
        use SendingMethod as M;
        let doctor: Vec<_> = M::ALL
            .iter()
            .filter(|m| m.suits(Recipient::PresentDoctor))
            .collect();
        assert_eq!(
            doctor,
            [&M::Fax, &M::Post, &M::SealedEnvelope, &M::RegionalNetwork]
        );
        let patient: Vec<_> = M::ALL
            .iter()
            .filter(|m| m.suits(Recipient::Patient))
            .collect();
        assert_eq!(patient, [&M::Post, &M::HandedOnTheDay]);
    }

    #[test]
    fn the_stored_codes_are_the_agreed_ones() {
        let codes =
            |all: &[ReportField]| all.iter().map(|f| f.code()).collect::<Vec<_>>().join(" ");
        assert_eq!(
            codes(ReportField::ALL),
            "doctor institution purpose questions records_reviewed diagnosis_opinion \
             treatment_opinion explained remarks"
        );
        assert_eq!(
            SendingMethod::ALL
                .iter()
                .map(|m| m.code())
                .collect::<Vec<_>>(),
            [
                "fax",
                "post",
                "sealed_envelope",
                "regional_network",
                "handed_on_the_day"
            ]
        );
    }

    proptest! {
        #[test]
        fn every_code_of_80_bits_is_written_and_read_back(bits in any::<[u8; 10]>()) {
            let code = VerificationCode::from_bits(bits);
            prop_assert_eq!(VerificationCode::parse(&code.to_string()), Some(code));
            prop_assert_ne!(code, VerificationCode::from_bits({
                let mut other = bits;
                other[9] ^= 1;
                other
            }));
        }

        #[test]
        fn the_due_day_is_a_consultation_day_after_the_visit_and_its_clock_never_says_zero(
            visit in 0_i64..3_000,
            days in 1_u32..20,
            seen in 0_i64..60,
        ) {
            let calendar = Calendar::new();
            let visit = d("2026-01-01") + chrono::Duration::days(visit);
            let due = report_due(&calendar, visit, days);
            prop_assert!(due > visit);
            prop_assert!(calendar.is_consultation_day(due));
            prop_assert_eq!(calendar.consultation_days_between(visit, due), days);
            let today = visit + chrono::Duration::days(seen);
            match report_clock(&calendar, due, today) {
                ReportClock::DueIn(n) => prop_assert!(n >= 1 && today < due),
                ReportClock::DueToday => prop_assert_eq!(today, due),
                ReportClock::Overdue(n) => prop_assert!(n >= 1 && today > due),
            }
        }
    }
}
