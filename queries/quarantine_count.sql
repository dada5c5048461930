-- Purpose: how many rows are quarantined (paging the quarantine table).
-- Parameters: $period VARCHAR or NULL (all)
-- Output: quarantined BIGINT
SELECT count(*) AS quarantined
FROM quarantine
WHERE $period IS NULL OR period = $period
