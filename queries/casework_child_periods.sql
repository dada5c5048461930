-- Purpose: one child's snapshots with the case flags of each period (the chronology's rows).
--   PUPIL-LEVEL: run only through queries/pupil.py (queries.casework.child_periods).
-- Parameters: $child_id VARCHAR
-- Output: every column of case_flags (see data/sql/case_flags.sql) for the child, one row per
--   period the child is in, oldest first
SELECT *
FROM case_flags
WHERE child_id = $child_id
ORDER BY period
