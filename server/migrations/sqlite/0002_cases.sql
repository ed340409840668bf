-- A second-opinion request, as the patient sent it and as the server decided it.
CREATE TABLE cases (
    id                    INTEGER PRIMARY KEY,
    -- 8 characters of 23456789ABCDEFGHJKMNPQRSTUVWXYZ, shown as XXXX-XXXX.
    reference             TEXT    NOT NULL UNIQUE CHECK (length(reference) = 8),
    -- Chosen by the form; the same submission sent twice is stored once.
    submission_id         TEXT    NOT NULL UNIQUE,
    status                TEXT    NOT NULL DEFAULT 'received',
    -- 'eligible' or 'contact_first'; refused requests are never stored.
    verdict               TEXT    NOT NULL CHECK (verdict IN ('eligible', 'contact_first')),
    -- JSON array of the verdict's reason codes.
    reasons               TEXT    NOT NULL DEFAULT '[]',
    -- Reception calls the patient before anything else.
    contact_first         INTEGER NOT NULL CHECK (contact_first IN (0, 1)),
    received_at           TEXT    NOT NULL, -- RFC 3339, UTC
    receipt_day           TEXT    NOT NULL, -- YYYY-MM-DD, Japan
    earliest_day          TEXT    NOT NULL,
    latest_day            TEXT    NOT NULL,
    language              TEXT    NOT NULL CHECK (language IN ('ja', 'en')),
    -- Copied out of the answers for reception's search and the status lookup.
    patient_name          TEXT    NOT NULL,
    patient_name_reading  TEXT,
    patient_date_of_birth TEXT    NOT NULL, -- YYYY-MM-DD
    area                  TEXT    NOT NULL,
    -- Every answer: the checked submission as JSON.
    answers               TEXT    NOT NULL,
    version               INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX cases_by_status ON cases (status, receipt_day);
CREATE INDEX cases_by_receipt_day ON cases (receipt_day);
