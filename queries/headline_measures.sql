-- Purpose: the overview's headline figures for a period and the change against the previous
--   loaded period, except the total (the page header's count, cohort_count.sql, gives it). Counts are 0 (not missing) when the filtered cohort is empty; with no
--   previous period, previous and change are NULL.
-- Parameters: the shared cohort filter with $period_from = previous period (or the period
--   itself) and $period_to = $period, and
--   $period                 VARCHAR  the period viewed
--   $previous_period        VARCHAR  the loaded period before it, or NULL
--   $no_placement           VARCHAR  placement status label 'No placement'
--   $provision_unknown      VARCHAR  placement status label 'Provision unknown'
--   $over_a_term_days       INTEGER  days out above which a child counts as out over a term
--   $measures               VARCHAR[] output order of the measures
-- Output: measure VARCHAR (no_placement, provision_unknown, imports, cla, cp, cin,
--   median_days_out, over_a_term), value DOUBLE, previous DOUBLE, change DOUBLE
WITH wanted AS (
    SELECT $period AS period
    UNION ALL
    SELECT $previous_period WHERE $previous_period IS NOT NULL
),
counted AS (
    SELECT
        period,
        count(*) FILTER (WHERE placement_status = $no_placement) AS no_placement,
        count(*) FILTER (WHERE placement_status = $provision_unknown) AS provision_unknown,
        count(*) FILTER (WHERE is_import) AS imports,
        count(*) FILTER (WHERE cla) AS cla,
        count(*) FILTER (WHERE cp) AS cp,
        count(*) FILTER (WHERE cin) AS cin,
        median(days_out) AS median_days_out,
        count(*) FILTER (WHERE days_out > $over_a_term_days) AS over_a_term
    FROM cohort
    WHERE {{cohort_filter}}
    GROUP BY period
),
per_period AS (
    SELECT
        w.period,
        coalesce(c.no_placement, 0)::DOUBLE AS no_placement,
        coalesce(c.provision_unknown, 0)::DOUBLE AS provision_unknown,
        coalesce(c.imports, 0)::DOUBLE AS imports,
        coalesce(c.cla, 0)::DOUBLE AS cla,
        coalesce(c.cp, 0)::DOUBLE AS cp,
        coalesce(c.cin, 0)::DOUBLE AS cin,
        c.median_days_out::DOUBLE AS median_days_out,  -- NULL when no child has a date
        coalesce(c.over_a_term, 0)::DOUBLE AS over_a_term
    FROM wanted AS w
    LEFT JOIN counted AS c ON c.period = w.period
),
long AS (
    SELECT *
    FROM per_period
    UNPIVOT INCLUDE NULLS (
        value FOR measure IN (
            no_placement, provision_unknown, imports, cla, cp, cin, median_days_out, over_a_term
        )
    )
),
measures AS (
    SELECT
        unnest($measures::VARCHAR[]) AS measure,
        generate_subscripts($measures::VARCHAR[], 1) AS position
)
SELECT
    m.measure,
    cur.value AS value,
    prev.value AS previous,
    cur.value - prev.value AS change
FROM measures AS m
LEFT JOIN long AS cur ON cur.measure = m.measure AND cur.period = $period
LEFT JOIN long AS prev ON prev.measure = m.measure AND prev.period = $previous_period
ORDER BY m.position
