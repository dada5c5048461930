-- Purpose: rows the loader could not load, with their raw values and the reason (the
--   data-quality page). PUPIL-LEVEL (raw values name children): run only through pupil.py.
-- Parameters: $period VARCHAR or NULL (all; casework rows have no period), $limit INTEGER,
--   $offset INTEGER
-- Output: load_id INTEGER, kind VARCHAR, period VARCHAR, file_name VARCHAR,
--   source_row INTEGER, child_id VARCHAR, reason VARCHAR, raw_values VARCHAR (JSON; free text,
--   never render as HTML). Newest load first, then by row.
SELECT load_id, kind, period, file_name, source_row, child_id, reason, raw_values
FROM quarantine
WHERE $period IS NULL OR period = $period
ORDER BY load_id DESC, source_row NULLS LAST
LIMIT $limit OFFSET $offset
