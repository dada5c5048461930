-- Purpose: what the time-to-return figures need, counted by group for one filter: the
--   episodes' first-census and last-census times, their return intervals, their statuses and
--   their problems. Runs on the in-memory table `episodes` that queries/survival.py builds
--   from episode_table.sql once per data version, not on the database file.
-- Template: dimension  SQL expression over cohort columns giving the group (allow-listed)
-- Parameters: the shared cohort filter (applied to each episode's first row; $period_from and
--   $period_to should span every loaded period)
-- Output: grp VARCHAR, kind VARCHAR, a INTEGER, b INTEGER, n BIGINT. Kinds (episodes that can
--   be timed unless said): 'entry' (a = entry_days), 'seen' (a = lower_days), 'return'
--   (a = lower_days, b = upper_days; returned only), 'status' (by a code: 0 returned,
--   1 still_out, 2 not_seen), 'first_seen_latest', 'start_changed', and for the episodes that
--   cannot be timed 'no_start', 'start_after_census', 'start_not_after_previous'
WITH chosen AS (
    SELECT {{dimension}} AS grp, *
    FROM episodes
    WHERE {{cohort_filter}}
),
timed AS (
    SELECT * FROM chosen WHERE problem IS NULL
)
SELECT grp, 'entry' AS kind, entry_days AS a, NULL::INTEGER AS b, count(*) AS n
FROM timed GROUP BY ALL
UNION ALL
SELECT grp, 'seen', lower_days, NULL, count(*) FROM timed GROUP BY ALL
UNION ALL
SELECT grp, 'return', lower_days, upper_days, count(*)
FROM timed WHERE status = 'returned' GROUP BY ALL
UNION ALL
SELECT
    grp,
    'status',
    CASE status WHEN 'returned' THEN 0 WHEN 'still_out' THEN 1 ELSE 2 END,
    NULL,
    count(*)
FROM timed GROUP BY ALL
UNION ALL
SELECT grp, 'first_seen_latest', NULL, NULL, count(*)
FROM timed WHERE first_seen_latest GROUP BY ALL
UNION ALL
SELECT grp, 'start_changed', NULL, NULL, count(*) FROM timed WHERE start_changed GROUP BY ALL
UNION ALL
SELECT grp, problem, NULL, NULL, count(*) FROM chosen WHERE problem IS NOT NULL GROUP BY ALL
