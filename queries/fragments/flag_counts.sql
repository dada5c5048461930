-- Shared select-list of the case-flag counts: how many children hold each flag, and the terms
-- without provision. Not a query on its own: a query over `case_flags` writes {{flag_counts}}
-- among its SELECT columns, in an aggregate (flags_by_category.sql, flags_by_period.sql).
-- Columns, BIGINT: children, needs_action, out_of_sight, s19_due, repeated_offer,
--   consultation_chain, stalled, annual_review_overdue, import_review_due, records_disagree
--   (placement and casework disagree: a data-quality flag), children_with_terms (children
--   with at least one term without provision), terms_without_provision (the sum; terms, not
--   children, so it has no cell key); and after each count of children its cell key
--   `<count>_ckey` INTEGER (the counted children's record keys summed mod 256, 0 when none:
--   figures/disclosure.py)
count(*) AS children,
coalesce(sum(rkey) % 256, 0)::INTEGER AS children_ckey,
count(*) FILTER (WHERE needs_action) AS needs_action,
coalesce(sum(rkey) FILTER (WHERE needs_action) % 256, 0)::INTEGER AS needs_action_ckey,
count(*) FILTER (WHERE out_of_sight) AS out_of_sight,
coalesce(sum(rkey) FILTER (WHERE out_of_sight) % 256, 0)::INTEGER AS out_of_sight_ckey,
count(*) FILTER (WHERE s19_due) AS s19_due,
coalesce(sum(rkey) FILTER (WHERE s19_due) % 256, 0)::INTEGER AS s19_due_ckey,
count(*) FILTER (WHERE repeated_offer) AS repeated_offer,
coalesce(sum(rkey) FILTER (WHERE repeated_offer) % 256, 0)::INTEGER AS repeated_offer_ckey,
count(*) FILTER (WHERE consultation_chain) AS consultation_chain,
coalesce(sum(rkey) FILTER (WHERE consultation_chain) % 256, 0)::INTEGER AS consultation_chain_ckey,
count(*) FILTER (WHERE stalled) AS stalled,
coalesce(sum(rkey) FILTER (WHERE stalled) % 256, 0)::INTEGER AS stalled_ckey,
count(*) FILTER (WHERE annual_review_overdue) AS annual_review_overdue,
coalesce(sum(rkey) FILTER (WHERE annual_review_overdue) % 256, 0)::INTEGER AS annual_review_overdue_ckey,
count(*) FILTER (WHERE import_review_due) AS import_review_due,
coalesce(sum(rkey) FILTER (WHERE import_review_due) % 256, 0)::INTEGER AS import_review_due_ckey,
count(*) FILTER (WHERE records_disagree) AS records_disagree,
coalesce(sum(rkey) FILTER (WHERE records_disagree) % 256, 0)::INTEGER AS records_disagree_ckey,
count(*) FILTER (WHERE terms_without_provision > 0) AS children_with_terms,
coalesce(sum(rkey) FILTER (WHERE terms_without_provision > 0) % 256, 0)::INTEGER
    AS children_with_terms_ckey,
coalesce(sum(terms_without_provision), 0)::BIGINT AS terms_without_provision
