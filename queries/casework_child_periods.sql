-- Purpose: one child's snapshots with the case flags of each period (the chronology's rows).
--   PUPIL-LEVEL: run only through queries/pupil.py (queries.casework.child_periods).
-- Parameters: $child_id VARCHAR
-- Output: the case_flags columns the chronology shows or explains (see data/sql/case_flags.sql),
--   one row per period the child is in, oldest first. Not the date of birth, age, gender or
--   need: the chronology shows none of them, so they never leave the database here.
SELECT
    period, census_date, district, sen_team, placement_status, care_status, cla, cp, cin,
    previously_looked_after, is_import, out_of_school_since, days_out, last_event_date,
    no_provision_since, days_without_provision, repeated_offers, repeat_provider,
    repeat_offer_date, repeat_refusal_date, repeat_refusal_type, consultations,
    days_since_last_event, annual_review_due_date, import_review_due_date,
    terms_without_provision, s19_due, repeated_offer, consultation_chain, stalled,
    annual_review_overdue, import_review_due, out_of_sight, priority_recent, priority_primary,
    priority_looked_after, priority_previously_looked_after, priority_criteria_met, flags_raised,
    needs_action
FROM case_flags
WHERE child_id = $child_id
ORDER BY period
