-- Purpose: trend: the filtered cohort by one dimension in every loaded period of a range.
--   Periods are those loaded in the range (a month with no extract is absent, not zero); in
--   each, every category shown anywhere in the range gets a row (0 when it has no children).
-- Template: dimension  SQL expression giving the category (allow-listed; 'All' for the total)
-- Parameters: the shared cohort filter with $period_from / $period_to set to the range, and
--   $categories VARCHAR[], $keep_zero BOOLEAN, $last_categories VARCHAR[] as in
--   children_by_category.sql
-- Output: period VARCHAR, category VARCHAR, children BIGINT, children_ckey INTEGER (the cell
--   key: see figures/disclosure.py),
--   percent DOUBLE (share of that period's filtered total, 0-100; NULL when it is 0)
WITH periods AS (
    SELECT DISTINCT period
    FROM cohort
    WHERE period BETWEEN $period_from AND $period_to
),
counted AS (
    SELECT
        period,
        {{dimension}} AS category,
        count(*) AS children,
        (sum(rkey) % 256)::INTEGER AS children_ckey
    FROM cohort
    WHERE {{cohort_filter}}
    GROUP BY ALL
),
listed AS (
    SELECT
        unnest($categories::VARCHAR[]) AS category,
        generate_subscripts($categories::VARCHAR[], 1) AS position
),
shown AS (
    SELECT category FROM listed WHERE $keep_zero
    UNION
    SELECT category FROM counted
),
grid AS (
    SELECT
        p.period,
        s.category,
        coalesce(n.children, 0) AS children,
        coalesce(n.children_ckey, 0) AS children_ckey
    FROM periods AS p
    CROSS JOIN shown AS s
    LEFT JOIN counted AS n ON n.period = p.period AND n.category = s.category
)
SELECT
    g.period,
    g.category,
    g.children,
    g.children_ckey,
    100.0 * g.children / nullif(sum(g.children) OVER (PARTITION BY g.period), 0) AS percent
FROM grid AS g
LEFT JOIN listed AS l ON l.category = g.category
ORDER BY
    g.period,
    l.position NULLS LAST,
    list_contains($last_categories::VARCHAR[], g.category),
    g.category
