-- V013 checks by change. `data check` keeps what each rule found here, and up to which loads
-- (each load belongs to one check generation); the next check evaluates each rule only on
-- the rows, groups and references those loads changed, and a rule whose definition changed,
-- or `data check --full`, recomputes it whole. The findings hold keys (ID numbers): they stay
-- in the city database with the rows they name.

CREATE TABLE check_finding (
    rule  VARCHAR(128) NOT NULL,
    c     VARCHAR(16)  NOT NULL,
    k     TEXT         NOT NULL,
    v     TEXT
);
CREATE INDEX check_finding_by_rule ON check_finding (rule, k);

CREATE TABLE check_rule_state (
    rule        VARCHAR(128) NOT NULL PRIMARY KEY,
    definition  VARCHAR(64)  NOT NULL,
    generation  BIGINT       NOT NULL
);

CREATE TABLE check_generation (
    import_id   VARCHAR(64)  NOT NULL PRIMARY KEY,
    generation  BIGINT       NOT NULL
);
CREATE INDEX check_generation_by_generation ON check_generation (generation);

-- The keys of rows `data import --apply-missing` deleted, with the load that deleted them: a
-- check drops what it found of them, and looks again at the groups and references they left.
CREATE TABLE person_gone AS SELECT county_code, id_number, import_id FROM person WHERE 1 = 0;
CREATE TABLE employer_gone AS SELECT county_code, employer_code, import_id FROM employer WHERE 1 = 0;
CREATE TABLE insurance_enrolment_gone AS
    SELECT county_code, id_number, insurance_type, import_id FROM insurance_enrolment WHERE 1 = 0;
CREATE TABLE contribution_gone AS
    SELECT county_code, id_number, insurance_type, period, employer_code, import_id FROM contribution WHERE 1 = 0;
CREATE TABLE benefit_payment_gone AS
    SELECT county_code, id_number, benefit_type, period, import_id FROM benefit_payment WHERE 1 = 0;
CREATE TABLE employment_registration_gone AS
    SELECT county_code, id_number, employer_code, start_date, import_id FROM employment_registration WHERE 1 = 0;
CREATE TABLE unemployment_registration_gone AS
    SELECT county_code, id_number, registered_on, import_id FROM unemployment_registration WHERE 1 = 0;
CREATE TABLE vocational_training_gone AS
    SELECT county_code, id_number, course, start_date, import_id FROM vocational_training WHERE 1 = 0;
CREATE TABLE labor_inspection_case_gone AS
    SELECT county_code, case_no, import_id FROM labor_inspection_case WHERE 1 = 0;

-- what the checks by change look up: each table's rows of a load
CREATE INDEX person_by_import ON person (import_id);
CREATE INDEX employer_by_import ON employer (import_id);
CREATE INDEX enrolment_by_import ON insurance_enrolment (import_id);
CREATE INDEX benefit_by_import ON benefit_payment (import_id);
CREATE INDEX employment_by_import ON employment_registration (import_id);
CREATE INDEX unemployment_by_import ON unemployment_registration (import_id);
CREATE INDEX training_by_import ON vocational_training (import_id);
CREATE INDEX inspection_by_import ON labor_inspection_case (import_id);
CREATE INDEX person_gone_by_import ON person_gone (import_id);
CREATE INDEX employer_gone_by_import ON employer_gone (import_id);
CREATE INDEX enrolment_gone_by_import ON insurance_enrolment_gone (import_id);
CREATE INDEX contribution_gone_by_import ON contribution_gone (import_id);
CREATE INDEX benefit_gone_by_import ON benefit_payment_gone (import_id);
CREATE INDEX employment_gone_by_import ON employment_registration_gone (import_id);
CREATE INDEX unemployment_gone_by_import ON unemployment_registration_gone (import_id);
CREATE INDEX training_gone_by_import ON vocational_training_gone (import_id);
CREATE INDEX inspection_gone_by_import ON labor_inspection_case_gone (import_id);
