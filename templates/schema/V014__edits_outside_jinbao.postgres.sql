-- V014 edits made outside jinbao are seen by what works by change. A row's fingerprint is
-- what `data import` computed of its content as the county wrote it. Whatever jinbao writes
-- to a row changes its load (`import_id`) or its mark of missing; an UPDATE that changes
-- neither, nor the fingerprint (a correction by hand in psql or the sqlite3 shell, another
-- program), clears the fingerprint, so the next re-import writes the row again and `data
-- compare` compares it again. The condition names only jinbao's own columns: a column of the
-- data dropped or added by hand is none of the trigger's business, and loads pay only the
-- condition on the rows they update.

-- PostgreSQL clears it only when the row's content changed (an UPDATE that sets a value to
-- itself keeps it).
CREATE FUNCTION row_edited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF to_jsonb(NEW) IS DISTINCT FROM to_jsonb(OLD) THEN
        NEW.row_fp := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER person_edited BEFORE UPDATE ON person FOR EACH ROW
    WHEN (NEW.row_fp IS NOT NULL AND NEW.row_fp IS NOT DISTINCT FROM OLD.row_fp
        AND NEW.import_id IS NOT DISTINCT FROM OLD.import_id
        AND NEW.missing_import IS NOT DISTINCT FROM OLD.missing_import)
    EXECUTE FUNCTION row_edited();

CREATE TRIGGER employer_edited BEFORE UPDATE ON employer FOR EACH ROW
    WHEN (NEW.row_fp IS NOT NULL AND NEW.row_fp IS NOT DISTINCT FROM OLD.row_fp
        AND NEW.import_id IS NOT DISTINCT FROM OLD.import_id
        AND NEW.missing_import IS NOT DISTINCT FROM OLD.missing_import)
    EXECUTE FUNCTION row_edited();

CREATE TRIGGER insurance_enrolment_edited BEFORE UPDATE ON insurance_enrolment FOR EACH ROW
    WHEN (NEW.row_fp IS NOT NULL AND NEW.row_fp IS NOT DISTINCT FROM OLD.row_fp
        AND NEW.import_id IS NOT DISTINCT FROM OLD.import_id
        AND NEW.missing_import IS NOT DISTINCT FROM OLD.missing_import)
    EXECUTE FUNCTION row_edited();

CREATE TRIGGER contribution_edited BEFORE UPDATE ON contribution FOR EACH ROW
    WHEN (NEW.row_fp IS NOT NULL AND NEW.row_fp IS NOT DISTINCT FROM OLD.row_fp
        AND NEW.import_id IS NOT DISTINCT FROM OLD.import_id
        AND NEW.missing_import IS NOT DISTINCT FROM OLD.missing_import)
    EXECUTE FUNCTION row_edited();

CREATE TRIGGER benefit_payment_edited BEFORE UPDATE ON benefit_payment FOR EACH ROW
    WHEN (NEW.row_fp IS NOT NULL AND NEW.row_fp IS NOT DISTINCT FROM OLD.row_fp
        AND NEW.import_id IS NOT DISTINCT FROM OLD.import_id
        AND NEW.missing_import IS NOT DISTINCT FROM OLD.missing_import)
    EXECUTE FUNCTION row_edited();

CREATE TRIGGER employment_registration_edited BEFORE UPDATE ON employment_registration FOR EACH ROW
    WHEN (NEW.row_fp IS NOT NULL AND NEW.row_fp IS NOT DISTINCT FROM OLD.row_fp
        AND NEW.import_id IS NOT DISTINCT FROM OLD.import_id
        AND NEW.missing_import IS NOT DISTINCT FROM OLD.missing_import)
    EXECUTE FUNCTION row_edited();

CREATE TRIGGER unemployment_registration_edited BEFORE UPDATE ON unemployment_registration FOR EACH ROW
    WHEN (NEW.row_fp IS NOT NULL AND NEW.row_fp IS NOT DISTINCT FROM OLD.row_fp
        AND NEW.import_id IS NOT DISTINCT FROM OLD.import_id
        AND NEW.missing_import IS NOT DISTINCT FROM OLD.missing_import)
    EXECUTE FUNCTION row_edited();

CREATE TRIGGER vocational_training_edited BEFORE UPDATE ON vocational_training FOR EACH ROW
    WHEN (NEW.row_fp IS NOT NULL AND NEW.row_fp IS NOT DISTINCT FROM OLD.row_fp
        AND NEW.import_id IS NOT DISTINCT FROM OLD.import_id
        AND NEW.missing_import IS NOT DISTINCT FROM OLD.missing_import)
    EXECUTE FUNCTION row_edited();

CREATE TRIGGER labor_inspection_case_edited BEFORE UPDATE ON labor_inspection_case FOR EACH ROW
    WHEN (NEW.row_fp IS NOT NULL AND NEW.row_fp IS NOT DISTINCT FROM OLD.row_fp
        AND NEW.import_id IS NOT DISTINCT FROM OLD.import_id
        AND NEW.missing_import IS NOT DISTINCT FROM OLD.missing_import)
    EXECUTE FUNCTION row_edited();
