-- After a publish that changed only cohort snapshots (the casework and the flag definition as
-- before), and after basis_pair_periods.sql: list in the temp table `basis_pairs` only the
-- pairs and dates the stored case-flag basis does not hold yet, for case_flag_basis.sql to
-- build; basis_store_new.sql then writes the basis again from the rows it keeps and the new
-- ones.
--
-- A pair's basis row depends on the child's casework and its out_of_school_since only, so a
-- row already stored stays right; only its first and last period can move. Monthly, most
-- children out of school in the new month were out in the month before with the same date,
-- so most of the work of a full rebuild is saved.

CREATE OR REPLACE TEMP TABLE basis_pairs AS
SELECT p.*
FROM pair_periods p
WHERE NOT EXISTS (
    SELECT 1
    FROM case_flag_basis b
    WHERE b.child_id = p.child_id
        AND b.out_of_school_since IS NOT DISTINCT FROM p.out_of_school_since
)
UNION ALL
SELECT DISTINCT NULL, s.out_of_school_since, NULL, NULL
FROM snapshot s
WHERE s.out_of_school_since IS NOT NULL
    AND NOT EXISTS (
        SELECT 1 FROM case_flag_dates d WHERE d.out_of_school_since = s.out_of_school_since
    );
