-- V005 the employment system (劳动就业): employment and unemployment registrations, vocational
-- training and labor inspection cases.

CREATE TABLE employment_registration (
    county_code    CHAR(6)      NOT NULL,
    id_number      CHAR(18)     NOT NULL,        -- AAC002
    employer_code  VARCHAR(18)  NOT NULL,        -- AAB001
    start_date     DATE         NOT NULL,
    end_date       DATE,
    import_id      VARCHAR(64)  NOT NULL REFERENCES import_batch (import_id),
    PRIMARY KEY (county_code, id_number, employer_code, start_date),
    CHECK (end_date IS NULL OR end_date >= start_date)
);

CREATE TABLE unemployment_registration (
    county_code    CHAR(6)      NOT NULL,
    id_number      CHAR(18)     NOT NULL,        -- AAC002
    registered_on  DATE         NOT NULL,
    ended_on       DATE,
    reason         VARCHAR(2),                   -- dictionary BJC001
    import_id      VARCHAR(64)  NOT NULL REFERENCES import_batch (import_id),
    PRIMARY KEY (county_code, id_number, registered_on),
    CHECK (ended_on IS NULL OR ended_on >= registered_on)
);

CREATE TABLE vocational_training (
    county_code    CHAR(6)      NOT NULL,
    id_number      CHAR(18)     NOT NULL,        -- AAC002
    course         VARCHAR(100) NOT NULL,
    provider       VARCHAR(100),
    start_date     DATE         NOT NULL,
    end_date       DATE,
    certificate    VARCHAR(40),
    import_id      VARCHAR(64)  NOT NULL REFERENCES import_batch (import_id),
    PRIMARY KEY (county_code, id_number, course, start_date)
);

CREATE TABLE labor_inspection_case (
    county_code      CHAR(6)       NOT NULL,
    case_no          VARCHAR(30)   NOT NULL,
    employer_code    VARCHAR(18)   NOT NULL,     -- AAB001
    opened_on        DATE          NOT NULL,
    closed_on        DATE,
    case_type        VARCHAR(2),                 -- dictionary BJL001
    workers_affected INTEGER       CHECK (workers_affected >= 0),
    arrears_amount   NUMERIC(14,2) CHECK (arrears_amount >= 0),
    import_id        VARCHAR(64)   NOT NULL REFERENCES import_batch (import_id),
    PRIMARY KEY (county_code, case_no)
);
