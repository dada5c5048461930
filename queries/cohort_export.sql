-- Purpose: every row of the filtered cohort, for the explorer's CSV download.
--   PUPIL-LEVEL: run only through queries/pupil.py.
-- Parameters: the shared cohort filter
-- Output: the columns of cohort_rows.sql, ordered by child_id
SELECT
    period, child_id, age, gender, year_group, primary_need, district, placement_status,
    care_status, cin, cp, cla, previously_looked_after, is_import, imported_from,
    out_of_school_since, days_out, sen_team, ehcp_issued, last_annual_review, provision_hours
FROM cohort
WHERE {{cohort_filter}}
ORDER BY child_id, period
