-- Purpose: children in the filtered cohort who need action at the period's census
--   date, most severe first, with every flag and the facts the reason text needs.
--   PUPIL-LEVEL: run only through queries/pupil.py (queries.casework.children_needing_action).
-- Severity order: out of sight first (provision unknown and looked after, CP or CIN), then
--   the number of flags raised, then days without provision (longest first, unknown last),
--   then child_id so that pages never overlap.
-- Parameters: the shared cohort filter, and
--   $limit   INTEGER  rows per page
--   $offset  INTEGER  rows skipped
-- Output: child_id, census_date, district, sen_team, placement_status, care_status, cla, cp,
--   cin, days_out, out_of_school_since, and the case_flags columns no_provision_since,
--   days_without_provision, s19_due, terms_without_provision, repeated_offer, repeated_offers,
--   repeat_provider, repeat_offer_date, repeat_refusal_date, repeat_refusal_type,
--   consultations, consultation_chain, last_event_date, days_since_last_event,
--   events_to_census, stalled, annual_review_due_date, annual_review_overdue,
--   import_review_due_date, import_review_due, out_of_sight, flags_raised
--   (fragments/child_flags.sql)
SELECT {{child_flags}}
FROM case_flags
WHERE {{cohort_filter}} AND needs_action
ORDER BY out_of_sight DESC, flags_raised DESC, days_without_provision DESC NULLS LAST, child_id
LIMIT $limit OFFSET $offset
