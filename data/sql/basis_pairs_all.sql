-- The pairs for a full rebuild of the case-flag basis (after basis_pair_periods.sql, before
-- case_flag_basis.sql): every pair of a child with casework, and one pair with no child per
-- out_of_school_since date (see case_flag_basis.sql). Then basis_store_all.sql replaces the
-- stored basis.

CREATE OR REPLACE TEMP TABLE basis_pairs AS
SELECT * FROM pair_periods
UNION ALL
SELECT DISTINCT NULL, out_of_school_since, NULL, NULL
FROM snapshot
WHERE out_of_school_since IS NOT NULL;
