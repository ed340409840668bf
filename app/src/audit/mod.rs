//! The audit trail: what each line records (`AuditAction`, a stable code
//! stored with the line) and, on the server, the hash chain that makes a
//! line changed or removed with plain SQL show (`chain`), with its queries
//! (`store`).

#[cfg(feature = "ssr")]
pub mod chain;
#[cfg(feature = "ssr")]
mod store;

/// What an audit line records. The codes are stored, so they never change;
/// lines written before a code existed are shown by their code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    // Personal data seen.
    CaseViewed,
    QueueViewed,
    QueueExported,
    DaySheetViewed,
    // A case changed.
    StatusChanged,
    DepartmentAssigned,
    SpecialistAssigned,
    AppointmentBooked,
    DocumentReceived,
    Declined,
    NoteAdded,
    // Telling the patient, and calling them.
    MessageQueued,
    MessageSentAgain,
    MessageFailed,
    CallRecorded,
    PatientAnswered,
    // Signing in and out.
    PasswordAccepted,
    SignIn,
    SignInFailed,
    CodeFailed,
    SignInUnknownLogin,
    SignInThrottled,
    SignInNotEnrolled,
    SignInAlert,
    /// A paper printed from the status answer (the reference and the date
    /// of birth), with the client's address.
    StatusPaperPrinted,
    /// The patient followed the link of the first message to their
    /// address.
    AddressConfirmed,
    /// A patient's record written to a file for a disclosure request, by
    /// the IT admin on the command line.
    CaseExported,
    /// A client's sign-in refusals within a window after its first, counted
    /// (one line, not one per attempt).
    SignInTally,
    SignInAlertAcknowledged,
    SignOut,
    SessionEnded,
    SessionsEnded,
    PasswordChanged,
    // Accounts, by the IT admin on the command line.
    UserAdded,
    UserDisabled,
    UserEnrolled,
    UserPasswordSet,
    /// The authenticator secrets an earlier version stored readable were
    /// sealed, once, at the first start of this version.
    FactorsSealed,
    /// The service's keys derived anew (HKDF), and what was sealed or
    /// keyed under the earlier ones, once.
    KeysUpgraded,
    /// A closed case kept whole for its years was reduced to statistics,
    /// its personal data erased (`second-opinion reduce`).
    CaseReduced,
    // Admins' lists.
    SpecialistAdded,
    SpecialistRenamed,
    SpecialistActivated,
    SpecialistDeactivated,
    DepartmentAdded,
    DepartmentToggled,
    ClosureAdded,
    ClosureRemoved,
    /// An admin linked a specialist's account to a specialist of the list.
    SpecialistLinked,
    // The public pages.
    StatusLookupLocked,
    /// The one-time link to the request form asked for on `/status`…
    FormLinkAsked,
    /// …and followed.
    FormLinkUsed,
    // The specialist, before the visit.
    /// A specialist asked for a case that is not theirs: refused, 404.
    CaseViewRefused,
    MyCasesViewed,
    RecordsReviewed,
    DocumentsRequested,
    /// Reception sent the request for further documents (or they came).
    DocumentRequestSettled,
    DeclineProposed,
    // The day.
    CheckedIn,
    PaymentRecorded,
    ReceiptPrinted,
    ConsultationHeld,
    // The report.
    ReportSaved,
    ReportSigned,
    /// Signing refused: the code was wrong or used already.
    ReportSigningRefused,
    ReportAmended,
    ReportViewed,
    ReportSent,
    DocumentsLetterPrinted,
}

domain::codes!(AuditAction {
    CaseViewed => "case_viewed",
    QueueViewed => "queue_viewed",
    QueueExported => "queue_exported",
    DaySheetViewed => "day_sheet_viewed",
    StatusChanged => "status_changed",
    DepartmentAssigned => "department_assigned",
    SpecialistAssigned => "specialist_assigned",
    AppointmentBooked => "appointment_booked",
    DocumentReceived => "document_received",
    Declined => "declined",
    NoteAdded => "note_added",
    MessageQueued => "message_queued",
    MessageSentAgain => "message_sent_again",
    MessageFailed => "message_failed",
    CallRecorded => "call_recorded",
    PatientAnswered => "patient_answered",
    PasswordAccepted => "password_accepted",
    SignIn => "sign_in",
    SignInFailed => "sign_in_failed",
    CodeFailed => "code_failed",
    SignInUnknownLogin => "sign_in_unknown_login",
    SignInThrottled => "sign_in_throttled",
    SignInNotEnrolled => "sign_in_not_enrolled",
    SignInAlert => "sign_in_alert",
    StatusPaperPrinted => "status_paper_printed",
    AddressConfirmed => "address_confirmed",
    CaseExported => "case_exported",
    SignInTally => "sign_in_tally",
    SignInAlertAcknowledged => "sign_in_alert_acknowledged",
    SignOut => "sign_out",
    SessionEnded => "session_ended",
    SessionsEnded => "sessions_ended",
    PasswordChanged => "password_changed",
    UserAdded => "user_added",
    UserDisabled => "user_disabled",
    UserEnrolled => "user_enrolled",
    UserPasswordSet => "user_password_set",
    FactorsSealed => "factors_sealed",
    KeysUpgraded => "keys_upgraded",
    CaseReduced => "case_reduced",
    SpecialistAdded => "specialist_added",
    SpecialistRenamed => "specialist_renamed",
    SpecialistActivated => "specialist_activated",
    SpecialistDeactivated => "specialist_deactivated",
    DepartmentAdded => "department_added",
    DepartmentToggled => "department_toggled",
    ClosureAdded => "closure_added",
    ClosureRemoved => "closure_removed",
    SpecialistLinked => "specialist_linked",
    StatusLookupLocked => "status_lookup_locked",
    FormLinkAsked => "form_link_asked",
    FormLinkUsed => "form_link_used",
    CaseViewRefused => "case_view_refused",
    MyCasesViewed => "my_cases_viewed",
    RecordsReviewed => "records_reviewed",
    DocumentsRequested => "documents_requested",
    DocumentRequestSettled => "document_request_settled",
    DeclineProposed => "decline_proposed",
    CheckedIn => "checked_in",
    PaymentRecorded => "payment_recorded",
    ReceiptPrinted => "receipt_printed",
    ConsultationHeld => "consultation_held",
    ReportSaved => "report_saved",
    ReportSigned => "report_signed",
    ReportSigningRefused => "report_signing_refused",
    ReportAmended => "report_amended",
    ReportViewed => "report_viewed",
    ReportSent => "report_sent",
    DocumentsLetterPrinted => "documents_letter_printed",
});
