-- Today's worklist: the filtered cohort's case_flags rows at the period's census date, each
--   with its tier, its owner and how it stood at the previous extract. Written once for the
--   tier counts (worklist_tier_counts.sql), the counts by team (worklist_by_team.sql) and the
--   list (worklist_children.sql), which use it as `WITH {{worklist}} SELECT ... FROM worklist`.
-- Tiers, first match wins:
--   act_now         the view's act_now: out of sight, or a statutory clock passed or passing
--                   within [worklist.act_now_within_days] days and no action for
--                   [flags.stall_days] days
--   new_this_month  joined the cohort, or gained a flag (any flag column below, or
--                   records_disagree), since $previous_period; never when that is NULL (the
--                   first period loaded: nothing to compare with)
--   watch           the rest that carry a flag (needs_action) or whose records disagree
--   NULL            not on the worklist
-- tier_rank orders the tiers (1, 2, 3). joined_cohort: not in the $previous_period snapshot.
-- gained_flags: the flags (queries/flags.py names) gained since $previous_period, in that
--   list's order (NULL for a child not in that snapshot).
-- entered_act_now: in act now, and not in act now at $previous_period (a child who was not in
--   that extract at all entered too). escalate: in act now at this extract and at
--   $previous_period, so in act now for two or more extracts in a row. Both FALSE when
--   $previous_period is NULL.
-- One period: the filter's period_from and period_to are the same (the worklist is of one
--   as-at date: the census date, or a SEN2 return's date inside the month).
-- Owner: every child's SEN team (sen_team, 'Not recorded' when the extract gave none) and,
--   where the assignments file names one, its caseworker at the as-at date: the assignment
--   with the latest assigned_from on or before that date (a blank date: from the start).
--   caseworker (as loaded: an account or a name) and caseworker_name (the name to show; the
--   caseworker value when the file gave no name) are NULL when nobody is named.
-- Parameters: the shared cohort filter; $previous_period VARCHAR (the loaded period before
--   the filter's, NULL when none); $caseworker VARCHAR (keep only the children this
--   caseworker holds, compared without case; NULL for everyone).
filtered AS (
    SELECT * FROM case_flags WHERE {{cohort_filter}}
),
earlier AS (
    SELECT
        child_id, out_of_sight, s19_due, repeated_offer, consultation_chain, stalled,
        annual_review_overdue, import_review_due, records_disagree, act_now
    FROM case_flags
    WHERE period = $previous_period
),
owners AS (
    -- each child's assignment at the as-at date (one period: the worklist's): the latest
    -- assigned_from on or before it. The loader keeps at most one assignment per child and
    -- date, so the latest is one row. (A grouped pick, not an ASOF join: at 100,000 children
    -- the ASOF join's sort took two seconds, this a tenth of one.)
    SELECT
        child_id AS owned_child,
        arg_max(
            {'account': caseworker, 'name': coalesce(caseworker_name, caseworker)},
            coalesce(assigned_from, DATE '0001-01-01')
        ) AS owner
    FROM assignment
    WHERE coalesce(assigned_from, DATE '0001-01-01') <= (SELECT max(as_at_date) FROM filtered)
        AND child_id IN (SELECT child_id FROM filtered)
    GROUP BY child_id
),
compared AS (
    SELECT
        c.*,
        $previous_period IS NOT NULL AND e.child_id IS NULL AS joined_cohort,
        e.child_id IS NOT NULL AND (
            (c.out_of_sight AND NOT e.out_of_sight)
            OR (c.s19_due AND NOT e.s19_due)
            OR (c.repeated_offer AND NOT e.repeated_offer)
            OR (c.consultation_chain AND NOT e.consultation_chain)
            OR (c.stalled AND NOT e.stalled)
            OR (c.annual_review_overdue AND NOT e.annual_review_overdue)
            OR (c.import_review_due AND NOT e.import_review_due)
            OR (c.records_disagree AND NOT e.records_disagree)
        ) AS gained_flag,
        -- which flags were gained, named for the reason in words (figures/flag_words.py)
        CASE WHEN e.child_id IS NOT NULL THEN list_filter([
            CASE WHEN c.out_of_sight AND NOT e.out_of_sight THEN 'out_of_sight' END,
            CASE WHEN c.s19_due AND NOT e.s19_due THEN 's19_due' END,
            CASE WHEN c.repeated_offer AND NOT e.repeated_offer THEN 'repeated_offer' END,
            CASE WHEN c.consultation_chain AND NOT e.consultation_chain
                THEN 'consultation_chain' END,
            CASE WHEN c.stalled AND NOT e.stalled THEN 'stalled' END,
            CASE WHEN c.annual_review_overdue AND NOT e.annual_review_overdue
                THEN 'annual_review_overdue' END,
            CASE WHEN c.import_review_due AND NOT e.import_review_due THEN 'import_review_due' END,
            CASE WHEN c.records_disagree AND NOT e.records_disagree THEN 'records_disagree' END
        ], lambda x: x IS NOT NULL) END AS gained_flags,
        $previous_period IS NOT NULL AND c.act_now AND NOT coalesce(e.act_now, FALSE)
            AS entered_act_now,
        c.act_now AND coalesce(e.act_now, FALSE) AS escalate,
        o.owner.account AS caseworker,
        o.owner.name AS caseworker_name
    FROM filtered c
    LEFT JOIN earlier e ON e.child_id = c.child_id
    LEFT JOIN owners o ON o.owned_child = c.child_id
    WHERE $caseworker IS NULL OR lower(o.owner.account) = lower($caseworker)
),
worklist AS (
    SELECT
        *,
        CASE
            WHEN act_now THEN 'act_now'
            WHEN joined_cohort OR gained_flag THEN 'new_this_month'
            WHEN needs_action OR records_disagree THEN 'watch'
        END AS tier,
        CASE
            WHEN act_now THEN 1
            WHEN joined_cohort OR gained_flag THEN 2
            WHEN needs_action OR records_disagree THEN 3
        END AS tier_rank
    FROM compared
)
