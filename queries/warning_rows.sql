-- Purpose: the rows behind the data-quality page's warnings: each value loaded as Not recorded
--   (or not read), with the child it belongs to, so a QA officer can fix it at source.
--   PUPIL-LEVEL (child IDs and the values as written): run only through pupil.py.
-- Parameters: $load_id INTEGER, or NULL for every load held; $period VARCHAR 'YYYY-MM', or NULL
--   for every period (loads without a period, the casework log, are always included)
-- Output: load_id INTEGER, kind VARCHAR, period VARCHAR (NULL for casework), file_name VARCHAR,
--   source_row INTEGER (the row in the file, header = row 1), child_id VARCHAR,
--   column_name VARCHAR (the contract's name), raw_value VARCHAR (as written; free text,
--   never render as HTML), reason VARCHAR. Newest load first, then by row and column.
SELECT
    w.load_id, w.kind, w.period, l.file_name, w.source_row,
    coalesce(s.child_id, c.child_id, e.child_id) AS child_id,
    w.column_name, w.raw_value, w.reason
FROM load_warnings AS w
JOIN load_log AS l USING (load_id)
LEFT JOIN snapshot AS s
    ON w.kind = 'cohort' AND s.load_id = w.load_id AND s.source_row = w.source_row
LEFT JOIN caseload_snapshot AS c
    ON w.kind = 'caseload' AND c.load_id = w.load_id AND c.source_row = w.source_row
LEFT JOIN casework AS e
    ON w.kind = 'casework' AND e.load_id = w.load_id AND e.source_row = w.source_row
WHERE ($load_id IS NULL OR w.load_id = $load_id)
    AND ($period IS NULL OR w.period = $period OR w.period IS NULL)
ORDER BY w.load_id DESC, w.source_row, w.column_name
