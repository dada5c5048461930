-- Purpose: children with an EHC plan (the caseload) counted by each of several dimensions in
--   one scan (GROUPING SETS): the denominators of the Rates page's family of tests
--   (queries/rates.py). As in caseload_by_category.sql, the caseload has no placement status,
--   import flag or days out: they read NULL, and the caller clears those filter fields.
-- Template: dimension_columns, dimension_names, dimension_sets (see
--   children_by_each_dimension.sql)
-- Parameters: the shared cohort filter (fragments/cohort_filter.sql)
-- Output: gid INTEGER, d0, d1, ... VARCHAR (see children_by_each_dimension.sql), plans BIGINT,
--   plans_ckey INTEGER (the cell key: see figures/disclosure.py)
SELECT
    grouping_id({{dimension_names}})::INTEGER AS gid,
    {{dimension_names}},
    count(*) AS plans,
    (sum(rkey) % 256)::INTEGER AS plans_ckey
FROM (
    SELECT {{dimension_columns}}, rkey
    FROM (
        SELECT
            *,
            NULL::VARCHAR AS placement_status,
            NULL::BOOLEAN AS is_import,
            NULL::INTEGER AS days_out
        FROM caseload
    ) AS caseload_rows
    WHERE {{cohort_filter}}
)
GROUP BY GROUPING SETS ({{dimension_sets}})
