-- Purpose: cross-tab of the filtered cohort by two dimensions, in long form (one row per cell).
--   Every row category is paired with every column category shown (listed categories when
--   their $..._keep_zero, plus every value found), so empty cells come back as 0.
--   Order: rows in natural order, then columns in natural order (see children_by_category).
-- Template: rows, cols  SQL expressions giving the two categories (allow-listed)
-- Parameters: the shared cohort filter, and for each side (row_ / col_):
--   $row_categories, $col_categories           VARCHAR[]  natural order
--   $row_keep_zero, $col_keep_zero             BOOLEAN    show listed categories with no children
--   $last_categories                           VARCHAR[]  categories sorted last
-- Output: row_category VARCHAR, col_category VARCHAR, children BIGINT, children_ckey INTEGER
--   (the cell key: see figures/disclosure.py)
WITH counted AS (
    SELECT
        {{rows}} AS row_category,
        {{cols}} AS col_category,
        count(*) AS children,
        (sum(rkey) % 256)::INTEGER AS children_ckey
    FROM cohort
    WHERE {{cohort_filter}}
    GROUP BY ALL
),
row_listed AS (
    SELECT
        unnest($row_categories::VARCHAR[]) AS category,
        generate_subscripts($row_categories::VARCHAR[], 1) AS position
),
col_listed AS (
    SELECT
        unnest($col_categories::VARCHAR[]) AS category,
        generate_subscripts($col_categories::VARCHAR[], 1) AS position
),
row_shown AS (
    SELECT category FROM row_listed WHERE $row_keep_zero
    UNION
    SELECT row_category FROM counted
),
col_shown AS (
    SELECT category FROM col_listed WHERE $col_keep_zero
    UNION
    SELECT col_category FROM counted
)
SELECT
    r.category AS row_category,
    c.category AS col_category,
    coalesce(n.children, 0) AS children,
    coalesce(n.children_ckey, 0) AS children_ckey
FROM row_shown AS r
CROSS JOIN col_shown AS c
LEFT JOIN counted AS n ON n.row_category = r.category AND n.col_category = c.category
LEFT JOIN row_listed AS rl ON rl.category = r.category
LEFT JOIN col_listed AS cl ON cl.category = c.category
ORDER BY
    rl.position NULLS LAST,
    list_contains($last_categories::VARCHAR[], r.category),
    r.category,
    cl.position NULLS LAST,
    list_contains($last_categories::VARCHAR[], c.category),
    c.category
