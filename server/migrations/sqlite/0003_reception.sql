-- Reception: staff accounts and sessions, the case's life after it is
-- received (documents, specialist, appointments, decline, notes), the
-- hospital's own closure days, and the audit trail.

CREATE TABLE staff_users (
    id            INTEGER PRIMARY KEY,
    login         TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    -- Argon2id, PHC string format.
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('reception', 'admin')),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT    NOT NULL
);

-- A signed-in browser. Only the SHA-256 of the cookie's token is kept, so a
-- copy of the database does not sign anyone in.
CREATE TABLE staff_sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES staff_users (id),
    created_at   TEXT    NOT NULL, -- RFC 3339, UTC
    last_seen_at TEXT    NOT NULL
);

CREATE TABLE departments (
    code   TEXT    PRIMARY KEY,
    name_ja TEXT   NOT NULL,
    name_en TEXT   NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
INSERT INTO departments (code, name_ja, name_en) VALUES
    ('cancer', 'がん', 'Cancer'),
    ('cardiovascular', '心臓血管', 'Cardiovascular'),
    ('cerebrovascular', '脳血管', 'Cerebrovascular');

CREATE TABLE specialists (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    department TEXT    NOT NULL REFERENCES departments (code),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

ALTER TABLE cases ADD COLUMN department TEXT REFERENCES departments (code);
ALTER TABLE cases ADD COLUMN specialist_id INTEGER REFERENCES specialists (id);
ALTER TABLE cases ADD COLUMN decline_reason TEXT;
ALTER TABLE cases ADD COLUMN decline_note TEXT;
ALTER TABLE cases ADD COLUMN updated_at TEXT;
ALTER TABLE cases ADD COLUMN updated_by TEXT;

-- Every appointment ever booked: rescheduling and cancelling keep the old
-- rows, ended with the moment and the person.
CREATE TABLE appointments (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    day            TEXT    NOT NULL, -- YYYY-MM-DD, Japan
    start_time     TEXT    NOT NULL, -- HH:MM, Japan
    reason_outside_window TEXT,
    booked_by      TEXT    NOT NULL,
    booked_at      TEXT    NOT NULL,
    ended_at       TEXT,
    ended_by       TEXT,
    ended_how      TEXT CHECK (ended_how IN ('rescheduled', 'cancelled'))
);
CREATE INDEX appointments_by_day ON appointments (day, start_time) WHERE ended_at IS NULL;
CREATE INDEX appointments_by_case ON appointments (case_id);

-- The paper documents handed in at reception counter 1.
CREATE TABLE case_documents (
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    document    TEXT    NOT NULL,
    received_on TEXT    NOT NULL, -- YYYY-MM-DD
    recorded_by TEXT    NOT NULL,
    PRIMARY KEY (case_id, document)
);

CREATE TABLE case_notes (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    at      TEXT    NOT NULL,
    author  TEXT    NOT NULL,
    text    TEXT    NOT NULL
);

CREATE TABLE closure_days (
    day      TEXT PRIMARY KEY, -- YYYY-MM-DD
    name     TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);

-- Who did what, when: append-only (the triggers refuse any change).
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    at      TEXT    NOT NULL, -- RFC 3339, UTC
    actor   TEXT,             -- the staff login, or the login tried
    address TEXT,             -- the client's address (sign-ins)
    action  TEXT    NOT NULL,
    case_id INTEGER REFERENCES cases (id),
    before  TEXT,
    after   TEXT
);
CREATE INDEX audit_by_case ON audit (case_id, id);
CREATE INDEX audit_failed_sign_ins ON audit (action, at) WHERE action = 'sign_in_failed';

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
