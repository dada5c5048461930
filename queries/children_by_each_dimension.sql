-- Purpose: children in the filtered cohort counted by each of several dimensions in one scan
--   (GROUPING SETS): the numerators of the Rates page's family of tests (queries/rates.py,
--   comparison_family), every breakdown the page offers at once instead of one query each.
-- Template (built from the dimension registry in queries/rates.py, allow-listed there):
--   dimension_columns  the dimensions' expressions over cohort columns, as d0, d1, ...
--   dimension_names    d0, d1, ...
--   dimension_sets     (d0), (d1), ...: one grouping set per dimension
-- Parameters: the shared cohort filter (fragments/cohort_filter.sql)
-- Output: gid INTEGER (grouping_id over d0, d1, ...: which dimension the row counts, the only
--   di grouped), d0, d1, ... VARCHAR (the category in that dimension's column, NULL in the
--   others), children BIGINT, children_ckey INTEGER (the cell key: see figures/disclosure.py)
SELECT
    grouping_id({{dimension_names}})::INTEGER AS gid,
    {{dimension_names}},
    count(*) AS children,
    (sum(rkey) % 256)::INTEGER AS children_ckey
FROM (
    SELECT {{dimension_columns}}, rkey
    FROM cohort
    WHERE {{cohort_filter}}
)
GROUP BY GROUPING SETS ({{dimension_sets}})
