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
--   median_days_out, over_a_term), value DOUBLE, previous DOUBLE, change DOUBLE,
--   value_ckey INTEGER, previous_ckey INTEGER (the counts' cell keys: figures/disclosure.py;
--   NULL for the median), group_children BIGINT, previous_group_children BIGINT (the median's
--   group: children with a days-out value; NULL for the counts)
WITH wanted AS (
    SELECT $period AS period
    UNION ALL
    SELECT $previous_period WHERE $previous_period IS NOT NULL
),
counted AS (
    SELECT
        period,
        count(*) FILTER (WHERE placement_status = $no_placement) AS no_placement,
        sum(rkey) FILTER (WHERE placement_status = $no_placement) AS no_placement_keys,
        count(*) FILTER (WHERE placement_status = $provision_unknown) AS provision_unknown,
        sum(rkey) FILTER (WHERE placement_status = $provision_unknown) AS provision_unknown_keys,
        count(*) FILTER (WHERE is_import) AS imports,
        sum(rkey) FILTER (WHERE is_import) AS imports_keys,
        count(*) FILTER (WHERE cla) AS cla,
        sum(rkey) FILTER (WHERE cla) AS cla_keys,
        count(*) FILTER (WHERE cp) AS cp,
        sum(rkey) FILTER (WHERE cp) AS cp_keys,
        count(*) FILTER (WHERE cin) AS cin,
        sum(rkey) FILTER (WHERE cin) AS cin_keys,
        median(days_out) AS median_days_out,
        count(days_out) AS with_days_out,
        count(*) FILTER (WHERE days_out > $over_a_term_days) AS over_a_term,
        sum(rkey) FILTER (WHERE days_out > $over_a_term_days) AS over_a_term_keys
    FROM cohort
    WHERE {{cohort_filter}}
    GROUP BY period
),
-- one row per period and measure: value, cell key (counts; 0 when none) and the median's group
long AS (
    SELECT
        w.period,
        unnest(
            [
                {'measure': 'no_placement', 'value': c.no_placement::DOUBLE,
                    'keys': c.no_placement_keys, 'grp': NULL::BIGINT},
                {'measure': 'provision_unknown', 'value': c.provision_unknown::DOUBLE,
                    'keys': c.provision_unknown_keys, 'grp': NULL::BIGINT},
                {'measure': 'imports', 'value': c.imports::DOUBLE, 'keys': c.imports_keys,
                    'grp': NULL::BIGINT},
                {'measure': 'cla', 'value': c.cla::DOUBLE, 'keys': c.cla_keys,
                    'grp': NULL::BIGINT},
                {'measure': 'cp', 'value': c.cp::DOUBLE, 'keys': c.cp_keys, 'grp': NULL::BIGINT},
                {'measure': 'cin', 'value': c.cin::DOUBLE, 'keys': c.cin_keys,
                    'grp': NULL::BIGINT},
                -- NULL when no child has a date
                {'measure': 'median_days_out', 'value': c.median_days_out::DOUBLE,
                    'keys': NULL::HUGEINT, 'grp': coalesce(c.with_days_out, 0)},
                {'measure': 'over_a_term', 'value': c.over_a_term::DOUBLE,
                    'keys': c.over_a_term_keys, 'grp': NULL::BIGINT}
            ],
            recursive := true
        )
    FROM wanted AS w
    LEFT JOIN counted AS c ON c.period = w.period
),
keyed AS (
    SELECT
        period,
        measure,
        CASE WHEN measure = 'median_days_out' THEN value ELSE coalesce(value, 0) END AS value,
        CASE WHEN measure <> 'median_days_out' THEN coalesce(keys % 256, 0)::INTEGER END AS ckey,
        grp
    FROM long
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
    cur.value - prev.value AS change,
    cur.ckey AS value_ckey,
    prev.ckey AS previous_ckey,
    cur.grp AS group_children,
    prev.grp AS previous_group_children
FROM measures AS m
LEFT JOIN keyed AS cur ON cur.measure = m.measure AND cur.period = $period
LEFT JOIN keyed AS prev ON prev.measure = m.measure AND prev.period = $previous_period
ORDER BY m.position
