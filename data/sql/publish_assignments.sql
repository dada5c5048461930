-- Replace the whole assignment table with the staged rows, and record the quarantine.
-- Runs inside the loader's transaction, after stage_assignments.sql.
-- Params: $load_id INTEGER, $file_name VARCHAR.

DELETE FROM assignment;
DELETE FROM quarantine WHERE kind = 'assignments';

INSERT INTO assignment
SELECT child_id, caseworker, caseworker_name, assigned_from, src_row, $load_id
FROM staged_assignments
WHERE quarantine_reason IS NULL;

-- Raw values of the contract's columns only: extra columns' values are never stored.
INSERT INTO quarantine
SELECT $load_id, 'assignments', NULL, $file_name, s.src_row, s.child_id, s.quarantine_reason,
    to_json(r)::VARCHAR
FROM staged_assignments s
JOIN (SELECT * EXCLUDE (extras) FROM raw) AS r USING (src_row)
WHERE s.quarantine_reason IS NOT NULL;
