-- Purpose: how much of each field is 'Not recorded' (or blank) in each period: the data-quality
--   page's completeness table.
-- Parameters: none
-- Output: period VARCHAR, field VARCHAR (gender, date_of_birth, year_group, primary_need,
--   district, out_of_school_since, sen_team, ehcp_issued, last_annual_review,
--   provision_hours, in that order), not_recorded BIGINT, total BIGINT,
--   share DOUBLE (percent, 0-100, unrounded), not_recorded_ckey INTEGER, total_ckey INTEGER
--   (the two counts' cell keys: figures/disclosure.py)
WITH counted AS (
    SELECT
        period,
        count(*) AS total,
        coalesce(sum(rkey) % 256, 0)::INTEGER AS total_ckey,
        [
            {'field': 'gender', 'n': count(*) FILTER (WHERE gender = 'Not recorded'),
                'k': sum(rkey) FILTER (WHERE gender = 'Not recorded')},
            {'field': 'date_of_birth', 'n': count(*) FILTER (WHERE date_of_birth IS NULL),
                'k': sum(rkey) FILTER (WHERE date_of_birth IS NULL)},
            {'field': 'year_group', 'n': count(*) FILTER (WHERE year_group = 'Not recorded'),
                'k': sum(rkey) FILTER (WHERE year_group = 'Not recorded')},
            {'field': 'primary_need',
                'n': count(*) FILTER (WHERE primary_need = 'Not recorded'),
                'k': sum(rkey) FILTER (WHERE primary_need = 'Not recorded')},
            {'field': 'district', 'n': count(*) FILTER (WHERE district = 'Not recorded'),
                'k': sum(rkey) FILTER (WHERE district = 'Not recorded')},
            {'field': 'out_of_school_since',
                'n': count(*) FILTER (WHERE out_of_school_since IS NULL),
                'k': sum(rkey) FILTER (WHERE out_of_school_since IS NULL)},
            {'field': 'sen_team', 'n': count(*) FILTER (WHERE sen_team IS NULL),
                'k': sum(rkey) FILTER (WHERE sen_team IS NULL)},
            {'field': 'ehcp_issued', 'n': count(*) FILTER (WHERE ehcp_issued IS NULL),
                'k': sum(rkey) FILTER (WHERE ehcp_issued IS NULL)},
            {'field': 'last_annual_review',
                'n': count(*) FILTER (WHERE last_annual_review IS NULL),
                'k': sum(rkey) FILTER (WHERE last_annual_review IS NULL)},
            {'field': 'provision_hours', 'n': count(*) FILTER (WHERE provision_hours IS NULL),
                'k': sum(rkey) FILTER (WHERE provision_hours IS NULL)}
        ] AS fields
    FROM snapshot
    GROUP BY period
),
long AS (
    SELECT
        period,
        total,
        total_ckey,
        unnest(fields).field AS field,
        unnest(fields).n AS not_recorded,
        coalesce(unnest(fields).k % 256, 0)::INTEGER AS not_recorded_ckey,
        generate_subscripts(fields, 1) AS position
    FROM counted
)
SELECT
    period, field, not_recorded, total, 100.0 * not_recorded / total AS share,
    not_recorded_ckey, total_ckey
FROM long
ORDER BY period, position
