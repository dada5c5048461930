-- Purpose: one page of the pupil-level list of the filtered cohort (the explorer page).
--   PUPIL-LEVEL: run only through queries/pupil.py.
-- Template: sort_expr       SQL expression to sort by (allow-listed in pupil.py; categories
--                           sort in natural order, Not recorded last)
--           sort_direction  ASC or DESC
-- Parameters: the shared cohort filter, and
--   $limit   INTEGER  rows per page
--   $offset  INTEGER  rows skipped (page - 1) * limit
-- Output: child_id, age, year_group, gender, primary_need, district, placement_status,
--   care_status, is_import, imported_from, days_out, out_of_school_since, sen_team (as in the
--   cohort view): the explorer's columns and no more (no date of birth, no care flags).
--   Values not recorded sort last either way; ties by child_id.
SELECT
    child_id, age, year_group, gender, primary_need, district, placement_status, care_status,
    is_import, imported_from, days_out, out_of_school_since, sen_team
FROM cohort
WHERE {{cohort_filter}}
ORDER BY {{sort_expr}} {{sort_direction}} NULLS LAST, child_id
LIMIT $limit OFFSET $offset
