-- Normalise, validate and derive a cohort snapshot, set-based over the whole file.
-- Input:  temp table `raw` (extract_reader.py) and the lookup temp tables (lookups.py).
-- Params: $census_date DATE (last day of the period's month).
-- Output: temp table `staged`: one row per file row with the parsed and derived values of the
--         snapshot table, the trimmed raw text kept for warnings, and `quarantine_reason`
--         (NULL when the row is loaded).
CREATE OR REPLACE TEMP TABLE staged AS
WITH trimmed AS (
    SELECT
        src_row,
        row_key,
        nullif(trim(child_id), '') AS child_id,
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
    FROM raw
),
repeated AS (
    -- children with more than one row: conflicting when the rows differ at all
    SELECT child_id, count(*) AS copies, count(DISTINCT row_key) AS versions
    FROM trimmed
    WHERE child_id IS NOT NULL
    GROUP BY child_id
    HAVING count(*) > 1
),
first_copy AS (
    SELECT child_id, row_key, min(src_row) AS first_row
    FROM trimmed SEMI JOIN repeated USING (child_id)
    GROUP BY child_id, row_key
),
parsed AS (
    SELECT
        t.*,
        oos_parse_date(dob_raw) AS dob_parsed,
        gender_lookup.value AS gender_value,
        need_lookup.value AS need_value,
        district_lookup.value AS district_value,
        placement_lookup.value AS placement_value,
        oos_parse_date(oos_raw) AS oos_parsed,
        year_lookup.value AS year_value,
        cin_lookup.value::BOOLEAN AS cin_value,
        cp_lookup.value::BOOLEAN AS cp_value,
        cla_lookup.value::BOOLEAN AS cla_value,
        pla_lookup.value::BOOLEAN AS pla_value,
        oos_parse_date(import_date_raw) AS import_date,
        oos_parse_date(ehcp_raw) AS ehcp_issued,
        oos_parse_date(review_raw) AS last_annual_review,
        try_cast(hours_raw AS DOUBLE) AS hours_parsed,
        CASE
            WHEN t.child_id IS NULL THEN 'no child_id'
            WHEN repeated.versions > 1
                THEN 'child_id appears ' || repeated.copies
                    || ' times in the file with different values'
            WHEN first_copy.first_row <> t.src_row
                THEN 'exact repeat of row ' || first_copy.first_row || ' (loaded once)'
            WHEN placement_raw IS NULL THEN 'placement_status is blank'
            WHEN placement_lookup.value IS NULL
                THEN 'placement_status ''' || placement_raw
                    || ''' is neither No placement nor Provision unknown'
        END AS quarantine_reason
    FROM trimmed t
    LEFT JOIN repeated USING (child_id)
    LEFT JOIN first_copy ON first_copy.child_id = t.child_id AND first_copy.row_key = t.row_key
    LEFT JOIN lookup gender_lookup
        ON gender_lookup.domain = 'gender' AND gender_lookup.key = oos_key(gender_raw)
    LEFT JOIN lookup need_lookup
        ON need_lookup.domain = 'need' AND need_lookup.key = oos_key(need_raw)
    LEFT JOIN lookup district_lookup
        ON district_lookup.domain = 'district' AND district_lookup.key = oos_key(replace(district_raw, '&', ' and '))
    LEFT JOIN lookup placement_lookup
        ON placement_lookup.domain = 'placement' AND placement_lookup.key = oos_key(placement_raw)
    LEFT JOIN lookup year_lookup
        ON year_lookup.domain = 'year' AND year_lookup.key = replace(oos_key(year_raw), ' ', '')
    LEFT JOIN lookup cin_lookup
        ON cin_lookup.domain = 'flag' AND cin_lookup.key = oos_key(cin_raw)
    LEFT JOIN lookup cp_lookup
        ON cp_lookup.domain = 'flag' AND cp_lookup.key = oos_key(cp_raw)
    LEFT JOIN lookup cla_lookup
        ON cla_lookup.domain = 'flag' AND cla_lookup.key = oos_key(cla_raw)
    LEFT JOIN lookup pla_lookup
        ON pla_lookup.domain = 'flag' AND pla_lookup.key = oos_key(pla_raw)
),
checked AS (
    SELECT
        *,
        -- a date of birth after the census date or giving an age over 25 cannot be right
        CASE
            WHEN dob_parsed > $census_date THEN 'after the census date'
            WHEN date_sub('year', dob_parsed, $census_date) > 25
                THEN 'gives an age over 25 at the census date'
        END AS dob_problem,
        CASE WHEN oos_parsed > $census_date THEN 'after the census date' END AS oos_problem,
        CASE WHEN hours_parsed < 0 THEN 'negative' END AS hours_problem
    FROM parsed
),
derived AS (
    SELECT
        *,
        CASE WHEN dob_problem IS NULL THEN dob_parsed END AS date_of_birth,
        CASE WHEN oos_problem IS NULL THEN oos_parsed END AS out_of_school_since,
        CASE WHEN hours_problem IS NULL THEN hours_parsed END AS provision_hours,
        coalesce(cin_value, false) AS cin,
        coalesce(cp_value, false) AS cp,
        coalesce(cla_value, false) AS cla,
        coalesce(pla_value, false) AS previously_looked_after
    FROM checked
)
SELECT
    *,
    date_sub('year', date_of_birth, $census_date)::INTEGER AS age,
    -- the year group: from the age on the 31 August that starts the academic year
    coalesce(
        CASE
            WHEN year_raw IS NOT NULL THEN year_value
            ELSE oos_year_group(date_sub(
                'year',
                date_of_birth,
                make_date(year($census_date) - CASE WHEN month($census_date) < 9 THEN 1 ELSE 0 END, 8, 31)
            ))
        END,
        'Not recorded'
    ) AS year_group,
    CASE
        WHEN cla THEN 'Looked after (CLA)'
        WHEN cp THEN 'Child protection (CP)'
        WHEN cin THEN 'Child in need (CIN)'
        WHEN previously_looked_after THEN 'Previously looked after'
        ELSE 'None'
    END AS care_status,
    date_diff('day', out_of_school_since, $census_date)::INTEGER AS days_out
FROM derived;
