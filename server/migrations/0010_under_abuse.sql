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
