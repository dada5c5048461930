-- Replace the stored case-flag basis with the rows case_flag_basis.sql built for every pair
-- (after basis_pair_periods.sql and basis_pairs_all.sql).
--   case_flag_basis   one row per pair of a child with casework, in period order, so that a
--                     scan for one period reads few row groups
--   case_flag_dates   one row per out_of_school_since date, for the children with no casework

CREATE OR REPLACE TABLE case_flag_basis AS
SELECT *
FROM basis_rows
WHERE child_id IS NOT NULL
ORDER BY last_period, first_period;

CREATE OR REPLACE TABLE case_flag_dates AS
SELECT out_of_school_since, qualifying_mask, open_gap_start, open_from_term, gaps
FROM basis_rows
WHERE child_id IS NULL;

DROP TABLE basis_rows;
DROP TABLE basis_pairs;
DROP TABLE pair_periods;
