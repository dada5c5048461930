-- Normalise and validate a caseworker assignments file, set-based over the whole file.
-- Input:  temp view `raw` (extract_reader.py, layout "assignments" from data/assignments.py)
--         and the oos_* macros (lookups.py).
-- Params: none.
-- Output: temp table `staged_assignments`: one row per file row, parsed values, and
--         `quarantine_reason` (NULL when the row is loaded).
--
-- A row is quarantined when it has no child_id (or a child_id that breaks the contract's rule),
-- no caseworker, a caseworker holding a control character, or an assigned_from that is not a
-- date (the date decides which periods the assignment covers, so it is never guessed). Two or
-- more rows naming different caseworkers for the same child from the same date contradict each
-- other: all of them are quarantined. A row repeating another's assignment (same child, date,
-- caseworker, compared without case, and name) is loaded once.

CREATE OR REPLACE TEMP TABLE trimmed_assignments AS
SELECT
    src_row,
    oos_trim_id(child_id) AS child_id,
    nullif(trim(caseworker), '') AS caseworker,
    nullif(trim(caseworker_name), '') AS caseworker_name,
    nullif(trim(assigned_from), '') AS assigned_raw,
    oos_parse_date(nullif(trim(assigned_from), '')) AS assigned_from
FROM raw;

CREATE OR REPLACE TEMP TABLE staged_assignments AS
WITH readable AS (
    SELECT
        *,
        CASE
            WHEN child_id IS NULL THEN 'no child_id'
            WHEN oos_id_problem(child_id) IS NOT NULL THEN oos_id_problem(child_id)
            WHEN caseworker IS NULL THEN 'caseworker is blank'
            WHEN regexp_matches(caseworker || coalesce(caseworker_name, ''), '[\p{Cc}\p{Cf}]')
                THEN 'caseworker holds a control or invisible formatting character'
            WHEN assigned_raw IS NOT NULL AND assigned_from IS NULL
                THEN 'assigned_from ''' || assigned_raw
                    || ''' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)'
        END AS unreadable
    FROM trimmed_assignments
),
grouped AS (
    SELECT
        *,
        -- the same assignment written twice: loaded once
        min(src_row) OVER (
            PARTITION BY child_id, assigned_from, lower(caseworker), caseworker_name
        ) AS first_row,
        -- different assignments from the same date: none can be believed
        count(DISTINCT lower(caseworker) || chr(31) || coalesce(caseworker_name, chr(30)))
            OVER (PARTITION BY child_id, assigned_from) AS versions,
        count(*) OVER (PARTITION BY child_id, assigned_from) AS copies
    FROM readable
    WHERE unreadable IS NULL
)
SELECT
    r.src_row, r.child_id, r.caseworker, r.caseworker_name, r.assigned_raw, r.assigned_from,
    CASE
        WHEN r.unreadable IS NOT NULL THEN r.unreadable
        WHEN g.versions > 1
            THEN 'child_id appears ' || g.copies || ' times from the same date ('
                || coalesce(strftime(r.assigned_from, '%Y-%m-%d'), 'no assigned_from')
                || ') with different caseworkers'
        WHEN g.first_row <> r.src_row
            THEN 'repeats the assignment of row ' || g.first_row || ' (loaded once)'
    END AS quarantine_reason
FROM readable r
LEFT JOIN grouped g USING (src_row);

DROP TABLE trimmed_assignments;
