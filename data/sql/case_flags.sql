-- The case flags: one row per child in `cohort` per period, computed at that period's as-at
-- date, in the view `case_flags`. Analysts query the view directly; the dashboard's casework
-- pages read it through queries/casework_*.sql.
--
-- The as-at date (column `as_at_date`) is the census date, unless the period was loaded from
-- a SEN2 return exported inside the month (`period_info`, data/sen2_return.py): then it is the
-- export's date, so a child passes a statutory clock on the day, not at the month's end. The
-- "census date" in the definitions below is that date; `census_date` and the cohort's own
-- columns (age, year group, days_out) stay the month's.
--
-- Run by data/flag_settings.py (install_flag_settings) on every publish, inside the loader's
-- transaction, after it has written config/flags.toml into `flag_settings`,
-- config/school_terms.csv into `school_terms`, and brought the case-flag basis up to date
-- (case_flag_basis.sql). No parameters. Two statements:
--
--   census_terms      one row per month end of the term table's span, and per as-at date in
--                     `period_info`: how many terms had ended before that date, and the term
--                     it falls in (NULL in August)
--   case_flags        the view: the cohort joined to its basis row, every flag computed at the
--                     row's census date (only events ON OR BEFORE the census date count, so an
--                     older period shows the flags as they stood then).
--
-- The basis, built by case_flag_basis.sql:
--   case_flag_basis   one row per child with casework and out_of_school_since value in
--                     `snapshot`: the child's casework as sorted lists, the same facts over the
--                     whole log (last event, counts, latest repeated offer...), and the child's
--                     no-provision intervals (gaps) with the terms they cover. None of it
--                     depends on the census date (see "why a basis table" below). Each row also
--                     holds the first and last period the pair is in, and rows are stored in
--                     that order, so that a query for one period reads mostly that period's rows.
--   case_flag_dates   the same interval columns for a child with no casework, one row per
--                     out_of_school_since date: with no events the child's one interval opens
--                     on that date and never closes, so they depend on the date alone.
--
-- Why a basis table: at national scale (500,000 children a period, 40 periods, 34 million
-- events) joining the raw casework to one period's cohort and sorting it into intervals takes
-- over 10 seconds. The state "without provision on day d" depends only on events up to d, so
-- the intervals built from ALL events and cut at the census date equal the intervals built from
-- the events up to the census date. Building them at publish leaves the view one hash join: a
-- child with no event after the census date (most children in recent periods) takes the
-- whole-log values as they are, the others have their sorted lists cut at the census date.
-- A query `WHERE period = ...` on the view scans one period of `snapshot` and of the basis
-- only: the view has no aggregation over periods to block the filter, and DuckDB carries it
-- through the join's first/last period condition (tests/test_flags_settings.py checks both).
-- The cost moves to the publish, and only a casework load (or a changed definition) rebuilds
-- the whole basis; a cohort load adds the pairs it brings (data/flag_settings.py).
--
-- Definitions (thresholds from `flag_settings`, names in brackets):
--   no-provision interval: starts on out_of_school_since or on a provision_ended, and ends on
--     the first provision_started ON OR AFTER that day (not counted: a start on the same day
--     as an end is a hand-over, not a gap) or at the census date (not counted). Intervals that
--     overlap are merged.
--   a term without provision: more than [flags.term_share_without_provision] of the term's days
--     fall in no-provision intervals. The current, unfinished term counts only once the days
--     without provision so far already exceed that share of the WHOLE term.
--   a repeated offer: an `offer` made on a LATER day than an offer_declined or offer_withdrawn
--     for the same provider_key (provider names compared case-insensitively, trimmed, inner
--     spaces collapsed by the loader). An offer on the SAME day as a refusal does not count: the
--     log records no time of day, so the offer may well have come first.
--
-- Output columns of the view: every column of `cohort`, then
--   as_at_date               DATE     the date the flags below are worked out at
--   last_provision_ended, last_provision_started  DATE  latest such events up to the census date
--   no_provision_since       DATE     the later of out_of_school_since and last_provision_ended
--   days_without_provision   INTEGER  census date - no_provision_since, 0 when a
--                                     provision_started fell on or after no_provision_since,
--                                     NULL when neither date is known
--   s19_due                  BOOLEAN  days_without_provision >= [flags.s19_days]
--   repeated_offer           BOOLEAN  at least one repeated offer up to the census date
--   repeated_offers          INTEGER  how many offers were repeats
--   repeat_provider          VARCHAR  provider of the latest repeated offer, as written there
--   repeat_offer_date        DATE     date of that offer
--   repeat_refusal_date      DATE     latest refusal by that provider before that offer
--   repeat_refusal_type      VARCHAR  offer_declined or offer_withdrawn
--   consultations            INTEGER  consultation events from out_of_school_since (inclusive,
--                                     all of them when it is NULL) to the census date
--   consultation_chain       BOOLEAN  consultations >= [flags.consultation_chain]
--   last_event_date          DATE     latest casework event of any type up to the census date
--   days_since_last_event    INTEGER  census date - last_event_date, NULL with no events
--   events_to_census         INTEGER  casework events up to the census date
--   stalled                  BOOLEAN  no event in the [flags.stall_days] days up to and
--                                     including the census date (days_since_last_event >= that),
--                                     or no casework recorded at all
--   annual_review_due_date   DATE     coalesce(last_annual_review, ehcp_issued)
--                                     + [flags.annual_review_months] months; NULL for an imported
--                                     plan not reviewed since its transfer (regulation 15 sets
--                                     its review date instead: import_review_due_date), so one
--                                     review is never flagged twice with two different dates
--   annual_review_overdue    BOOLEAN  census date > annual_review_due_date (FALSE when neither
--                                     date is known, and for an import under regulation 15)
--   import_review_due_date   DATE     for an import with an import_date and no review on or
--                                     after it: the later of (last review, else plan issue) +
--                                     [flags.import_months_from_review] months and import_date +
--                                     [flags.import_months_from_transfer] months (regulation 15)
--   import_review_due        BOOLEAN  census date > import_review_due_date
--   s19_due_date             DATE     no_provision_since + [flags.s19_days] days while the child
--                                     is without provision (NULL when provision started since,
--                                     or no date is known): s19_due holds from this date on
--   clock_due_date           DATE     the earliest of s19_due_date, annual_review_due_date and
--                                     import_review_due_date: the statutory clock that passed
--                                     first (or passes next); NULL when none is known
--   clock                    VARCHAR  which clock that is: 's19', 'annual_review' or
--                                     'import_review' (the first of these on a tie)
--   days_past_clock          INTEGER  as-at date - clock_due_date (negative: days still to go)
--   terms_without_provision  INTEGER  terms without provision up to the census date
--   current_term_days_without_provision  INTEGER  days without provision so far in the term
--                                     holding the census date (NULL in August)
--   out_of_sight             BOOLEAN  provision unknown and looked after, CP or CIN
--   records_disagree         BOOLEAN  placement status 'Provision unknown' while the casework log
--                                     shows provision started (a provision_started on or after
--                                     no_provision_since, or with no gap known): one record is
--                                     out of date; not counted in flags_raised or needs_action
--   statutory_clock_near     BOOLEAN  a statutory clock passed or passes within
--                                     [worklist.act_now_within_days] days of the census date
--                                     (clock_due_date <= census date + that many days):
--                                     days_without_provision reaches [flags.s19_days], or the
--                                     annual or imported-plan review falls due
--   priority_recent          BOOLEAN  days_out <= [priority.recent_max_days]
--   priority_primary         BOOLEAN  early years to Year [priority.primary_last_year_group],
--                                     by age <= [priority.primary_max_age] when the year group
--                                     is not recorded
--   priority_looked_after, priority_previously_looked_after  BOOLEAN  cla, previously_looked_after
--   priority_criteria_met    INTEGER  how many of the four priorities
--   flags_raised             INTEGER  how many of s19_due, repeated_offer, consultation_chain,
--                                     stalled, annual_review_overdue, import_review_due hold
--   needs_action             BOOLEAN  out_of_sight or flags_raised > 0
--   act_now                  BOOLEAN  Today's top tier: out_of_sight, or statutory_clock_near and
--                                     stalled (the clock is near and nobody has acted)

CREATE OR REPLACE TABLE census_terms AS
WITH month_ends AS (
    SELECT CAST(last_day(first_month + to_months(CAST(n AS INTEGER))) AS DATE) AS census_date
    FROM (
        SELECT date_trunc('month', min(start_date)) AS first_month,
            date_diff('month', min(start_date), max(end_date)) AS months
        FROM school_terms
    ) AS span,
    range(0, span.months + 1) AS r(n)
    -- and the periods' as-at dates inside their month (period_info)
    UNION
    SELECT as_at_date FROM period_info
)
SELECT
    m.census_date,
    (SELECT count(*) FROM school_terms t WHERE t.end_date < m.census_date)::INTEGER
        AS completed_terms,
    cur.start_date AS current_term_start,
    (cur.end_date - cur.start_date + 1)::INTEGER AS current_term_days
FROM month_ends m
LEFT JOIN school_terms cur ON m.census_date BETWEEN cur.start_date AND cur.end_date;

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
        max(value) FILTER (WHERE name = 'flags.term_share_without_provision') AS term_share,
        max(value) FILTER (WHERE name = 'worklist.act_now_within_days')::INTEGER
            AS act_now_within_days,
        max(value) FILTER (WHERE name = 'priority.recent_max_days')::INTEGER AS recent_max_days,
        max(value) FILTER (WHERE name = 'priority.primary_last_year_group')::INTEGER
            AS primary_last_year_group,
        max(value) FILTER (WHERE name = 'priority.primary_max_age')::INTEGER AS primary_max_age
    FROM flag_settings
),
-- each cohort row with its basis: the child's own row when the child has casework, else the
-- row for its out_of_school_since date (no events; one interval open since that date)
based AS NOT MATERIALIZED (
    SELECT
        c.*,
        coalesce(p.as_at_date, c.census_date) AS as_at_date,
        coalesce(b.event_dates, []) AS event_dates,
        coalesce(b.ended_dates, []) AS ended_dates,
        coalesce(b.started_dates, []) AS started_dates,
        coalesce(b.consultation_dates, []) AS consultation_dates,
        coalesce(b.repeat_offers, []) AS repeat_offers,
        b.last_event_all,
        coalesce(b.events_all, 0) AS events_all,
        coalesce(b.consultations_all, 0) AS consultations_all,
        coalesce(b.repeats_all, 0) AS repeats_all,
        b.last_repeat_all,
        b.closed_gaps_end,
        CASE WHEN b.child_id IS NULL THEN d.qualifying_mask ELSE b.qualifying_mask END
            AS qualifying_mask,
        CASE WHEN b.child_id IS NULL THEN d.open_gap_start ELSE b.open_gap_start END
            AS open_gap_start,
        CASE WHEN b.child_id IS NULL THEN d.open_from_term ELSE b.open_from_term END
            AS open_from_term,
        CASE WHEN b.child_id IS NULL THEN coalesce(d.gaps, []) ELSE b.gaps END AS gaps
    FROM cohort c
    -- the date the period's clocks are worked out at (period_info: a SEN2 return loaded
    -- inside the month), else the census date
    LEFT JOIN period_info p ON p.period = c.period
    LEFT JOIN case_flag_basis b
        ON b.child_id = c.child_id
        AND b.out_of_school_since IS NOT DISTINCT FROM c.out_of_school_since
        -- always true for a matching pair; lets a period filter prune the basis scan
        AND b.first_period <= c.period
        AND b.last_period >= c.period
    LEFT JOIN case_flag_dates d ON d.out_of_school_since = c.out_of_school_since
),
-- the child's casework cut at the census date. The lists are sorted, so a cut is a count:
-- the last event on or before the census date is the list's element at that count. When a
-- list ends on or before the census date (most children in recent periods) the count is its
-- length and no list is walked; CASE evaluates the walking branch only for the other rows.
cut AS NOT MATERIALIZED (
    SELECT
        b.* EXCLUDE (
            consultation_dates, last_event_all, events_all, consultations_all, repeats_all,
            last_repeat_all, closed_gaps_end, qualifying_mask, open_gap_start, open_from_term,
            gaps
        ),
        CASE
            WHEN b.last_event_all <= b.as_at_date THEN b.events_all
            ELSE len(list_filter(b.event_dates, lambda d: d <= b.as_at_date))
        END AS events_cut,
        CASE
            WHEN coalesce(b.ended_dates[-1] <= b.as_at_date, TRUE) THEN len(b.ended_dates)
            ELSE len(list_filter(b.ended_dates, lambda d: d <= b.as_at_date))
        END AS ended_cut,
        CASE
            WHEN coalesce(b.started_dates[-1] <= b.as_at_date, TRUE) THEN len(b.started_dates)
            ELSE len(list_filter(b.started_dates, lambda d: d <= b.as_at_date))
        END AS started_cut,
        CASE
            WHEN coalesce(b.last_repeat_all.offer_date <= b.as_at_date, TRUE) THEN b.repeats_all
            ELSE len(list_filter(b.repeat_offers, lambda r: r.offer_date <= b.as_at_date))
        END AS repeats_cut,
        CASE
            WHEN coalesce(b.consultation_dates[-1] <= b.as_at_date, TRUE)
                THEN b.consultations_all
            ELSE len(
                list_filter(
                    b.consultation_dates,
                    lambda d: d <= b.as_at_date
                        AND d >= coalesce(b.out_of_school_since, DATE '0001-01-01')
                )
            )
        END AS consultations_cut,
        -- terms ended before the census date: those counted at publish (bits of the mask
        -- below the census date's first unfinished term), and those wholly inside a
        -- still-open interval
        bit_count(b.qualifying_mask & ((1::HUGEINT << ct.completed_terms) - 1))
            + greatest(0, ct.completed_terms - b.open_from_term + 1) AS completed_terms_without,
        -- the term holding the census date, cut at the census date: when no closed interval
        -- reaches into the term only the open one (if any) counts
        CASE
            WHEN ct.current_term_start IS NULL THEN NULL
            WHEN b.closed_gaps_end IS NULL OR b.closed_gaps_end <= ct.current_term_start
                THEN CASE
                    WHEN b.open_gap_start IS NULL THEN 0
                    ELSE greatest(
                        0, b.as_at_date - greatest(b.open_gap_start, ct.current_term_start)
                    )
                END
            ELSE CAST(
                list_sum(
                    list_transform(
                        b.gaps,
                        lambda g: greatest(
                            0,
                            least(coalesce(g.gap_end, b.as_at_date), b.as_at_date)
                                - greatest(g.gap_start, ct.current_term_start)
                        )
                    )
                ) AS INTEGER
            )
        END AS current_term_without,
        ct.current_term_start,
        ct.current_term_days,
        s.*
    FROM based b
    CROSS JOIN settings s
    LEFT JOIN census_terms ct ON ct.census_date = b.as_at_date
),
measured AS NOT MATERIALIZED (
    SELECT
        * EXCLUDE (event_dates, ended_dates, started_dates, repeat_offers),
        -- element 0 of a list is NULL: no event yet
        event_dates[events_cut] AS last_event_date,
        ended_dates[ended_cut] AS last_provision_ended,
        started_dates[started_cut] AS last_provision_started,
        repeat_offers[repeats_cut] AS latest_repeat,
        -- the loader blanks an out_of_school_since after the census date; a hand-made row may not
        greatest(
            CASE WHEN out_of_school_since <= as_at_date THEN out_of_school_since END,
            ended_dates[ended_cut]
        ) AS no_provision_since,
        -- regulation 15: an imported plan not reviewed since its transfer has one review date,
        -- the import's (the annual review's own date does not apply until it is reviewed)
        coalesce(
            is_import AND import_date IS NOT NULL
                AND NOT coalesce(last_annual_review >= import_date, FALSE),
            FALSE
        ) AS under_import_rule
    FROM cut
),
computed AS NOT MATERIALIZED (
    SELECT
        * EXCLUDE (
            events_cut, ended_cut, started_cut, repeats_cut, latest_repeat,
            consultations_cut, completed_terms_without, current_term_without,
            current_term_start, current_term_days
        ),
        CASE
            WHEN no_provision_since IS NULL THEN NULL
            WHEN last_provision_started >= no_provision_since THEN 0
            ELSE as_at_date - no_provision_since
        END AS days_without_provision,
        coalesce(repeats_cut, 0) AS repeated_offers,
        latest_repeat.provider AS repeat_provider,
        latest_repeat.offer_date AS repeat_offer_date,
        latest_repeat.refusal_date AS repeat_refusal_date,
        latest_repeat.refusal_type AS repeat_refusal_type,
        coalesce(consultations_cut, 0) AS consultations,
        as_at_date - last_event_date AS days_since_last_event,
        coalesce(events_cut, 0) AS events_to_census,
        CASE
            WHEN NOT under_import_rule
                THEN CAST(
                    coalesce(last_annual_review, ehcp_issued) + to_months(annual_review_months)
                        AS DATE
                )
        END AS annual_review_due_date,
        CASE
            WHEN under_import_rule
                THEN CAST(
                    greatest(
                        coalesce(last_annual_review, ehcp_issued)
                            + to_months(import_months_from_review),
                        import_date + to_months(import_months_from_transfer)
                    ) AS DATE
                )
        END AS import_review_due_date,
        CASE
            WHEN no_provision_since IS NOT NULL
                AND NOT coalesce(last_provision_started >= no_provision_since, FALSE)
                THEN CAST(no_provision_since + s19_days AS DATE)
        END AS s19_due_date,
        current_term_without AS current_term_days_without_provision,
        coalesce(completed_terms_without, 0)
            + CASE
                WHEN coalesce(current_term_without, 0) > term_share * current_term_days THEN 1
                ELSE 0
            END AS terms_without_provision
    FROM measured
),
-- the statutory clock that passed first (or passes next): the worklist orders act now by it
clocked AS NOT MATERIALIZED (
    SELECT
        * EXCLUDE (under_import_rule),
        least(s19_due_date, annual_review_due_date, import_review_due_date) AS clock_due_date,
        CASE least(s19_due_date, annual_review_due_date, import_review_due_date)
            WHEN s19_due_date THEN 's19'
            WHEN annual_review_due_date THEN 'annual_review'
            WHEN import_review_due_date THEN 'import_review'
        END AS clock,
        as_at_date - least(s19_due_date, annual_review_due_date, import_review_due_date)
            AS days_past_clock
    FROM computed
),
flagged AS NOT MATERIALIZED (
    SELECT
        * EXCLUDE (
            s19_days, stall_days, chain_threshold, annual_review_months,
            import_months_from_review, import_months_from_transfer, term_share,
            act_now_within_days, recent_max_days, primary_last_year_group, primary_max_age
        ),
        coalesce(days_without_provision >= s19_days, FALSE) AS s19_due,
        repeated_offers > 0 AS repeated_offer,
        consultations >= chain_threshold AS consultation_chain,
        coalesce(days_since_last_event >= stall_days, TRUE) AS stalled,
        coalesce(as_at_date > annual_review_due_date, FALSE) AS annual_review_overdue,
        coalesce(as_at_date > import_review_due_date, FALSE) AS import_review_due,
        placement_status = 'Provision unknown' AND (cla OR cp OR cin) AS out_of_sight,
        placement_status = 'Provision unknown'
            AND last_provision_started IS NOT NULL
            AND coalesce(last_provision_started >= no_provision_since, TRUE)
            AS records_disagree,
        coalesce(clock_due_date <= as_at_date + act_now_within_days, FALSE)
            AS statutory_clock_near,
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
    FROM clocked
)
SELECT
    *,
    priority_recent::INTEGER + priority_primary::INTEGER + priority_looked_after::INTEGER
        + priority_previously_looked_after::INTEGER AS priority_criteria_met,
    s19_due::INTEGER + repeated_offer::INTEGER + consultation_chain::INTEGER + stalled::INTEGER
        + annual_review_overdue::INTEGER + import_review_due::INTEGER AS flags_raised,
    out_of_sight OR s19_due OR repeated_offer OR consultation_chain OR stalled
        OR annual_review_overdue OR import_review_due AS needs_action,
    out_of_sight OR (statutory_clock_near AND stalled) AS act_now
FROM flagged
