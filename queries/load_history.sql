-- Purpose: every accepted load, newest first (the data-quality page's load history).
-- Parameters: none
-- Output: load_id INTEGER, loaded_at TIMESTAMP, kind VARCHAR ('cohort' or 'casework'),
--   file_name VARCHAR, period VARCHAR (NULL for casework), rows_read, rows_loaded,
--   rows_quarantined, warnings INTEGER, warnings_by_column VARCHAR (JSON object),
--   extra_columns VARCHAR (JSON list), synthetic BOOLEAN, rows_loaded_ckey INTEGER (the cell
--   key of the children the load put in the cohort or caseload, figures/disclosure.py; NULL
--   for casework and for a load whose period was loaded again since: its rows are gone),
--   sen2_return BOOLEAN (a cohort or caseload derived from a SEN2 return: the period's return
--   was loaded from this file), held BOOLEAN (the latest load of its kind and period: the one
--   whose rows, warnings and quarantine the database holds now)
WITH loaded_keys AS (
    SELECT load_id, sum(rkey) AS keys FROM snapshot GROUP BY load_id
    UNION ALL
    SELECT load_id, sum(rkey) FROM caseload_snapshot GROUP BY load_id
)
SELECT
    l.load_id, l.loaded_at, l.kind, l.file_name, l.period, l.rows_read, l.rows_loaded,
    l.rows_quarantined, l.warnings, l.warnings_by_column, l.extra_columns, l.synthetic,
    (k.keys % 256)::INTEGER AS rows_loaded_ckey,
    l.kind IN ('cohort', 'caseload') AND EXISTS (
        SELECT 1
        FROM period_info AS i
        JOIN load_log AS r ON r.load_id = i.load_id
        WHERE i.source = 'SEN2 return' AND i.period = l.period AND r.file_name = l.file_name
    ) AS sen2_return,
    l.load_id = max(l.load_id) OVER (PARTITION BY l.kind, l.period) AS held
FROM load_log AS l
LEFT JOIN loaded_keys AS k USING (load_id)
ORDER BY l.load_id DESC
