-- The one-time link to the full request form, e-mailed on the patient's
-- request from /status, to the case's confirmed address only. One row per
-- such message (by its Message-ID); the token's hash is set when the
-- message goes out (its link is derived then, never stored). The link
-- opens the form once, within 24 hours of being sent.
CREATE TABLE form_links (
    message_id TEXT    PRIMARY KEY REFERENCES messages (message_id),
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    asked_at   TEXT    NOT NULL,
    token_hash TEXT    UNIQUE,
    sent_at    TEXT,
    used_at    TEXT
);
CREATE INDEX form_links_by_case ON form_links (case_id, asked_at);
