-- Purpose: the case-flag thresholds the database's case_flags view uses, with their reasons
--   (copied from config/flags.toml at the last publish), for the pages' explanations.
-- Parameters: none
-- Output: name VARCHAR ('section.key'), value DOUBLE, reason VARCHAR
SELECT name, value, reason
FROM flag_settings
ORDER BY name
