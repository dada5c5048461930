-- Purpose: case flags raised and cleared between the previous loaded period and this one, for
--   the briefing pack's "act" half. A flag is raised for a child who holds it now and did not
--   hold it in the previous period (including a child new to the cohort); cleared for a child
--   who held it then and does not now (including a child who has left the cohort, e.g. back in
--   school). The cohort filter applies in each period at that period's own census date.
-- Fragments: cohort_filter (fragments/)
-- Parameters: the shared cohort filter with $period_from = the previous period and
--   $period_to = the period; $period VARCHAR, $previous_period VARCHAR
-- Output: one row per flag held in either period (absent flags: none raised or cleared):
--   flag VARCHAR (a case_flags column name), held_now BIGINT, held_before BIGINT,
--   raised BIGINT, cleared BIGINT, and after each count its cell key `<count>_ckey` INTEGER
--   (the children's record keys summed mod 256: figures/disclosure.py)
WITH held AS (
    UNPIVOT (
        SELECT child_id, rkey, period, out_of_sight, s19_due, repeated_offer, consultation_chain,
            stalled, annual_review_overdue, import_review_due
        FROM case_flags
        WHERE {{cohort_filter}}
    )
    ON out_of_sight, s19_due, repeated_offer, consultation_chain, stalled,
        annual_review_overdue, import_review_due
    INTO NAME flag VALUE holds
),
now AS (SELECT child_id, rkey, flag FROM held WHERE period = $period AND holds),
before AS (SELECT child_id, rkey, flag FROM held WHERE period = $previous_period AND holds),
joined AS (
    SELECT
        flag,
        now.child_id IS NOT NULL AS is_now,
        before.child_id IS NOT NULL AS was_before,
        coalesce(now.rkey, before.rkey) AS rkey  -- one child, one key
    FROM now
    FULL JOIN before USING (child_id, flag)
)
SELECT
    flag,
    count(*) FILTER (WHERE is_now) AS held_now,
    coalesce(sum(rkey) FILTER (WHERE is_now) % 256, 0)::INTEGER AS held_now_ckey,
    count(*) FILTER (WHERE was_before) AS held_before,
    coalesce(sum(rkey) FILTER (WHERE was_before) % 256, 0)::INTEGER AS held_before_ckey,
    count(*) FILTER (WHERE is_now AND NOT was_before) AS raised,
    coalesce(sum(rkey) FILTER (WHERE is_now AND NOT was_before) % 256, 0)::INTEGER
        AS raised_ckey,
    count(*) FILTER (WHERE was_before AND NOT is_now) AS cleared,
    coalesce(sum(rkey) FILTER (WHERE was_before AND NOT is_now) % 256, 0)::INTEGER
        AS cleared_ckey
FROM joined
GROUP BY flag
ORDER BY flag
