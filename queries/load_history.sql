-- Purpose: every accepted load, newest first (the data-quality page's load history).
-- Parameters: none
-- Output: load_id INTEGER, loaded_at TIMESTAMP, kind VARCHAR ('cohort' or 'casework'),
--   file_name VARCHAR, period VARCHAR (NULL for casework), rows_read, rows_loaded,
--   rows_quarantined, warnings INTEGER, warnings_by_column VARCHAR (JSON object),
--   extra_columns VARCHAR (JSON list), synthetic BOOLEAN
SELECT
    load_id, loaded_at, kind, file_name, period, rows_read, rows_loaded, rows_quarantined,
    warnings, warnings_by_column, extra_columns, synthetic
FROM load_log
ORDER BY load_id DESC
