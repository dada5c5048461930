-- Purpose: the case flags of the filtered cohort counted by district or SEN team (service view).
--   Categories in natural order: the listed ones first, in list order (kept with zeros when
--   $keep_zero), then other values alphabetically, then the "last" categories (Not recorded).
-- Template: flag_dimension  SQL expression giving the category (allow-listed in casework.py)
-- Fragments: cohort_filter, flag_counts (fragments/)
-- Parameters: the shared cohort filter, and
--   $categories      VARCHAR[]  natural order of the dimension's categories
--   $keep_zero       BOOLEAN    list categories that have no children
--   $last_categories VARCHAR[]  categories sorted after everything else
-- Output: category VARCHAR, children BIGINT, and BIGINT counts of children with each flag:
--   needs_action, out_of_sight, s19_due, repeated_offer, consultation_chain, stalled,
--   annual_review_overdue, import_review_due, children_with_terms; terms_without_provision
--   BIGINT (sum); after each count of children its cell key `<count>_ckey` INTEGER
--   (figures/disclosure.py)
WITH counted AS (
    SELECT
        {{flag_dimension}} AS category,
        {{flag_counts}}
    FROM case_flags
    WHERE {{cohort_filter}}
    GROUP BY ALL
),
listed AS (
    SELECT
        unnest($categories::VARCHAR[]) AS category,
        generate_subscripts($categories::VARCHAR[], 1) AS position
)
SELECT
    coalesce(l.category, c.category) AS category,
    coalesce(c.children, 0) AS children,
    coalesce(c.children_ckey, 0) AS children_ckey,
    coalesce(c.needs_action, 0) AS needs_action,
    coalesce(c.needs_action_ckey, 0) AS needs_action_ckey,
    coalesce(c.out_of_sight, 0) AS out_of_sight,
    coalesce(c.out_of_sight_ckey, 0) AS out_of_sight_ckey,
    coalesce(c.s19_due, 0) AS s19_due,
    coalesce(c.s19_due_ckey, 0) AS s19_due_ckey,
    coalesce(c.repeated_offer, 0) AS repeated_offer,
    coalesce(c.repeated_offer_ckey, 0) AS repeated_offer_ckey,
    coalesce(c.consultation_chain, 0) AS consultation_chain,
    coalesce(c.consultation_chain_ckey, 0) AS consultation_chain_ckey,
    coalesce(c.stalled, 0) AS stalled,
    coalesce(c.stalled_ckey, 0) AS stalled_ckey,
    coalesce(c.annual_review_overdue, 0) AS annual_review_overdue,
    coalesce(c.annual_review_overdue_ckey, 0) AS annual_review_overdue_ckey,
    coalesce(c.import_review_due, 0) AS import_review_due,
    coalesce(c.import_review_due_ckey, 0) AS import_review_due_ckey,
    coalesce(c.children_with_terms, 0) AS children_with_terms,
    coalesce(c.children_with_terms_ckey, 0) AS children_with_terms_ckey,
    coalesce(c.terms_without_provision, 0)::BIGINT AS terms_without_provision
FROM listed AS l
FULL OUTER JOIN counted AS c ON c.category = l.category
WHERE c.children IS NOT NULL OR $keep_zero
ORDER BY
    l.position NULLS LAST,
    list_contains($last_categories::VARCHAR[], coalesce(l.category, c.category)),
    coalesce(l.category, c.category)
