-- Purpose: the largest changes in the filtered cohort between the previous loaded period and
--   the period viewed, for the overview's briefing sentences ("Provision unknown rose by 14 in
--   Thanet"). Looks at placement status within each district, and at district, placement
--   status, primary need, year group, care status and time out of school on their own.
--   Categories with no change are left out. Order: largest absolute change first, rises before
--   falls, then the order of $dimensions, then category alphabetically.
-- Template: days_out_band  SQL expression giving the days-out band (allow-listed)
-- Parameters: the shared cohort filter with $period_from = $previous_period and
--   $period_to = $period, and
--   $period           VARCHAR   the period viewed
--   $previous_period  VARCHAR   the loaded period before it
--   $dimensions       VARCHAR[] the dimension keys below to look at, in tie-break order (a
--                               key left out is not reported: care status is left out when
--                               a period's care status was not supplied)
--   $n                INTEGER   how many movements to return
-- Output: dimension VARCHAR ('district_placement' or a dimension key), category VARCHAR
--   (for district_placement: the placement status), district VARCHAR (district_placement
--   only, else NULL), previous BIGINT, current BIGINT, change BIGINT, previous_ckey INTEGER,
--   current_ckey INTEGER (the two counts' cell keys: figures/disclosure.py)
WITH long AS (
    SELECT
        period,
        rkey,
        unnest(
            [
                {'dimension': 'district_placement', 'category': placement_status,
                    'district': district},
                {'dimension': 'district', 'category': district, 'district': NULL},
                {'dimension': 'placement_status', 'category': placement_status,
                    'district': NULL},
                {'dimension': 'primary_need', 'category': primary_need, 'district': NULL},
                {'dimension': 'year_group', 'category': year_group, 'district': NULL},
                {'dimension': 'care_status', 'category': care_status, 'district': NULL},
                {'dimension': 'days_out_band', 'category': {{days_out_band}}, 'district': NULL}
            ],
            recursive := true
        )
    FROM cohort
    WHERE {{cohort_filter}}
),
counted AS (
    SELECT
        dimension,
        category,
        district,
        count(*) FILTER (WHERE period = $previous_period) AS previous,
        count(*) FILTER (WHERE period = $period) AS current,
        coalesce(sum(rkey) FILTER (WHERE period = $previous_period) % 256, 0)::INTEGER
            AS previous_ckey,
        coalesce(sum(rkey) FILTER (WHERE period = $period) % 256, 0)::INTEGER AS current_ckey
    FROM long
    GROUP BY ALL
)
SELECT
    dimension, category, district, previous, current, current - previous AS change,
    previous_ckey, current_ckey
FROM counted
WHERE current <> previous AND list_contains($dimensions::VARCHAR[], dimension)
ORDER BY
    abs(current - previous) DESC,
    current - previous DESC,
    list_position($dimensions::VARCHAR[], dimension),
    district NULLS FIRST,
    category
LIMIT $n
