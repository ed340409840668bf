//! E-mail to the patient (server only): how each message is written
//! (`letter`), its calendar file (`invitation`), the outbox that keeps it
//! until it is sent (`outbox`) and the answer links it carries
//! (`answer_links`). What a message tells and where it stands are codes of
//! `crate::message`, which reception's pages show too. Sending itself is
//! the server binary's mail task.

pub mod answer_links;
pub mod invitation;
pub mod letter;
pub mod outbox;
pub mod store;

/// What writing a message needs to know of the service (server only): the
/// public address its links lead to, the domain of its `Message-ID`s and
/// calendar `UID`s, and whether a mail server is configured (without one,
/// messages wait in the outbox, and reception's pages say so).
#[derive(Debug, Clone)]
pub struct MailSetup {
    pub public_url: std::sync::Arc<str>,
    pub domain: std::sync::Arc<str>,
    /// The sending address, named as the invitations' organizer.
    pub organizer: Option<std::sync::Arc<str>>,
    pub sending: bool,
}

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
