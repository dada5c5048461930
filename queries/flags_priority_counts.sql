-- Purpose: how many children in the filtered cohort meet each priority for returns to
--   education, and any of them (the priority page's cards; the figure of how many meet 0 to 4
--   is children_by_priorities_met.sql).
-- Parameters: the shared cohort filter
-- Output: one row: children, priority_recent, priority_primary, priority_looked_after,
--   priority_previously_looked_after, any_priority, all BIGINT
SELECT
    count(*) AS children,
    count(*) FILTER (WHERE priority_recent) AS priority_recent,
    count(*) FILTER (WHERE priority_primary) AS priority_primary,
    count(*) FILTER (WHERE priority_looked_after) AS priority_looked_after,
    count(*) FILTER (WHERE priority_previously_looked_after)
        AS priority_previously_looked_after,
    count(*) FILTER (WHERE priority_criteria_met > 0) AS any_priority
FROM case_flags
WHERE {{cohort_filter}}
