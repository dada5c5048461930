-- Purpose: Today's tier counts for the filtered cohort at the period's census date: how many
--   children are in each tier of the worklist (fragments/worklist.sql defines them), how act
--   now changed since the previous extract, and the records that disagree (placement
--   "Provision unknown" while casework shows provision).
-- Parameters: the shared cohort filter, $previous_period VARCHAR (NULL when none) and
--   $caseworker VARCHAR (one caseworker's children; NULL for everyone)
-- Output: one row of children, act_now, new_this_month, watch, on_list (the three tiers
--   together), joined_cohort, gained_flag (of new_this_month), act_now_entered (in act now,
--   not at the previous extract), act_now_escalate (in act now at this and the previous
--   extract), act_now_unassigned (in act now with no caseworker named), records_disagree,
--   events_after_census (BIGINT: casework events of these children dated after the census
--   date, which the flags do not count), latest_event_date (DATE: the log's latest event)
WITH {{worklist}}
SELECT
    count(*) AS children,
    count(*) FILTER (WHERE tier = 'act_now') AS act_now,
    count(*) FILTER (WHERE tier = 'new_this_month') AS new_this_month,
    count(*) FILTER (WHERE tier = 'watch') AS watch,
    count(tier) AS on_list,
    count(*) FILTER (WHERE tier = 'new_this_month' AND joined_cohort) AS joined_cohort,
    count(*) FILTER (WHERE tier = 'new_this_month' AND gained_flag) AS gained_flag,
    count(*) FILTER (WHERE entered_act_now) AS act_now_entered,
    count(*) FILTER (WHERE escalate) AS act_now_escalate,
    count(*) FILTER (WHERE act_now AND caseworker IS NULL) AS act_now_unassigned,
    count(*) FILTER (WHERE records_disagree) AS records_disagree,
    (
        SELECT count(*)
        FROM casework e
        WHERE e.child_id IN (SELECT child_id FROM worklist)
            AND e.event_date > (SELECT max(census_date) FROM worklist)
    ) AS events_after_census,
    (SELECT max(event_date) FROM casework) AS latest_event_date
FROM worklist
