-- Purpose: the data-quality page's values loaded as Not recorded, one extract at a time: load
--   warnings counted by load (one file: a period's cohort or caseload, the casework log),
--   column and reason, for the data held now (a reload replaces a period's warnings).
-- Parameters: $period VARCHAR 'YYYY-MM', or NULL for every period; the loads without a period
--   (the casework log) are always included
-- Output: load_id INTEGER, column_name VARCHAR (the contract's name), reason VARCHAR,
--   warnings BIGINT, warnings_ckey INTEGER (the cell key of the rows warned about:
--   figures/disclosure.py). By load, then most frequent first.
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
    WHERE $period IS NULL OR w.period = $period OR w.period IS NULL
)
SELECT
    load_id, column_name, reason, count(*) AS warnings,
    coalesce(sum(rkey) % 256, 0)::INTEGER AS warnings_ckey
FROM keyed
GROUP BY ALL
ORDER BY load_id DESC, warnings DESC, column_name, reason
