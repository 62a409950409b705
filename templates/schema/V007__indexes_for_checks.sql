-- V007 indexes the data checks and reconciliations need: by ID number across counties, by
-- person, insurance and month, and by county, insurance and month.

CREATE INDEX person_by_id ON person (id_number);
CREATE INDEX employer_by_code ON employer (employer_code);
CREATE INDEX enrolment_by_id ON insurance_enrolment (id_number, insurance_type);
CREATE INDEX contribution_by_person_month ON contribution (id_number, insurance_type, period);
CREATE INDEX contribution_by_county_month ON contribution (county_code, insurance_type, period);
CREATE INDEX contribution_by_import ON contribution (import_id);
CREATE INDEX benefit_by_person ON benefit_payment (id_number, period);
CREATE INDEX unemployment_by_id ON unemployment_registration (id_number);
CREATE INDEX employment_by_id ON employment_registration (id_number);
