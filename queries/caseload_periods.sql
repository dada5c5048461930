-- Purpose: the reporting periods that have an EHC plan caseload loaded, with its size (rates
--   can be shown only for these periods).
-- Parameters: none
-- Output: period VARCHAR 'YYYY-MM', plans BIGINT (children with a plan in that caseload),
--   plans_ckey INTEGER (the cell key: see figures/disclosure.py)
SELECT period, count(*) AS plans, (sum(rkey) % 256)::INTEGER AS plans_ckey
FROM caseload
GROUP BY period
ORDER BY period
