-- Purpose: the loaded periods whose care status was NOT supplied (a SEN2 return loaded without
--   the Standard Safeguarding Dataset): their children all read care status None, so pages
--   say "not supplied" instead of showing them. Needs `period_info` (see
--   period_info_available.sql).
-- Parameters: none
-- Output: period VARCHAR 'YYYY-MM', oldest first
SELECT period
FROM period_info
WHERE NOT care_status_supplied
    AND period IN (SELECT DISTINCT period FROM snapshot)
ORDER BY period
