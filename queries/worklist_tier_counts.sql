-- Purpose: Today's tier counts for the filtered cohort at the period's as-at date: how many
--   children are in each tier of the worklist (fragments/worklist.sql defines them), how act
--   now changed since the previous extract, and the records that disagree (placement
--   "Provision unknown" while casework shows provision).
-- Parameters: the shared cohort filter, $previous_period VARCHAR (NULL when none) and
--   $caseworker VARCHAR (one caseworker's children; NULL for everyone)
-- Output: one row of children, act_now, new_this_month, watch, on_list (the three tiers
--   together), joined_cohort, gained_flag (of new_this_month), act_now_entered (in act now,
--   not at the previous extract), act_now_escalate (in act now at this and the previous
--   extract), act_now_unassigned (in act now with no caseworker named), records_disagree,
--   events_after_census (BIGINT: casework events of these children dated after the as-at
--   date, which the flags do not count), latest_event_date (DATE: the log's latest event).
--   The as-at date is the census date, or a SEN2 return's date inside the month
--   (queries/period_dates.sql). After each count of children its cell key `<count>_ckey`
--   INTEGER (figures/disclosure.py)
WITH {{worklist}}
SELECT
    count(*) AS children,
    coalesce(sum(rkey) % 256, 0)::INTEGER AS children_ckey,
    count(*) FILTER (WHERE tier = 'act_now') AS act_now,
    coalesce(sum(rkey) FILTER (WHERE tier = 'act_now') % 256, 0)::INTEGER AS act_now_ckey,
    count(*) FILTER (WHERE tier = 'new_this_month') AS new_this_month,
    coalesce(sum(rkey) FILTER (WHERE tier = 'new_this_month') % 256, 0)::INTEGER
        AS new_this_month_ckey,
    count(*) FILTER (WHERE tier = 'watch') AS watch,
    coalesce(sum(rkey) FILTER (WHERE tier = 'watch') % 256, 0)::INTEGER AS watch_ckey,
    count(tier) AS on_list,
    coalesce(sum(rkey) FILTER (WHERE tier IS NOT NULL) % 256, 0)::INTEGER AS on_list_ckey,
    count(*) FILTER (WHERE tier = 'new_this_month' AND joined_cohort) AS joined_cohort,
    coalesce(sum(rkey) FILTER (WHERE tier = 'new_this_month' AND joined_cohort) % 256, 0)
        ::INTEGER AS joined_cohort_ckey,
    count(*) FILTER (WHERE tier = 'new_this_month' AND gained_flag) AS gained_flag,
    coalesce(sum(rkey) FILTER (WHERE tier = 'new_this_month' AND gained_flag) % 256, 0)
        ::INTEGER AS gained_flag_ckey,
    count(*) FILTER (WHERE entered_act_now) AS act_now_entered,
    coalesce(sum(rkey) FILTER (WHERE entered_act_now) % 256, 0)::INTEGER AS act_now_entered_ckey,
    count(*) FILTER (WHERE escalate) AS act_now_escalate,
    coalesce(sum(rkey) FILTER (WHERE escalate) % 256, 0)::INTEGER AS act_now_escalate_ckey,
    count(*) FILTER (WHERE act_now AND caseworker IS NULL) AS act_now_unassigned,
    coalesce(sum(rkey) FILTER (WHERE act_now AND caseworker IS NULL) % 256, 0)::INTEGER
        AS act_now_unassigned_ckey,
    count(*) FILTER (WHERE records_disagree) AS records_disagree,
    coalesce(sum(rkey) FILTER (WHERE records_disagree) % 256, 0)::INTEGER
        AS records_disagree_ckey,
    (
        SELECT count(*)
        FROM casework e
        WHERE e.child_id IN (SELECT child_id FROM worklist)
            AND e.event_date > (SELECT max(as_at_date) FROM worklist)
    ) AS events_after_census,
    (SELECT max(event_date) FROM casework) AS latest_event_date
FROM worklist
