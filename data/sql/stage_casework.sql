-- Normalise and validate a casework log, set-based over the whole file.
-- Input:  temp view `raw` (extract_reader.py), temp table `lookup` and the oos_* macros
--         (lookups.py).
-- Params: none.
-- Output: temp table `staged_events`: one row per file row, parsed values, the trimmed raw text
--         kept for warnings, and `quarantine_reason` (NULL when the row is loaded).

CREATE OR REPLACE TEMP TABLE trimmed_events AS
SELECT
    src_row,
    -- the whole raw row, extra columns too: "repeated to the letter" means every value
    -- (the ID as trimmed: a tab-wrapped copy of a row is a repeat, not another event)
    hash(oos_trim_id(child_id), event_date, event_type, provider, provision_type, hours_per_week, detail,
        extras) AS row_key,
    oos_trim_id(child_id) AS child_id,
    nullif(trim(event_date), '') AS date_raw,
    nullif(trim(event_type), '') AS type_raw,
    nullif(trim(provider), '') AS provider,
    nullif(trim(provision_type), '') AS provision_raw,
    nullif(trim(hours_per_week), '') AS hours_raw,
    nullif(trim(detail), '') AS detail
FROM raw;

-- Coded columns and provider names hold few distinct values: normalise each once, then join.
CREATE OR REPLACE TEMP TABLE coded_events AS
WITH distinct_values AS (
    SELECT DISTINCT 'event' AS domain, type_raw AS raw_value FROM trimmed_events
    UNION ALL SELECT DISTINCT 'provision', provision_raw FROM trimmed_events
)
SELECT d.domain, d.raw_value, lookup.value
FROM distinct_values d
JOIN lookup ON lookup.domain = d.domain AND lookup.key = oos_key(d.raw_value);

CREATE OR REPLACE TEMP TABLE provider_keys AS
SELECT
    provider,
    -- providers are compared case-insensitively with spaces tidied (repeated offers)
    lower(regexp_replace(provider, '\s+', ' ', 'g')) AS provider_key
FROM (SELECT DISTINCT provider FROM trimmed_events WHERE provider IS NOT NULL);

CREATE OR REPLACE TEMP TABLE staged_events AS
WITH repeated AS (
    -- a casework log has many rows per child; only rows repeated to the letter are duplicates
    SELECT row_key, min(src_row) AS first_row
    FROM trimmed_events
    GROUP BY row_key
    HAVING count(*) > 1
)
SELECT
    t.*,
    oos_parse_date(date_raw) AS event_date,
    event_code.value AS event_type,
    provider_keys.provider_key,
    provision_code.value AS provision_type,
    try_cast(hours_raw AS DOUBLE) AS hours_parsed,
    oos_hours_problem(try_cast(hours_raw AS DOUBLE)) AS hours_problem,
    -- NaN, infinite, negative or over 168 hours: loaded as unknown, with a warning
    CASE WHEN oos_hours_problem(try_cast(hours_raw AS DOUBLE)) IS NULL
        THEN try_cast(hours_raw AS DOUBLE) END AS hours_per_week,
    CASE
        WHEN t.child_id IS NULL THEN 'no child_id'
        WHEN oos_id_problem(t.child_id) IS NOT NULL THEN oos_id_problem(t.child_id)
        WHEN repeated.first_row IS NOT NULL AND repeated.first_row <> t.src_row
            THEN 'exact repeat of row ' || repeated.first_row || ' (loaded once)'
        WHEN date_raw IS NULL THEN 'event_date is blank'
        WHEN oos_parse_date(date_raw) IS NULL
            THEN 'event_date ''' || date_raw
                || ''' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)'
        WHEN type_raw IS NULL THEN 'event_type is blank'
        WHEN event_code.value IS NULL
            THEN 'event_type ''' || type_raw || ''' is not one of the contract''s event types'
    END AS quarantine_reason
FROM trimmed_events t
LEFT JOIN repeated USING (row_key)
LEFT JOIN coded_events event_code
    ON event_code.domain = 'event' AND event_code.raw_value = t.type_raw
LEFT JOIN coded_events provision_code
    ON provision_code.domain = 'provision' AND provision_code.raw_value = t.provision_raw
LEFT JOIN provider_keys USING (provider);

DROP TABLE trimmed_events;
DROP TABLE coded_events;
DROP TABLE provider_keys;
