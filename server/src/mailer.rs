//! The mail task: sends the outbox's due messages over SMTP with `lettre`,
//! one at a time, and records each mail server's answer. A message that
//! cannot be sent is tried again after growing waits for a day, then
//! marked failed (and audited) for reception to see. Nothing about a
//! message but its number and the server's reply code reaches the log.

use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::AnyPool;

use app::audit::AuditAction;
use app::audit::chain::Entry;
use app::mail::MailSetup;
use app::mail::answer_links::{self, LinkKey};
use app::mail::outbox::{self, Retries};
use app::mail::store::{self, Outgoing};

use crate::cli::MailArgs;

/// How many due messages are read at once.
const BATCH: i64 = 20;
/// How many messages are sent at once, each over its own connection.
const CONNECTIONS: usize = 4;
/// How often the outbox is looked at when it has nothing due.
const IDLE: Duration = Duration::from_secs(1);

/// The mail setup the settings describe, with the mail task started when a
/// mail server is set: messages' links lead to `--public-url`, or to the
/// address the service listens on.
pub fn start(
    args: &MailArgs,
    listening: std::net::SocketAddr,
    secret: &[u8; 32],
    pool: &AnyPool,
) -> Result<(MailSetup, Option<MailTask>)> {
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{listening}"));
    let from = args.mail_from.as_ref().map(|from| from.email.to_string());
    let setup = MailSetup::new(&public_url, from.as_deref(), args.smtp_url.is_some());
    let Some(mailer) = Mailer::from_args(args, &setup, secret)? else {
        tracing::warn!(
            "no mail server configured (--smtp-url): e-mail to patients waits in the outbox"
        );
        return Ok((setup, None));
    };
    tracing::info!("e-mail to patients is sent through the configured mail server");
    let (mailer, pool) = (std::sync::Arc::new(mailer), pool.clone());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // Should the task ever stop on a fault, it starts again: the outbox
    // keeps what it had not sent.
    let done = tokio::spawn(async move {
        loop {
            let (task, pool, stopped) = (
                std::sync::Arc::clone(&mailer),
                pool.clone(),
                stopped.clone(),
            );
            match tokio::spawn(async move { task.run(pool, stopped).await }).await {
                Ok(()) => break,
                Err(error) => {
                    tracing::error!("the mail task stopped ({error}); starting it again");
                    tokio::time::sleep(IDLE).await;
                }
            }
        }
    });
    Ok((setup, Some(MailTask { stop, done })))
}

/// The running mail task, to stop when the service stops: `stop` asks it
/// to take no new message; those in hand are sent and recorded (a message
/// cut off mid-send would be sent again after the restart, its sending
/// never recorded).
#[derive(Debug)]
pub struct MailTask {
    pub stop: tokio::sync::watch::Sender<bool>,
    done: tokio::task::JoinHandle<()>,
}

impl MailTask {
    /// Waits, up to `allowance`, for the messages in hand.
    pub async fn finished(self, allowance: Duration) {
        if tokio::time::timeout(allowance, self.done).await.is_err() {
            tracing::warn!(
                "the mail task did not finish within {allowance:?}; stopping without it"
            );
        }
    }
}

/// Waits a moment before the outbox is read again, or until told to stop.
async fn idle(stopped: &mut tokio::sync::watch::Receiver<bool>) {
    tokio::select! {
        () = tokio::time::sleep(IDLE) => {}
        _ = stopped.changed() => {}
    }
}

/// What sending needs: the mail server, the sender, and how to retry.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    setup: MailSetup,
    links: LinkKey,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    retries: Retries,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// The mailer the settings describe, or `None` without `--smtp-url`;
    /// its links lead to `setup`'s address, with tokens derived from
    /// `secret`.
    pub fn from_args(
        args: &MailArgs,
        setup: &MailSetup,
        secret: &[u8; 32],
    ) -> Result<Option<Self>> {
        let (Some(url), Some(from)) = (&args.smtp_url, &args.mail_from) else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("cannot read --smtp-url (smtp://host:port, smtps://host:port, or smtp://host:port?tls=required)")?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let hours = args.mail_give_up_hours.clamp(0.0, 24.0 * 7.0);
        #[allow(clippy::cast_possible_truncation, reason = "at most a week of seconds")]
        let give_up = chrono::Duration::seconds((hours * 3600.0).round() as i64);
        Ok(Some(Self {
            transport,
            setup: setup.clone(),
            links: LinkKey::derive(secret),
            from: from.clone(),
            reply_to: args.mail_reply_to.clone(),
            retries: Retries {
                first_delay: chrono::Duration::seconds(i64::from(args.mail_retry_seconds.max(1))),
                give_up_after: give_up,
                ..Retries::default()
            },
        }))
    }

    /// Sends what is due, until `stopped` says to stop (then it returns
    /// once the messages in hand are sent and recorded).
    pub async fn run(&self, pool: AnyPool, mut stopped: tokio::sync::watch::Receiver<bool>) {
        loop {
            if *stopped.borrow() {
                return;
            }
            let due = match store::due(&pool, app::clock::now(), BATCH).await {
                Ok(due) => due,
                Err(error) => {
                    tracing::warn!("cannot read the outbox: {error}");
                    idle(&mut stopped).await;
                    continue;
                }
            };
            let full = i64::try_from(due.len()).unwrap_or(BATCH) >= BATCH;
            let faults = std::sync::atomic::AtomicBool::new(false);
            // Each case's messages go in order, one after another; cases go
            // side by side over a few connections, since each message
            // otherwise waits for the mail server's round trips.
            let mut by_case: Vec<Vec<Outgoing>> = Vec::new();
            for message in due {
                match by_case
                    .iter_mut()
                    .find(|group| group[0].case_id == message.case_id)
                {
                    Some(group) => group.push(message),
                    None => by_case.push(vec![message]),
                }
            }
            futures_util::stream::iter(by_case)
                .for_each_concurrent(CONNECTIONS, |group| {
                    let (pool, mailer, faults, stopped) = (&pool, self, &faults, &stopped);
                    async move {
                        for message in group {
                            if *stopped.borrow() {
                                break;
                            }
                            match mailer.claimed_send(pool, &message).await {
                                Ok(true) => {}
                                // Not sent: the case's later messages wait,
                                // so that they never overtake it.
                                Ok(false) => break,
                                Err(error) => {
                                    tracing::warn!(
                                        "cannot record message {}'s attempt: {error}",
                                        message.id
                                    );
                                    faults.store(true, std::sync::atomic::Ordering::Relaxed);
                                    break;
                                }
                            }
                        }
                    }
                })
                .await;
            // A full batch may have more behind it; after a fault (the
            // database busy), wait rather than try the same again at once.
            if !full || faults.into_inner() {
                idle(&mut stopped).await;
            }
        }
    }

    /// [`send`](Self::send) once this process holds the message (another
    /// service process on the same database may be sending it, or have
    /// sent it since the outbox was read: then the case's later messages
    /// wait for the next round).
    async fn claimed_send(&self, pool: &AnyPool, message: &Outgoing) -> Result<bool, sqlx::Error> {
        let Some(claim) = store::claim(pool, message.id, app::clock::now()).await? else {
            return Ok(false);
        };
        let sent = self.send(pool, message).await;
        store::release(claim).await;
        sent
    }

    /// Tries one message once and records what happened; whether the
    /// case's later messages may go (it went, or was withdrawn).
    async fn send(&self, pool: &AnyPool, message: &Outgoing) -> Result<bool, sqlx::Error> {
        if message.overtaken {
            store::withdraw(pool, message.id).await?;
            tracing::info!(
                "message {} withdrawn: its appointment has begun",
                message.id
            );
            return Ok(true);
        }
        let mut message = message.clone();
        let links = if answer_links::has_links(&message.text_body) {
            outbox::response_links(pool, &message, &self.links, &self.setup, app::clock::now())
                .await?
        } else {
            Vec::new()
        };
        let status = self.setup.status_url();
        message.text_body = answer_links::fill(&message.text_body, &links, &status);
        message.html_body = answer_links::fill(&message.html_body, &links, &status);
        if message.text_body.contains(answer_links::FORM_URL) {
            let link =
                outbox::form_link(pool, &message, &self.links, &self.setup, app::clock::now())
                    .await?;
            message.text_body = message.text_body.replace(answer_links::FORM_URL, &link);
            message.html_body = message.html_body.replace(answer_links::FORM_URL, &link);
        }
        if message.text_body.contains(answer_links::CONFIRM_URL) {
            let link = outbox::confirmation_link(
                pool,
                &message,
                &self.links,
                &self.setup,
                app::clock::now(),
            )
            .await?;
            message.text_body = message.text_body.replace(answer_links::CONFIRM_URL, &link);
            message.html_body = message.html_body.replace(answer_links::CONFIRM_URL, &link);
        }
        let message = &message;
        // An address the mail library cannot write (the form takes some that
        // Japanese carriers once gave out) will never go: failed at once.
        let unusable = message.recipient.parse::<Mailbox>().is_err();
        let outcome = match self.email(message) {
            Ok(email) => self.transport.send(email).await.map_err(|error| {
                let code = error.status().map(|code| code.to_string());
                (error.to_string(), code)
            }),
            Err(error) => Err((error, None)),
        };
        let now = app::clock::now();
        match outcome {
            Ok(response) => {
                let answer = format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                );
                store::mark_sent(pool, message.id, &answer, now).await?;
                tracing::info!("message {} sent", message.id);
                Ok(true)
            }
            Err((answer, code)) => {
                let first_try = message
                    .first_tried_at
                    .as_deref()
                    .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
                    .map_or(now, |at| at.with_timezone(&Utc));
                let next = if unusable {
                    None
                } else {
                    self.retries
                        .next_attempt(first_try, message.attempts + 1, now)
                };
                let failed = next.is_none().then(|| Entry {
                    case_id: Some(message.case_id),
                    after: Some(&message.kind),
                    ..Entry::of(AuditAction::MessageFailed)
                });
                store::mark_not_sent(pool, message.id, &answer, next, now, failed).await?;
                let code = code.unwrap_or_else(|| "no answer".to_owned());
                if next.is_none() {
                    tracing::warn!(
                        "message {} failed after {} attempts ({code})",
                        message.id,
                        message.attempts + 1
                    );
                } else {
                    tracing::warn!(
                        "message {} not sent yet ({code}); will try again",
                        message.id
                    );
                }
                Ok(false)
            }
        }
    }

    /// The e-mail: plain text with an HTML alternative, and the invitation
    /// (inline, for mail readers that show its buttons, and attached).
    fn email(&self, message: &Outgoing) -> Result<Message, String> {
        let to: Mailbox = message
            .recipient
            .parse()
            .map_err(|error| format!("the address cannot be used: {error}"))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .message_id(Some(message.message_id.clone()));
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        let mut alternative = MultiPart::alternative()
            .singlepart(SinglePart::plain(message.text_body.clone()))
            .singlepart(SinglePart::html(message.html_body.clone()));
        let body = match &message.calendar {
            Some(ics) => {
                let kind = ContentType::parse(message.calendar_type())
                    .map_err(|error| format!("calendar type: {error}"))?;
                alternative = alternative
                    .singlepart(SinglePart::builder().header(kind.clone()).body(ics.clone()));
                MultiPart::mixed().multipart(alternative).singlepart(
                    Attachment::new("invitation.ics".to_owned()).body(ics.clone(), kind),
                )
            }
            None => alternative,
        };
        builder
            .multipart(body)
            .map_err(|error| format!("the message cannot be built: {error}"))
    }
}
