-- Purpose: how many children the filtered cohort holds (the explorer's row count and pages).
-- Parameters: the shared cohort filter
-- Output: children BIGINT
SELECT count(*) AS children
FROM cohort
WHERE {{cohort_filter}}
