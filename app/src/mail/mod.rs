//! E-mail to the patient: the kinds of message and where each stands
//! (shared, for reception's pages), and, on the server, how each is
//! written (`letter`), its calendar file (`invitation`) and the outbox that
//! keeps it until it is sent (`outbox`). Sending itself is the server
//! binary's mail task.

#[cfg(feature = "ssr")]
pub mod invitation;
#[cfg(feature = "ssr")]
pub mod letter;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod respond;

/// What a message tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    Received,
    Booked,
    Moved,
    Cancelled,
    Reminder,
    Declined,
}

domain::codes!(MessageKind {
    Received => "received",
    Booked => "booked",
    Moved => "moved",
    Cancelled => "cancelled",
    Reminder => "reminder",
    Declined => "declined",
});

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageStatus {
    /// Waiting to be sent (or to be tried again).
    Queued,
    Sent,
    /// Tried for a day without success.
    Failed,
    /// A reminder of an appointment that ended before it was due, or a
    /// message about an appointment that began before it could go.
    Withdrawn,
}

domain::codes!(MessageStatus {
    Queued => "queued",
    Sent => "sent",
    Failed => "failed",
    Withdrawn => "withdrawn",
});

/// A message as reception's case page lists it (times in Japan time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub id: i64,
    pub kind: MessageKind,
    pub recipient: String,
    pub status: MessageStatus,
    pub due_at: String,
    pub attempts: i64,
    pub last_attempt_at: Option<String>,
    /// The mail server's last answer, or why it could not be reached.
    pub last_answer: Option<String>,
    pub sent_at: Option<String>,
}

/// What writing a message needs to know of the service (server only): the
/// public address its links lead to, the domain of its `Message-ID`s and
/// calendar `UID`s, and whether a mail server is configured (without one,
/// messages wait in the outbox, and reception's pages say so).
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct MailSetup {
    pub public_url: std::sync::Arc<str>,
    pub domain: std::sync::Arc<str>,
    /// The sending address, named as the invitations' organizer.
    pub organizer: Option<std::sync::Arc<str>>,
    pub sending: bool,
}

#[cfg(feature = "ssr")]
impl MailSetup {
    /// The setup of a service reached at `public_url` (`https://host`),
    /// sending from the address `from` (a bare address) when a mail server
    /// is configured.
    pub fn new(public_url: &str, from: Option<&str>, sending: bool) -> Self {
        let public_url = public_url.trim_end_matches('/');
        let host = public_url
            .split("://")
            .nth(1)
            .unwrap_or(public_url)
            .split(['/', ':'])
            .next()
            .unwrap_or("localhost");
        Self {
            public_url: public_url.into(),
            domain: from
                .and_then(|from| from.rsplit_once('@'))
                .map_or(host, |(_, domain)| domain.trim_end_matches('>'))
                .into(),
            organizer: from.map(Into::into),
            sending,
        }
    }

    /// The page where the patient checks the status.
    pub fn status_url(&self) -> String {
        format!("{}/status", self.public_url)
    }
}
