-- Purpose: each load's contract columns with the name its file's header gave them ('Child ID'
--   for child_id; a SEN2 return's module and field), so the data-quality page names a column
--   the way the people who fix the export know it.
-- Parameters: none
-- Output: load_id INTEGER, column_name VARCHAR, file_column VARCHAR
SELECT load_id, column_name, file_column
FROM load_columns
ORDER BY load_id, column_name
