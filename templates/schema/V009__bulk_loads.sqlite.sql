-- V009 bulk loads without per-row triggers: nothing to change on SQLite. Its foreign-key check
-- is an index probe inside the same process, cheap enough that loads keep it (PostgreSQL drops
-- its per-row foreign-key triggers in the .postgres.sql file of this version).
SELECT 1;
