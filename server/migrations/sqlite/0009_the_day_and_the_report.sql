-- The second half of a case: specialists who sign in, what they do before
-- the visit, the day at counter 1 (check-in, payment, receipt), the
-- consultation, the written opinion in versions, and its sending.
--
-- Specialists are accounts of their own role, linked to a specialist of
-- the list. SQLite cannot change a CHECK constraint, so staff_users is
-- built again. The migration runs in sqlx's transaction with foreign keys
-- on (sqlx 0.8 ignores "no-transaction" for SQLite, and the pragma that
-- turns them off does nothing inside a transaction): the checks are
-- deferred to the commit, the table is dropped and created under its own
-- name (so that the sessions, factors and codes that refer to it keep
-- referring to it), and its rows put back before the commit checks that
-- every reference found its row again.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE staff_users_copy AS SELECT * FROM staff_users;
DROP TABLE staff_users;
CREATE TABLE staff_users (
    id                  INTEGER PRIMARY KEY,
    login               TEXT    NOT NULL UNIQUE,
    display_name        TEXT    NOT NULL,
    password_hash       TEXT    NOT NULL,
    role                TEXT    NOT NULL CHECK (role IN ('reception', 'admin', 'specialist')),
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at          TEXT    NOT NULL,
    totp_secret         TEXT,
    totp_last_step      INTEGER,
    password_changed_at TEXT,
    -- The specialist of the list a specialist's account is (and only theirs).
    specialist_id       INTEGER REFERENCES specialists (id),
    CHECK ((role = 'specialist') = (specialist_id IS NOT NULL))
);
INSERT INTO staff_users (id, login, display_name, password_hash, role, active, created_at,
                         totp_secret, totp_last_step, password_changed_at)
    SELECT id, login, display_name, password_hash, role, active, created_at,
           totp_secret, totp_last_step, password_changed_at
    FROM staff_users_copy;
DROP TABLE staff_users_copy;
-- One account per specialist.
CREATE UNIQUE INDEX staff_users_by_specialist ON staff_users (specialist_id)
    WHERE specialist_id IS NOT NULL;

-- Before the visit: the specialist has reviewed the records, and may
-- propose declining (reception confirms it with the decline it has).
ALTER TABLE cases ADD COLUMN records_reviewed_at TEXT;
ALTER TABLE cases ADD COLUMN records_reviewed_by TEXT;
ALTER TABLE cases ADD COLUMN decline_proposed_reason TEXT;
ALTER TABLE cases ADD COLUMN decline_proposed_note TEXT;
ALTER TABLE cases ADD COLUMN decline_proposed_by TEXT;

-- What the specialist asks the present doctor for, through reception.
CREATE TABLE document_requests (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    needed       TEXT    NOT NULL, -- JSON array of domain::report::NeededDocument codes
    other        TEXT,
    note         TEXT,
    requested_by TEXT    NOT NULL, -- the specialist's login
    requested_at TEXT    NOT NULL,
    -- Reception sent the letter (or the documents came): no longer flagged.
    settled_by   TEXT,
    settled_at   TEXT
);
CREATE INDEX document_requests_open ON document_requests (case_id) WHERE settled_at IS NULL;

-- The day of an appointment: who came and what was seen at counter 1,
-- then the consultation's times. One row per appointment.
CREATE TABLE visits (
    appointment_id       INTEGER PRIMARY KEY REFERENCES appointments (id),
    case_id              INTEGER NOT NULL REFERENCES cases (id),
    arrived_at           TEXT    NOT NULL,
    who_came             TEXT    NOT NULL CHECK (who_came IN ('patient', 'family')),
    identification_seen  INTEGER NOT NULL CHECK (identification_seen IN (0, 1)),
    relationship_seen    INTEGER NOT NULL CHECK (relationship_seen IN (0, 1)),
    consent_form_seen    INTEGER NOT NULL CHECK (consent_form_seen IN (0, 1)),
    checked_in_by        TEXT    NOT NULL,
    consultation_start   TEXT,    -- HH:MM, Japan
    consultation_end     TEXT,
    consultation_minutes INTEGER,
    longer_reason        TEXT,
    -- The written opinion's due day, fixed when the consultation is
    -- recorded (--report-days consultation days after it).
    report_due_on        TEXT,
    held_recorded_by     TEXT,
    held_recorded_at     TEXT
);
CREATE INDEX visits_by_case ON visits (case_id);

-- The fee, once per visit, with its receipt's number: sequential within
-- the year, never reused or skipped.
CREATE TABLE payments (
    id             INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL UNIQUE REFERENCES appointments (id),
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    receipt_year   INTEGER NOT NULL,
    receipt_number INTEGER NOT NULL CHECK (receipt_number >= 1),
    amount_yen     INTEGER NOT NULL CHECK (amount_yen > 0),
    method         TEXT    NOT NULL CHECK (method IN ('cash', 'card')),
    payer          TEXT    NOT NULL,
    taken_by       TEXT    NOT NULL,
    taken_at       TEXT    NOT NULL,
    UNIQUE (receipt_year, receipt_number)
);
CREATE INDEX payments_by_case ON payments (case_id);

-- Each time the receipt was printed: the first is the original, the
-- others are reissues (再発行).
CREATE TABLE receipt_prints (
    id         INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL REFERENCES payments (id),
    printed_at TEXT    NOT NULL,
    printed_by TEXT    NOT NULL
);

-- The written opinion, in versions: a draft until signed, then frozen; an
-- amendment is the next version, with its reason.
CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY,
    case_id            INTEGER NOT NULL REFERENCES cases (id),
    version            INTEGER NOT NULL CHECK (version >= 1),
    text               TEXT    NOT NULL, -- JSON of domain::report::ReportText
    language           TEXT    NOT NULL CHECK (language IN ('ja', 'en')),
    amendment_reason   TEXT,
    written_by         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    signed_at          TEXT,
    signed_by          TEXT,
    signer_name        TEXT,
    signer_department  TEXT,
    -- SHA-256 of what was signed, as the audit trail records it.
    digest             TEXT,
    -- SHA-256 of the verification code printed on it (the code itself is
    -- derived from the service's key when printed, never stored).
    verification_hash  TEXT UNIQUE,
    superseded_at      TEXT,
    UNIQUE (case_id, version)
);
CREATE TRIGGER reports_signed_are_frozen
BEFORE UPDATE OF case_id, version, text, language, amendment_reason, signed_at, signed_by,
                 signer_name, signer_department, digest, verification_hash ON reports
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed report is frozen'); END;
CREATE TRIGGER reports_signed_are_kept BEFORE DELETE ON reports
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed report is kept'); END;

-- Each copy of a signed version that left the hospital.
CREATE TABLE report_sendings (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    recipient   TEXT    NOT NULL CHECK (recipient IN ('present_doctor', 'patient')),
    method      TEXT    NOT NULL,
    sent_on     TEXT    NOT NULL, -- YYYY-MM-DD, Japan
    recorded_by TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL
);
CREATE INDEX report_sendings_by_case ON report_sendings (case_id);
