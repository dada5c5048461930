-- Purpose: Today's worklist by SEN team, for a lead running the team meeting: per team, how
--   many children are in act now, how many of them entered act now since the previous extract,
--   how many have been in act now for two or more extracts in a row (escalate), how many in
--   act now have no caseworker named, and the other tiers (fragments/worklist.sql defines them).
--   Teams in name order, 'Not recorded' (no team in the extract) last; only teams with a child
--   in the filtered cohort.
-- Parameters: the shared cohort filter, $previous_period VARCHAR (NULL when none) and
--   $caseworker VARCHAR (NULL: every child, as queries.casework.worklist_by_team passes it)
-- Output: sen_team VARCHAR, children, act_now, act_now_entered, act_now_escalate,
--   act_now_unassigned, new_this_month, watch, on_list (BIGINT each), each count followed by
--   its cell key `<count>_ckey` INTEGER (figures/disclosure.py)
WITH {{worklist}}
SELECT
    sen_team,
    count(*) AS children,
    coalesce(sum(rkey) % 256, 0)::INTEGER AS children_ckey,
    count(*) FILTER (WHERE tier = 'act_now') AS act_now,
    coalesce(sum(rkey) FILTER (WHERE tier = 'act_now') % 256, 0)::INTEGER AS act_now_ckey,
    count(*) FILTER (WHERE entered_act_now) AS act_now_entered,
    coalesce(sum(rkey) FILTER (WHERE entered_act_now) % 256, 0)::INTEGER AS act_now_entered_ckey,
    count(*) FILTER (WHERE escalate) AS act_now_escalate,
    coalesce(sum(rkey) FILTER (WHERE escalate) % 256, 0)::INTEGER AS act_now_escalate_ckey,
    count(*) FILTER (WHERE act_now AND caseworker IS NULL) AS act_now_unassigned,
    coalesce(sum(rkey) FILTER (WHERE act_now AND caseworker IS NULL) % 256, 0)::INTEGER
        AS act_now_unassigned_ckey,
    count(*) FILTER (WHERE tier = 'new_this_month') AS new_this_month,
    coalesce(sum(rkey) FILTER (WHERE tier = 'new_this_month') % 256, 0)::INTEGER
        AS new_this_month_ckey,
    count(*) FILTER (WHERE tier = 'watch') AS watch,
    coalesce(sum(rkey) FILTER (WHERE tier = 'watch') % 256, 0)::INTEGER AS watch_ckey,
    count(tier) AS on_list,
    coalesce(sum(rkey) FILTER (WHERE tier IS NOT NULL) % 256, 0)::INTEGER AS on_list_ckey
FROM worklist
GROUP BY sen_team
ORDER BY sen_team = 'Not recorded', sen_team
