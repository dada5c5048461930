-- Purpose: what the database holds, for the banner and the "About this figure" notes.
--   synthetic is TRUE when any load on record was of synthetic data (so the banner errs on
--   the side of showing).
-- Parameters: none
-- Output: one row: periods BIGINT, first_period VARCHAR, latest_period VARCHAR,
--   children_latest BIGINT, children_latest_ckey INTEGER (its cell key: figures/disclosure.py),
--   latest_loaded_at TIMESTAMP, loads BIGINT, synthetic BOOLEAN,
--   casework_events BIGINT, quarantined_rows BIGINT
WITH span AS (
    SELECT count(DISTINCT period) AS periods, min(period) AS first_period,
        max(period) AS latest_period
    FROM snapshot
)
SELECT
    span.periods,
    span.first_period,
    span.latest_period,
    (SELECT count(*) FROM snapshot WHERE period = span.latest_period) AS children_latest,
    (
        SELECT coalesce(sum(rkey) % 256, 0)::INTEGER
        FROM snapshot
        WHERE period = span.latest_period
    ) AS children_latest_ckey,
    (SELECT max(loaded_at) FROM load_log) AS latest_loaded_at,
    (SELECT count(*) FROM load_log) AS loads,
    (SELECT coalesce(bool_or(synthetic), false) FROM load_log) AS synthetic,
    (SELECT count(*) FROM casework) AS casework_events,
    (SELECT count(*) FROM quarantine) AS quarantined_rows
FROM span
