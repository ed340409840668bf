-- Each backup that succeeded, written by the backup command when it ends:
-- when, and how many bytes it wrote. The service's metrics show the last
-- one's time, for a monitor to say when backups stopped.
CREATE TABLE backups (
    id          INTEGER PRIMARY KEY,
    finished_at TEXT NOT NULL,
    bytes       INTEGER NOT NULL
);
