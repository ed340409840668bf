-- The limits per client, counted where every service process sees them
-- (they were counted in each process's memory): each attempt a limit
-- counts, by the limit's kind ('status', 'verify', 'sign-in',
-- 'new-request', and 'ceiling' for '*', the whole service's)
-- and the client (an IPv4 address or an IPv6 /64). Rows older than the
-- limit's window are deleted as new ones are written (by each process at
-- most once a minute): none lives much more than an hour.
CREATE TABLE client_attempts (
    id     INTEGER PRIMARY KEY,
    kind   TEXT NOT NULL,
    client TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX client_attempts_by_client ON client_attempts (kind, client, at);
CREATE INDEX client_attempts_by_age ON client_attempts (kind, at);
