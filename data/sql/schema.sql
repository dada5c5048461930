-- Schema of the out-of-school database. Idempotent: run at the start of every load.
--
-- snapshot     one row per child per period, with every derived value computed at load time
--              at the period's census date (values are fixed for a period, so computing them
--              once keeps every dashboard query a plain scan)
-- casework     the whole casework log (replaced whole by each casework load)
-- quarantine   rows that could not be loaded, with their raw values and the reason
-- load_warnings  fields loaded as Not recorded, with row number, column and reason
-- load_log     one row per accepted load: the load report
-- assignment   who holds each child's case (the caseworker assignments file, replaced whole by
--              each load; data/assignments.py)
-- cohort       the stable interface analysts query (columns documented in README.md)
-- disclosure_key  one row: the secret behind the record keys (README, "Disclosure control"),
--              made once per database by data/disclosure_key.sql and carried by every publish
-- rkey         (snapshot, caseload_snapshot, and the views) each child's record key, 0..255:
--              a disclosure-control key, not an identifier; set by the publish SQL
--              (record_key(child_id)); the same child always has the same key

CREATE TABLE IF NOT EXISTS disclosure_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret VARCHAR NOT NULL CHECK (length(secret) = 64)
);

-- A child's record key: the first byte of md5(secret || child_id) (md5_number reads the
-- digest little-endian, so & 255 keeps its first byte). NULL while the database has no secret.
CREATE OR REPLACE MACRO record_key(id) AS
    (md5_number((SELECT secret FROM disclosure_key) || id) & 255)::UTINYINT;

CREATE TABLE IF NOT EXISTS snapshot (
    period VARCHAR NOT NULL,
    census_date DATE NOT NULL,
    child_id VARCHAR NOT NULL,
    date_of_birth DATE,
    age INTEGER,
    gender VARCHAR NOT NULL,
    year_group VARCHAR NOT NULL,
    primary_need VARCHAR NOT NULL,
    district VARCHAR NOT NULL,
    placement_status VARCHAR NOT NULL,
    care_status VARCHAR NOT NULL,
    cin BOOLEAN NOT NULL,
    cp BOOLEAN NOT NULL,
    cla BOOLEAN NOT NULL,
    previously_looked_after BOOLEAN NOT NULL,
    is_import BOOLEAN NOT NULL,
    imported_from VARCHAR,
    import_date DATE,
    out_of_school_since DATE,
    days_out INTEGER,
    ehcp_issued DATE,
    last_annual_review DATE,
    provision_hours DOUBLE,
    sen_team VARCHAR,
    source_row INTEGER NOT NULL,
    load_id INTEGER NOT NULL,
    rkey UTINYINT
);
-- databases published before record keys existed: the column is added (last, as above) and
-- filled by disclosure_key.sql
ALTER TABLE snapshot ADD COLUMN IF NOT EXISTS rkey UTINYINT;

CREATE TABLE IF NOT EXISTS casework (
    child_id VARCHAR NOT NULL,
    event_date DATE NOT NULL,
    event_type VARCHAR NOT NULL,
    provider VARCHAR,
    -- provider compared case-insensitively and trimmed (repeated offers)
    provider_key VARCHAR,
    provision_type VARCHAR,
    hours_per_week DOUBLE,
    detail VARCHAR,
    source_row INTEGER NOT NULL,
    load_id INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine (
    load_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    period VARCHAR,
    file_name VARCHAR NOT NULL,
    source_row INTEGER,
    child_id VARCHAR,
    reason VARCHAR NOT NULL,
    raw_values VARCHAR
);

CREATE TABLE IF NOT EXISTS load_warnings (
    load_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    period VARCHAR,
    source_row INTEGER NOT NULL,
    column_name VARCHAR NOT NULL,
    raw_value VARCHAR,
    reason VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS load_log (
    load_id INTEGER PRIMARY KEY,
    loaded_at TIMESTAMP NOT NULL,
    kind VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    period VARCHAR,
    rows_read INTEGER NOT NULL,
    rows_loaded INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    warnings_by_column VARCHAR,
    extra_columns VARCHAR,
    synthetic BOOLEAN NOT NULL
);

-- load_columns  each load's contract columns and the name its file's header gave them
--               ('Child ID' for child_id; a SEN2 return's module and field), so the data-quality
--               page names a column the way the people who fix the export know it
CREATE TABLE IF NOT EXISTS load_columns (
    load_id INTEGER NOT NULL,
    column_name VARCHAR NOT NULL,
    file_column VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS assignment (
    child_id VARCHAR NOT NULL,
    -- the caseworker's sign-in account (e-mail as the identity provider gives it) or name
    caseworker VARCHAR NOT NULL,
    -- how the pages name the caseworker; NULL: the caseworker value is shown
    caseworker_name VARCHAR,
    -- the first day the assignment holds; NULL: from the start (every period)
    assigned_from DATE,
    source_row INTEGER NOT NULL,
    load_id INTEGER NOT NULL
);

-- A child with no care status was stored as 'None' before issue 18, which pandas reads back
-- from a CSV as a blank: the first load into such a database renames it (idempotent).
UPDATE snapshot SET care_status = 'No care status' WHERE care_status = 'None';

CREATE OR REPLACE VIEW cohort AS
SELECT
    period,
    census_date,
    child_id,
    age,
    gender,
    year_group,
    primary_need,
    district,
    placement_status,
    care_status,
    cin,
    cp,
    cla,
    previously_looked_after,
    is_import,
    imported_from,
    out_of_school_since,
    days_out,
    -- columns beyond the contract's list
    date_of_birth,
    import_date,
    ehcp_issued,
    last_annual_review,
    provision_hours,
    coalesce(sen_team, 'Not recorded') AS sen_team,
    load_id,
    rkey
FROM snapshot;

-- caseload_snapshot  every child with an EHC plan at a period's census date, in school or not
--                    (the caseload extract); the denominator of out-of-school rates
-- caseload           the analysts' view of it: the `cohort` view's names and values for the
--                    columns the two share
CREATE TABLE IF NOT EXISTS caseload_snapshot (
    period VARCHAR NOT NULL,
    census_date DATE NOT NULL,
    child_id VARCHAR NOT NULL,
    date_of_birth DATE,
    age INTEGER,
    gender VARCHAR NOT NULL,
    year_group VARCHAR NOT NULL,
    primary_need VARCHAR NOT NULL,
    district VARCHAR NOT NULL,
    care_status VARCHAR NOT NULL,
    cin BOOLEAN NOT NULL,
    cp BOOLEAN NOT NULL,
    cla BOOLEAN NOT NULL,
    previously_looked_after BOOLEAN NOT NULL,
    sen_team VARCHAR,
    source_row INTEGER NOT NULL,
    load_id INTEGER NOT NULL,
    rkey UTINYINT
);
ALTER TABLE caseload_snapshot ADD COLUMN IF NOT EXISTS rkey UTINYINT;
UPDATE caseload_snapshot SET care_status = 'No care status' WHERE care_status = 'None';

CREATE OR REPLACE VIEW caseload AS
SELECT
    period,
    census_date,
    child_id,
    age,
    gender,
    year_group,
    primary_need,
    district,
    care_status,
    cin,
    cp,
    cla,
    previously_looked_after,
    date_of_birth,
    coalesce(sen_team, 'Not recorded') AS sen_team,
    load_id,
    rkey
FROM caseload_snapshot;

-- published_ehcp  DfE published EHC plan figures by area and January (data/published.py),
--                 one row per release, area and year; counts NULL where not published
CREATE TABLE IF NOT EXISTS published_ehcp (
    release VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    time_period INTEGER,
    year INTEGER,
    geographic_level VARCHAR,
    area VARCHAR,
    region_name VARCHAR,
    new_la_code VARCHAR,
    old_la_code VARCHAR,
    breakdown VARCHAR,
    ehcplans BIGINT,
    neet BIGINT,
    neet_other_csa BIGINT,
    other_placement_settings BIGINT,
    await_prov_2022 BIGINT,
    elective_home_education BIGINT,
    ed_elsewhere BIGINT,
    placement_unknown BIGINT
);

-- period_info   one row per period loaded from the SEN2 return (data/sen2_return.py): the date
--               the return describes (`as_at_date`: the census date, or the export's date when
--               it falls inside the month; the case flags' statutory clocks are worked out at
--               it) and whether care status was supplied (an SSD with the load). A period
--               loaded from a bespoke cohort extract has no row: as at its census date, care
--               status supplied (publish_cohort.sql removes the row such a load replaces).
-- period_dates  the analysts' view: every loaded period with those two facts
CREATE TABLE IF NOT EXISTS period_info (
    period VARCHAR PRIMARY KEY,
    as_at_date DATE NOT NULL,
    care_status_supplied BOOLEAN NOT NULL,
    source VARCHAR NOT NULL,
    export_date DATE,
    load_id INTEGER NOT NULL
);

CREATE OR REPLACE VIEW period_dates AS
SELECT
    s.period,
    s.census_date,
    coalesce(i.as_at_date, s.census_date) AS as_at_date,
    coalesce(i.care_status_supplied, TRUE) AS care_status_supplied,
    coalesce(i.source, 'cohort extract') AS source
FROM (SELECT DISTINCT period, census_date FROM snapshot) AS s
LEFT JOIN period_info AS i USING (period);
