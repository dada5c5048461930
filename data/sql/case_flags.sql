-- The `case_flags` view: one row per child in `cohort` per period, with the case flags
-- computed at that period's census date. Analysts query it directly; the dashboard's casework
-- pages read it through queries/casework_*.sql.
--
-- Created by data/flag_settings.py (install_flag_settings) on every publish, after it has
-- written the thresholds of config/flags.toml into `flag_settings` and the term table of
-- config/school_terms.csv into `school_terms`. No parameters.
--
-- Only casework events ON OR BEFORE the census date count: looking at an older period shows the
-- flags as they stood then. Every date below is compared with the census date of the row.
--
-- Speed: `WHERE period = '2024-06'` on the view must not compute all periods. Each CTE is
-- NOT MATERIALIZED and every join keeps `period` as a join key, so DuckDB pushes the period
-- filter down to the snapshot scan before the casework join (bench/bench_flags.py checks it).
--
-- Output columns: every column of `cohort`, then
--   last_provision_ended, last_provision_started  DATE  latest such events up to the census date
--   no_provision_since       DATE     the later of out_of_school_since and last_provision_ended
--   days_without_provision   INTEGER  census date - no_provision_since; 0 when a
--                                     provision_started fell on or after no_provision_since
--                                     (a start on the same day as an end is a hand-over, not a
--                                     gap); NULL when neither date is known
--   s19_due                  BOOLEAN  days_without_provision >= flags.s19_days
--   repeated_offer           BOOLEAN  an offer from a provider came strictly AFTER (a later day
--                                     than) an offer_declined or offer_withdrawn for the same
--                                     provider_key; an offer on the SAME day as a refusal does
--                                     not count, since the order of two events on one day is
--                                     not recorded (the offer may well have come first)
--   repeated_offers          INTEGER  how many offers were such repeats
--   repeat_provider          VARCHAR  the provider of the latest repeated offer, as written there
--   repeat_offer_date        DATE     the date of that offer
--   repeat_refusal_date      DATE     the latest refusal of that provider before that offer
--   repeat_refusal_type      VARCHAR  offer_declined or offer_withdrawn
--   consultations            INTEGER  consultation events from out_of_school_since (inclusive;
--                                     all of them when it is NULL) to the census date
--   consultation_chain       BOOLEAN  consultations >= flags.consultation_chain
--   last_event_date          DATE     latest casework event of any type up to the census date
--   days_since_last_event    INTEGER  census date - last_event_date (NULL with no events)
--   events_to_census         INTEGER  casework events up to the census date
--   stalled                  BOOLEAN  no event in the flags.stall_days days up to and including
--                                     the census date (so days_since_last_event >= stall_days),
--                                     or no casework recorded at all
--   annual_review_due_date   DATE     coalesce(last_annual_review, ehcp_issued) + 12 months
--   annual_review_overdue    BOOLEAN  census date > annual_review_due_date (FALSE when neither
--                                     date is known: the data-quality page shows those)
--   import_review_due_date   DATE     imports not yet reviewed since the transfer: the later of
--                                     (last review or plan issue) + 12 months and import_date +
--                                     3 months (regulation 15)
--   import_review_due        BOOLEAN  census date > import_review_due_date (FALSE when the import
--                                     date is unknown or a review on/after it is recorded)
--   terms_without_provision  INTEGER  terms of `school_terms` in which the child had no
--                                     provision for more than flags.term_share_without_provision
--                                     of the term's days, up to the census date. No-provision
--                                     intervals run from out_of_school_since or a
--                                     provision_ended (counted) to the next provision_started on
--                                     or after it (not counted) or the census date (not
--                                     counted). The current, unfinished term counts only once
--                                     the days without provision so far exceed that share of
--                                     the WHOLE term.
--   out_of_sight             BOOLEAN  provision unknown and looked after, CP or CIN
--   priority_recent, priority_primary, priority_looked_after, priority_previously_looked_after
--                            BOOLEAN  the council's four priorities for returns to education
--   priority_criteria_met    INTEGER  how many of the four
--   flags_raised             INTEGER  how many of s19_due, repeated_offer, consultation_chain,
--                                     stalled, annual_review_overdue, import_review_due are TRUE
--   needs_action             BOOLEAN  out_of_sight or flags_raised > 0
CREATE OR REPLACE VIEW case_flags AS
WITH
settings AS NOT MATERIALIZED (
    SELECT
        max(value) FILTER (WHERE name = 'flags.s19_days')::INTEGER AS s19_days,
        max(value) FILTER (WHERE name = 'flags.stall_days')::INTEGER AS stall_days,
        max(value) FILTER (WHERE name = 'flags.consultation_chain')::INTEGER
            AS chain_threshold,
        max(value) FILTER (WHERE name = 'flags.annual_review_months')::INTEGER
            AS annual_review_months,
        max(value) FILTER (WHERE name = 'flags.import_months_from_review')::INTEGER
            AS import_months_from_review,
        max(value) FILTER (WHERE name = 'flags.import_months_from_transfer')::INTEGER
            AS import_months_from_transfer,
        max(value) FILTER (WHERE name = 'flags.term_share_without_provision')
            AS term_share,
        max(value) FILTER (WHERE name = 'priority.recent_max_days')::INTEGER
            AS recent_max_days,
        max(value) FILTER (WHERE name = 'priority.primary_last_year_group')::INTEGER
            AS primary_last_year_group,
        max(value) FILTER (WHERE name = 'priority.primary_max_age')::INTEGER AS primary_max_age
    FROM flag_settings
),
-- every casework event of a cohort row up to that row's census date
events AS NOT MATERIALIZED (
    SELECT
        c.period,
        c.child_id,
        c.census_date,
        c.out_of_school_since,
        e.event_date,
        e.event_type,
        e.provider,
        e.provider_key
    FROM cohort c
    JOIN casework e ON e.child_id = c.child_id AND e.event_date <= c.census_date
),
event_summary AS NOT MATERIALIZED (
    SELECT
        period,
        child_id,
        max(event_date) AS last_event_date,
        count(*) AS events_to_census,
        max(event_date) FILTER (WHERE event_type = 'provision_ended') AS last_provision_ended,
        max(event_date) FILTER (WHERE event_type = 'provision_started')
            AS last_provision_started,
        count(*) FILTER (
            WHERE event_type = 'consultation'
                AND (out_of_school_since IS NULL OR event_date >= out_of_school_since)
        ) AS consultations
    FROM events
    GROUP BY period, child_id
),
-- offers made strictly after a refusal by the same provider (provider_key: lower-cased,
-- trimmed, inner spaces collapsed by the loader)
repeat_pairs AS NOT MATERIALIZED (
    SELECT
        o.period,
        o.child_id,
        o.provider,
        o.event_date AS offer_date,
        r.event_date AS refusal_date,
        r.event_type AS refusal_type
    FROM events o
    JOIN events r
        ON r.period = o.period
        AND r.child_id = o.child_id
        AND r.provider_key = o.provider_key
        AND r.event_date < o.event_date
    WHERE o.event_type = 'offer'
        AND r.event_type IN ('offer_declined', 'offer_withdrawn')
),
repeats AS NOT MATERIALIZED (
    SELECT
        period,
        child_id,
        count(DISTINCT (provider, offer_date)) AS repeated_offers,
        -- the latest repeated offer, and the latest refusal before it (for the reason text)
        arg_max(
            {
                'provider': provider,
                'offer_date': offer_date,
                'refusal_date': refusal_date,
                'refusal_type': refusal_type
            },
            (offer_date, refusal_date)
        ) AS latest
    FROM repeat_pairs
    GROUP BY period, child_id
),
-- starts of no-provision intervals: the day the child left school, and each provision_ended
gap_starts AS NOT MATERIALIZED (
    SELECT period, child_id, census_date, out_of_school_since AS gap_start
    FROM cohort
    WHERE out_of_school_since IS NOT NULL AND out_of_school_since <= census_date
    UNION
    SELECT period, child_id, census_date, event_date
    FROM events
    WHERE event_type = 'provision_ended'
),
provision_starts AS NOT MATERIALIZED (
    SELECT period, child_id, event_date AS started
    FROM events
    WHERE event_type = 'provision_started'
),
-- each interval ends at the first provision_started on or after its start, else at the census
-- date. Intervals that overlap share the same end, so grouping by the end merges them.
gaps AS NOT MATERIALIZED (
    SELECT period, child_id, min(gap_start) AS gap_start, gap_end
    FROM (
        SELECT
            g.period,
            g.child_id,
            g.gap_start,
            coalesce(p.started, g.census_date) AS gap_end
        FROM gap_starts g
        ASOF LEFT JOIN provision_starts p
            ON p.period = g.period AND p.child_id = g.child_id AND p.started >= g.gap_start
    ) AS ended
    GROUP BY period, child_id, gap_end
),
term_gaps AS NOT MATERIALIZED (
    -- days without provision inside each term: [gap_start, gap_end) overlapping
    -- [term start, term end + 1)
    SELECT
        g.period,
        g.child_id,
        t.start_date,
        any_value(t.end_date - t.start_date + 1) AS term_days,
        sum(least(g.gap_end, t.end_date + 1) - greatest(g.gap_start, t.start_date))
            AS days_without
    FROM gaps g
    JOIN school_terms t ON t.start_date < g.gap_end AND t.end_date >= g.gap_start
    GROUP BY g.period, g.child_id, t.start_date
),
terms AS NOT MATERIALIZED (
    SELECT tg.period, tg.child_id, count(*) AS terms_without_provision
    FROM term_gaps tg, settings s
    WHERE tg.days_without > s.term_share * tg.term_days
    GROUP BY tg.period, tg.child_id
),
combined AS NOT MATERIALIZED (
    SELECT
        c.*,
        es.last_provision_ended,
        es.last_provision_started,
        greatest(c.out_of_school_since, es.last_provision_ended) AS no_provision_since,
        CASE
            WHEN greatest(c.out_of_school_since, es.last_provision_ended) IS NULL THEN NULL
            WHEN es.last_provision_started
                >= greatest(c.out_of_school_since, es.last_provision_ended) THEN 0
            ELSE c.census_date - greatest(c.out_of_school_since, es.last_provision_ended)
        END AS days_without_provision,
        coalesce(r.repeated_offers, 0) AS repeated_offers,
        r.latest.provider AS repeat_provider,
        r.latest.offer_date AS repeat_offer_date,
        r.latest.refusal_date AS repeat_refusal_date,
        r.latest.refusal_type AS repeat_refusal_type,
        coalesce(es.consultations, 0) AS consultations,
        es.last_event_date,
        c.census_date - es.last_event_date AS days_since_last_event,
        coalesce(es.events_to_census, 0) AS events_to_census,
        CAST(
            coalesce(c.last_annual_review, c.ehcp_issued) + to_months(s.annual_review_months)
            AS DATE
        ) AS annual_review_due_date,
        CASE
            WHEN c.is_import AND c.import_date IS NOT NULL
                AND NOT coalesce(c.last_annual_review >= c.import_date, FALSE)
                THEN CAST(
                    greatest(
                        coalesce(c.last_annual_review, c.ehcp_issued)
                            + to_months(s.import_months_from_review),
                        c.import_date + to_months(s.import_months_from_transfer)
                    ) AS DATE
                )
        END AS import_review_due_date,
        coalesce(t.terms_without_provision, 0) AS terms_without_provision,
        s.*
    FROM cohort c
    CROSS JOIN settings s
    LEFT JOIN event_summary es ON es.period = c.period AND es.child_id = c.child_id
    LEFT JOIN repeats r ON r.period = c.period AND r.child_id = c.child_id
    LEFT JOIN terms t ON t.period = c.period AND t.child_id = c.child_id
),
flagged AS NOT MATERIALIZED (
    SELECT
        * EXCLUDE (
            s19_days, stall_days, chain_threshold, annual_review_months,
            import_months_from_review, import_months_from_transfer, term_share,
            recent_max_days, primary_last_year_group, primary_max_age
        ),
        coalesce(days_without_provision >= s19_days, FALSE) AS s19_due,
        repeated_offers > 0 AS repeated_offer,
        consultations >= chain_threshold AS consultation_chain,
        coalesce(days_since_last_event >= stall_days, TRUE) AS stalled,
        coalesce(census_date > annual_review_due_date, FALSE) AS annual_review_overdue,
        coalesce(census_date > import_review_due_date, FALSE) AS import_review_due,
        placement_status = 'Provision unknown' AND (cla OR cp OR cin) AS out_of_sight,
        coalesce(days_out <= recent_max_days, FALSE) AS priority_recent,
        CASE
            WHEN year_group IN ('Early years', 'N1', 'N2', 'R') THEN TRUE
            WHEN year_group LIKE 'Year %'
                THEN CAST(substr(year_group, 6) AS INTEGER) <= primary_last_year_group
            WHEN year_group = 'Not recorded' THEN coalesce(age <= primary_max_age, FALSE)
            ELSE FALSE
        END AS priority_primary,
        cla AS priority_looked_after,
        previously_looked_after AS priority_previously_looked_after
    FROM combined
)
SELECT
    *,
    priority_recent::INTEGER + priority_primary::INTEGER + priority_looked_after::INTEGER
        + priority_previously_looked_after::INTEGER AS priority_criteria_met,
    s19_due::INTEGER + repeated_offer::INTEGER + consultation_chain::INTEGER
        + stalled::INTEGER + annual_review_overdue::INTEGER + import_review_due::INTEGER
        AS flags_raised,
    out_of_sight OR s19_due OR repeated_offer OR consultation_chain OR stalled
        OR annual_review_overdue OR import_review_due AS needs_action
FROM flagged;
