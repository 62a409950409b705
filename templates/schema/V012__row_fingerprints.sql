-- V012 re-imports by change. A county re-sends its full extract every month; each row keeps
-- a fingerprint of its content as the county wrote it (computed by `data import` while it
-- parses), so a re-import writes only the rows that are new or changed. A row the latest
-- extract no longer holds is kept and marked with the load that found it missing (注销 or an
-- error at the county: `data import --apply-missing` deletes what is marked).

ALTER TABLE person ADD COLUMN row_fp BIGINT;
ALTER TABLE person ADD COLUMN missing_import VARCHAR(64);
ALTER TABLE employer ADD COLUMN row_fp BIGINT;
ALTER TABLE employer ADD COLUMN missing_import VARCHAR(64);
ALTER TABLE insurance_enrolment ADD COLUMN row_fp BIGINT;
ALTER TABLE insurance_enrolment ADD COLUMN missing_import VARCHAR(64);
ALTER TABLE contribution ADD COLUMN row_fp BIGINT;
ALTER TABLE contribution ADD COLUMN missing_import VARCHAR(64);
ALTER TABLE benefit_payment ADD COLUMN row_fp BIGINT;
ALTER TABLE benefit_payment ADD COLUMN missing_import VARCHAR(64);
ALTER TABLE employment_registration ADD COLUMN row_fp BIGINT;
ALTER TABLE employment_registration ADD COLUMN missing_import VARCHAR(64);
ALTER TABLE unemployment_registration ADD COLUMN row_fp BIGINT;
ALTER TABLE unemployment_registration ADD COLUMN missing_import VARCHAR(64);
ALTER TABLE vocational_training ADD COLUMN row_fp BIGINT;
ALTER TABLE vocational_training ADD COLUMN missing_import VARCHAR(64);
ALTER TABLE labor_inspection_case ADD COLUMN row_fp BIGINT;
ALTER TABLE labor_inspection_case ADD COLUMN missing_import VARCHAR(64);

-- What each load changed: the rows new, changed, unchanged and newly missing (NULL for loads
-- made before this migration, and for a county's first load: every row new).
ALTER TABLE import_batch ADD COLUMN rows_new BIGINT;
ALTER TABLE import_batch ADD COLUMN rows_changed BIGINT;
ALTER TABLE import_batch ADD COLUMN rows_unchanged BIGINT;
ALTER TABLE import_batch ADD COLUMN rows_missing BIGINT;
