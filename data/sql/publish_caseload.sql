-- Replace one period's caseload with the staged rows, and record warnings and quarantine.
-- Runs inside the loader's transaction, after stage_cohort.sql has staged the caseload through
-- the adapter view (data/caseload.py). Raw values in the quarantine come from `caseload_raw`,
-- the caseload file as read, so the adapter's placeholder columns never appear there.
-- Params: $period VARCHAR, $census_date DATE, $load_id INTEGER, $file_name VARCHAR.

DELETE FROM caseload_snapshot WHERE period = $period;
DELETE FROM quarantine WHERE kind = 'caseload' AND period = $period;
DELETE FROM load_warnings WHERE kind = 'caseload' AND period = $period;

INSERT INTO caseload_snapshot
SELECT
    $period,
    $census_date,
    child_id,
    date_of_birth,
    age,
    coalesce(gender_value, 'Not recorded'),
    year_group,
    coalesce(need_value, 'Not recorded'),
    coalesce(district_value, 'Not recorded'),
    care_status,
    cin,
    cp,
    cla,
    previously_looked_after,
    sen_team,
    src_row,
    $load_id,
    record_key(child_id)
FROM staged
WHERE quarantine_reason IS NULL;

INSERT INTO quarantine
SELECT $load_id, 'caseload', $period, $file_name, s.src_row, s.child_id, s.quarantine_reason,
    to_json(r)::VARCHAR
FROM staged s
JOIN caseload_raw AS r USING (src_row)
WHERE s.quarantine_reason IS NOT NULL;

-- A field that is blank (in a required column) or cannot be read is loaded as Not recorded
-- and listed here; the child still counts. The same reasons as the cohort's.
INSERT INTO load_warnings
SELECT $load_id, 'caseload', $period, src_row, column_name, raw_value, reason
FROM (
    SELECT src_row, 'date_of_birth' AS column_name, dob_raw AS raw_value,
        CASE
            WHEN dob_raw IS NULL THEN 'blank'
            WHEN dob_parsed IS NULL THEN 'not a date (expected YYYY-MM-DD or DD/MM/YYYY)'
            ELSE dob_problem
        END AS reason
    FROM staged WHERE dob_raw IS NULL OR dob_parsed IS NULL OR dob_problem IS NOT NULL
    UNION ALL
    SELECT src_row, 'gender', gender_raw,
        CASE WHEN gender_raw IS NULL THEN 'blank' ELSE 'not a recognised gender' END
    FROM staged WHERE gender_value IS NULL
    UNION ALL
    SELECT src_row, 'primary_need', need_raw,
        CASE WHEN need_raw IS NULL THEN 'blank' ELSE 'not a DfE primary need code or label' END
    FROM staged WHERE need_value IS NULL
    UNION ALL
    SELECT src_row, 'district', district_raw,
        CASE WHEN district_raw IS NULL THEN 'blank' ELSE 'not a Kent district or Out of county' END
    FROM staged WHERE district_value IS NULL
    UNION ALL
    SELECT src_row, 'year_group', year_raw, 'not a recognised year group'
    FROM staged WHERE year_raw IS NOT NULL AND year_value IS NULL
    UNION ALL
    SELECT src_row, 'cin', cin_raw, 'not Y/N (loaded as N)'
    FROM staged WHERE cin_raw IS NOT NULL AND cin_value IS NULL
    UNION ALL
    SELECT src_row, 'cp', cp_raw, 'not Y/N (loaded as N)'
    FROM staged WHERE cp_raw IS NOT NULL AND cp_value IS NULL
    UNION ALL
    SELECT src_row, 'cla', cla_raw, 'not Y/N (loaded as N)'
    FROM staged WHERE cla_raw IS NOT NULL AND cla_value IS NULL
    UNION ALL
    SELECT src_row, 'previously_looked_after', pla_raw, 'not Y/N (loaded as N)'
    FROM staged WHERE pla_raw IS NOT NULL AND pla_value IS NULL
) AS field_warnings
SEMI JOIN (SELECT src_row FROM staged WHERE quarantine_reason IS NULL) AS loaded USING (src_row);
