-- Purpose: the priority page's figure: how many children in the filtered cohort meet exactly
--   0, 1, 2, 3 or all 4 of the council's priorities for returns to education, with each
--   number's share of the cohort (every number listed, 0 when no child meets it).
-- Parameters: the shared cohort filter
-- Output: met INTEGER (0 to 4), children BIGINT, children_ckey INTEGER (the cell key: see
--   figures/disclosure.py), percent DOUBLE (share of the filtered cohort,
--   0-100; NULL when the cohort is empty)
WITH counted AS (
    SELECT
        priority_criteria_met AS met,
        count(*) AS children,
        (sum(rkey) % 256)::INTEGER AS children_ckey
    FROM case_flags
    WHERE {{cohort_filter}}
    GROUP BY ALL
),
numbers AS (
    SELECT CAST(range AS INTEGER) AS met FROM range(0, 5)
)
SELECT
    n.met,
    coalesce(c.children, 0) AS children,
    coalesce(c.children_ckey, 0) AS children_ckey,
    100.0 * coalesce(c.children, 0) / nullif(sum(coalesce(c.children, 0)) OVER (), 0) AS percent
FROM numbers AS n
LEFT JOIN counted AS c ON c.met = n.met
ORDER BY n.met
