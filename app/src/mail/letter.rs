//! How each message to the patient is written, in the request's language:
//! plain text with an HTML alternative, from the same blocks. No message
//! names an illness, an area or a medical answer, and every subject is the
//! service's name and the reference, nothing else.

use std::fmt::Write;

use chrono::{NaiveDate, NaiveTime};
use domain::case::{APPOINTMENT_MINUTES, DeclineReason};
use domain::reference::Reference;
use domain::{AppointmentWindow, Document, SECOND_OPINION_FEE};

use domain::contact::PatientAnswer;

use super::answer_links::placeholder;
use crate::i18n::{Locale, td_string};
use crate::{format, words};

/// A part of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    List(Vec<String>),
    /// Links, each with its words.
    Links(Vec<(String, String)>),
}

/// A message as written: its subject and its blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub locale: Locale,
    pub subject: String,
    pub blocks: Vec<Block>,
}

/// An appointment as a message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub day: NaiveDate,
    pub start: NaiveTime,
}

/// What every message of a case starts from.
#[derive(Debug, Clone)]
pub struct About<'a> {
    pub locale: Locale,
    pub reference: &'a Reference,
    pub status_url: &'a str,
}

impl Letter {
    /// The plain-text body.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for block in &self.blocks {
            match block {
                Block::Heading(heading) => {
                    text.push_str(heading);
                    text.push('\n');
                    // A wide (Japanese) character takes two columns.
                    let width: usize = heading
                        .chars()
                        .map(|c| if c.is_ascii() { 1 } else { 2 })
                        .sum();
                    text.push_str(&"=".repeat(width.min(60)));
                }
                Block::Paragraph(paragraph) => text.push_str(paragraph),
                Block::List(items) => {
                    let lines: Vec<String> = items.iter().map(|item| format!("- {item}")).collect();
                    text.push_str(&lines.join("\n"));
                }
                Block::Links(links) => {
                    let entries: Vec<String> = links
                        .iter()
                        .map(|(words, url)| format!("- {words}:\n  {url}"))
                        .collect();
                    text.push_str(&entries.join("\n"));
                }
            }
            text.push_str("\n\n");
        }
        text.trim_end().to_owned() + "\n"
    }

    /// The HTML alternative: the same blocks, styled inline (mail readers
    /// ignore style sheets), links made clickable.
    pub fn html(&self) -> String {
        let lang = match self.locale {
            Locale::ja => "ja",
            Locale::en => "en",
        };
        let mut html = format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
             <body style=\"font-family: sans-serif; line-height: 1.6; color: #1b1b1b; max-width: 40em;\">",
            escape(&self.subject)
        );
        for block in &self.blocks {
            match block {
                Block::Heading(heading) => {
                    let _ = write!(
                        html,
                        "<h2 style=\"font-size: 1.15em; margin: 1.2em 0 0.4em;\">{}</h2>",
                        escape(heading)
                    );
                }
                Block::Paragraph(paragraph) => {
                    let _ = write!(html, "<p>{}</p>", linked(paragraph));
                }
                Block::List(items) => {
                    html.push_str("<ul>");
                    for item in items {
                        let _ = write!(html, "<li>{}</li>", escape(item));
                    }
                    html.push_str("</ul>");
                }
                Block::Links(links) => {
                    html.push_str("<ul>");
                    for (words, url) in links {
                        let _ = write!(
                            html,
                            "<li><a href=\"{}\">{}</a></li>",
                            html_escape::encode_double_quoted_attribute(url),
                            escape(words)
                        );
                    }
                    html.push_str("</ul>");
                }
            }
        }
        html.push_str("</body></html>\n");
        html
    }
}

fn escape(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

/// The text escaped, with its `https://` and `http://` addresses as links.
fn linked(text: &str) -> String {
    let mut html = String::new();
    for (index, word) in text.split(' ').enumerate() {
        if index > 0 {
            html.push(' ');
        }
        if word.starts_with("https://")
            || word.starts_with("http://")
            || word == super::answer_links::STATUS_URL
        {
            let href = html_escape::encode_double_quoted_attribute(word);
            let _ = write!(html, "<a href=\"{href}\">{}</a>", escape(word));
        } else {
            html.push_str(&escape(word));
        }
    }
    html
}

/// The subject of every message of the case: the service and the reference.
pub fn subject(locale: Locale, reference: &Reference) -> String {
    let service = td_string!(locale, service_name);
    let reference = reference.to_string();
    td_string!(locale, mail.subject, service, reference).to_string()
}

impl About<'_> {
    fn letter(&self, heading: String, body: Vec<Block>) -> Letter {
        let locale = self.locale;
        let hospital = td_string!(locale, hospital);
        let reference = self.reference.to_string();
        let mut blocks = vec![
            Block::Paragraph(td_string!(locale, mail.greeting, hospital).to_string()),
            Block::Paragraph(td_string!(locale, mail.reference, reference).to_string()),
            Block::Heading(heading),
        ];
        blocks.extend(body);
        let url = self.status_url;
        blocks.extend([
            Block::Heading(td_string!(locale, mail.reception_heading).to_owned()),
            Block::Paragraph(td_string!(locale, home.reception).to_owned()),
            Block::Heading(td_string!(locale, mail.status_heading).to_owned()),
            Block::Paragraph(td_string!(locale, mail.status, url).to_string()),
            Block::Paragraph(td_string!(locale, mail.footer).to_owned()),
        ]);
        Letter {
            locale,
            subject: subject(locale, self.reference),
            blocks,
        }
    }

    fn documents(&self, documents: &[Document]) -> Vec<Block> {
        let locale = self.locale;
        vec![
            Block::Heading(td_string!(locale, mail.documents_heading).to_owned()),
            Block::List(
                documents
                    .iter()
                    .map(|document| words::document(locale, *document))
                    .collect(),
            ),
        ]
    }

    /// The days the steps are expected on, as the status page says them,
    /// and where they come from (nothing when none is expected).
    fn expected(&self, expected: &[domain::forecast::Expected]) -> Vec<Block> {
        let locale = self.locale;
        if expected.is_empty() {
            return Vec::new();
        }
        let mut blocks = vec![
            Block::Heading(td_string!(locale, mail.expected_heading).to_owned()),
            Block::List(
                expected
                    .iter()
                    .map(|each| {
                        let (step, when) = crate::forecast::expected_words(locale, each);
                        format!("{step}: {when}")
                    })
                    .collect(),
            ),
        ];
        blocks.extend(crate::forecast::basis_words(locale, expected).map(Block::Paragraph));
        blocks
    }

    fn fee(&self) -> Vec<Block> {
        let locale = self.locale;
        let total = format::yen(locale, SECOND_OPINION_FEE.total());
        let minutes = APPOINTMENT_MINUTES;
        vec![
            Block::Heading(td_string!(locale, mail.fee_heading).to_owned()),
            Block::Paragraph(td_string!(locale, mail.fee, total, minutes).to_string()),
        ]
    }

    /// The three answer links, as placeholders the mail task fills.
    fn answer_links(&self) -> Vec<Block> {
        let locale = self.locale;
        vec![
            Block::Heading(td_string!(locale, mail.answer_heading).to_owned()),
            Block::Paragraph(td_string!(locale, mail.answer_intro).to_owned()),
            Block::Links(
                PatientAnswer::ALL
                    .iter()
                    .map(|answer| {
                        (
                            words::patient_answer(locale, *answer).to_owned(),
                            placeholder(*answer),
                        )
                    })
                    .collect(),
            ),
        ]
    }

    fn slot(&self, slot: Slot) -> String {
        let locale = self.locale;
        let day = format::date(locale, slot.day);
        let start = slot.start.format("%H:%M").to_string();
        let minutes = APPOINTMENT_MINUTES;
        td_string!(locale, mail.appointment, day, start, minutes).to_string()
    }

    /// The request is received: when, the window, what to bring, the fee.
    pub fn received(
        &self,
        window: &AppointmentWindow,
        contact_first: bool,
        documents: &[Document],
        expected: &[domain::forecast::Expected],
    ) -> Letter {
        let locale = self.locale;
        let receipt = format::date(locale, window.receipt);
        let earliest = format::date(locale, window.earliest);
        let latest = format::date(locale, window.latest);
        let mut body = Vec::new();
        if contact_first {
            body.push(Block::Paragraph(
                td_string!(locale, mail.contact_first).to_owned(),
            ));
        }
        body.push(Block::Paragraph(
            td_string!(locale, mail.received, receipt, earliest, latest).to_string(),
        ));
        body.extend(self.expected(expected));
        body.extend(self.documents(documents));
        body.extend(self.fee());
        self.letter(td_string!(locale, mail.received_heading).to_owned(), body)
    }

    /// An appointment is booked, or moved from `previous`.
    pub fn booked(&self, slot: Slot, previous: Option<Slot>, documents: &[Document]) -> Letter {
        let locale = self.locale;
        let heading = if previous.is_some() {
            td_string!(locale, mail.moved_heading)
        } else {
            td_string!(locale, mail.booked_heading)
        };
        let mut body = vec![Block::Paragraph(self.slot(slot))];
        if let Some(previous) = previous {
            let day = format::date(locale, previous.day);
            let start = previous.start.format("%H:%M").to_string();
            body.push(Block::Paragraph(
                td_string!(locale, mail.moved_from, day, start).to_string(),
            ));
        }
        body.push(Block::Paragraph(
            td_string!(locale, mail.where_to_go).to_owned(),
        ));
        body.push(Block::Paragraph(
            td_string!(locale, mail.calendar).to_owned(),
        ));
        body.extend(self.answer_links());
        body.extend(self.documents(documents));
        body.extend(self.fee());
        self.letter(heading.to_owned(), body)
    }

    /// The appointment is cancelled.
    pub fn cancelled(&self, slot: Slot) -> Letter {
        let locale = self.locale;
        let day = format::date(locale, slot.day);
        let start = slot.start.format("%H:%M").to_string();
        let body = vec![
            Block::Paragraph(td_string!(locale, mail.cancelled, day, start).to_string()),
            Block::Paragraph(td_string!(locale, mail.calendar).to_owned()),
        ];
        self.letter(td_string!(locale, mail.cancelled_heading).to_owned(), body)
    }

    /// The reminder, on the consultation day before.
    pub fn reminder(&self, slot: Slot, documents: &[Document]) -> Letter {
        let locale = self.locale;
        let mut body = vec![
            Block::Paragraph(td_string!(locale, mail.reminder_next).to_owned()),
            Block::Paragraph(self.slot(slot)),
            Block::Paragraph(td_string!(locale, mail.where_to_go).to_owned()),
        ];
        body.extend(self.answer_links());
        body.extend(self.documents(documents));
        body.extend(self.fee());
        self.letter(td_string!(locale, mail.reminder_heading).to_owned(), body)
    }

    /// The first message to an address: confirm it. Nothing else goes to
    /// it before; whoever did not ask ignores it and hears no more.
    pub fn confirm_address(&self) -> Letter {
        let locale = self.locale;
        let body = vec![
            Block::Paragraph(td_string!(locale, mail.confirm_intro).to_owned()),
            Block::Links(vec![(
                td_string!(locale, mail.confirm_link).to_owned(),
                super::answer_links::CONFIRM_URL.to_owned(),
            )]),
            Block::Paragraph(td_string!(locale, mail.confirm_not_you).to_owned()),
        ];
        self.letter(td_string!(locale, mail.confirm_heading).to_owned(), body)
    }

    /// The one-time link to the request form, asked for on the status
    /// page; whoever did not ask is told so.
    pub fn form_link(&self) -> Letter {
        let locale = self.locale;
        let body = vec![
            Block::Paragraph(td_string!(locale, mail.form_link_intro).to_owned()),
            Block::Links(vec![(
                td_string!(locale, mail.form_link_link).to_owned(),
                super::answer_links::FORM_URL.to_owned(),
            )]),
            Block::Paragraph(td_string!(locale, mail.form_link_once).to_owned()),
            Block::Paragraph(td_string!(locale, mail.form_link_not_you).to_owned()),
        ];
        self.letter(td_string!(locale, mail.form_link_heading).to_owned(), body)
    }

    /// The written opinion was sent to the present doctor, `doctor`, on
    /// `on` (never what it says).
    pub fn report_sent(&self, on: NaiveDate, doctor: &str) -> Letter {
        let locale = self.locale;
        let day = format::date(locale, on);
        let doctor = doctor.to_owned();
        let body = vec![
            Block::Paragraph(td_string!(locale, mail.report_sent, day, doctor).to_string()),
            Block::Paragraph(td_string!(locale, mail.report_sent_next).to_owned()),
        ];
        self.letter(
            td_string!(locale, mail.report_sent_heading).to_owned(),
            body,
        )
    }

    /// The request is declined, for `reason`.
    pub fn declined(&self, reason: DeclineReason) -> Letter {
        let locale = self.locale;
        let reason = decline_reason(locale, reason);
        let body = vec![
            Block::Paragraph(td_string!(locale, mail.declined).to_owned()),
            Block::Paragraph(td_string!(locale, mail.declined_reason, reason).to_string()),
            Block::Paragraph(td_string!(locale, mail.declined_what_next).to_owned()),
        ];
        self.letter(td_string!(locale, mail.declined_heading).to_owned(), body)
    }
}

/// A decline reason as the patient is told it (reception's own words for
/// "other" stay inside the hospital).
fn decline_reason(locale: Locale, reason: DeclineReason) -> &'static str {
    use DeclineReason as R;
    match reason {
        R::PatientDoesNotAgree => td_string!(locale, mail.reason_patient_does_not_agree),
        R::PresentDoctorDoesNotEncourage => {
            td_string!(locale, mail.reason_present_doctor_does_not_encourage)
        }
        R::Transfer => td_string!(locale, mail.reason_transfer),
        R::Litigation => td_string!(locale, mail.reason_litigation),
        R::OutsideSpecialties => td_string!(locale, mail.reason_outside_specialties),
        R::CouldNotContact => td_string!(locale, mail.reason_could_not_contact),
        R::Other => td_string!(locale, mail.reason_other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> Reference {
        Reference::parse("ABCD-2345").expect("a reference")
    }

    fn expected() -> Vec<domain::forecast::Expected> {
        use domain::forecast::{Basis, Expected, Stage};
        let day = |text: &str| text.parse::<NaiveDate>().expect("a day");
        vec![
            Expected {
                stage: Stage::Visit,
                from: day("2026-12-15"),
                to: day("2026-12-18"),
                basis: Basis::Recent(31),
            },
            Expected {
                stage: Stage::Report,
                from: day("2026-12-22"),
                to: day("2027-01-06"),
                basis: Basis::Recent(24),
            },
        ]
    }

    #[test]
    fn the_received_letter_says_the_forecast_and_where_it_comes_from() {
        let letter = &letters(Locale::en)[0];
        let text = letter.text();
        assert!(
            text.contains(
                "Your appointment: most likely between Tue 15 Dec 2026 and Fri 18 Dec 2026"
            ),
            "{text}"
        );
        assert!(
            text.contains("The report to your doctor: by Wed 6 Jan 2027"),
            "{text}"
        );
        assert!(text.contains("at least 24 requests"), "{text}");
        let ja = letters(Locale::ja)[0].text();
        assert!(ja.contains("主治医への回答書の送付"), "{ja}");
    }

    fn letters(locale: Locale) -> Vec<Letter> {
        let reference = reference();
        let about = About {
            locale,
            reference: &reference,
            status_url: "https://so.hospital.example.jp/status",
        };
        let day = |text: &str| text.parse::<NaiveDate>().expect("a day");
        let slot = Slot {
            day: day("2026-12-16"),
            start: NaiveTime::from_hms_opt(10, 30, 0).expect("a time"),
        };
        let window = AppointmentWindow {
            receipt: day("2026-12-03"),
            earliest: day("2026-12-14"),
            latest: day("2026-12-23"),
        };
        let documents = [Document::RequestForm, Document::ReferralLetter];
        vec![
            about.received(&window, true, &documents, &expected()),
            about.booked(slot, None, &documents),
            about.booked(slot, Some(slot), &documents),
            about.cancelled(slot),
            about.reminder(slot, &documents),
            about.declined(DeclineReason::CouldNotContact),
            about.confirm_address(),
            about.form_link(),
        ]
    }

    #[test]
    fn every_subject_is_the_service_and_the_reference_only() {
        assert_eq!(
            subject(Locale::en, &reference()),
            "Second opinion outpatient service: reference ABCD-2345"
        );
        for locale in [Locale::ja, Locale::en] {
            for letter in letters(locale) {
                assert_eq!(letter.subject, subject(locale, &reference()));
            }
        }
    }

    #[test]
    fn every_letter_names_the_reference_and_the_status_page_in_text_and_html() {
        for locale in [Locale::ja, Locale::en] {
            for letter in letters(locale) {
                for body in [letter.text(), letter.html()] {
                    assert!(body.contains("ABCD-2345"), "{body}");
                    assert!(
                        body.contains("https://so.hospital.example.jp/status"),
                        "{body}"
                    );
                }
                assert!(
                    letter
                        .html()
                        .contains("<a href=\"https://so.hospital.example.jp/status\">")
                );
            }
        }
    }

    #[test]
    fn appointments_are_told_in_japan_time_and_each_language() {
        let ja = letters(Locale::ja)[1].text();
        assert!(ja.contains("2026年12月16日(水) 10:30から"), "{ja}");
        let en = letters(Locale::en)[1].text();
        assert!(en.contains("Wed 16 Dec 2026 at 10:30"), "{en}");
    }

    #[test]
    fn bookings_and_reminders_offer_the_three_answers_and_nothing_else_does() {
        for locale in [Locale::ja, Locale::en] {
            let offers: Vec<bool> = letters(locale)
                .iter()
                .map(|letter| crate::mail::answer_links::has_links(&letter.text()))
                .collect();
            assert_eq!(
                offers,
                [false, true, true, false, true, false, false, false]
            );
        }
    }

    #[test]
    fn html_is_escaped() {
        let letter = Letter {
            locale: Locale::en,
            subject: "s".into(),
            blocks: vec![Block::Paragraph("<script>alert(1)</script> & more".into())],
        };
        assert!(
            letter
                .html()
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more")
        );
    }
}
