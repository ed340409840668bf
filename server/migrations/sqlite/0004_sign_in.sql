-- Reception's sign-in to the hospital's rules: a second factor (TOTP) with
-- single-use recovery codes, the half-signed-in state between password and
-- code, sign-in attempts counted per login and address, alerts for admins,
-- sessions that can be listed and ended, and an audit trail whose rows are
-- chained by hashes.

-- The TOTP secret (base32); NULL until the account is enrolled, and such an
-- account cannot sign in. The last time step accepted: a code is accepted
-- once, and never one older than the last.
ALTER TABLE staff_users ADD COLUMN totp_secret TEXT;
ALTER TABLE staff_users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE staff_users ADD COLUMN password_changed_at TEXT;

-- Ten per enrolment, each usable once; only their SHA-256 is kept.
CREATE TABLE staff_recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES staff_users (id),
    code_hash TEXT    NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- Password accepted, code not yet: five minutes, then gone. Not a session:
-- nothing under /staff accepts it.
CREATE TABLE staff_pending_sign_ins (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES staff_users (id),
    address    TEXT    NOT NULL,
    next       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);

-- Every sign-in attempt, password or code, for the throttle. The login is
-- kept only as a keyed hash, so a password typed into the login box is
-- never stored. `outcome`: 'pending' while it is checked (and counted as a
-- failure if the server stops meanwhile), 'failed', 'passed' (the password
-- was right, the code is still to come) or 'ok' (signed in).
CREATE TABLE sign_in_attempts (
    id        INTEGER PRIMARY KEY,
    login_key TEXT    NOT NULL,
    address   TEXT    NOT NULL,
    at        TEXT    NOT NULL,
    outcome   TEXT    NOT NULL CHECK (outcome IN ('pending', 'failed', 'passed', 'ok'))
);
CREATE INDEX sign_in_attempts_by_pair ON sign_in_attempts (login_key, address, at);
CREATE INDEX sign_in_attempts_by_time ON sign_in_attempts (at);

-- Many failed sign-ins for one login, from any address: shown to admins
-- until one of them acknowledges it.
CREATE TABLE sign_in_alerts (
    id              INTEGER PRIMARY KEY,
    login_key       TEXT    NOT NULL,
    login           TEXT,   -- the account's login; NULL for a login that does not exist
    first_at        TEXT    NOT NULL,
    last_at         TEXT    NOT NULL,
    failures        INTEGER NOT NULL,
    addresses       INTEGER NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT
);
CREATE INDEX sign_in_alerts_open ON sign_in_alerts (login_key) WHERE acknowledged_at IS NULL;

-- Sessions get an id (to be listed and ended one by one), the address and
-- the browser they began from. Sessions opened with a password alone end
-- here: from now on, only a password and a code open one.
DROP TABLE staff_sessions;
CREATE TABLE staff_sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES staff_users (id),
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    address      TEXT    NOT NULL,
    user_agent   TEXT    NOT NULL
);
CREATE INDEX staff_sessions_by_user ON staff_sessions (user_id);

-- The audit chain: each row's hash covers its own content and the hash of
-- the row before it, so a row changed or removed with plain SQL breaks the
-- chain at that row (`second-opinion audit verify`). Rows written before
-- this migration are sealed once, in order, right after it is applied
-- (SQLite has no SHA-256 of its own); the trigger lets that one update
-- through and nothing else.
ALTER TABLE audit ADD COLUMN hash TEXT;
DROP TRIGGER audit_is_append_only_update;
-- Before, a failed sign-in recorded the login typed whenever it looked
-- like one, which a password typed into the login box can: such text that
-- is no account's login is removed before the rows are sealed.
UPDATE audit SET actor = NULL
WHERE action IN ('sign_in_failed', 'sign_in_throttled')
  AND actor IS NOT NULL
  AND actor NOT IN (SELECT login FROM staff_users);
CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
WHEN NOT (
    OLD.hash IS NULL AND NEW.hash IS NOT NULL
    AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor IS OLD.actor
    AND NEW.address IS OLD.address AND NEW.action IS OLD.action
    AND NEW.case_id IS OLD.case_id AND NEW.before IS OLD.before AND NEW.after IS OLD.after
)
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

-- The throttle no longer reads failures from the audit trail.
DROP INDEX audit_failed_sign_ins;
