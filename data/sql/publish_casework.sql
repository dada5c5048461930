-- Replace the whole casework log with the staged events, and record warnings and quarantine.
-- Runs inside the loader's transaction, after stage_casework.sql.
-- Params: $load_id INTEGER, $file_name VARCHAR.

DELETE FROM casework;
DELETE FROM quarantine WHERE kind = 'casework';
DELETE FROM load_warnings WHERE kind = 'casework';

INSERT INTO casework
SELECT child_id, event_date, event_type, provider, provider_key, provision_type,
    hours_per_week, detail, src_row, $load_id
FROM staged_events
WHERE quarantine_reason IS NULL;

-- Raw values of the contract's columns only: extra columns' values are never stored.
INSERT INTO quarantine
SELECT $load_id, 'casework', NULL, $file_name, s.src_row, s.child_id, s.quarantine_reason,
    to_json(r)::VARCHAR
FROM staged_events s
JOIN (SELECT * EXCLUDE (extras) FROM raw) AS r USING (src_row)
WHERE s.quarantine_reason IS NOT NULL;

INSERT INTO load_warnings
SELECT $load_id, 'casework', NULL, src_row, column_name, raw_value, reason
FROM (
    SELECT src_row, 'provision_type' AS column_name, provision_raw AS raw_value,
        'not a recognised provision type' AS reason
    FROM staged_events
    WHERE quarantine_reason IS NULL AND provision_raw IS NOT NULL AND provision_type IS NULL
    UNION ALL
    SELECT src_row, 'hours_per_week', hours_raw, coalesce(hours_problem, 'not a number')
    FROM staged_events
    WHERE quarantine_reason IS NULL AND hours_raw IS NOT NULL AND hours_per_week IS NULL
) AS field_warnings;
