-- V003 load manifests: every county extract loaded into this center, and what became of each
-- of its rows. rows_read = rows_loaded + rows_rejected always; the rejected rows, with their
-- line numbers and reasons, are in the reject file the import wrote. Every data row points at
-- the load that brought it (import_id).

CREATE TABLE import_batch (
    import_id     VARCHAR(64)   NOT NULL PRIMARY KEY,
    city_code     CHAR(6)       NOT NULL,
    county_code   CHAR(6)       NOT NULL,
    entity        VARCHAR(30)   NOT NULL,        -- person, employer, contribution, ...
    file_name     VARCHAR(255)  NOT NULL,
    file_sha256   CHAR(64)      NOT NULL,
    encoding      VARCHAR(20)   NOT NULL,
    rows_read     BIGINT        NOT NULL CHECK (rows_read >= 0),
    rows_loaded   BIGINT        NOT NULL CHECK (rows_loaded >= 0),
    rows_rejected BIGINT        NOT NULL CHECK (rows_rejected >= 0),
    reject_file   VARCHAR(255),
    loaded_by     VARCHAR(64)   NOT NULL,        -- AAE011
    started_at    TIMESTAMP     NOT NULL,        -- AAE036
    finished_at   TIMESTAMP     NOT NULL,
    CHECK (rows_read = rows_loaded + rows_rejected),
    UNIQUE (county_code, entity, file_sha256)
);

-- The source's own totals per insurance and month, counted by the import from the rows it
-- read, for reconciliation against what the center holds.
CREATE TABLE import_total (
    import_id      VARCHAR(64)   NOT NULL REFERENCES import_batch (import_id),
    insurance_type VARCHAR(3)    NOT NULL,       -- AAE140
    period         INTEGER       NOT NULL,       -- AAE003, YYYYMM
    rows_loaded    BIGINT        NOT NULL CHECK (rows_loaded >= 0),
    amount_loaded  NUMERIC(18,2) NOT NULL,
    PRIMARY KEY (import_id, insurance_type, period)
);
