-- Purpose: Today's worklist by SEN team, for a lead running the team meeting: per team, how
--   many children are in act now, how many of them entered act now since the previous extract,
--   how many have been in act now for two or more extracts in a row (escalate), how many in
--   act now have no caseworker named, and the other tiers (fragments/worklist.sql defines them).
--   Teams in name order, 'Not recorded' (no team in the extract) last; only teams with a child
--   in the filtered cohort.
-- Parameters: the shared cohort filter, $previous_period VARCHAR (NULL when none) and
--   $caseworker VARCHAR (NULL: every child, as queries.casework.worklist_by_team passes it)
-- Output: sen_team VARCHAR, children, act_now, act_now_entered, act_now_escalate,
--   act_now_unassigned, new_this_month, watch, on_list (BIGINT each)
WITH {{worklist}}
SELECT
    sen_team,
    count(*) AS children,
    count(*) FILTER (WHERE tier = 'act_now') AS act_now,
    count(*) FILTER (WHERE entered_act_now) AS act_now_entered,
    count(*) FILTER (WHERE escalate) AS act_now_escalate,
    count(*) FILTER (WHERE act_now AND caseworker IS NULL) AS act_now_unassigned,
    count(*) FILTER (WHERE tier = 'new_this_month') AS new_this_month,
    count(*) FILTER (WHERE tier = 'watch') AS watch,
    count(tier) AS on_list
FROM worklist
GROUP BY sen_team
ORDER BY sen_team = 'Not recorded', sen_team
