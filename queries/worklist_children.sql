-- Purpose: Today's worklist: the children of one tier (or of every tier), tier by tier, most
--   severe first within a tier: out of sight first, then the number of flags raised, then days
--   without provision (longest first, unknown last), then child_id so that pages never overlap.
--   PUPIL-LEVEL: run only through queries/pupil.py (queries.casework.worklist_children).
-- Parameters: the shared cohort filter, and
--   $previous_period  VARCHAR  the loaded period before the filter's (NULL when none)
--   $tier             VARCHAR  act_now, new_this_month or watch; NULL for every tier
--   $disagree_only    BOOLEAN  only children whose records disagree (any tier)
--   $limit, $offset   INTEGER  paging
-- Output: tier, joined_cohort, gained_flag, child_id, census_date, district, sen_team,
--   placement_status, care_status, cla, cp, cin, days_out, out_of_school_since, and the
--   case_flags columns no_provision_since, days_without_provision, s19_due,
--   terms_without_provision, repeated_offer, repeated_offers, repeat_provider,
--   repeat_offer_date, repeat_refusal_date, repeat_refusal_type, consultations,
--   consultation_chain, last_event_date, days_since_last_event, events_to_census, stalled,
--   annual_review_due_date, annual_review_overdue, import_review_due_date, import_review_due,
--   out_of_sight, records_disagree, last_provision_started, statutory_clock_near, act_now,
--   flags_raised, and events_after_census INTEGER (the child's casework events dated after the
--   as-at date: in the log, not counted by the flags)
WITH {{worklist}}
SELECT
    tier, joined_cohort, gained_flag,
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
    tier_rank, out_of_sight DESC, flags_raised DESC, days_without_provision DESC NULLS LAST,
    child_id
LIMIT $limit OFFSET $offset
