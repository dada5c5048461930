-- Purpose: how many children the filtered cohort holds (the explorer's row count and pages).
-- Parameters: the shared cohort filter
-- Output: children BIGINT, children_ckey INTEGER (the cell key: see figures/disclosure.py)
SELECT count(*) AS children, coalesce(sum(rkey) % 256, 0)::INTEGER AS children_ckey
FROM cohort
WHERE {{cohort_filter}}
