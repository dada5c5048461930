-- Purpose: children with an EHC plan (the caseload) by one dimension, over a range of periods:
--   the denominators of out-of-school rates.
--   The caseload has no placement status, import flag or days out: they read NULL here, and
--   the caller passes the filter with those fields cleared (they narrow the children out of
--   school only), so the shared filter applies unchanged to the other columns.
-- Template: dimension  SQL expression giving the category (allow-listed in dimensions.py)
-- Parameters: the shared cohort filter (fragments/cohort_filter.sql), $period_from and
--   $period_to giving the periods
-- Output: period VARCHAR, category VARCHAR, plans BIGINT (categories with plans only),
--   plans_ckey INTEGER (the cell key: see figures/disclosure.py)
SELECT
    period,
    {{dimension}} AS category,
    count(*) AS plans,
    (sum(rkey) % 256)::INTEGER AS plans_ckey
FROM (
    SELECT
        *,
        NULL::VARCHAR AS placement_status,
        NULL::BOOLEAN AS is_import,
        NULL::INTEGER AS days_out
    FROM caseload
) AS caseload_rows
WHERE {{cohort_filter}}
GROUP BY ALL
ORDER BY period, category
