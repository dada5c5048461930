-- Purpose: whether the database holds the case flags as this version reads them: the view,
--   its settings and its basis, with the worklist's columns (act_now, records_disagree,
--   clock_due_date) and the caseworker assignments table. A database published by an earlier
--   version answers FALSE until the next load.
-- Parameters: none
-- Output: available BOOLEAN
SELECT
    (
        SELECT count(*)
        FROM information_schema.tables
        WHERE table_schema = 'main'
            AND table_name IN ('case_flags', 'flag_settings', 'case_flag_basis', 'assignment')
    ) = 4
    AND (
        SELECT count(*)
        FROM information_schema.columns
        WHERE table_schema = 'main' AND table_name = 'case_flags'
            AND column_name IN ('act_now', 'records_disagree', 'clock_due_date')
    ) = 3 AS available
