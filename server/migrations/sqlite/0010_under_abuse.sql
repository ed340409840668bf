-- The sign-in under abuse: which attempts were for a login that exists
-- (the failures of logins that do not exist raise one alert together,
-- not one per login typed), and at which step (the code step has a
-- ceiling per account over every address).
ALTER TABLE sign_in_attempts ADD COLUMN known INTEGER NOT NULL DEFAULT 1 CHECK (known IN (0, 1));
ALTER TABLE sign_in_attempts ADD COLUMN step TEXT NOT NULL DEFAULT 'password' CHECK (step IN ('password', 'code'));
CREATE INDEX sign_in_attempts_unknown ON sign_in_attempts (at) WHERE known = 0;
CREATE INDEX sign_in_attempts_by_login ON sign_in_attempts (login_key, at);

-- A confirmation page opened from a shared computer ends within the hour
-- (the others after a day, as before): when each token ends.
ALTER TABLE sent_tokens ADD COLUMN expires_at TEXT;

-- Upgrades made once at a start, by the service (what cannot be done in
-- SQL: keys derived anew, secrets sealed again).
CREATE TABLE key_upgrades (
    name    TEXT PRIMARY KEY,
    done_at TEXT NOT NULL
);

-- The form is no open mail relay: the first message to an address asks to
-- confirm it, and nothing else goes to it until it is confirmed. One row
-- per case that asked for e-mail; `asked` when a confirmation message was
-- written (at most three a day per address); the token's hash is set
-- when that message goes out (its link is derived then, never stored).
CREATE TABLE address_confirmations (
    case_id      INTEGER PRIMARY KEY REFERENCES cases (id),
    address_hash TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    asked        INTEGER NOT NULL CHECK (asked IN (0, 1)),
    token_hash   TEXT    UNIQUE,
    sent_at      TEXT,
    confirmed_at TEXT
);
CREATE INDEX address_confirmations_by_address ON address_confirmations (address_hash, created_at);
