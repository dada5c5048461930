-- Purpose: the trend's total: the filtered cohort in each loaded period of a range that has any
--   child. queries/aggregates.py `trend` adds the loaded periods with none (0, key 0) and the
--   share, so that it returns what children_by_period.sql returns for the 'All' category
--   (DuckDB took three times as long to plan that query's grid of periods and categories as
--   to count a total).
-- Parameters: the shared cohort filter with $period_from / $period_to set to the range
-- Output: period VARCHAR, children BIGINT, children_ckey INTEGER (the cell key: see
--   figures/disclosure.py)
SELECT
    period,
    count(*) AS children,
    (sum(rkey) % 256)::INTEGER AS children_ckey
FROM cohort
WHERE {{cohort_filter}}
GROUP BY period
