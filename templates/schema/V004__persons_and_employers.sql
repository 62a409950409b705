-- V004 persons (AC01) and employers (AB01): the main lines of the unified data platform.
-- A person is keyed by the resident ID number (AAC002 = GB 11643) within the county whose
-- extract brought the row: the same ID arriving from two counties is kept twice, so the data
-- checks can show it, rather than one county silently overwriting the other.

CREATE TABLE person (
    county_code    CHAR(6)      NOT NULL,        -- the county whose extract holds the row
    id_number      CHAR(18)     NOT NULL,        -- AAC002 social security number = ID number
    id_number_src  VARCHAR(20),                  -- the ID as the county wrote it, when it was converted (15-digit)
    person_no      VARCHAR(20),                  -- AAC001 the county system's person number
    name           VARCHAR(60)  NOT NULL,        -- AAC003
    sex            VARCHAR(2),                   -- AAC004, dictionary AAC004 (GB/T 2261.1)
    birth_date     DATE,                         -- AAC006
    birth_date_src VARCHAR(20),                  -- the county's text when it was not a real date
    area_code      VARCHAR(6),                   -- AAB301 household registration area
    work_start     DATE,                         -- AAC007
    retired        SMALLINT     NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),  -- AAC084
    retire_date    DATE,
    death_date     DATE,
    import_id      VARCHAR(64)  NOT NULL REFERENCES import_batch (import_id),
    PRIMARY KEY (county_code, id_number),
    CHECK (length(id_number) = 18)
);

CREATE TABLE employer (
    county_code    CHAR(6)      NOT NULL,
    employer_code  VARCHAR(18)  NOT NULL,        -- AAB001: unified social credit code (GB 32100) or organization code (GB 11714)
    code_kind      VARCHAR(4)   NOT NULL CHECK (code_kind IN ('uscc', 'org')),
    name           VARCHAR(120) NOT NULL,        -- AAB004
    employer_type  VARCHAR(4),                   -- AAB019
    area_code      VARCHAR(6),                   -- AAB301
    status         VARCHAR(2),                   -- AAB051
    import_id      VARCHAR(64)  NOT NULL REFERENCES import_batch (import_id),
    PRIMARY KEY (county_code, employer_code)
);
