-- Normalise, validate and derive a cohort snapshot, set-based over the whole file.
-- Input:  temp table `raw` (extract_reader.py), temp table `lookup` and the oos_* macros
--         (lookups.py).
-- Params: $census_date DATE (last day of the period's month).
-- Output: temp table `staged`: one row per file row with the parsed and derived values of the
--         snapshot table, the trimmed raw text kept for warnings, and `quarantine_reason`
--         (NULL when the row is loaded).

-- A view, not a table: each step below reads only the columns it needs, and trimming a
-- column again is cheaper than writing a million rows of text once more.
CREATE OR REPLACE TEMP VIEW trimmed AS
SELECT
    src_row,
    oos_trim_id(child_id) AS child_id,
    nullif(trim(date_of_birth), '') AS dob_raw,
    nullif(trim(gender), '') AS gender_raw,
    nullif(trim(primary_need), '') AS need_raw,
    nullif(trim(district), '') AS district_raw,
    nullif(trim(placement_status), '') AS placement_raw,
    nullif(trim(out_of_school_since), '') AS oos_raw,
    nullif(trim(year_group), '') AS year_raw,
    nullif(trim(cin), '') AS cin_raw,
    nullif(trim(cp), '') AS cp_raw,
    nullif(trim(cla), '') AS cla_raw,
    nullif(trim(previously_looked_after), '') AS pla_raw,
    nullif(trim(imported_from), '') AS imported_from,
    nullif(trim(import_date), '') AS import_date_raw,
    nullif(trim(ehcp_issued), '') AS ehcp_raw,
    nullif(trim(last_annual_review), '') AS review_raw,
    nullif(trim(provision_hours), '') AS hours_raw,
    nullif(trim(sen_team), '') AS sen_team
FROM raw;

-- Each coded column holds few distinct values: read each distinct value once, then join.
CREATE OR REPLACE TEMP TABLE coded AS
WITH distinct_values AS (
    SELECT DISTINCT 'gender' AS domain, gender_raw AS raw_value FROM trimmed
    UNION ALL SELECT DISTINCT 'need', need_raw FROM trimmed
    UNION ALL SELECT DISTINCT 'district', district_raw FROM trimmed
    UNION ALL SELECT DISTINCT 'placement', placement_raw FROM trimmed
    UNION ALL SELECT DISTINCT 'year', year_raw FROM trimmed
    UNION ALL SELECT DISTINCT 'flag', flag FROM (
        SELECT cin_raw AS flag FROM trimmed
        UNION SELECT cp_raw FROM trimmed
        UNION SELECT cla_raw FROM trimmed
        UNION SELECT pla_raw FROM trimmed
    )
)
SELECT d.domain, d.raw_value, lookup.value
FROM distinct_values d
JOIN lookup
    ON lookup.domain = d.domain
    AND lookup.key = CASE d.domain
        -- '&' is 'and' in district names
        WHEN 'district' THEN oos_key(replace(d.raw_value, '&', ' and '))
        -- year groups compare with their spaces removed and hyphens kept, so a minus sign
        -- ('-1', 'Year -1', 'Y-1') meets no year group rather than '1', Year 1
        WHEN 'year' THEN oos_year_key(d.raw_value)
        ELSE oos_key(d.raw_value)
    END;

CREATE OR REPLACE TEMP TABLE staged AS
WITH repeated AS (
    -- children with more than one row
    SELECT child_id, count(*) AS copies
    FROM trimmed
    WHERE child_id IS NOT NULL
    GROUP BY child_id
    HAVING count(*) > 1
),
repeated_rows AS (
    -- the whole raw row, extra columns too: "repeated to the letter" means every value
    -- (the ID as trimmed: a tab-wrapped copy of a row is a repeat, not another version)
    SELECT
        t.src_row,
        t.child_id,
        repeated.copies,
        hash(t.child_id, r.date_of_birth, r.gender, r.primary_need, r.district,
            r.placement_status, r.out_of_school_since, r.year_group, r.cin, r.cp, r.cla,
            r.previously_looked_after, r.imported_from, r.import_date, r.ehcp_issued,
            r.last_annual_review, r.provision_hours, r.sen_team, r.extras) AS row_key
    FROM trimmed t
    JOIN repeated USING (child_id)
    JOIN raw r USING (src_row)
),
repeat_status AS (
    SELECT
        src_row,
        copies,
        count(DISTINCT row_key) OVER (PARTITION BY child_id) AS versions,
        min(src_row) OVER (PARTITION BY child_id, row_key) AS first_row
    FROM repeated_rows
),
parsed AS (
    SELECT
        t.*,
        oos_parse_date(dob_raw) AS dob_parsed,
        gender_code.value AS gender_value,
        need_code.value AS need_value,
        district_code.value AS district_value,
        placement_code.value AS placement_value,
        oos_parse_date(oos_raw) AS oos_parsed,
        year_code.value AS year_value,
        cin_code.value::BOOLEAN AS cin_value,
        cp_code.value::BOOLEAN AS cp_value,
        cla_code.value::BOOLEAN AS cla_value,
        pla_code.value::BOOLEAN AS pla_value,
        oos_parse_date(import_date_raw) AS import_date,
        oos_parse_date(ehcp_raw) AS ehcp_parsed,
        oos_parse_date(review_raw) AS review_parsed,
        try_cast(hours_raw AS DOUBLE) AS hours_parsed,
        CASE
            WHEN t.child_id IS NULL THEN 'no child_id'
            WHEN oos_id_problem(t.child_id) IS NOT NULL THEN oos_id_problem(t.child_id)
            WHEN rs.versions > 1
                THEN 'child_id appears ' || rs.copies
                    || ' times in the file with different values'
            WHEN rs.first_row <> t.src_row
                THEN 'exact repeat of row ' || rs.first_row || ' (loaded once)'
            WHEN placement_raw IS NULL THEN 'placement_status is blank'
            WHEN placement_code.value IS NULL
                THEN 'placement_status ''' || placement_raw
                    || ''' is neither No placement nor Provision unknown'
        END AS quarantine_reason
    FROM trimmed t
    LEFT JOIN repeat_status rs USING (src_row)
    LEFT JOIN coded gender_code
        ON gender_code.domain = 'gender' AND gender_code.raw_value = t.gender_raw
    LEFT JOIN coded need_code ON need_code.domain = 'need' AND need_code.raw_value = t.need_raw
    LEFT JOIN coded district_code
        ON district_code.domain = 'district' AND district_code.raw_value = t.district_raw
    LEFT JOIN coded placement_code
        ON placement_code.domain = 'placement' AND placement_code.raw_value = t.placement_raw
    LEFT JOIN coded year_code ON year_code.domain = 'year' AND year_code.raw_value = t.year_raw
    LEFT JOIN coded cin_code ON cin_code.domain = 'flag' AND cin_code.raw_value = t.cin_raw
    LEFT JOIN coded cp_code ON cp_code.domain = 'flag' AND cp_code.raw_value = t.cp_raw
    LEFT JOIN coded cla_code ON cla_code.domain = 'flag' AND cla_code.raw_value = t.cla_raw
    LEFT JOIN coded pla_code ON pla_code.domain = 'flag' AND pla_code.raw_value = t.pla_raw
),
checked AS (
    SELECT
        *,
        -- a date of birth after the census date or giving an age over 25 cannot be right
        CASE
            WHEN dob_parsed > $census_date THEN 'after the census date'
            WHEN oos_age(dob_parsed, $census_date) > 25
                THEN 'gives an age over 25 at the census date'
        END AS dob_problem,
        oos_date_problem(oos_parsed, $census_date) AS oos_problem,
        oos_date_problem(ehcp_parsed, $census_date) AS ehcp_problem,
        oos_date_problem(review_parsed, $census_date) AS review_problem,
        oos_hours_problem(hours_parsed) AS hours_problem
    FROM parsed
),
derived AS (
    SELECT
        *,
        CASE WHEN dob_problem IS NULL THEN dob_parsed END AS date_of_birth,
        CASE WHEN oos_problem IS NULL THEN oos_parsed END AS out_of_school_since,
        CASE WHEN ehcp_problem IS NULL THEN ehcp_parsed END AS ehcp_issued,
        CASE WHEN review_problem IS NULL THEN review_parsed END AS last_annual_review,
        CASE WHEN hours_problem IS NULL THEN hours_parsed END AS provision_hours,
        coalesce(cin_value, false) AS cin,
        coalesce(cp_value, false) AS cp,
        coalesce(cla_value, false) AS cla,
        coalesce(pla_value, false) AS previously_looked_after
    FROM checked
)
SELECT
    *,
    oos_age(date_of_birth, $census_date)::INTEGER AS age,
    -- a supplied year group wins; else from the age on the 31 August that starts the
    -- academic year holding the census date
    coalesce(
        CASE
            WHEN year_raw IS NOT NULL THEN year_value
            ELSE oos_year_group(oos_age(
                date_of_birth,
                make_date(
                    year($census_date) - CASE WHEN month($census_date) < 9 THEN 1 ELSE 0 END,
                    8,
                    31
                )
            ))
        END,
        'Not recorded'
    ) AS year_group,
    CASE
        WHEN cla THEN 'Looked after (CLA)'
        WHEN cp THEN 'Child protection (CP)'
        WHEN cin THEN 'Child in need (CIN)'
        WHEN previously_looked_after THEN 'Previously looked after'
        ELSE 'No care status'
    END AS care_status,
    date_diff('day', out_of_school_since, $census_date)::INTEGER AS days_out
FROM derived;

DROP VIEW trimmed;
DROP TABLE coded;
