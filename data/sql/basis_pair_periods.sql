-- Every (child_id, out_of_school_since) pair in `snapshot` of a child with casework, with the
-- first and last period it is in: the temp table `pair_periods`, read by basis_pairs_all.sql
-- or basis_pairs_new.sql (whichever the publish runs) and by the basis_store_*.sql after them.

CREATE OR REPLACE TEMP TABLE pair_periods AS
SELECT
    child_id,
    out_of_school_since,
    min(period) AS first_period,
    max(period) AS last_period
FROM snapshot
WHERE child_id IN (SELECT child_id FROM casework)
GROUP BY child_id, out_of_school_since;
