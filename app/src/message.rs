//! What a message to the patient tells and where it stands: the codes the
//! outbox stores, reception's pages show and `words` puts in words.

/// What a message tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    Received,
    Booked,
    Moved,
    Cancelled,
    Reminder,
    Declined,
    /// The written opinion reached the present doctor.
    ReportSent,
    /// The first message to an address: confirm it (nothing else goes to
    /// it before).
    ConfirmAddress,
    /// The one-time link to the full request form, asked for on `/status`
    /// (only to a confirmed address).
    FormLink,
}

domain::codes!(MessageKind {
    Received => "received",
    Booked => "booked",
    Moved => "moved",
    Cancelled => "cancelled",
    Reminder => "reminder",
    Declined => "declined",
    ReportSent => "report_sent",
    ConfirmAddress => "confirm_address",
    FormLink => "form_link",
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

/// Where a case's e-mail address stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AddressState {
    /// A confirmation was asked for; nothing else goes before it.
    Pending,
    /// Too many confirmations went to this address today: none for this
    /// request (reception tells the patient in other ways).
    NotAsked,
    Confirmed,
}

/// What asking for the one-time link to the request form (on `/status`)
/// came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FormLinkAnswer {
    /// Written to the confirmed address; it goes out in a moment.
    Sent,
    /// No confirmed address: reception gives a copy.
    NoConfirmedAddress,
    /// Three today already.
    TooMany,
    Busy,
}
