-- V006 the social-insurance system (社会保险): enrolments in the five insurances (AC20),
-- contribution records (AC43) and benefit payments.

CREATE TABLE insurance_enrolment (
    county_code       CHAR(6)     NOT NULL,
    id_number         CHAR(18)    NOT NULL,      -- AAC002
    insurance_type    VARCHAR(3)  NOT NULL,      -- AAE140: 110 pension, 210 unemployment, 310 medical, 410 work injury, 510 maternity
    employer_code     VARCHAR(18),               -- AAB001
    enrolled_on       DATE,                      -- AAC030 current enrolment
    first_enrolled_on DATE,                      -- AAC049 first enrolment
    ended_on          DATE,
    status            VARCHAR(2),                -- AAC031: 1 paying, 2 suspended, 3 terminated
    import_id         VARCHAR(64) NOT NULL REFERENCES import_batch (import_id),
    PRIMARY KEY (county_code, id_number, insurance_type)
);

CREATE TABLE contribution (
    county_code     CHAR(6)       NOT NULL,
    id_number       CHAR(18)      NOT NULL,      -- AAC002
    insurance_type  VARCHAR(3)    NOT NULL,      -- AAE140
    period          INTEGER       NOT NULL,      -- AAE003 the month the payment belongs to, YYYYMM
    employer_code   VARCHAR(18)   NOT NULL,      -- AAB001
    paid_month      INTEGER,                     -- AAE002 the month it was paid, YYYYMM
    base            NUMERIC(14,2) NOT NULL CHECK (base >= 0),             -- AAE180
    employer_amount NUMERIC(14,2) NOT NULL CHECK (employer_amount >= 0),
    person_amount   NUMERIC(14,2) NOT NULL CHECK (person_amount >= 0),
    import_id       VARCHAR(64)   NOT NULL REFERENCES import_batch (import_id),
    PRIMARY KEY (county_code, id_number, insurance_type, period, employer_code),
    CHECK (period BETWEEN 190001 AND 209912)
);

CREATE TABLE benefit_payment (
    county_code    CHAR(6)       NOT NULL,
    id_number      CHAR(18)      NOT NULL,       -- AAC002
    insurance_type VARCHAR(3)    NOT NULL,       -- AAE140
    benefit_type   VARCHAR(2)    NOT NULL,       -- dictionary BJE001
    period         INTEGER       NOT NULL CHECK (period BETWEEN 190001 AND 209912),  -- AAE003
    amount         NUMERIC(14,2) NOT NULL CHECK (amount >= 0),
    paid_on        DATE,
    import_id      VARCHAR(64)   NOT NULL REFERENCES import_batch (import_id),
    PRIMARY KEY (county_code, id_number, benefit_type, period)
);
