//! The request form as the patient typed it, and its parse into a checked
//! submission. The browser keeps a `RequestForm` as the draft and reads the
//! live verdict from it; the server receives the same struct and parses it
//! again.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::fields::{
    DateOfBirth, EmailAddress, FieldError, FreeText, NameReading, PersonName, PhoneNumber,
    ShortText, parse_iso_date,
};
use crate::request::{Attendance, DiagnosisArea, Purpose, Request, Requester};

/// Every field of the form, as typed. Choices hold their stable codes
/// (`"patient"`, `"yes"`), empty when not chosen; checkboxes are booleans.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "one bool per checkbox of the form"
)]
pub struct RequestForm {
    pub requester: String,
    pub requester_name: String,
    pub requester_relationship: String,
    /// The representative's own number, when reception should be able to
    /// call them too (optional).
    pub requester_phone: String,
    pub patient_consents_to_family_request: String,
    pub patient_name: String,
    pub patient_name_reading: String,
    /// The date of birth in three parts, the year Western or, with an era
    /// (`Era` code; empty is Western), in that era.
    pub patient_birth_era: String,
    pub patient_birth_year: String,
    pub patient_birth_month: String,
    pub patient_birth_day: String,
    pub patient_phone: String,
    pub patient_email: String,
    /// "Send me updates about this request by e-mail" (needs the address).
    pub email_updates: bool,
    pub present_doctor_name: String,
    pub present_institution: String,
    pub patient_agrees: String,
    pub present_doctor_refers: String,
    pub report_shared_with_present_doctor: String,
    pub purpose: String,
    pub area: String,
    pub area_other: String,
    pub diagnosis: String,
    pub questions: String,
    pub attendance: String,
    pub weekday_mon: bool,
    pub weekday_tue: bool,
    pub weekday_wed: bool,
    pub weekday_thu: bool,
    pub weekday_fri: bool,
    pub unsuitable_dates: String,
    pub interpreter_needed: bool,
    pub interpreter_language: String,
    pub acknowledges_in_person_only: bool,
    pub acknowledges_fee_paid_on_the_day: bool,
    pub acknowledges_not_covered_by_insurance: bool,
}

/// A field of the form: its stable id names the HTML element, the draft key
/// and the error's anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Requester,
    RequesterName,
    RequesterRelationship,
    RequesterPhone,
    PatientConsentsToFamilyRequest,
    PatientName,
    PatientNameReading,
    PatientDateOfBirth,
    PatientPhone,
    PatientEmail,
    PresentDoctorName,
    PresentInstitution,
    PatientAgrees,
    PresentDoctorRefers,
    ReportSharedWithPresentDoctor,
    Purpose,
    Area,
    AreaOther,
    Diagnosis,
    Questions,
    Attendance,
    UnsuitableDates,
    InterpreterLanguage,
    AcknowledgesInPersonOnly,
    AcknowledgesFeePaidOnTheDay,
    AcknowledgesNotCoveredByInsurance,
}

codes!(Field {
    Requester => "requester",
    RequesterName => "requester_name",
    RequesterRelationship => "requester_relationship",
    RequesterPhone => "requester_phone",
    PatientConsentsToFamilyRequest => "patient_consents_to_family_request",
    PatientName => "patient_name",
    PatientNameReading => "patient_name_reading",
    PatientDateOfBirth => "patient_date_of_birth",
    PatientPhone => "patient_phone",
    PatientEmail => "patient_email",
    PresentDoctorName => "present_doctor_name",
    PresentInstitution => "present_institution",
    PatientAgrees => "patient_agrees",
    PresentDoctorRefers => "present_doctor_refers",
    ReportSharedWithPresentDoctor => "report_shared_with_present_doctor",
    Purpose => "purpose",
    Area => "area",
    AreaOther => "area_other",
    Diagnosis => "diagnosis",
    Questions => "questions",
    Attendance => "attendance",
    UnsuitableDates => "unsuitable_dates",
    InterpreterLanguage => "interpreter_language",
    AcknowledgesInPersonOnly => "acknowledges_in_person_only",
    AcknowledgesFeePaidOnTheDay => "acknowledges_fee_paid_on_the_day",
    AcknowledgesNotCoveredByInsurance => "acknowledges_not_covered_by_insurance",
});

/// The inputs the date of birth is typed in: the era, then the year in it,
/// the month and the day.
pub const BIRTH_INPUTS: [&str; 4] = [
    "patient_birth_era",
    "patient_birth_year",
    "patient_birth_month",
    "patient_birth_day",
];

/// The form's checkboxes, by input name.
pub const CHECKBOXES: [&str; 10] = [
    "email_updates",
    "weekday_mon",
    "weekday_tue",
    "weekday_wed",
    "weekday_thu",
    "weekday_fri",
    "interpreter_needed",
    "acknowledges_in_person_only",
    "acknowledges_fee_paid_on_the_day",
    "acknowledges_not_covered_by_insurance",
];

/// When a question that hangs on an earlier answer applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Condition {
    /// A guardian, a family member or someone else asks for the patient.
    SomeoneElseAsks,
    /// A family member asks.
    FamilyMemberAsks,
    /// The area is "another disease or area".
    OtherArea,
    /// An interpreter is needed.
    InterpreterNeeded,
}

impl Field {
    /// The condition under which the form asks this field; `None` when it
    /// always does.
    pub const fn applies_when(self) -> Option<Condition> {
        match self {
            Self::RequesterName | Self::RequesterRelationship | Self::RequesterPhone => {
                Some(Condition::SomeoneElseAsks)
            }
            Self::PatientConsentsToFamilyRequest => Some(Condition::FamilyMemberAsks),
            Self::AreaOther => Some(Condition::OtherArea),
            Self::InterpreterLanguage => Some(Condition::InterpreterNeeded),
            _ => None,
        }
    }
}

impl crate::eligibility::Question {
    /// The input that answers this question.
    pub const fn field(self) -> Field {
        use crate::eligibility::Question as Q;
        match self {
            Q::Requester => Field::Requester,
            Q::PatientConsentsToFamilyRequest => Field::PatientConsentsToFamilyRequest,
            Q::PatientDateOfBirth => Field::PatientDateOfBirth,
            Q::Attendance => Field::Attendance,
            Q::DiagnosisArea => Field::Area,
            Q::DiagnosisAreaDescription => Field::AreaOther,
            Q::PatientAgrees => Field::PatientAgrees,
            Q::PresentDoctorRefers => Field::PresentDoctorRefers,
            Q::ReportSharedWithPresentDoctor => Field::ReportSharedWithPresentDoctor,
            Q::Purpose => Field::Purpose,
            Q::AcknowledgesInPersonOnly => Field::AcknowledgesInPersonOnly,
            Q::AcknowledgesFeePaidOnTheDay => Field::AcknowledgesFeePaidOnTheDay,
            Q::AcknowledgesNotCoveredByInsurance => Field::AcknowledgesNotCoveredByInsurance,
        }
    }
}

/// Every refused field with why, in the form's order.
pub type FieldErrors = Vec<(Field, FieldError)>;

/// Who asks when it is not the patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Representative {
    pub name: PersonName,
    pub relationship: ShortText,
    /// Their own number, if they gave one (requests stored before it was
    /// asked read as none).
    #[serde(default)]
    pub phone: Option<PhoneNumber>,
}

impl Representative {
    /// The name, relationship and number as the form holds them.
    fn answers(&self) -> [String; 3] {
        let phone = self.phone.as_ref().map_or("", PhoneNumber::as_str);
        [self.name.as_str(), self.relationship.as_str(), phone].map(str::to_owned)
    }
}

/// A request whose every field passed its rules. Whether the hospital can
/// accept it is a separate question: `eligibility::assess(&self.request, today)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// The answers the rules look at, all present.
    pub request: Request,
    pub representative: Option<Representative>,
    pub patient_name: PersonName,
    pub patient_name_reading: Option<NameReading>,
    pub patient_date_of_birth: DateOfBirth,
    pub patient_phone: PhoneNumber,
    pub patient_email: Option<EmailAddress>,
    /// The patient asked for news of the request at `patient_email` (never
    /// without an address). Requests stored before the question was asked
    /// read as not asked.
    #[serde(default)]
    pub email_updates: bool,
    pub present_doctor_name: PersonName,
    pub present_institution: ShortText,
    pub diagnosis: FreeText,
    pub questions: FreeText,
    pub preferred_weekdays: Vec<Weekday>,
    pub unsuitable_dates: Vec<NaiveDate>,
    /// The interpreter's language, when one is needed.
    pub interpreter_language: Option<ShortText>,
}

/// Collects the errors of the fields checked one after another.
#[derive(Default)]
struct Checker {
    errors: FieldErrors,
}

impl Checker {
    /// The value, or `None` with the field's error noted.
    fn check<T>(&mut self, field: Field, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push((field, error));
                None
            }
        }
    }

    /// An optional field: `None` when left empty or refused (the refusal is
    /// noted).
    fn optional<T>(
        &mut self,
        field: Field,
        text: &str,
        parse: impl Fn(&str) -> Result<T, FieldError>,
    ) -> Option<T> {
        if text.trim().is_empty() {
            None
        } else {
            self.check(field, parse(text))
        }
    }
}

fn yes_no(text: &str) -> Option<bool> {
    match text {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn requester(code: &str) -> Option<Requester> {
    match code {
        "patient" => Some(Requester::Patient),
        "guardian" => Some(Requester::Guardian),
        "family_member" => Some(Requester::FamilyMember),
        "other" => Some(Requester::Other),
        _ => None,
    }
}

fn attendance(code: &str) -> Option<Attendance> {
    match code {
        "patient_alone" => Some(Attendance::PatientAlone),
        "patient_with_family" => Some(Attendance::PatientWithFamily),
        "family_without_patient" => Some(Attendance::FamilyWithoutPatient),
        _ => None,
    }
}

fn purpose(code: &str) -> Option<Purpose> {
    match code {
        "diagnosis_or_treatment" => Some(Purpose::DiagnosisOrTreatment),
        "transfer_to_another_hospital" => Some(Purpose::TransferToAnotherHospital),
        "litigation" => Some(Purpose::Litigation),
        "other" => Some(Purpose::Other),
        _ => None,
    }
}

impl RequestForm {
    /// The answers the rules look at, as far as they are given and valid now:
    /// what the live panel shows. An invalid date of birth counts as not
    /// answered yet.
    pub fn to_request(&self, today: NaiveDate) -> Request {
        let area = match self.area.as_str() {
            "cancer" => Some(DiagnosisArea::Cancer),
            "cardiovascular" => Some(DiagnosisArea::Cardiovascular),
            "cerebrovascular" => Some(DiagnosisArea::Cerebrovascular),
            "other" => Some(DiagnosisArea::Other(self.area_other.trim().to_owned())),
            _ => None,
        };
        Request {
            requester: requester(&self.requester),
            patient_consents_to_family_request: self
                .asks(Field::PatientConsentsToFamilyRequest)
                .then(|| yes_no(&self.patient_consents_to_family_request))
                .flatten(),
            patient_date_of_birth: self.date_of_birth(today).ok().map(DateOfBirth::date),
            attendance: attendance(&self.attendance),
            area,
            patient_agrees: yes_no(&self.patient_agrees),
            present_doctor_refers: yes_no(&self.present_doctor_refers),
            report_shared_with_present_doctor: yes_no(&self.report_shared_with_present_doctor),
            purpose: purpose(&self.purpose),
            acknowledges_in_person_only: self.acknowledges_in_person_only,
            acknowledges_fee_paid_on_the_day: self.acknowledges_fee_paid_on_the_day,
            acknowledges_not_covered_by_insurance: self.acknowledges_not_covered_by_insurance,
        }
    }

    /// The text or choice held under an input's name (a [`Field`] code),
    /// or `None` for a name that is not a text input.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.text_by_name(name).map(String::as_str)
    }

    /// Whether the checkbox of this name is ticked (`false` for any other name).
    pub fn is_ticked(&self, name: &str) -> bool {
        match name {
            "weekday_mon" => self.weekday_mon,
            "weekday_tue" => self.weekday_tue,
            "weekday_wed" => self.weekday_wed,
            "weekday_thu" => self.weekday_thu,
            "weekday_fri" => self.weekday_fri,
            "interpreter_needed" => self.interpreter_needed,
            "email_updates" => self.email_updates,
            "acknowledges_in_person_only" => self.acknowledges_in_person_only,
            "acknowledges_fee_paid_on_the_day" => self.acknowledges_fee_paid_on_the_day,
            "acknowledges_not_covered_by_insurance" => self.acknowledges_not_covered_by_insurance,
            _ => false,
        }
    }

    /// Sets the input called `name` as a browser would post it: text as
    /// typed; a checkbox is ticked by `"true"` or `"on"`. Returns false for
    /// a name the form does not have, which changes nothing.
    pub fn set(&mut self, name: &str, value: &str) -> bool {
        if let Some(text) = self.text_by_name_mut(name) {
            value.clone_into(text);
            return true;
        }
        if name == Field::PatientDateOfBirth.code() {
            self.set_date_of_birth(value);
            return true;
        }
        let ticked = matches!(value, "true" | "on");
        let flag = match name {
            "weekday_mon" => &mut self.weekday_mon,
            "weekday_tue" => &mut self.weekday_tue,
            "weekday_wed" => &mut self.weekday_wed,
            "weekday_thu" => &mut self.weekday_thu,
            "weekday_fri" => &mut self.weekday_fri,
            "interpreter_needed" => &mut self.interpreter_needed,
            "email_updates" => &mut self.email_updates,
            "acknowledges_in_person_only" => &mut self.acknowledges_in_person_only,
            "acknowledges_fee_paid_on_the_day" => &mut self.acknowledges_fee_paid_on_the_day,
            "acknowledges_not_covered_by_insurance" => {
                &mut self.acknowledges_not_covered_by_insurance
            }
            _ => return false,
        };
        *flag = ticked;
        true
    }

    /// The form as a browser would post it: every text input that holds
    /// something, and each ticked checkbox as `true`. `from_posted` reads
    /// it back.
    pub fn posted_pairs(&self) -> Vec<(&'static str, String)> {
        let texts = Field::ALL
            .iter()
            .map(|field| field.code())
            .chain(BIRTH_INPUTS)
            .filter_map(|name| {
                self.text(name)
                    .filter(|text| !text.is_empty())
                    .map(|text| (name, text.to_owned()))
            });
        let ticked = CHECKBOXES
            .into_iter()
            .filter(|name| self.is_ticked(name))
            .map(|name| (name, "true".to_owned()));
        texts.chain(ticked).collect()
    }

    /// The form as a browser posts it: the named inputs in any order, a
    /// checkbox present only when ticked. Names the form does not have are
    /// ignored.
    pub fn from_posted<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut form = Self::default();
        for (name, value) in pairs {
            form.set(name, value);
        }
        form
    }

    /// The date of birth as typed in its parts.
    pub fn date_of_birth(&self, today: NaiveDate) -> Result<DateOfBirth, FieldError> {
        DateOfBirth::from_parts(
            &self.patient_birth_era,
            &self.patient_birth_year,
            &self.patient_birth_month,
            &self.patient_birth_day,
            today,
        )
    }

    /// A date of birth given whole, `YYYY-MM-DD` (as the form took it
    /// before it had three parts, and as programs may still send it): its
    /// parts, the year Western. Text that is not such a date goes to the
    /// year, whose check then says so.
    fn set_date_of_birth(&mut self, text: &str) {
        self.patient_birth_era.clear();
        let parts: Vec<&str> = text.trim().splitn(3, '-').collect();
        if let [year, month, day] = parts[..] {
            year.clone_into(&mut self.patient_birth_year);
            month.clone_into(&mut self.patient_birth_month);
            day.clone_into(&mut self.patient_birth_day);
        } else {
            text.clone_into(&mut self.patient_birth_year);
            self.patient_birth_month.clear();
            self.patient_birth_day.clear();
        }
    }

    /// Whether the form asks this field at all for these answers: a field
    /// with a [`Condition`] only when it is met. The check step shows, the
    /// browser reveals and `parse` checks the same fields.
    pub fn asks(&self, field: Field) -> bool {
        field
            .applies_when()
            .is_none_or(|condition| self.meets(condition))
    }

    /// Whether these answers meet `condition`.
    pub fn meets(&self, condition: Condition) -> bool {
        match condition {
            Condition::SomeoneElseAsks => {
                requester(&self.requester).is_some_and(|r| r != Requester::Patient)
            }
            Condition::FamilyMemberAsks => {
                requester(&self.requester) == Some(Requester::FamilyMember)
            }
            Condition::OtherArea => self.area == "other",
            Condition::InterpreterNeeded => self.interpreter_needed,
        }
    }

    /// The form as it is sent: the answers to questions that do not apply
    /// (typed before the answer they hang on changed) left out.
    #[must_use]
    pub fn applicable(&self) -> Self {
        let mut form = self.clone();
        for field in Field::ALL.iter().filter(|field| !self.asks(**field)) {
            if let Some(text) = form.text_by_name_mut(field.code()) {
                text.clear();
            }
        }
        form
    }

    /// These answers laid over `under`: every input answered here wins,
    /// every other keeps `under`'s answer. (Answers tapped on a slow phone
    /// before the page came to life, over the draft kept from last time.)
    #[must_use]
    pub fn laid_over(&self, under: &Self) -> Self {
        let mut form = under.clone();
        for (name, value) in self.posted_pairs() {
            form.set(name, &value);
        }
        form
    }

    /// This form with `earlier`'s answers to the questions that do not
    /// apply here (a post leaves those out), so that a representative's
    /// name typed before "I am the patient" was chosen is still there if
    /// the answer changes back.
    #[must_use]
    pub fn keeping_unasked_from(&self, earlier: &Self) -> Self {
        let mut form = self.clone();
        for field in Field::ALL.iter().filter(|field| !self.asks(**field)) {
            if let (Some(text), Some(kept)) = (
                form.text_by_name_mut(field.code()),
                earlier.text(field.code()),
            ) && text.is_empty()
            {
                kept.clone_into(text);
            }
        }
        form
    }

    /// The preferred weekdays ticked, Monday first.
    pub fn preferred_weekdays(&self) -> Vec<Weekday> {
        [
            (self.weekday_mon, Weekday::Mon),
            (self.weekday_tue, Weekday::Tue),
            (self.weekday_wed, Weekday::Wed),
            (self.weekday_thu, Weekday::Thu),
            (self.weekday_fri, Weekday::Fri),
        ]
        .into_iter()
        .filter_map(|(ticked, day)| ticked.then_some(day))
        .collect()
    }

    /// Checks every field and returns the submission, or every refused field.
    /// Unanswered eligibility questions are not field errors: the verdict
    /// reports them.
    pub fn parse(&self, today: NaiveDate) -> Result<Submission, FieldErrors> {
        let mut c = Checker::default();
        let request = self.to_request(today);
        let representative = if self.asks(Field::RequesterName) {
            let name = c.check(
                Field::RequesterName,
                PersonName::parse(&self.requester_name),
            );
            let relationship = c.check(
                Field::RequesterRelationship,
                ShortText::parse(&self.requester_relationship),
            );
            let phone = c.optional(
                Field::RequesterPhone,
                &self.requester_phone,
                PhoneNumber::parse,
            );
            name.zip(relationship)
                .map(|(name, relationship)| Representative {
                    name,
                    relationship,
                    phone,
                })
        } else {
            None
        };
        let patient_name = c.check(Field::PatientName, PersonName::parse(&self.patient_name));
        let patient_name_reading = c.optional(
            Field::PatientNameReading,
            &self.patient_name_reading,
            NameReading::parse,
        );
        let date_of_birth = c.check(Field::PatientDateOfBirth, self.date_of_birth(today));
        let phone = c.check(Field::PatientPhone, PhoneNumber::parse(&self.patient_phone));
        let email = c.optional(
            Field::PatientEmail,
            &self.patient_email,
            EmailAddress::parse,
        );
        if self.email_updates && self.patient_email.trim().is_empty() {
            c.errors
                .push((Field::PatientEmail, FieldError::NeededForEmailUpdates));
        }
        let doctor = c.check(
            Field::PresentDoctorName,
            PersonName::parse(&self.present_doctor_name),
        );
        let institution = c.check(
            Field::PresentInstitution,
            ShortText::parse(&self.present_institution),
        );
        if self.asks(Field::AreaOther) {
            c.check(Field::AreaOther, ShortText::parse(&self.area_other));
        }
        let diagnosis = c.check(Field::Diagnosis, FreeText::parse(&self.diagnosis));
        let questions = c.check(Field::Questions, FreeText::parse(&self.questions));
        let unsuitable_dates = c.check(Field::UnsuitableDates, parse_dates(&self.unsuitable_dates));
        let interpreter_language = if self.asks(Field::InterpreterLanguage) {
            c.check(
                Field::InterpreterLanguage,
                ShortText::parse(&self.interpreter_language),
            )
        } else {
            None
        };
        let errors = c.errors;
        if !errors.is_empty() {
            return Err(errors);
        }
        // Each check above gave a value whenever it noted no error.
        let checked = "checked without an error";
        Ok(Submission {
            request,
            representative,
            patient_name: patient_name.expect(checked),
            patient_name_reading,
            patient_date_of_birth: date_of_birth.expect(checked),
            patient_phone: phone.expect(checked),
            email_updates: self.email_updates,
            patient_email: email,
            present_doctor_name: doctor.expect(checked),
            present_institution: institution.expect(checked),
            diagnosis: diagnosis.expect(checked),
            questions: questions.expect(checked),
            preferred_weekdays: self.preferred_weekdays(),
            unsuitable_dates: unsuitable_dates.expect(checked),
            interpreter_language,
        })
    }
}

/// The text inputs by name, once for reading and once for writing.
macro_rules! text_inputs {
    ($($name:ident),+ $(,)?) => {
        impl RequestForm {
            fn text_by_name(&self, name: &str) -> Option<&String> {
                match name {
                    $(stringify!($name) => Some(&self.$name),)+
                    _ => None,
                }
            }

            fn text_by_name_mut(&mut self, name: &str) -> Option<&mut String> {
                match name {
                    $(stringify!($name) => Some(&mut self.$name),)+
                    _ => None,
                }
            }
        }
    };
}

text_inputs!(
    requester,
    requester_name,
    requester_relationship,
    requester_phone,
    patient_consents_to_family_request,
    patient_name,
    patient_name_reading,
    patient_birth_era,
    patient_birth_year,
    patient_birth_month,
    patient_birth_day,
    patient_phone,
    patient_email,
    present_doctor_name,
    present_institution,
    patient_agrees,
    present_doctor_refers,
    report_shared_with_present_doctor,
    purpose,
    area,
    area_other,
    diagnosis,
    questions,
    attendance,
    unsuitable_dates,
    interpreter_language,
);

/// The most dates that do not suit a form may list.
pub const MAX_UNSUITABLE_DATES: usize = 30;

/// The dates that do not suit, written `YYYY-MM-DD` and separated by commas,
/// spaces or line breaks; at most 30 of them.
pub fn parse_dates(text: &str) -> Result<Vec<NaiveDate>, FieldError> {
    if text.chars().count() > 2_000 {
        return Err(FieldError::TooLong { max: 2_000 });
    }
    let mut dates = text
        .split([',', '、', ' ', '\n', '\r', '\t', '\u{3000}'])
        .filter(|part| !part.is_empty())
        .map(|part| parse_iso_date(part).ok_or(FieldError::NotADate))
        .collect::<Result<Vec<_>, _>>()?;
    crate::sort_short(&mut dates);
    dates.dedup();
    if dates.len() > MAX_UNSUITABLE_DATES {
        return Err(FieldError::TooManyDates {
            max: MAX_UNSUITABLE_DATES,
        });
    }
    Ok(dates)
}

impl Submission {
    /// The form this submission was read from, with its answers normalised
    /// as they were stored: what reception reads, question by question, in
    /// the same words as the patient's check step.
    pub fn to_form(&self) -> RequestForm {
        let r = &self.request;
        let yes_no = |answer: Option<bool>| match answer {
            Some(true) => "yes".to_owned(),
            Some(false) => "no".to_owned(),
            None => String::new(),
        };
        let (area, area_other) = match &r.area {
            Some(DiagnosisArea::Cancer) => ("cancer", String::new()),
            Some(DiagnosisArea::Cardiovascular) => ("cardiovascular", String::new()),
            Some(DiagnosisArea::Cerebrovascular) => ("cerebrovascular", String::new()),
            Some(DiagnosisArea::Other(text)) => ("other", text.clone()),
            None => ("", String::new()),
        };
        let weekday = |day: Weekday| self.preferred_weekdays.contains(&day);
        let [requester_name, requester_relationship, requester_phone] = self
            .representative
            .as_ref()
            .map(Representative::answers)
            .unwrap_or_default();
        RequestForm {
            requester: match r.requester {
                Some(Requester::Patient) => "patient",
                Some(Requester::Guardian) => "guardian",
                Some(Requester::FamilyMember) => "family_member",
                Some(Requester::Other) => "other",
                None => "",
            }
            .to_owned(),
            requester_name,
            requester_relationship,
            requester_phone,
            patient_consents_to_family_request: yes_no(r.patient_consents_to_family_request),
            patient_name: self.patient_name.as_str().to_owned(),
            patient_name_reading: self
                .patient_name_reading
                .as_ref()
                .map(|reading| reading.as_str().to_owned())
                .unwrap_or_default(),
            patient_birth_era: String::new(),
            patient_birth_year: self.patient_date_of_birth.date().year().to_string(),
            patient_birth_month: self.patient_date_of_birth.date().month().to_string(),
            patient_birth_day: self.patient_date_of_birth.date().day().to_string(),
            patient_phone: self.patient_phone.as_str().to_owned(),
            patient_email: self
                .patient_email
                .as_ref()
                .map(|email| email.as_str().to_owned())
                .unwrap_or_default(),
            email_updates: self.email_updates,
            present_doctor_name: self.present_doctor_name.as_str().to_owned(),
            present_institution: self.present_institution.as_str().to_owned(),
            patient_agrees: yes_no(r.patient_agrees),
            present_doctor_refers: yes_no(r.present_doctor_refers),
            report_shared_with_present_doctor: yes_no(r.report_shared_with_present_doctor),
            purpose: match r.purpose {
                Some(Purpose::DiagnosisOrTreatment) => "diagnosis_or_treatment",
                Some(Purpose::TransferToAnotherHospital) => "transfer_to_another_hospital",
                Some(Purpose::Litigation) => "litigation",
                Some(Purpose::Other) => "other",
                None => "",
            }
            .to_owned(),
            area: area.to_owned(),
            area_other,
            diagnosis: self.diagnosis.as_str().to_owned(),
            questions: self.questions.as_str().to_owned(),
            attendance: match r.attendance {
                Some(Attendance::PatientAlone) => "patient_alone",
                Some(Attendance::PatientWithFamily) => "patient_with_family",
                Some(Attendance::FamilyWithoutPatient) => "family_without_patient",
                None => "",
            }
            .to_owned(),
            weekday_mon: weekday(Weekday::Mon),
            weekday_tue: weekday(Weekday::Tue),
            weekday_wed: weekday(Weekday::Wed),
            weekday_thu: weekday(Weekday::Thu),
            weekday_fri: weekday(Weekday::Fri),
            unsuitable_dates: self
                .unsuitable_dates
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            interpreter_needed: self.interpreter_language.is_some(),
            interpreter_language: self
                .interpreter_language
                .as_ref()
                .map(|language| language.as_str().to_owned())
                .unwrap_or_default(),
            acknowledges_in_person_only: r.acknowledges_in_person_only,
            acknowledges_fee_paid_on_the_day: r.acknowledges_fee_paid_on_the_day,
            acknowledges_not_covered_by_insurance: r.acknowledges_not_covered_by_insurance,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::{Verdict, assess};

    fn today() -> NaiveDate {
        "2026-11-25".parse().expect("date")
    }

    #[test]
    fn answers_typed_early_lie_over_the_draft_and_unasked_answers_are_kept() {
        let draft = filled();
        let typed = RequestForm {
            requester: "family_member".into(),
            weekday_wed: true,
            ..RequestForm::default()
        };
        let merged = typed.laid_over(&draft);
        assert_eq!(merged.requester, "family_member");
        assert!(merged.weekday_wed);
        assert_eq!(merged.patient_name, draft.patient_name);

        let earlier = RequestForm {
            requester_name: "山田 太郎".into(),
            ..merged.clone()
        };
        // Posted as the patient: the representative's name is left out…
        let posted = RequestForm {
            requester: "patient".into(),
            ..earlier.applicable()
        };
        let posted = posted.applicable();
        assert_eq!(posted.requester_name, "");
        // …and comes back from the draft, while an asked answer the
        // patient emptied stays empty.
        let mut emptied = posted.clone();
        emptied.patient_phone.clear();
        let kept = emptied.keeping_unasked_from(&earlier);
        assert_eq!(kept.requester_name, "山田 太郎");
        assert_eq!(kept.patient_phone, "");
    }

    /// The form as an adult patient asking about cancer treatment fills it.
    fn filled() -> RequestForm {
        RequestForm {
            requester: "patient".into(),
            patient_name: "山田 花子".into(),
            patient_name_reading: "ヤマダ ハナコ".into(),
            patient_birth_year: "1970".into(),
            patient_birth_month: "4".into(),
            patient_birth_day: "1".into(),
            patient_phone: "090-1234-5678".into(),
            present_doctor_name: "佐藤 一郎".into(),
            present_institution: "さくらクリニック".into(),
            patient_agrees: "yes".into(),
            present_doctor_refers: "yes".into(),
            report_shared_with_present_doctor: "yes".into(),
            purpose: "diagnosis_or_treatment".into(),
            area: "cancer".into(),
            diagnosis: "Stage II breast cancer".into(),
            questions: "Is surgery or chemotherapy first better?".into(),
            attendance: "patient_alone".into(),
            weekday_tue: true,
            weekday_thu: true,
            acknowledges_in_person_only: true,
            acknowledges_fee_paid_on_the_day: true,
            acknowledges_not_covered_by_insurance: true,
            ..RequestForm::default()
        }
    }

    #[test]
    fn a_submission_reads_back_into_the_form_it_came_from() {
        let family = RequestForm {
            requester: "family_member".into(),
            requester_name: "山田 太郎".into(),
            requester_relationship: "夫".into(),
            patient_consents_to_family_request: "yes".into(),
            patient_email: "hanako@example.jp".into(),
            area: "other".into(),
            area_other: "腎臓".into(),
            purpose: "other".into(),
            attendance: "patient_with_family".into(),
            unsuitable_dates: "2026-12-01, 2026-12-08".into(),
            interpreter_needed: true,
            interpreter_language: "English".into(),
            weekday_mon: true,
            ..filled()
        };
        for form in [filled(), family] {
            let submission = form.parse(today()).expect("valid form");
            assert_eq!(submission.to_form(), form);
            assert_eq!(submission.to_form().parse(today()), Ok(submission));
        }
    }

    #[test]
    fn a_filled_form_parses_into_an_eligible_submission() {
        let submission = filled().parse(today()).expect("valid form");
        assert_eq!(assess(&submission.request, today()), Verdict::Eligible);
        assert_eq!(
            submission.preferred_weekdays,
            vec![Weekday::Tue, Weekday::Thu]
        );
        assert_eq!(submission.patient_email, None);
        assert_eq!(submission.representative, None);
    }

    #[test]
    fn every_refused_field_is_reported_at_once() {
        let form = RequestForm {
            patient_name: String::new(),
            patient_phone: "call me".into(),
            patient_email: "not-an-address".into(),
            questions: "x".repeat(2_001),
            ..filled()
        };
        assert_eq!(
            form.parse(today()),
            Err(vec![
                (Field::PatientName, FieldError::Required),
                (Field::PatientPhone, FieldError::NotAPhoneNumber),
                (Field::PatientEmail, FieldError::NotAnEmailAddress),
                (Field::Questions, FieldError::TooLong { max: 2_000 }),
            ])
        );
    }

    #[test]
    fn someone_asking_for_the_patient_gives_their_name_and_relationship() {
        let form = RequestForm {
            requester: "family_member".into(),
            ..filled()
        };
        assert_eq!(
            form.parse(today()),
            Err(vec![
                (Field::RequesterName, FieldError::Required),
                (Field::RequesterRelationship, FieldError::Required)
            ])
        );
        let form = RequestForm {
            requester_name: "山田 太郎".into(),
            requester_relationship: "夫".into(),
            ..form
        };
        let representative = form.parse(today()).expect("valid").representative;
        assert_eq!(representative.expect("given").phone, None, "optional");
        // Their own number, checked as the patient's is, and read back.
        let typo = RequestForm {
            requester_phone: "03-1234-abcd".into(),
            ..form.clone()
        };
        let refused = typo.parse(today()).expect_err("not a number");
        assert!(matches!(refused.as_slice(), [(Field::RequesterPhone, _)]));
        let form = RequestForm {
            requester_phone: "03-1234-5678".into(),
            ..form
        };
        let submission = form.parse(today()).expect("valid");
        assert_eq!(
            submission
                .representative
                .as_ref()
                .and_then(|rep| rep.phone.as_ref())
                .map(PhoneNumber::as_str),
            Some("03-1234-5678")
        );
        assert_eq!(submission.to_form().requester_phone, "03-1234-5678");
        // The patient asks after all: the number is neither asked nor kept.
        let patient = RequestForm {
            requester: "patient".into(),
            ..form
        };
        assert!(!patient.asks(Field::RequesterPhone));
        assert_eq!(patient.applicable().requester_phone, "");
        assert_eq!(patient.parse(today()).expect("valid").representative, None);
    }

    #[test]
    fn a_representative_stored_before_their_number_was_asked_reads_as_without_one() {
        let stored = r#"{"name":"山田 太郎","relationship":"夫"}"#;
        let representative: Representative = serde_json::from_str(stored).expect("reads");
        assert_eq!(representative.phone, None);
    }

    #[test]
    fn an_interpreter_needs_a_language_and_other_area_its_description() {
        let form = RequestForm {
            interpreter_needed: true,
            area: "other".into(),
            ..filled()
        };
        assert_eq!(
            form.parse(today()),
            Err(vec![
                (Field::AreaOther, FieldError::Required),
                (Field::InterpreterLanguage, FieldError::Required)
            ])
        );
    }

    #[test]
    fn the_live_request_ignores_an_invalid_date_of_birth() {
        let form = RequestForm {
            patient_birth_year: "2040".into(),
            patient_birth_month: "1".into(),
            patient_birth_day: "1".into(),
            ..filled()
        };
        assert_eq!(form.to_request(today()).patient_date_of_birth, None);
    }

    #[test]
    fn unsuitable_dates_are_a_list_of_iso_dates() {
        assert_eq!(
            parse_dates("2027-01-15, 2027-01-13\n2027-01-15"),
            Ok(vec![
                "2027-01-13".parse().expect("date"),
                "2027-01-15".parse().expect("date")
            ])
        );
        assert_eq!(parse_dates(""), Ok(vec![]));
        assert_eq!(parse_dates("next Tuesday"), Err(FieldError::NotADate));
    }

    #[test]
    fn field_codes_are_the_serde_names() {
        for field in Field::ALL {
            assert_eq!(serde_json::to_value(field).expect("json"), field.code());
        }
    }

    #[test]
    fn the_form_round_trips_through_json_as_the_draft_does() {
        let json = serde_json::to_string(&filled()).expect("json");
        assert_eq!(
            serde_json::from_str::<RequestForm>(&json).expect("back"),
            filled()
        );
        // A draft saved by an older version, with fields missing, still loads.
        let partial: RequestForm =
            serde_json::from_str(r#"{"patient_name":"Hanako"}"#).expect("partial");
        assert_eq!(partial.patient_name, "Hanako");
    }

    #[test]
    fn the_posted_pairs_read_back_into_the_same_form() {
        let mut form = filled();
        form.patient_birth_era = "showa".into();
        form.interpreter_needed = true;
        form.questions = "Two\nlines".into();
        let pairs = form.posted_pairs();
        let back = RequestForm::from_posted(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(back, form);
        assert!(pairs.iter().all(|(_, value)| !value.is_empty()));
    }

    #[test]
    fn every_field_is_an_input_of_the_form() {
        let mut form = RequestForm::default();
        for field in Field::ALL {
            assert!(form.set(field.code(), "true"), "{field:?} has no input");
            let held = form.text(field.code()) == Some("true")
                || form.is_ticked(field.code())
                || (*field == Field::PatientDateOfBirth && form.patient_birth_year == "true");
            assert!(held, "{field:?} did not keep its value");
        }
        assert!(!form.set("admin", "true"));
    }

    #[test]
    fn a_question_that_no_longer_applies_is_not_asked_nor_sent() {
        let mut form = filled();
        form.requester = "family_member".into();
        form.requester_name = "Taro Yamada".into();
        form.requester_relationship = "Son".into();
        form.patient_consents_to_family_request = "yes".into();
        form.interpreter_language = "English".into();
        assert!(
            form.asks(Field::RequesterName) && form.asks(Field::PatientConsentsToFamilyRequest)
        );
        assert!(!form.asks(Field::InterpreterLanguage) && !form.asks(Field::AreaOther));
        let sent = form.applicable();
        assert_eq!(sent.requester_name, "Taro Yamada");
        assert_eq!(sent.interpreter_language, "", "no interpreter asked for");
        // The patient asks after all: the representative's answers go.
        form.requester = "patient".into();
        let sent = form.applicable();
        assert_eq!(
            (
                sent.requester_name.as_str(),
                sent.requester_relationship.as_str()
            ),
            ("", "")
        );
        assert_eq!(sent.patient_consents_to_family_request, "");
        assert_eq!(
            form.to_request(today()).patient_consents_to_family_request,
            None
        );
        assert_eq!(form.requester_name, "Taro Yamada", "kept in the browser");
        assert_eq!(
            Field::ALL
                .iter()
                .filter(|f| f.applies_when().is_some())
                .count(),
            6
        );
    }

    #[test]
    fn a_date_of_birth_is_typed_in_parts_in_an_era_or_given_whole() {
        let mut form = filled();
        form.set("patient_birth_era", "showa");
        form.set("patient_birth_year", "21");
        form.set("patient_birth_month", "3");
        form.set("patient_birth_day", "15");
        let born = NaiveDate::from_ymd_opt(1946, 3, 15);
        assert_eq!(form.to_request(today()).patient_date_of_birth, born);
        let submission = form.parse(today()).expect("valid");
        assert_eq!(Some(submission.patient_date_of_birth.date()), born);
        // Read back for reception, in Western years.
        let back = submission.to_form();
        assert_eq!(
            (
                back.patient_birth_era.as_str(),
                back.patient_birth_year.as_str()
            ),
            ("", "1946")
        );
        // A program sending the whole date still can.
        let mut whole = RequestForm::default();
        whole.set("patient_date_of_birth", "1970-04-01");
        assert_eq!(
            whole.to_request(today()).patient_date_of_birth,
            NaiveDate::from_ymd_opt(1970, 4, 1)
        );
        // The part that is wrong is named, and what was typed stays.
        form.set("patient_birth_month", "13");
        assert_eq!(
            form.parse(today()).err(),
            Some(vec![(
                Field::PatientDateOfBirth,
                FieldError::MonthOutOfRange
            )])
        );
        assert_eq!(form.patient_birth_month, "13");
    }

    #[test]
    fn a_posted_form_is_read_as_the_browser_sent_it() {
        let form = RequestForm::from_posted([
            ("patient_name", "山田 花子"),
            ("weekday_tue", "true"),
            ("acknowledges_in_person_only", "on"),
            ("interpreter_needed", "no"),
            ("submission_id", "ignored"),
        ]);
        assert_eq!(form.patient_name, "山田 花子");
        assert!(form.weekday_tue && form.acknowledges_in_person_only);
        assert!(!form.interpreter_needed && !form.weekday_mon);
        assert_eq!(form.text("weekday_tue"), None);
        assert!(form.is_ticked("weekday_tue"));
    }

    #[test]
    fn the_conditional_questions_are_asked_only_when_they_apply() {
        let form = filled();
        assert!(!form.asks(Field::RequesterName) && !form.asks(Field::AreaOther));
        assert!(!form.asks(Field::PatientConsentsToFamilyRequest));
        let family = RequestForm {
            requester: "family_member".into(),
            area: "other".into(),
            ..filled()
        };
        assert!(family.asks(Field::RequesterRelationship));
        assert!(family.asks(Field::PatientConsentsToFamilyRequest));
        assert!(family.asks(Field::AreaOther));
        let guardian = RequestForm {
            requester: "guardian".into(),
            ..filled()
        };
        assert!(guardian.asks(Field::RequesterName));
        assert!(!guardian.asks(Field::PatientConsentsToFamilyRequest));
    }

    #[test]
    fn each_question_of_the_verdict_has_its_own_input() {
        use crate::eligibility::Question;
        let fields: std::collections::BTreeSet<Field> = Question::ALL
            .iter()
            .map(|question| question.field())
            .collect();
        assert_eq!(fields.len(), Question::ALL.len());
    }
}
