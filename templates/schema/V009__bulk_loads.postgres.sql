-- V009 bulk loads without per-row triggers. A foreign key from a data table to import_batch
-- fires a trigger for every row loaded; at a million rows that doubled the time of an import.
-- `data import` writes the load manifest in the same transaction as the rows it names, so the
-- link is kept by the one writer of these tables; `data check` reconciles rows with manifests.

ALTER TABLE person DROP CONSTRAINT IF EXISTS person_import_id_fkey;
ALTER TABLE employer DROP CONSTRAINT IF EXISTS employer_import_id_fkey;
ALTER TABLE employment_registration DROP CONSTRAINT IF EXISTS employment_registration_import_id_fkey;
ALTER TABLE unemployment_registration DROP CONSTRAINT IF EXISTS unemployment_registration_import_id_fkey;
ALTER TABLE vocational_training DROP CONSTRAINT IF EXISTS vocational_training_import_id_fkey;
ALTER TABLE labor_inspection_case DROP CONSTRAINT IF EXISTS labor_inspection_case_import_id_fkey;
ALTER TABLE insurance_enrolment DROP CONSTRAINT IF EXISTS insurance_enrolment_import_id_fkey;
ALTER TABLE contribution DROP CONSTRAINT IF EXISTS contribution_import_id_fkey;
ALTER TABLE benefit_payment DROP CONSTRAINT IF EXISTS benefit_payment_import_id_fkey;
