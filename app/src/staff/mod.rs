//! Reception: the pages staff use at counter 1, and (on the server) their
//! accounts, sessions, data and actions.
//!
//! Every staff page is rendered on the server only, from a page state that
//! the `server` crate loads after checking the session and provides as
//! context; the forms post back to the server. None of it reaches the
//! browser's bundle, and no staff data is ever in a server function that a
//! browser could call without a session.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::case::{CaseStatus, DeclineReason, RefusedStep, ScheduleProblem, Step, Urgency};
use domain::reference::Reference;
use domain::{AppointmentWindow, Document, Verdict};

use crate::area::AreaCode;

#[cfg(feature = "ssr")]
pub mod actions;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod csv;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use error::StaffError;

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Works the queue and the cases.
    Reception,
    /// Reception, plus the specialists, departments and closure days.
    Admin,
}

domain::codes!(Role {
    Reception => "reception",
    Admin => "admin",
});

/// The signed-in staff member, in the session their browser brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub user_id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub session_id: i64,
    /// When the session ends if nothing is done before (30 minutes idle,
    /// or 12 hours after sign-in if that comes first).
    pub session_ends: DateTime<Utc>,
    /// Whether that end is the idle limit (else the 12 hours).
    pub ends_when_idle: bool,
}

/// `/staff/login`: login and password, the first step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginPage {
    pub login: String,
    /// Where to go after signing in (a path under `/staff`).
    pub next: String,
    pub problem: Option<LoginProblem>,
}

/// `/staff/login/code`: the code from the authenticator app, the second
/// step, for the sign-in whose password was accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodePage {
    pub problem: Option<LoginProblem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginProblem {
    /// Unknown login, wrong password or disabled account: one message.
    Refused,
    /// The code (or recovery code) is not right, or was used already.
    CodeRefused,
    /// Too many failures for this login from this address: how many
    /// minutes until the next attempt is taken.
    TooManyAttempts {
        minutes: i64,
    },
    /// The password is right but the account has no second factor yet.
    NotEnrolled,
    /// The five minutes between password and code are over: start again.
    Expired,
    SignedOut,
    /// The session ended after 30 minutes without use (or 12 hours).
    SessionEnded,
}

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    ContainsLogin,
    ContainsHospitalName,
    /// On the list of commonly used passwords.
    Common,
    /// The strength estimator finds it easy to guess, and why.
    Weak(WeakBecause),
}

/// What makes a password easy to guess, as the estimator found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeakBecause {
    KeyboardPattern,
    Repeats,
    Sequence,
    DatesOrYears,
    CommonWords,
    Names,
    Short,
}

/// `/staff/account`: the member's own password and sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountPage {
    pub sessions: Vec<SessionRow>,
    pub recovery_codes_left: u32,
    /// Japan time, `YYYY-MM-DD HH:MM:SS`, if it was ever changed.
    pub password_changed: Option<String>,
    pub problem: Option<AccountProblem>,
    pub notice: Option<AccountNotice>,
}

/// Why the password was not changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountProblem {
    WrongPassword,
    WrongCode,
    /// The new password and its repetition differ.
    Mismatch,
    NewPassword(PasswordProblem),
    TooManyAttempts {
        minutes: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountNotice {
    PasswordChanged,
    SessionEnded,
    OthersEnded,
}

/// A live session, as its member (or an admin) sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: i64,
    /// Japan time, `YYYY-MM-DD HH:MM:SS`.
    pub started: String,
    pub last_used: String,
    pub address: String,
    /// The browser and its system, in short.
    pub browser: String,
    /// The session of the page being shown.
    pub current: bool,
}

/// The sign-in alerts open on the admins' pages, as the server provides
/// them with an admin's page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alerts(pub Vec<SignInAlert>);

/// `/staff/accounts` (admins): every member, with their live sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountsPage {
    pub members: Vec<MemberRow>,
    pub notice: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Whether the second factor is enrolled.
    pub enrolled: bool,
    pub sessions: Vec<SessionRow>,
}

/// Many failed sign-ins for one login, shown to admins until one of them
/// acknowledges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInAlert {
    pub id: i64,
    /// The account's login; `None` for a login that does not exist, shown
    /// by `key`, the start of its keyed hash.
    pub login: Option<String>,
    pub key: String,
    pub failures: i64,
    pub addresses: i64,
    /// Japan time, `YYYY-MM-DD HH:MM:SS`.
    pub first_at: String,
    pub last_at: String,
}

/// How the queue is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueueSort {
    /// Longest waiting first (receipt day, then reference).
    #[default]
    Oldest,
    Newest,
    Reference,
    Name,
}

domain::codes!(QueueSort {
    Oldest => "oldest",
    Newest => "newest",
    Reference => "reference",
    Name => "name",
});

/// The queue's filters, read from and written to the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilters {
    pub status: Option<CaseStatus>,
    pub area: Option<AreaCode>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// A reference (with or without its dash) or part of a name or reading.
    pub search: String,
    pub sort: QueueSort,
    /// From 1.
    pub page: u32,
}

impl QueueFilters {
    /// Reads the filters from query pairs; anything unreadable is ignored.
    pub fn from_query(pairs: &[(String, String)]) -> Self {
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim())
                .filter(|value| !value.is_empty())
        };
        Self {
            status: value("status").and_then(CaseStatus::from_code),
            area: value("area").and_then(AreaCode::from_code),
            from: value("from").and_then(|d| d.parse().ok()),
            to: value("to").and_then(|d| d.parse().ok()),
            search: value("q")
                .map(|q| q.chars().take(100).collect())
                .unwrap_or_default(),
            sort: value("sort")
                .and_then(QueueSort::from_code)
                .unwrap_or_default(),
            page: value("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        }
    }

    /// The query string of these filters (without `?`), `page` left out.
    pub fn to_query(&self) -> String {
        serde_urlencoded::to_string(self.pairs()).unwrap_or_default()
    }

    /// The filters as the form's name/value pairs, `page` left out.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = Vec::new();
        if let Some(status) = self.status {
            pairs.push(("status", status.code().to_owned()));
        }
        if let Some(area) = self.area {
            pairs.push(("area", area.code().to_owned()));
        }
        if let Some(from) = self.from {
            pairs.push(("from", from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        if !self.search.is_empty() {
            pairs.push(("q", self.search.clone()));
        }
        if self.sort != QueueSort::default() {
            pairs.push(("sort", self.sort.code().to_owned()));
        }
        pairs
    }

    /// A link to another page of the same list (never with a search: a
    /// name does not go in a URL; see `pairs`).
    pub fn page_link(&self, page: u32) -> String {
        let query = self.to_query();
        let page = format!("page={page}");
        if query.is_empty() {
            format!("/staff?{page}")
        } else {
            format!("/staff?{query}&{page}")
        }
    }
}

/// A line of the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub reference: Reference,
    pub patient_name: String,
    pub patient_name_reading: Option<String>,
    pub patient_date_of_birth: Option<NaiveDate>,
    pub area: AreaCode,
    pub contact_first: bool,
    pub status: CaseStatus,
    pub receipt_day: NaiveDate,
    pub age: u32,
    pub urgency: Urgency,
    pub appointment: Option<(NaiveDate, NaiveTime)>,
    /// Received or under review, and nobody reached by phone yet.
    pub to_call: bool,
    /// Calls made so far, and the last one's outcome and time.
    pub calls: u32,
    pub last_call: Option<(domain::contact::CallOutcome, String)>,
    /// A message to the patient could not be delivered.
    pub mail_failed: bool,
    /// What the patient answered through an e-mail's link since booking.
    pub patient_answer: Option<domain::contact::PatientAnswer>,
}

pub const QUEUE_PAGE_SIZE: u32 = 50;

/// `/staff`: the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePage {
    pub filters: QueueFilters,
    pub rows: Vec<QueueRow>,
    /// Per status, the cases matching the other filters.
    pub counts: Vec<(CaseStatus, u32)>,
    /// The cases matching every filter, on all pages.
    pub matching: u32,
    pub pages: u32,
    pub today: NaiveDate,
    /// What the scan box was given that opens no case.
    pub scan_missed: Option<String>,
    /// E-mails to patients due and waiting because no mail server is
    /// configured (0 when one is, or none waits).
    pub mail_waiting: u32,
}

/// `/staff/day-sheet`: the appointments of a day, in time order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySheetPage {
    pub day: NaiveDate,
    pub rows: Vec<DaySheetRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySheetRow {
    pub start: NaiveTime,
    pub reference: Reference,
    pub patient_name: String,
    pub department: Option<String>,
    pub specialist: Option<String>,
    pub interpreter: Option<String>,
    /// Each document to bring, and whether it was handed in already.
    pub documents: Vec<(Document, bool)>,
}

/// A department a case can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub code: String,
    pub name_ja: String,
    pub name_en: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specialist {
    pub id: i64,
    pub name: String,
    pub department: String,
    pub active: bool,
}

/// An appointment, current or ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentRow {
    pub day: NaiveDate,
    pub start: NaiveTime,
    pub reason_outside_window: Option<String>,
    pub booked_by: String,
    pub booked_at: String,
    /// How and when it ended (rescheduled or cancelled), if it did.
    pub ended: Option<(String, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// Japan time, `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A document to bring, as reception recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentState {
    pub document: Document,
    pub received_on: Option<NaiveDate>,
    pub arrival: Option<domain::Arrival>,
    /// The CD-R: whether it could be read, once checked.
    pub readable: Option<bool>,
}

/// A call to the patient, as the case page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    /// Japan time, `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub outcome: domain::contact::CallOutcome,
    pub note: Option<String>,
    pub caller: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub at: String,
    pub author: String,
    pub text: String,
}

/// A case as reception sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseDetail {
    pub reference: Reference,
    pub status: CaseStatus,
    pub version: i64,
    pub contact_first: bool,
    /// Japan time, `YYYY-MM-DD HH:MM`.
    pub received_at: String,
    pub language: String,
    /// Every answer, as the patient sent them.
    pub answers: domain::form::RequestForm,
    /// Recomputed now on the server.
    pub verdict: Verdict,
    /// Recomputed with today's calendar (closure days included).
    pub window: AppointmentWindow,
    pub documents: Vec<DocumentState>,
    pub department: Option<String>,
    pub specialist_id: Option<i64>,
    pub decline: Option<(DeclineReason, Option<String>)>,
    pub appointment: Option<(NaiveDate, NaiveTime)>,
    pub updated: Option<(String, String)>,
    /// What the patient answered through an e-mail's link since the last
    /// booking, and when (Japan time).
    pub patient_answer: Option<(domain::contact::PatientAnswer, String)>,
    /// Until when (Japan time, `YYYY-MM-DD HH:MM:SS`) the patient's status
    /// look-up is locked after ten wrong dates of birth, if it is.
    pub look_up_locked_until: Option<String>,
}

/// Why a change to a case was refused: a rule of the case's flow or of
/// the form, which the case page explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseProblem {
    Refused(RefusedStep),
    Schedule(Vec<ScheduleProblem>),
    /// The specialist already sees another patient then (that one's start).
    SpecialistBusy(NaiveTime),
    /// A day or a time that cannot be read.
    BadDateOrTime,
    /// "Other" needs a written reason.
    DeclineNeedsText,
    NoSpecialist,
    /// A note must have 1 to 2,000 characters.
    BadNote,
    /// A written reason longer than 2,000 characters.
    TooLong,
    /// The case is closed: nothing can be assigned any more.
    Closed,
    /// A call needs its outcome.
    NoCallOutcome,
    /// The message cannot be sent again (it is still queued, or withdrawn).
    NotSendable,
}

/// What the last change did, shown once after the redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Saved,
}

/// `/staff/cases/<reference>`.
#[derive(Debug, Clone, PartialEq)]
pub struct CasePage {
    pub case: CaseDetail,
    /// Why the change just posted was not saved.
    pub problem: Option<StaffError>,
    pub notice: Option<Notice>,
    pub departments: Vec<Department>,
    pub specialists: Vec<Specialist>,
    /// Consultation days of the window that suit the patient.
    pub proposals: Vec<NaiveDate>,
    pub appointments: Vec<AppointmentRow>,
    pub notes: Vec<Note>,
    pub calls: Vec<CallRow>,
    /// Unanswered calls on enough days: declining with "could not be
    /// reached" is proposed.
    pub propose_declining: bool,
    pub messages: Vec<crate::mail::MessageRow>,
    /// Whether a mail server is configured (without one, messages wait).
    pub mail_sending: bool,
    pub audit: Vec<AuditRow>,
    /// The values of the form that was refused, to show them again.
    pub posted: Vec<(String, String)>,
    pub today: NaiveDate,
}

/// `/staff/specialists` (admins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialistsPage {
    pub departments: Vec<Department>,
    pub specialists: Vec<Specialist>,
    pub problem: bool,
}

/// `/staff/calendar` (admins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarPage {
    pub closures: Vec<(NaiveDate, String, String)>,
    pub problem: bool,
    pub today: NaiveDate,
}

/// What the case page posts as `action`: the page writes each name with
/// `code()` and `actions` reads it back with `from_code`, so the two cannot
/// disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseActionName {
    Note,
    Documents,
    Assign,
    Schedule,
    Decline,
    StartReview,
    Complete,
    NoShow,
    CancelAppointment,
    /// A call to the patient, with its outcome.
    Call,
    /// A message to the patient sent again.
    SendAgain,
}

domain::codes!(CaseActionName {
    Note => "note",
    Documents => "documents",
    Assign => "assign",
    Schedule => "schedule",
    Decline => "decline",
    StartReview => "start_review",
    Complete => "complete",
    NoShow => "no_show",
    CancelAppointment => "cancel_appointment",
    Call => "call",
    SendAgain => "send_again",
});

/// What the specialists page posts as `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialistActionName {
    Add,
    Rename,
    Deactivate,
    Activate,
    AddDepartment,
    ToggleDepartment,
}

domain::codes!(SpecialistActionName {
    Add => "add",
    Rename => "rename",
    Deactivate => "deactivate",
    Activate => "activate",
    AddDepartment => "add_department",
    ToggleDepartment => "toggle_department",
});

/// What the closure days page posts as `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosureActionName {
    Add,
    Remove,
}

domain::codes!(ClosureActionName {
    Add => "add",
    Remove => "remove",
});

impl CaseActionName {
    /// The button that takes this step, for the steps that only move the
    /// status.
    pub const fn of_step(step: Step) -> Option<Self> {
        match step {
            Step::StartReview => Some(Self::StartReview),
            Step::Complete => Some(Self::Complete),
            Step::NoShow => Some(Self::NoShow),
            Step::CancelAppointment => Some(Self::CancelAppointment),
            Step::Schedule | Step::Reschedule | Step::Decline => None,
        }
    }
}

/// What the account page posts as `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountActionName {
    ChangePassword,
    EndSession,
    EndOthers,
}

domain::codes!(AccountActionName {
    ChangePassword => "change_password",
    EndSession => "end_session",
    EndOthers => "end_others",
});

/// What the admins' pages post as `action` about accounts and alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminAccountActionName {
    EndSessions,
    AcknowledgeAlert,
}

domain::codes!(AdminAccountActionName {
    EndSessions => "end_sessions",
    AcknowledgeAlert => "acknowledge_alert",
});

/// The state of any staff page, as the server provides it.
#[derive(Debug, Clone, PartialEq)]
pub enum StaffPage {
    Login(LoginPage),
    Code(CodePage),
    Account(AccountPage),
    Accounts(AccountsPage),
    Queue(QueuePage),
    DaySheet(DaySheetPage),
    Case(Box<CasePage>),
    Specialists(SpecialistsPage),
    Calendar(CalendarPage),
    /// The page exists but this role may not see it.
    Forbidden,
    NotFound,
}

impl StaffPage {
    /// The minutes until the throttle takes another attempt, when this page
    /// says to wait (for the answer's `Retry-After`).
    pub const fn wait_minutes(&self) -> Option<i64> {
        match self {
            Self::Login(LoginPage {
                problem: Some(LoginProblem::TooManyAttempts { minutes }),
                ..
            })
            | Self::Code(CodePage {
                problem: Some(LoginProblem::TooManyAttempts { minutes }),
            })
            | Self::Account(AccountPage {
                problem: Some(AccountProblem::TooManyAttempts { minutes }),
                ..
            }) => Some(*minutes),
            _ => None,
        }
    }
}
