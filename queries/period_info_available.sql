-- Purpose: whether the database holds `period_info` and the `period_dates` view (every
--   publish since the SEN2 return route exists does; an older database answers FALSE until
--   its next load).
-- Parameters: none
-- Output: available BOOLEAN
SELECT count(*) = 2 AS available
FROM information_schema.tables
WHERE table_schema = 'main' AND table_name IN ('period_info', 'period_dates')
