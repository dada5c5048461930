-- Shared select-list of the case-flag counts: how many children hold each flag, and the terms
-- without provision. Not a query on its own: a query over `case_flags` writes {{flag_counts}}
-- among its SELECT columns, in an aggregate (flags_by_category.sql, flags_by_period.sql).
-- Columns, BIGINT: children, needs_action, out_of_sight, s19_due, repeated_offer,
--   consultation_chain, stalled, annual_review_overdue, import_review_due, records_disagree
--   (placement and casework disagree: a data-quality flag), children_with_terms (children
--   with at least one term without provision), terms_without_provision (the sum)
count(*) AS children,
count(*) FILTER (WHERE needs_action) AS needs_action,
count(*) FILTER (WHERE out_of_sight) AS out_of_sight,
count(*) FILTER (WHERE s19_due) AS s19_due,
count(*) FILTER (WHERE repeated_offer) AS repeated_offer,
count(*) FILTER (WHERE consultation_chain) AS consultation_chain,
count(*) FILTER (WHERE stalled) AS stalled,
count(*) FILTER (WHERE annual_review_overdue) AS annual_review_overdue,
count(*) FILTER (WHERE import_review_due) AS import_review_due,
count(*) FILTER (WHERE records_disagree) AS records_disagree,
count(*) FILTER (WHERE terms_without_provision > 0) AS children_with_terms,
coalesce(sum(terms_without_provision), 0)::BIGINT AS terms_without_provision
