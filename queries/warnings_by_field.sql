-- Purpose: the data-quality table of values loaded as Not recorded: load warnings counted by
--   field and reason, over one period's snapshot or over all the data loaded now (every
--   period and the casework log), most frequent first.
-- Parameters: $period VARCHAR 'YYYY-MM', or NULL for all the data loaded now
-- Output: column_name VARCHAR, reason VARCHAR, warnings BIGINT
SELECT column_name, reason, count(*) AS warnings
FROM load_warnings
WHERE $period IS NULL OR period = $period
GROUP BY ALL
ORDER BY warnings DESC, column_name, reason
