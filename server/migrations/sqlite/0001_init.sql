-- The first migration: nothing to create yet. It marks the database as this
-- service's, so that later migrations apply in order from here.
SELECT 1;
