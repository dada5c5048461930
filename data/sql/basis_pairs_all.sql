-- The pairs for a full rebuild of the case-flag basis (run before case_flag_basis.sql): every
-- (child_id, out_of_school_since) pair in `snapshot` of a child with casework, with the first
-- and last period it is in, and one pair with no child per out_of_school_since date (see
-- case_flag_basis.sql). Then basis_store_all.sql replaces the stored basis.

CREATE OR REPLACE TEMP TABLE basis_pairs AS
SELECT
    child_id,
    out_of_school_since,
    min(period) AS first_period,
    max(period) AS last_period
FROM snapshot
WHERE child_id IN (SELECT child_id FROM casework)
GROUP BY child_id, out_of_school_since
UNION ALL
SELECT DISTINCT NULL, out_of_school_since, NULL, NULL
FROM snapshot
WHERE out_of_school_since IS NOT NULL;
