-- Purpose: the SEN team of one child's latest snapshot, so the pupil-level choke point can
--   check that a caseworker's chronology request is for a child of their own teams.
--   PUPIL-LEVEL: run only through queries/pupil.py (it names a child's team).
-- Parameters: $child_id VARCHAR
-- Output: sen_team VARCHAR (no row when the child has no snapshot)
SELECT sen_team
FROM cohort
WHERE child_id = $child_id
ORDER BY period DESC
LIMIT 1
