-- Purpose: what the database holds, for the banner and the "About this figure" notes.
--   synthetic is TRUE only when there are loads and every one of them was of synthetic data
--   (the demo generator's): a single real load makes the database real, so real children are
--   never shown as made up. synthetic_loads and real_loads say what the gate found.
-- Parameters: none
-- Output: one row: periods BIGINT, first_period VARCHAR, latest_period VARCHAR,
--   children_latest BIGINT, children_latest_ckey INTEGER (its cell key: figures/disclosure.py),
--   latest_loaded_at TIMESTAMP, loads BIGINT, synthetic BOOLEAN, synthetic_loads BIGINT,
--   real_loads BIGINT, casework_events BIGINT, quarantined_rows BIGINT
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
    (SELECT count(*) > 0 AND bool_and(synthetic) FROM load_log) AS synthetic,
    (SELECT count(*) FILTER (WHERE synthetic) FROM load_log) AS synthetic_loads,
    (SELECT count(*) FILTER (WHERE NOT synthetic) FROM load_log) AS real_loads,
    (SELECT count(*) FROM casework) AS casework_events,
    (SELECT count(*) FROM quarantine) AS quarantined_rows
FROM span
