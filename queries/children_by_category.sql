-- Purpose: children in the filtered cohort counted by one dimension (the breakdown pages).
--   Categories come in natural order: the listed categories first, in list order, then any
--   other value found in the data alphabetically, then the "last" categories (Not recorded).
--   Listed categories with no children are kept (count 0) when $keep_zero, so a chart keeps
--   its shape from one filter to the next.
-- Template: dimension  SQL expression giving the category (allow-listed in aggregates.py)
-- Parameters: the shared cohort filter (fragments/cohort_filter.sql), and
--   $categories      VARCHAR[]  natural order of the dimension's categories
--   $keep_zero       BOOLEAN    show listed categories that have no children
--   $last_categories VARCHAR[]  categories sorted after everything else ('Not recorded')
--   $by_size         BOOLEAN    largest first instead (the "last" categories still last)
-- Output: category VARCHAR, children BIGINT, children_ckey INTEGER (the cell key: see
--   figures/disclosure.py),
--   percent DOUBLE (share of the filtered total, 0-100, unrounded; NULL when the total is 0)
WITH counted AS (
    SELECT
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
    SELECT
        coalesce(l.category, c.category) AS category,
        coalesce(c.children, 0) AS children,
        coalesce(c.children_ckey, 0) AS children_ckey,
        l.position
    FROM listed AS l
    FULL OUTER JOIN counted AS c ON c.category = l.category
    WHERE c.children IS NOT NULL OR $keep_zero
)
SELECT
    category,
    children,
    children_ckey,
    100.0 * children / nullif(sum(children) OVER (), 0) AS percent
FROM shown
ORDER BY
    CASE WHEN $by_size THEN list_contains($last_categories::VARCHAR[], category) END,
    CASE WHEN $by_size THEN children END DESC,
    position NULLS LAST,
    list_contains($last_categories::VARCHAR[], category),
    category
