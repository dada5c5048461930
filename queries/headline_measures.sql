-- Purpose: the overview's headline figures for a period and the previous loaded period, except
--   the total (the page header's count, cohort_count.sql, gives it): one row per period that
--   has children (a period with none has no row: its counts are 0). queries/aggregates.py
--   `headline` turns the row into one row per measure with the change (in Python: DuckDB took
--   longer to plan the same reshaping, with its unnest and joins, than to count, 8.5 against
--   3.8 ms a call on the demo data).
-- Parameters: the shared cohort filter with $period_from = previous period (or the period
--   itself) and $period_to = $period, and
--   $no_placement           VARCHAR  placement status label 'No placement'
--   $provision_unknown      VARCHAR  placement status label 'Provision unknown'
--   $over_a_term_days       INTEGER  days out above which a child counts as out over a term
-- Output: period VARCHAR; no_placement, provision_unknown, imports, cla, cp, cin, over_a_term
--   BIGINT (children), each with its cell key <count>_ckey INTEGER (figures/disclosure.py);
--   median_days_out DOUBLE (NULL when no child has a days-out value) and with_days_out BIGINT
--   (the median's group: children with a days-out value)
SELECT
    period,
    count(*) FILTER (WHERE placement_status = $no_placement) AS no_placement,
    coalesce(sum(rkey) FILTER (WHERE placement_status = $no_placement) % 256, 0)::INTEGER
        AS no_placement_ckey,
    count(*) FILTER (WHERE placement_status = $provision_unknown) AS provision_unknown,
    coalesce(sum(rkey) FILTER (WHERE placement_status = $provision_unknown) % 256, 0)::INTEGER
        AS provision_unknown_ckey,
    count(*) FILTER (WHERE is_import) AS imports,
    coalesce(sum(rkey) FILTER (WHERE is_import) % 256, 0)::INTEGER AS imports_ckey,
    count(*) FILTER (WHERE cla) AS cla,
    coalesce(sum(rkey) FILTER (WHERE cla) % 256, 0)::INTEGER AS cla_ckey,
    count(*) FILTER (WHERE cp) AS cp,
    coalesce(sum(rkey) FILTER (WHERE cp) % 256, 0)::INTEGER AS cp_ckey,
    count(*) FILTER (WHERE cin) AS cin,
    coalesce(sum(rkey) FILTER (WHERE cin) % 256, 0)::INTEGER AS cin_ckey,
    median(days_out)::DOUBLE AS median_days_out,
    count(days_out) AS with_days_out,
    count(*) FILTER (WHERE days_out > $over_a_term_days) AS over_a_term,
    coalesce(sum(rkey) FILTER (WHERE days_out > $over_a_term_days) % 256, 0)::INTEGER
        AS over_a_term_ckey
FROM cohort
WHERE {{cohort_filter}}
GROUP BY period
