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
    load_id INTEGER NOT NULL
);

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
    load_id
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
    load_id INTEGER NOT NULL
);

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
    load_id
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
