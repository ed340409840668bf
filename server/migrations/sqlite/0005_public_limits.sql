-- The public pages, safe from guessing.

-- Status look-ups that matched nothing, by the reference as typed (its
-- compact form; the reference need not exist, so that a wrong reference
-- and a wrong date of birth cost the same): ten in 24 hours lock the
-- reference's look-up for everyone until the oldest of them is a day old.
-- Rows older than a day are deleted as new ones are written.
CREATE TABLE status_misses (
    reference TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX status_misses_by_reference ON status_misses (reference, at);
CREATE INDEX status_misses_by_age ON status_misses (at);

-- The confirmation page's tokens: the SHA-256 of each random token given
-- to the browser that sent the case (in its sent cookie, for a day). A
-- resend of the same submission gets a token of its own.
CREATE TABLE sent_tokens (
    token_hash TEXT    PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    issued_at  TEXT    NOT NULL
);
CREATE INDEX sent_tokens_by_age ON sent_tokens (issued_at);
