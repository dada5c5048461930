-- Purpose: the priority list for returns to education: children in the filtered cohort who
--   meet at least one of the council's four priorities (out of school less than a term,
--   primary age or younger, looked after, previously looked after), most criteria first, then
--   longest out of school (unknown last), then child_id.
--   PUPIL-LEVEL: run only through queries/pupil.py (queries.casework.children_meeting_priorities).
-- Parameters: the shared cohort filter, and $limit INTEGER, $offset INTEGER (paging)
-- Output: child_id, age, year_group, district, sen_team, placement_status, care_status,
--   out_of_school_since, days_out, days_without_provision, priority_recent, priority_primary,
--   priority_looked_after, priority_previously_looked_after (BOOLEAN),
--   priority_criteria_met INTEGER
SELECT
    child_id, age, year_group, district, sen_team, placement_status, care_status,
    out_of_school_since, days_out, days_without_provision, priority_recent, priority_primary,
    priority_looked_after, priority_previously_looked_after, priority_criteria_met
FROM case_flags
WHERE {{cohort_filter}} AND priority_criteria_met > 0
ORDER BY priority_criteria_met DESC, days_out DESC NULLS LAST, child_id
LIMIT $limit OFFSET $offset
