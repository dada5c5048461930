-- Purpose: the data-quality table of values loaded as Not recorded: load warnings counted by
--   field and reason, over one period's snapshot or over all the data loaded now (every
--   period and the casework log), most frequent first.
-- Parameters: $period VARCHAR 'YYYY-MM', or NULL for all the data loaded now
-- Output: column_name VARCHAR, reason VARCHAR, warnings BIGINT, warnings_ckey INTEGER (the cell
--   key of the rows warned about: figures/disclosure.py)
WITH keyed AS (
    -- each warning with the record key of the row it is about: a cohort or caseload row as
    -- loaded, or the child of a casework event (a casework warning counts events)
    SELECT
        w.*,
        coalesce(s.rkey, c.rkey, record_key(e.child_id)) AS rkey
    FROM load_warnings AS w
    LEFT JOIN snapshot AS s
        ON w.kind = 'cohort' AND s.load_id = w.load_id AND s.source_row = w.source_row
    LEFT JOIN caseload_snapshot AS c
        ON w.kind = 'caseload' AND c.load_id = w.load_id AND c.source_row = w.source_row
    LEFT JOIN casework AS e
        ON w.kind = 'casework' AND e.load_id = w.load_id AND e.source_row = w.source_row
    WHERE $period IS NULL OR w.period = $period
)
SELECT
    column_name, reason, count(*) AS warnings,
    coalesce(sum(rkey) % 256, 0)::INTEGER AS warnings_ckey
FROM keyed
GROUP BY ALL
ORDER BY warnings DESC, column_name, reason
