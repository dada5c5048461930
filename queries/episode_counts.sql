-- Purpose: the episodes out of school of one filter, counted by everything the time-to-return
--   figures use (far fewer rows than episodes: 35,000 for 694,000 at 100,000 children x 40
--   months). Runs on the in-memory table `episodes` that queries/survival.py builds from
--   episode_table.sql once per data version, not on the database file.
--   PUPIL-LEVEL in effect: a row counting one episode (n = 1) describes one child's spell and
--   group; the rows are only ever summed in queries/survival.py, never shown.
-- Template: dimension  SQL expression over cohort columns giving the group (allow-listed)
-- Parameters: the shared cohort filter (applied to each episode's first row; $period_from and
--   $period_to should span every loaded period)
-- Output: grp VARCHAR, status VARCHAR, problem VARCHAR, start_changed BOOLEAN,
--   first_seen_latest BOOLEAN, entry_days INTEGER, followed_days INTEGER, return_days
--   INTEGER (as episodes.sql), n BIGINT (episodes with these values), n_ckey INTEGER (their
--   cell key: figures/disclosure.py; a sum of rows' keys mod 256 is the key of their union)
SELECT
    {{dimension}} AS grp,
    status,
    problem,
    start_changed,
    first_seen_latest,
    entry_days,
    followed_days,
    return_days,
    count(*) AS n,
    (sum(rkey) % 256)::INTEGER AS n_ckey
FROM episodes
WHERE {{cohort_filter}}
GROUP BY ALL
