-- The case-flag basis for a set of (child_id, out_of_school_since) pairs: the casework facts
-- that do not depend on the census date, built once per publish so that the `case_flags` view
-- (case_flags.sql, which explains why) is one hash join.
--
-- Input: the temp table `basis_pairs (child_id, out_of_school_since, first_period,
-- last_period)`, filled by basis_pairs_all.sql (a full rebuild) or basis_pairs_new.sql (only
-- the pairs a cohort load added). A pair with child_id NULL stands for every child with no
-- casework whose out_of_school_since is that date: with no events, the no-provision interval
-- opens on that date and never closes, so the terms it covers depend on the date alone.
-- Output: the temp table `basis_rows`, one row per input pair:
--   child_id, out_of_school_since, first_period, last_period
--   last_event_all, events_all, last_ended_all, last_started_all, consultations_all,
--   repeats_all, last_repeat_all   the same facts over the whole log (the view uses them when
--                                  no event falls after the census date)
--   qualifying_mask     terms (bit n - 1 for term n) more than the share without provision
--                       in closed intervals and in the open one up to its first whole term
--   closed_gaps_end, open_gap_start, open_from_term   the intervals' ends; the open interval
--                       covers every term from open_from_term on
--   event_dates, ended_dates, started_dates, consultation_dates, repeat_offers, gaps
--                       sorted lists, cut at the census date by the view
-- Reads `casework`, `school_terms` and `flag_settings`. No parameters.

CREATE OR REPLACE TEMP TABLE basis_rows AS
WITH
share AS (
    SELECT value AS term_share FROM flag_settings
    WHERE name = 'flags.term_share_without_provision'
),
pairs AS (
    SELECT * FROM basis_pairs
),
-- only the casework of the children whose pairs are (re)built (not materialised: a semi-join
-- per use is cheaper than copying 30 million events)
events AS NOT MATERIALIZED (
    SELECT child_id, source_row, event_date, event_type, provider, provider_key
    FROM casework
    WHERE child_id IN (SELECT child_id FROM basis_pairs)
),
-- each offer made on a later day than a refusal by the same provider, with the latest such
-- refusal (for the reason text)
repeat_offers AS (
    SELECT
        o.child_id,
        o.source_row,
        any_value(o.event_date) AS offer_date,
        any_value(o.provider) AS provider,
        max(r.event_date) AS refusal_date,
        arg_max(r.event_type, r.event_date) AS refusal_type
    FROM events o
    JOIN events r
        ON r.child_id = o.child_id
        AND r.provider_key = o.provider_key
        AND r.event_date < o.event_date
    WHERE o.event_type = 'offer' AND r.event_type IN ('offer_declined', 'offer_withdrawn')
    GROUP BY o.child_id, o.source_row
),
repeats_by_child AS (
    -- list_sort of an unordered list is much cheaper than an ordered aggregate; structs sort
    -- by their fields in order, so by offer date, then refusal date
    SELECT
        child_id,
        list_sort(
            list(
                {
                    'offer_date': offer_date,
                    'refusal_date': refusal_date,
                    'provider': provider,
                    'refusal_type': refusal_type
                }
            )
        ) AS repeat_offers
    FROM repeat_offers
    GROUP BY child_id
),
events_by_child AS (
    SELECT
        child_id,
        list_sort(list(event_date)) AS event_dates,
        list_sort(list(event_date) FILTER (WHERE event_type = 'provision_ended'))
            AS ended_dates,
        list_sort(list(event_date) FILTER (WHERE event_type = 'provision_started'))
            AS started_dates,
        list_sort(list(event_date) FILTER (WHERE event_type = 'consultation'))
            AS consultation_dates
    FROM events
    GROUP BY child_id
),
gap_starts AS (
    SELECT child_id, out_of_school_since, out_of_school_since AS gap_start
    FROM pairs
    WHERE out_of_school_since IS NOT NULL
    UNION
    SELECT p.child_id, p.out_of_school_since, e.event_date
    FROM pairs p
    JOIN events e ON e.child_id = p.child_id AND e.event_type = 'provision_ended'
),
provision_starts AS (
    SELECT DISTINCT child_id, event_date AS started
    FROM events
    WHERE event_type = 'provision_started'
),
-- an interval ends at the first provision_started on or after its start (NULL: still open).
-- Intervals that overlap end on the same start, so grouping by the end merges them.
gaps AS (
    SELECT child_id, out_of_school_since, min(gap_start) AS gap_start, gap_end
    FROM (
        SELECT g.child_id, g.out_of_school_since, g.gap_start, p.started AS gap_end
        FROM gap_starts g
        ASOF LEFT JOIN provision_starts p
            ON p.child_id = g.child_id AND p.started >= g.gap_start
    ) AS ended
    GROUP BY child_id, out_of_school_since, gap_end
),
-- the open interval (if any) covers every term from the first one starting on or after its
-- start: the view counts those by arithmetic, and only the part before that term is summed
open_gaps AS (
    -- the first term starting on or after the interval's start (term numbers follow dates)
    SELECT
        g.child_id,
        g.out_of_school_since,
        g.gap_start,
        t.term_number AS open_from_term,
        t.start_date AS open_from_date
    FROM (SELECT * FROM gaps WHERE gap_end IS NULL) AS g
    ASOF LEFT JOIN school_terms t ON t.start_date >= g.gap_start
),
bounded AS (
    SELECT child_id, out_of_school_since, gap_start, gap_end AS piece_end
    FROM gaps
    WHERE gap_end IS NOT NULL
    UNION ALL
    SELECT child_id, out_of_school_since, gap_start, coalesce(open_from_date, DATE '9999-12-31')
    FROM open_gaps
),
-- days without provision per term: [gap_start, piece_end) against [start_date, end_date + 1)
term_days AS (
    SELECT
        b.child_id,
        b.out_of_school_since,
        t.term_number,
        any_value(t.end_date - t.start_date + 1) AS term_days,
        sum(least(b.piece_end, t.end_date + 1) - greatest(b.gap_start, t.start_date))
            AS days_without
    FROM bounded b
    JOIN school_terms t ON t.start_date < b.piece_end AND t.end_date >= b.gap_start
    GROUP BY b.child_id, b.out_of_school_since, t.term_number
),
qualifying AS (
    -- the qualifying terms as bits of one number (term n is bit n - 1): the view counts
    -- those before the census date with one bit_count instead of walking a list
    SELECT
        d.child_id,
        d.out_of_school_since,
        bit_or(1::HUGEINT << (d.term_number - 1)) AS qualifying_mask
    FROM term_days d, share s
    WHERE d.days_without > s.term_share * d.term_days
    GROUP BY d.child_id, d.out_of_school_since
),
gap_lists AS (
    SELECT
        child_id,
        out_of_school_since,
        list_sort(list({'gap_start': gap_start, 'gap_end': gap_end})) AS gaps,
        max(gap_end) AS closed_gaps_end,
        max(gap_start) FILTER (WHERE gap_end IS NULL) AS open_gap_start
    FROM gaps
    GROUP BY child_id, out_of_school_since
)
SELECT
    p.child_id,
    p.out_of_school_since,
    p.first_period,
    p.last_period,
    -- the whole log at once: the view uses these when no event falls after the census date
    -- (most children in recent periods) and cuts the lists below only for the others
    e.event_dates[-1] AS last_event_all,
    coalesce(len(e.event_dates), 0) AS events_all,
    e.ended_dates[-1] AS last_ended_all,
    e.started_dates[-1] AS last_started_all,
    len(
        list_filter(
            coalesce(e.consultation_dates, []),
            lambda d: d >= coalesce(p.out_of_school_since, DATE '0001-01-01')
        )
    ) AS consultations_all,
    coalesce(len(r.repeat_offers), 0) AS repeats_all,
    r.repeat_offers[-1] AS last_repeat_all,
    coalesce(q.qualifying_mask, 0::HUGEINT) AS qualifying_mask,
    g.closed_gaps_end,
    g.open_gap_start,
    o.open_from_term,
    -- the sorted lists
    coalesce(e.event_dates, []) AS event_dates,
    coalesce(e.ended_dates, []) AS ended_dates,
    coalesce(e.started_dates, []) AS started_dates,
    coalesce(e.consultation_dates, []) AS consultation_dates,
    coalesce(r.repeat_offers, []) AS repeat_offers,
    coalesce(g.gaps, []) AS gaps
FROM pairs p
LEFT JOIN events_by_child e ON e.child_id = p.child_id
LEFT JOIN repeats_by_child r ON r.child_id = p.child_id
-- a pair with no child matches its date's rows here (NULL = NULL counts as a match)
LEFT JOIN gap_lists g
    ON g.child_id IS NOT DISTINCT FROM p.child_id
    AND g.out_of_school_since IS NOT DISTINCT FROM p.out_of_school_since
LEFT JOIN qualifying q
    ON q.child_id IS NOT DISTINCT FROM p.child_id
    AND q.out_of_school_since IS NOT DISTINCT FROM p.out_of_school_since
LEFT JOIN open_gaps o
    ON o.child_id IS NOT DISTINCT FROM p.child_id
    AND o.out_of_school_since IS NOT DISTINCT FROM p.out_of_school_since;
