-- Telling the patient, and reception's calls.

-- The outbox: every e-mail to a patient, written in the same transaction
-- as the change that causes it, composed then (so that what was booked is
-- what is told, whatever happens next), and sent by the server's mail task
-- when due. A message is never deleted; its status says where it stands.
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases (id),
    -- received, booked, moved, cancelled, reminder, declined
    kind            TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    language        TEXT    NOT NULL CHECK (language IN ('ja', 'en')),
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    -- The iCalendar file attached (booked, moved, cancelled).
    calendar        TEXT,
    -- The appointment it is about, if any: a reminder is withdrawn when
    -- the appointment ends.
    appointment_id  INTEGER REFERENCES appointments (id),
    -- The Message-ID header, the same at every attempt.
    message_id      TEXT    NOT NULL UNIQUE,
    created_at      TEXT    NOT NULL, -- RFC 3339, UTC
    -- When it is first to go out (a reminder: the day before, at 10:00).
    due_at          TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sent', 'failed', 'withdrawn')),
    -- When it is (next) to be tried: the due moment, then later after each
    -- failure.
    next_attempt_at TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- The first try: a day of tries is counted from it.
    first_tried_at  TEXT,
    last_attempt_at TEXT,
    -- The mail server's last answer (or why it could not be reached).
    last_answer     TEXT,
    sent_at         TEXT
);
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status = 'queued';
CREATE INDEX messages_by_case ON messages (case_id, id);
CREATE INDEX messages_failed ON messages (case_id) WHERE status = 'failed';

-- Each call reception made to the patient or the person asking.
CREATE TABLE calls (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    at      TEXT    NOT NULL, -- RFC 3339, UTC
    outcome TEXT    NOT NULL
            CHECK (outcome IN ('reached', 'no_answer', 'left_message', 'wrong_number')),
    note    TEXT,
    caller  TEXT    NOT NULL
);
CREATE INDEX calls_by_case ON calls (case_id, at);

-- The links of the booking and reminder e-mails ("I will come", "I need
-- another day", "Cancel my request"): the SHA-256 of each random token
-- (derived at sending from the message and a key kept beside the
-- database, never stored itself), valid until the appointment starts and
-- only while it stands.
CREATE TABLE response_tokens (
    token_hash     TEXT    PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    appointment_id INTEGER NOT NULL REFERENCES appointments (id),
    answer         TEXT    NOT NULL CHECK (answer IN ('come', 'another_day', 'cancel')),
    expires_at     TEXT    NOT NULL
);

-- The patient's last answer through such a link, until reception books
-- again: what the queue, the case page and /status show.
ALTER TABLE cases ADD COLUMN patient_answer TEXT
    CHECK (patient_answer IN ('come', 'another_day', 'cancel'));
ALTER TABLE cases ADD COLUMN patient_answer_at TEXT;
