-- Purpose: how many children in the filtered cohort meet each priority for returns to
--   education, and any of them (the priority page's cards; the figure of how many meet 0 to 4
--   is children_by_priorities_met.sql).
-- Parameters: the shared cohort filter
-- Output: one row: children, priority_recent, priority_primary, priority_looked_after,
--   priority_previously_looked_after, any_priority, all BIGINT; after each its cell key
--   `<count>_ckey` INTEGER (figures/disclosure.py)
SELECT
    count(*) AS children,
    coalesce(sum(rkey) % 256, 0)::INTEGER AS children_ckey,
    count(*) FILTER (WHERE priority_recent) AS priority_recent,
    coalesce(sum(rkey) FILTER (WHERE priority_recent) % 256, 0)::INTEGER AS priority_recent_ckey,
    count(*) FILTER (WHERE priority_primary) AS priority_primary,
    coalesce(sum(rkey) FILTER (WHERE priority_primary) % 256, 0)::INTEGER
        AS priority_primary_ckey,
    count(*) FILTER (WHERE priority_looked_after) AS priority_looked_after,
    coalesce(sum(rkey) FILTER (WHERE priority_looked_after) % 256, 0)::INTEGER
        AS priority_looked_after_ckey,
    count(*) FILTER (WHERE priority_previously_looked_after)
        AS priority_previously_looked_after,
    coalesce(sum(rkey) FILTER (WHERE priority_previously_looked_after) % 256, 0)::INTEGER
        AS priority_previously_looked_after_ckey,
    count(*) FILTER (WHERE priority_criteria_met > 0) AS any_priority,
    coalesce(sum(rkey) FILTER (WHERE priority_criteria_met > 0) % 256, 0)::INTEGER
        AS any_priority_ckey
FROM case_flags
WHERE {{cohort_filter}}
