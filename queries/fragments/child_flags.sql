-- Shared select-list of one child's flags and the facts their reasons need (the words in
-- pages/common/flag_words.py read these columns). Not a query on its own: a pupil-level list
-- over `case_flags` (or the worklist built on it) writes {{child_flags}} among its columns
-- (children_needing_action.sql, worklist_children.sql).
-- Columns: child_id, census_date, district, sen_team, placement_status, care_status, cla, cp,
--   cin, days_out, out_of_school_since, no_provision_since, days_without_provision, s19_due,
--   terms_without_provision, repeated_offer, repeated_offers, repeat_provider,
--   repeat_offer_date, repeat_refusal_date, repeat_refusal_type, consultations,
--   consultation_chain, last_event_date, days_since_last_event, events_to_census, stalled,
--   annual_review_due_date, annual_review_overdue, import_review_due_date, import_review_due,
--   s19_due_date, clock, clock_due_date, days_past_clock, out_of_sight, flags_raised
child_id, census_date, district, sen_team, placement_status, care_status, cla, cp, cin,
days_out, out_of_school_since, no_provision_since, days_without_provision, s19_due,
terms_without_provision, repeated_offer, repeated_offers, repeat_provider,
repeat_offer_date, repeat_refusal_date, repeat_refusal_type, consultations,
consultation_chain, last_event_date, days_since_last_event, events_to_census, stalled,
annual_review_due_date, annual_review_overdue, import_review_due_date, import_review_due,
s19_due_date, clock, clock_due_date, days_past_clock, out_of_sight, flags_raised
