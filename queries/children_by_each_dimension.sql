-- Purpose: children in the filtered cohort counted by each of several dimensions in one scan:
--   the numerators of the Rates page's family of tests (queries/rates.py, comparison_family),
--   every breakdown the page offers at once instead of one query each.
-- Template: dimensions  a list of {dimension, category} structs, one per dimension, the
--   category an expression over cohort columns (built from the registry in queries/rates.py,
--   allow-listed there)
-- Parameters: the shared cohort filter (fragments/cohort_filter.sql)
-- Output: dimension VARCHAR, category VARCHAR, children BIGINT (categories with children),
--   children_ckey INTEGER (the cell key: see figures/disclosure.py)
SELECT
    d.dimension,
    d.category,
    count(*) AS children,
    (sum(rkey) % 256)::INTEGER AS children_ckey
FROM (
    SELECT unnest({{dimensions}}) AS d, rkey
    FROM cohort
    WHERE {{cohort_filter}}
)
GROUP BY ALL
