-- V014 edits made outside jinbao are seen by what works by change. A row's fingerprint is
-- what `data import` computed of its content as the county wrote it. Whatever jinbao writes
-- to a row changes its load (`import_id`) or its mark of missing; an UPDATE that changes
-- neither, nor the fingerprint (a correction by hand in psql or the sqlite3 shell, another
-- program), clears the fingerprint, so the next re-import writes the row again and `data
-- compare` compares it again. The condition names only jinbao's own columns: a column of the
-- data dropped or added by hand is none of the trigger's business, and loads pay only the
-- condition on the rows they update.

CREATE TRIGGER person_edited AFTER UPDATE ON person FOR EACH ROW
    WHEN NEW.row_fp IS NOT NULL AND NEW.row_fp IS OLD.row_fp AND NEW.import_id IS OLD.import_id
        AND NEW.missing_import IS OLD.missing_import
BEGIN
    UPDATE person SET row_fp = NULL WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER employer_edited AFTER UPDATE ON employer FOR EACH ROW
    WHEN NEW.row_fp IS NOT NULL AND NEW.row_fp IS OLD.row_fp AND NEW.import_id IS OLD.import_id
        AND NEW.missing_import IS OLD.missing_import
BEGIN
    UPDATE employer SET row_fp = NULL WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER insurance_enrolment_edited AFTER UPDATE ON insurance_enrolment FOR EACH ROW
    WHEN NEW.row_fp IS NOT NULL AND NEW.row_fp IS OLD.row_fp AND NEW.import_id IS OLD.import_id
        AND NEW.missing_import IS OLD.missing_import
BEGIN
    UPDATE insurance_enrolment SET row_fp = NULL WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER contribution_edited AFTER UPDATE ON contribution FOR EACH ROW
    WHEN NEW.row_fp IS NOT NULL AND NEW.row_fp IS OLD.row_fp AND NEW.import_id IS OLD.import_id
        AND NEW.missing_import IS OLD.missing_import
BEGIN
    UPDATE contribution SET row_fp = NULL WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER benefit_payment_edited AFTER UPDATE ON benefit_payment FOR EACH ROW
    WHEN NEW.row_fp IS NOT NULL AND NEW.row_fp IS OLD.row_fp AND NEW.import_id IS OLD.import_id
        AND NEW.missing_import IS OLD.missing_import
BEGIN
    UPDATE benefit_payment SET row_fp = NULL WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER employment_registration_edited AFTER UPDATE ON employment_registration FOR EACH ROW
    WHEN NEW.row_fp IS NOT NULL AND NEW.row_fp IS OLD.row_fp AND NEW.import_id IS OLD.import_id
        AND NEW.missing_import IS OLD.missing_import
BEGIN
    UPDATE employment_registration SET row_fp = NULL WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER unemployment_registration_edited AFTER UPDATE ON unemployment_registration FOR EACH ROW
    WHEN NEW.row_fp IS NOT NULL AND NEW.row_fp IS OLD.row_fp AND NEW.import_id IS OLD.import_id
        AND NEW.missing_import IS OLD.missing_import
BEGIN
    UPDATE unemployment_registration SET row_fp = NULL WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER vocational_training_edited AFTER UPDATE ON vocational_training FOR EACH ROW
    WHEN NEW.row_fp IS NOT NULL AND NEW.row_fp IS OLD.row_fp AND NEW.import_id IS OLD.import_id
        AND NEW.missing_import IS OLD.missing_import
BEGIN
    UPDATE vocational_training SET row_fp = NULL WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER labor_inspection_case_edited AFTER UPDATE ON labor_inspection_case FOR EACH ROW
    WHEN NEW.row_fp IS NOT NULL AND NEW.row_fp IS OLD.row_fp AND NEW.import_id IS OLD.import_id
        AND NEW.missing_import IS OLD.missing_import
BEGIN
    UPDATE labor_inspection_case SET row_fp = NULL WHERE rowid = NEW.rowid;
END;
