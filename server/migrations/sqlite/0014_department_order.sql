-- The order departments are listed in, said by a column instead of
-- SQLite's rowid (which PostgreSQL has not): as they were added.
ALTER TABLE departments ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE departments SET position = rowid;
