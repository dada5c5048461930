-- Purpose: the reporting periods loaded, oldest first.
-- Parameters: none
-- Output: period VARCHAR 'YYYY-MM'
SELECT DISTINCT period
FROM snapshot
ORDER BY period
