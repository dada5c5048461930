-- Purpose: whether the database holds the case flags (a file published before they existed,
--   or one with no load yet, does not), so the casework pages can say so instead of failing.
-- Parameters: none
-- Output: available BOOLEAN
SELECT count(*) = 3 AS available
FROM information_schema.tables
WHERE table_schema = 'main' AND table_name IN ('case_flags', 'flag_settings', 'case_flag_basis')
