-- Episodes out of school, written once: the CTEs that build them from the monthly snapshots,
-- ending in `episode_rows` (one row per episode, with the columns below and every `cohort`
-- column of the episode's first row). Not a query on its own: a query starts
-- `WITH {{episode_rules}}` and reads `episode_rows` (episodes.sql, episode_table.sql).
-- Rules (README, "Time to return to school"):
--   - loaded periods are numbered in order; a month with no snapshot loaded is not a gap;
--   - every row of a child belongs to exactly one episode. A row starts a new episode when it
--     is the child's first, when its out_of_school_since is after the census date of the
--     child's previous row (the child went back and left again in between), or when two or
--     more loaded periods are missing before it (the child returned, even if the date is
--     unchanged). Otherwise it continues the episode: consecutive periods, or ONE missing
--     period (a gap in recording) with the date unchanged or corrected to one not after the
--     previous census (a date on or before a census at which the child was already out cannot
--     start a new spell);
--   - start: the earliest out_of_school_since recorded in the episode (start_changed: more
--     than one was recorded);
--   - status: 'still_out' when seen in the latest period; 'not_seen' when last seen in the
--     period before it (one missing month may be a gap in recording, so no return is counted
--     until the next month confirms it: censored at the last census seen); else 'returned';
--   - a return is known only to lie between last_seen (the last census the child was seen
--     out) and return_by: the next loaded census, or the start of the child's next episode
--     when that is earlier and after last_seen;
--   - problem (the episode is counted and listed, but cannot be timed): 'no_start' (no
--     out_of_school_since), 'start_after_census' (the date is after a census at which the
--     child was already out), 'start_not_after_previous' (the date is not after the last
--     census of the child's previous episode: carried over from before a return, so the real
--     start is not known);
--   - days from the start: entry_days to the first census seen (late entry), lower_days to
--     last_seen, upper_days to return_by (NULL unless returned);
--   - for the estimates, follow-up ends at the census before the latest, for every child
--     alike: the latest census can only confirm a return up to then (a child missing from it
--     alone may be a gap in recording), and ending follow-up there for everyone, whatever
--     happened to them, keeps the ending independent of the return. Leaving out only the
--     children missing from the latest month would lose exactly that month's returns while
--     keeping the others' time (simulated: medians 0.15 to 0.28 months too long).
--     followed_days: to the last census the child was seen out, at most that census (never
--     before the first census seen); return_days: upper_days when return_by is at most that
--     census, else NULL (censored there);
--   - the episode takes the characteristics of its first row (filters and groups use them).
-- Columns added: episode_start, start_changed, first_seen, last_seen, return_by, status,
--   problem, entry_days, lower_days, upper_days, followed_days, return_days,
--   first_seen_latest (see episodes.sql).
periods AS (
    SELECT period, census_date, row_number() OVER (ORDER BY period) AS idx
    FROM (SELECT DISTINCT period, census_date FROM cohort)
),
latest AS (
    -- follow_until: the census before the latest, where follow-up for the estimates ends (the
    -- latest census only confirms returns; see the rules above)
    SELECT
        max(idx) AS last_idx,
        max(census_date) AS last_census,
        coalesce(
            max(census_date) FILTER (WHERE idx < (SELECT max(idx) FROM periods)),
            max(census_date)
        ) AS follow_until
    FROM periods
),
rows_in_order AS (
    -- only the columns the rules need go through the sorts: the first row's other columns are
    -- joined back once per episode (first_rows)
    SELECT
        c.child_id,
        c.period,
        c.census_date,
        c.out_of_school_since,
        p.idx,
        lag(p.idx) OVER w AS prev_idx,
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
            WHEN out_of_school_since > prev_census THEN 1
            WHEN idx - prev_idx > 2 THEN 1
            ELSE 0
        END AS starts
    FROM rows_in_order
),
numbered AS (
    SELECT *, sum(starts) OVER (PARTITION BY child_id ORDER BY idx) AS episode
    FROM marked
),
episodes AS (
    SELECT
        child_id,
        episode,
        min(out_of_school_since) AS episode_start,
        min(out_of_school_since) <> max(out_of_school_since) AS start_changed,
        min(census_date) AS first_seen,
        max(census_date) AS last_seen,
        min(idx) AS first_idx,
        max(idx) AS last_idx
    FROM numbered
    GROUP BY child_id, episode
),
linked AS (
    SELECT
        *,
        lead(episode_start) OVER c AS next_start,
        lead(episode) OVER c IS NOT NULL AS has_next,
        lag(last_seen) OVER c AS previous_last_seen
    FROM episodes
    WINDOW c AS (PARTITION BY child_id ORDER BY episode)
),
first_rows AS (
    SELECT e.*, c.* EXCLUDE (child_id)
    FROM linked AS e
    JOIN numbered AS n ON n.child_id = e.child_id AND n.episode = e.episode AND n.starts = 1
    JOIN cohort AS c ON c.child_id = n.child_id AND c.period = n.period
),
ended AS (
    SELECT
        f.*,
        CASE
            WHEN f.last_idx = l.last_idx THEN 'still_out'
            WHEN f.last_idx = l.last_idx - 1 AND NOT f.has_next THEN 'not_seen'
            ELSE 'returned'
        END AS status,
        CASE
            WHEN f.episode_start IS NULL THEN 'no_start'
            WHEN f.episode_start > f.first_seen THEN 'start_after_census'
            WHEN f.episode_start <= f.previous_last_seen THEN 'start_not_after_previous'
        END AS problem,
        nxt.census_date AS next_census,
        f.first_seen = l.last_census AS first_seen_latest,
        l.follow_until
    FROM first_rows AS f
    CROSS JOIN latest AS l
    LEFT JOIN periods AS nxt ON nxt.idx = f.last_idx + 1
),
episode_rows AS (
    SELECT
        *,
        CASE
            WHEN status <> 'returned' THEN NULL
            WHEN next_start > last_seen AND next_start < next_census THEN next_start
            ELSE next_census
        END AS return_by,
        date_diff('day', episode_start, first_seen)::INTEGER AS entry_days,
        date_diff('day', episode_start, last_seen)::INTEGER AS lower_days,
        date_diff('day', episode_start, return_by)::INTEGER AS upper_days,
        date_diff('day', episode_start, greatest(first_seen, least(last_seen, follow_until)))
            ::INTEGER AS followed_days,
        CASE WHEN return_by <= follow_until THEN upper_days END AS return_days
    FROM ended
)
