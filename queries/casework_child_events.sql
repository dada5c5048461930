-- Purpose: one child's whole casework log, oldest first (the chronology's timeline and table).
--   PUPIL-LEVEL: run only through queries/pupil.py (queries.casework.child_events).
--   `detail` and `provider` are free text from the extract: show them as text, never as HTML.
-- Parameters: $child_id VARCHAR
-- Output: event_date DATE, event_type VARCHAR, provider VARCHAR, provider_key VARCHAR,
--   provision_type VARCHAR, hours_per_week DOUBLE, detail VARCHAR, source_row INTEGER
SELECT event_date, event_type, provider, provider_key, provision_type, hours_per_week, detail,
    source_row
FROM casework
WHERE child_id = $child_id
ORDER BY event_date, source_row
