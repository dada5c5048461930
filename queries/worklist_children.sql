-- Purpose: Today's worklist: the children of one tier (or of every tier), tier by tier. Act now
--   in the order a team works through it: the children who entered act now since the previous
--   extract first, then out of sight, then the clock passed longest ago (clock_due_date,
--   earliest first; none last). The other tiers most severe first: out of sight first, then
--   the number of flags raised, then days without provision (longest first, unknown last).
--   Then child_id, so that pages never overlap.
--   PUPIL-LEVEL: run only through queries/pupil.py (queries.casework.worklist_children).
-- Parameters: the shared cohort filter, and
--   $previous_period  VARCHAR  the loaded period before the filter's (NULL when none)
--   $caseworker       VARCHAR  only this caseworker's children (NULL for everyone)
--   $tier             VARCHAR  act_now, new_this_month or watch; NULL for every tier
--   $disagree_only    BOOLEAN  only children whose records disagree (any tier)
--   $limit, $offset   INTEGER  paging
-- Output: tier, joined_cohort, gained_flag, gained_flags (VARCHAR[]), entered_act_now, escalate, caseworker,
--   caseworker_name, child_id, census_date, district, sen_team, placement_status, care_status,
--   cla, cp, cin, days_out, out_of_school_since, and the case_flags columns
--   no_provision_since, days_without_provision, s19_due, terms_without_provision,
--   repeated_offer, repeated_offers, repeat_provider, repeat_offer_date, repeat_refusal_date,
--   repeat_refusal_type, consultations, consultation_chain, last_event_date,
--   days_since_last_event, events_to_census, stalled, annual_review_due_date,
--   annual_review_overdue, import_review_due_date, import_review_due, s19_due_date, clock,
--   clock_due_date, days_past_clock, out_of_sight, records_disagree, last_provision_started,
--   statutory_clock_near, act_now, flags_raised, and events_after_census INTEGER (the child's
--   casework events dated after the as-at date: in the log, not counted by the flags)
WITH {{worklist}}
SELECT
    tier, joined_cohort, gained_flag, gained_flags, entered_act_now, escalate, caseworker,
    caseworker_name,
    {{child_flags}},
    records_disagree, last_provision_started, statutory_clock_near, act_now,
    (
        SELECT count(*)
        FROM casework e
        WHERE e.child_id = worklist.child_id AND e.event_date > worklist.as_at_date
    )::INTEGER AS events_after_census
FROM worklist
WHERE tier IS NOT NULL
    AND ($tier IS NULL OR tier = $tier)
    AND (NOT $disagree_only OR records_disagree)
ORDER BY
    tier_rank,
    -- act now only: entered since the previous extract first, then out of sight, then the
    -- clock passed longest ago
    CASE WHEN act_now THEN NOT entered_act_now END,
    out_of_sight DESC,
    CASE WHEN act_now THEN clock_due_date END ASC NULLS LAST,
    flags_raised DESC, days_without_provision DESC NULLS LAST,
    child_id
LIMIT $limit OFFSET $offset
