-- Purpose: one page of the pupil-level list of the filtered cohort (the explorer page).
--   PUPIL-LEVEL: run only through queries/pupil.py.
-- Template: sort_expr       SQL expression to sort by (allow-listed in pupil.py; categories
--                           sort in natural order, Not recorded last)
--           sort_direction  ASC or DESC
-- Parameters: the shared cohort filter, and
--   $limit   INTEGER  rows per page
--   $offset  INTEGER  rows skipped (page - 1) * limit
-- Output: period, child_id, age, gender, year_group, primary_need, district, placement_status,
--   care_status, cin, cp, cla, previously_looked_after, is_import, imported_from,
--   out_of_school_since, days_out, sen_team, ehcp_issued, last_annual_review, provision_hours
--   (as in the cohort view). Values not recorded sort last either way; ties by child_id.
SELECT
    period, child_id, age, gender, year_group, primary_need, district, placement_status,
    care_status, cin, cp, cla, previously_looked_after, is_import, imported_from,
    out_of_school_since, days_out, sen_team, ehcp_issued, last_annual_review, provision_hours
FROM cohort
WHERE {{cohort_filter}}
ORDER BY {{sort_expr}} {{sort_direction}} NULLS LAST, child_id, period
LIMIT $limit OFFSET $offset
