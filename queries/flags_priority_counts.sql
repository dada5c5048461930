-- Purpose: how many children in the filtered cohort meet each priority for returns to
--   education, and how many meet 0, 1, 2, 3 or all 4 (the priority page's figure).
-- Parameters: the shared cohort filter
-- Output: one row: children, priority_recent, priority_primary, priority_looked_after,
--   priority_previously_looked_after, any_priority, and met_0 .. met_4 (children meeting
--   exactly that many), all BIGINT
SELECT
    count(*) AS children,
    count(*) FILTER (WHERE priority_recent) AS priority_recent,
    count(*) FILTER (WHERE priority_primary) AS priority_primary,
    count(*) FILTER (WHERE priority_looked_after) AS priority_looked_after,
    count(*) FILTER (WHERE priority_previously_looked_after)
        AS priority_previously_looked_after,
    count(*) FILTER (WHERE priority_criteria_met > 0) AS any_priority,
    count(*) FILTER (WHERE priority_criteria_met = 0) AS met_0,
    count(*) FILTER (WHERE priority_criteria_met = 1) AS met_1,
    count(*) FILTER (WHERE priority_criteria_met = 2) AS met_2,
    count(*) FILTER (WHERE priority_criteria_met = 3) AS met_3,
    count(*) FILTER (WHERE priority_criteria_met = 4) AS met_4
FROM case_flags
WHERE {{cohort_filter}}
