-- Purpose: every row of the filtered cohort, for the explorer's CSV download.
--   PUPIL-LEVEL: run only through queries/pupil.py.
-- Parameters: the shared cohort filter
-- Output: the columns of cohort_rows.sql, ordered by child_id
SELECT
    child_id, age, year_group, gender, primary_need, district, placement_status, care_status,
    is_import, imported_from, days_out, out_of_school_since, sen_team
FROM cohort
WHERE {{cohort_filter}}
ORDER BY child_id
