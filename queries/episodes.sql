-- Purpose: episodes out of school built from the monthly snapshots, one row per episode (one
--   child's spell out of school), with the child's ID: the rules are in
--   fragments/episode_rules.sql. For the tests of those rules and the data-problems download.
--   PUPIL-LEVEL (one row per child's episode): run only through queries/pupil.py
--   (run_pupil_query for the download, with episode_rows = the problems only;
--   run_for_aggregation where queries/survival.py only counts the rows).
-- Template: dimension  SQL expression over cohort columns giving the group (allow-listed);
--   episode_rows  'TRUE' (every episode) or 'problem IS NOT NULL' (allow-listed)
-- Parameters: the shared cohort filter (applied to each episode's first row; $period_from and
--   $period_to should span every loaded period)
-- Output: child_id VARCHAR, episode_start DATE (NULL: none recorded), first_seen DATE,
--   last_seen DATE, return_by DATE (NULL unless returned), status VARCHAR ('returned',
--   'still_out', 'not_seen'), problem VARCHAR (NULL: none; 'no_start', 'start_after_census',
--   'start_not_after_previous'), start_changed BOOLEAN, entry_days INTEGER, lower_days
--   INTEGER, upper_days INTEGER (days from the start to the first census seen, the last
--   census seen, return_by), followed_days INTEGER, return_days INTEGER (the same within the
--   follow-up the estimates use, to the census before the latest), first_seen_latest BOOLEAN
--   (first seen in the latest period), grp VARCHAR, rkey UTINYINT (the child's record key, for
--   the cell keys of counts of episodes: figures/disclosure.py)
WITH {{episode_rules}}
SELECT
    child_id,
    episode_start,
    first_seen,
    last_seen,
    return_by,
    status,
    problem,
    start_changed,
    entry_days,
    lower_days,
    upper_days,
    followed_days,
    return_days,
    first_seen_latest,
    {{dimension}} AS grp,
    rkey
FROM episode_rows
WHERE {{cohort_filter}} AND ({{episode_rows}})
