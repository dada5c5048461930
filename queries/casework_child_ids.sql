-- Purpose: the pseudonymous IDs of the filtered cohort's children in the period, for the
--   chronology's picker (at most $limit, by ID).
--   PUPIL-LEVEL: run only through queries/pupil.py (queries.casework.child_ids).
-- Parameters: the shared cohort filter, and $limit INTEGER
-- Output: child_id VARCHAR
SELECT child_id
FROM cohort
WHERE {{cohort_filter}}
ORDER BY child_id
LIMIT $limit
