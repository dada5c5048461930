-- Purpose: load warnings (fields loaded as Not recorded) counted by column and reason, for
--   the data currently loaded (a reload replaces a period's warnings with its own).
-- Parameters: $period VARCHAR 'YYYY-MM', or NULL for every period and the casework log
-- Output: kind VARCHAR, period VARCHAR (NULL for casework), column_name VARCHAR,
--   reason VARCHAR, warnings BIGINT
SELECT kind, period, column_name, reason, count(*) AS warnings
FROM load_warnings
WHERE $period IS NULL OR period = $period
GROUP BY ALL
ORDER BY kind DESC, period DESC NULLS LAST, warnings DESC, column_name, reason
