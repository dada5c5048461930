-- Purpose: episodes out of school built from the monthly snapshots, one row per episode, for
--   the time-to-return (survival) analysis.
--   PUPIL-LEVEL (one row per child's episode): run only through queries/pupil.py
--   (run_for_aggregation: queries/survival.py aggregates the rows; no page shows them).
--   Rules (README, "Time to return to school"):
--   - loaded periods are numbered in order; a month with no snapshot loaded is not a gap;
--   - a child's rows in consecutive loaded periods are one episode; a gap of ONE missing
--     period is bridged (a recording gap, same episode) when out_of_school_since is unchanged;
--     two or more missing periods, or a changed out_of_school_since after a gap, end the
--     episode (the child returned) and the next row starts a new one;
--   - in consecutive periods, an out_of_school_since later than the previous census date also
--     starts a new episode (the child went back and left again between the two censuses);
--   - start: out_of_school_since of the episode (the earliest recorded in it); end: the census
--     date of the first period the child is no longer in the cohort (a return), or the start of
--     the child's next episode when that is earlier (they returned before leaving again); a
--     child still in the latest period is censored there;
--   - entry: days from the start to the first census the child was seen (children who went
--     out and back between two censuses are never seen: delayed entry corrects for that);
--   - the episode takes the characteristics of its first row (filters and groups use them).
-- Template: dimension  SQL expression over cohort columns giving the group (allow-listed)
-- Parameters: the shared cohort filter (applied to each episode's first row; $period_from and
--   $period_to should span every loaded period)
-- Output: child_id VARCHAR, episode_start DATE (NULL: no out_of_school_since recorded),
--   first_seen DATE, last_seen DATE, end_date DATE (NULL when censored), returned BOOLEAN,
--   duration_days INTEGER (start to end or to the latest census), entry_days INTEGER,
--   started_in_window BOOLEAN (started after the first loaded census), grp VARCHAR,
--   rkey UTINYINT (the child's record key, for the cell keys of counts of episodes:
--   figures/disclosure.py)
WITH periods AS (
    SELECT period, census_date, row_number() OVER (ORDER BY period) AS idx
    FROM (SELECT DISTINCT period, census_date FROM cohort)
),
latest AS (
    SELECT max(idx) AS last_idx, max(census_date) AS last_census, min(census_date) AS first_census
    FROM periods
),
rows_in_order AS (
    SELECT
        c.*,
        p.idx,
        lag(p.idx) OVER w AS prev_idx,
        lag(c.out_of_school_since) OVER w AS prev_since,
        lag(c.census_date) OVER w AS prev_census
    FROM cohort AS c
    JOIN periods AS p USING (period)
    WINDOW w AS (PARTITION BY c.child_id ORDER BY p.idx)
),
marked AS (
    SELECT
        *,
        CASE
            WHEN prev_idx IS NULL THEN 1
            WHEN idx - prev_idx > 2 THEN 1
            WHEN idx - prev_idx = 2 AND out_of_school_since IS DISTINCT FROM prev_since THEN 1
            WHEN out_of_school_since > prev_census THEN 1
            ELSE 0
        END AS starts_episode
    FROM rows_in_order
),
numbered AS (
    SELECT *, sum(starts_episode) OVER (PARTITION BY child_id ORDER BY idx) AS episode
    FROM marked
),
episodes AS (
    SELECT
        child_id,
        episode,
        min(out_of_school_since) AS episode_start,
        min(census_date) AS first_seen,
        max(census_date) AS last_seen,
        max(idx) AS last_idx,
        arg_min(period, idx) AS first_period
    FROM numbered
    GROUP BY child_id, episode
),
with_next AS (
    SELECT
        *,
        lead(episode_start) OVER (PARTITION BY child_id ORDER BY episode) AS next_start
    FROM episodes
),
first_rows AS (
    SELECT e.*, n.* EXCLUDE (child_id, episode, period)
        , e.first_period AS period
    FROM with_next AS e
    JOIN numbered AS n
        ON n.child_id = e.child_id AND n.episode = e.episode AND n.period = e.first_period
),
ended AS (
    SELECT
        f.*,
        f.last_idx < l.last_idx AS returned,
        CASE
            WHEN f.last_idx < l.last_idx THEN least(nxt.census_date, f.next_start)
        END AS end_date,
        l.last_census,
        l.first_census
    FROM first_rows AS f
    CROSS JOIN latest AS l
    LEFT JOIN periods AS nxt ON nxt.idx = f.last_idx + 1
)
SELECT
    child_id,
    episode_start,
    first_seen,
    last_seen,
    end_date,
    returned,
    date_diff('day', episode_start, coalesce(end_date, last_census))::INTEGER AS duration_days,
    date_diff('day', episode_start, first_seen)::INTEGER AS entry_days,
    episode_start > first_census AS started_in_window,
    {{dimension}} AS grp,
    rkey
FROM ended
WHERE {{cohort_filter}}
