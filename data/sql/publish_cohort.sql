-- Replace one period's snapshot with the staged rows, and record warnings and quarantine.
-- Runs inside the loader's transaction, after stage_cohort.sql.
-- Params: $period VARCHAR, $census_date DATE, $load_id INTEGER, $file_name VARCHAR.

DELETE FROM snapshot WHERE period = $period;
DELETE FROM quarantine WHERE kind = 'cohort' AND period = $period;
DELETE FROM load_warnings WHERE kind = 'cohort' AND period = $period;
-- a bespoke snapshot is as at its census date with care status supplied (schema.sql)
DELETE FROM period_info WHERE period = $period;

INSERT INTO snapshot
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
    placement_value,
    care_status,
    cin,
    cp,
    cla,
    previously_looked_after,
    imported_from IS NOT NULL,
    imported_from,
    import_date,
    out_of_school_since,
    days_out,
    ehcp_issued,
    last_annual_review,
    provision_hours,
    sen_team,
    src_row,
    $load_id,
    record_key(child_id)
FROM staged
WHERE quarantine_reason IS NULL;

-- Raw values of the contract's columns only: extra columns (names, addresses, NHS numbers an
-- export may carry) are named in the load report but their values are never stored.
INSERT INTO quarantine
SELECT $load_id, 'cohort', $period, $file_name, s.src_row, s.child_id, s.quarantine_reason,
    to_json(r)::VARCHAR
FROM staged s
JOIN (SELECT * EXCLUDE (extras) FROM raw) AS r USING (src_row)
WHERE s.quarantine_reason IS NOT NULL;

-- A field that is blank (in a required column) or cannot be read is loaded as Not recorded
-- and listed here; the child still counts.
INSERT INTO load_warnings
SELECT $load_id, 'cohort', $period, src_row, column_name, raw_value, reason
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
    SELECT src_row, 'out_of_school_since', oos_raw,
        coalesce(oos_problem, 'not a date (expected YYYY-MM-DD or DD/MM/YYYY)')
    FROM staged WHERE oos_raw IS NOT NULL AND (oos_parsed IS NULL OR oos_problem IS NOT NULL)
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
    UNION ALL
    SELECT src_row, 'import_date', import_date_raw, 'not a date (expected YYYY-MM-DD or DD/MM/YYYY)'
    FROM staged WHERE import_date_raw IS NOT NULL AND import_date IS NULL
    UNION ALL
    SELECT src_row, 'ehcp_issued', ehcp_raw,
        coalesce(ehcp_problem, 'not a date (expected YYYY-MM-DD or DD/MM/YYYY)')
    FROM staged WHERE ehcp_raw IS NOT NULL AND ehcp_issued IS NULL
    UNION ALL
    SELECT src_row, 'last_annual_review', review_raw,
        coalesce(review_problem, 'not a date (expected YYYY-MM-DD or DD/MM/YYYY)')
    FROM staged WHERE review_raw IS NOT NULL AND last_annual_review IS NULL
    UNION ALL
    SELECT src_row, 'provision_hours', hours_raw,
        coalesce(hours_problem, 'not a number')
    FROM staged WHERE hours_raw IS NOT NULL AND (hours_parsed IS NULL OR hours_problem IS NOT NULL)
) AS field_warnings
SEMI JOIN (SELECT src_row FROM staged WHERE quarantine_reason IS NULL) AS loaded USING (src_row);
