-- Purpose: the case flags counted for the filtered cohort in each period of a range (Today's
--   and Data quality's counts with a one-period range; the service view's trend with a longer
--   one).
-- Fragments: cohort_filter, flag_counts (fragments/)
-- Parameters: the shared cohort filter; $period_from and $period_to set the range.
-- Output: one row per period with children, ordered by period:
--   period VARCHAR, census_date DATE, children BIGINT, needs_action BIGINT, out_of_sight BIGINT,
--   s19_due BIGINT, repeated_offer BIGINT, consultation_chain BIGINT, stalled BIGINT,
--   annual_review_overdue BIGINT, import_review_due BIGINT, records_disagree BIGINT (children
--   with each flag),
--   children_with_terms BIGINT (children with at least one term without provision),
--   terms_without_provision BIGINT (sum over the children), median_days_without_provision
--   DOUBLE (children whose days without provision are known; NULL when none are),
--   with_days_without_provision BIGINT (those children: the median's group);
--   after each count of children its cell key `<count>_ckey` INTEGER (figures/disclosure.py)
SELECT
    period,
    any_value(census_date) AS census_date,
    {{flag_counts}},
    median(days_without_provision) AS median_days_without_provision,
    count(days_without_provision) AS with_days_without_provision,
    coalesce(sum(rkey) FILTER (WHERE days_without_provision IS NOT NULL) % 256, 0)::INTEGER
        AS with_days_without_provision_ckey
FROM case_flags
WHERE {{cohort_filter}}
GROUP BY period
ORDER BY period
