//! The appointment as an iCalendar file (RFC 5545, written with the
//! `icalendar` crate): one entry per case, the same `UID` whenever it is
//! booked, moved or cancelled, each version with a higher `SEQUENCE`, so
//! that a phone's calendar updates the entry it already has. Times are
//! Japan's (`TZID=Asia/Tokyo`, defined in the file itself).

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use domain::case::APPOINTMENT_MINUTES;
use domain::reference::Reference;
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus, Property};

use crate::i18n::{Locale, td_string};

/// Japan's time zone, by its IANA name.
pub const TOKYO: &str = "Asia/Tokyo";

/// Whether the file offers the appointment (by e-mail), withdraws it, or
/// is only a copy to open (downloaded from the status page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
    Publish,
}

/// One version of a case's appointment entry.
#[derive(Debug, Clone)]
pub struct Invitation<'a> {
    pub locale: Locale,
    pub reference: &'a Reference,
    /// The entry's identity: the same for every version of the case's
    /// appointment.
    pub uid: String,
    /// 0 for the first booking, then one more at each change.
    pub sequence: u32,
    /// The start, in Japan time.
    pub start: NaiveDateTime,
    pub method: Method,
    /// The hospital's sending address, when mail is configured (an
    /// invitation sent by e-mail names its organizer).
    pub organizer: Option<&'a str>,
    pub attendee: Option<&'a str>,
    pub stamp: DateTime<Utc>,
}

/// The `UID` of a case's appointment entry: the same whatever the
/// service's settings are when it is booked, moved or cancelled.
pub fn uid(reference: &Reference) -> String {
    format!(
        "appointment-{}@second-opinion.hospital",
        reference.compact().to_lowercase()
    )
}

impl Invitation<'_> {
    /// The `.ics` file's text.
    pub fn to_ics(&self) -> String {
        let locale = self.locale;
        let hospital = td_string!(locale, hospital);
        let reference = self.reference.to_string();
        let at = |moment: NaiveDateTime| CalendarDateTime::WithTimezone {
            date_time: moment,
            tzid: TOKYO.to_owned(),
        };
        let end = self.start + Duration::minutes(i64::from(APPOINTMENT_MINUTES));
        let mut event = Event::new();
        event
            .uid(&self.uid)
            .sequence(self.sequence)
            .timestamp(self.stamp)
            .starts(at(self.start))
            .ends(at(end))
            .summary(&td_string!(locale, mail.invitation_summary, hospital).to_string())
            .location(&td_string!(locale, mail.invitation_location, hospital).to_string())
            .description(&td_string!(locale, mail.invitation_description, reference).to_string())
            .status(match self.method {
                Method::Request | Method::Publish => EventStatus::Confirmed,
                Method::Cancel => EventStatus::Cancelled,
            });
        if let Some(organizer) = self.organizer.filter(|_| self.method != Method::Publish) {
            event.append_property(Property::new("ORGANIZER", format!("mailto:{organizer}")));
        }
        if let Some(attendee) = self.attendee {
            let mut property = Property::new("ATTENDEE", format!("mailto:{attendee}"));
            property.add_parameter("ROLE", "REQ-PARTICIPANT");
            event.append_multi_property(property);
        }
        let mut calendar = Calendar::new();
        calendar
            .append_property(Property::new(
                "METHOD",
                match self.method {
                    Method::Request => "REQUEST",
                    Method::Cancel => "CANCEL",
                    Method::Publish => "PUBLISH",
                },
            ))
            .push(event.done());
        // Japan keeps one offset all year; the definition lets any reader
        // place TZID=Asia/Tokyo without a time-zone database.
        let text = calendar.done().to_string();
        text.replacen(
            "BEGIN:VEVENT",
            "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
             TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n\
             BEGIN:VEVENT",
            1,
        )
    }

    /// The MIME type of the file, with its method (mail readers show an
    /// invitation's buttons from it).
    pub fn content_type(&self) -> &'static str {
        match self.method {
            Method::Request => "text/calendar; method=REQUEST; charset=utf-8",
            Method::Cancel => "text/calendar; method=CANCEL; charset=utf-8",
            Method::Publish => "text/calendar; method=PUBLISH; charset=utf-8",
        }
    }
}
