-- Purpose: data quality: children in a period's out-of-school cohort who are not in the same
--   period's EHC plan caseload (they are still counted in the cohort; rates treat them as
--   they are, so a high count means the two extracts disagree). Periods with a caseload only.
-- Parameters: none
-- Output: period VARCHAR, cohort_children BIGINT, missing_from_caseload BIGINT, and their cell
--   keys cohort_children_ckey, missing_from_caseload_ckey INTEGER (figures/disclosure.py)
--   (counts only: which children is pupil-level and belongs behind queries/pupil.py)
WITH with_caseload AS (
    SELECT DISTINCT period FROM caseload
),
checked AS (
    SELECT c.period, c.child_id, c.rkey, k.child_id IS NULL AS missing
    FROM cohort AS c
    SEMI JOIN with_caseload USING (period)
    LEFT JOIN caseload AS k ON k.period = c.period AND k.child_id = c.child_id
)
SELECT
    period,
    count(*) AS cohort_children,
    count(*) FILTER (WHERE missing) AS missing_from_caseload,
    (sum(rkey) % 256)::INTEGER AS cohort_children_ckey,
    coalesce(sum(rkey) FILTER (WHERE missing) % 256, 0)::INTEGER
        AS missing_from_caseload_ckey
FROM checked
GROUP BY period
ORDER BY period
