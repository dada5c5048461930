-- A SEN2 return's persons as the cohort staging reads them: one row per persontableid, with the
-- child ID, date of birth, gender, district and care flags as TEXT in the extract contract's
-- forms (docs/extract-spec.md), so that stage_cohort.sql reads, checks and warns on them
-- exactly as it does a bespoke extract's.
--
-- Runs in data/sen2_return.py's IN-MEMORY connection: the person module's UPN and postcode are
-- read here to derive `district` and the care flags, and are not in the output.
-- Input:  temp tables b_person (data/sen2_blade.py), postcode_lookup (prefix, district),
--         s_person, s_cla, s_cp, s_cin (data/ssd.py; empty without --ssd); macro sen2_date.
-- Params: $as_at DATE (the date the return describes: the census date, or the export's date
--         when that falls inside the month), $ssd BOOLEAN (an SSD was supplied).
-- Output: temp table person_values:
--   person_id, versions (distinct row contents for the ID: more than 1 is a conflict),
--   child_id (NativeId, else persontableid), date_of_birth (ISO text, or the text as written
--   when it is no date: the staging warns), gender, district, cin, cp, cla,
--   previously_looked_after (Y/N; a few words when an SSD date cannot be read: the staging
--   loads N and warns), has_upn, ssd_matched BOOLEAN.

CREATE OR REPLACE TEMP TABLE person_values AS
WITH
people AS (
    SELECT
        nullif(trim(persontableid), '') AS person_id,
        coalesce(nullif(trim(nativeid), ''), nullif(trim(persontableid), '')) AS child_id,
        nullif(trim(personbirthdate), '') AS dob_raw,
        nullif(trim(gendercurrent), '') AS gender_code,
        nullif(trim(sex), '') AS sex_code,
        upper(regexp_replace(coalesce(postcode, ''), '\s', '', 'g')) AS postcode_key,
        nullif(upper(trim(upn)), '') AS upn_key,
        hash(persontableid, nativeid, personbirthdate, gendercurrent, sex, postcode, upn,
            extras) AS row_key
    FROM b_person
),
-- a person's postcode as unit, sector, district and area: the longest matching prefix wins
postcode_parts AS (
    SELECT DISTINCT
        postcode_key,
        left(postcode_key, length(postcode_key) - 3) AS outward,
        right(postcode_key, 3) AS inward
    FROM people
    WHERE regexp_full_match(postcode_key, '[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}')
),
postcode_district AS (
    SELECT p.postcode_key, arg_max(l.district, length(l.prefix)) AS district
    FROM postcode_parts p
    JOIN postcode_lookup l
        ON l.prefix IN (
            p.outward || ' ' || p.inward,
            p.outward || ' ' || left(p.inward, 1),
            p.outward,
            regexp_extract(p.outward, '^[A-Z]+')
        )
    GROUP BY p.postcode_key
),
-- the SSD's persons by UPN, and each episode open or ended at $as_at
ssd_people AS (
    SELECT DISTINCT upper(trim(pers_upn)) AS upn_key, trim(pers_person_id) AS ssd_id
    FROM s_person
    WHERE nullif(trim(pers_upn), '') IS NOT NULL AND nullif(trim(pers_person_id), '') IS NOT NULL
),
episodes AS (
    SELECT 'cla' AS kind, trim(clae_person_id) AS ssd_id,
        clae_cla_episode_start_date AS start_raw, clae_cla_episode_ceased_date AS end_raw
    FROM s_cla
    UNION ALL
    SELECT 'cp', trim(cppl_person_id), cppl_cp_plan_start_date, cppl_cp_plan_end_date
    FROM s_cp
    UNION ALL
    SELECT 'cin', trim(cine_person_id), cine_referral_date, cine_close_date
    FROM s_cin
),
dated AS (
    SELECT
        kind,
        ssd_id,
        sen2_date(start_raw) AS started,
        sen2_date(end_raw) AS ended,
        sen2_date(start_raw) IS NULL
            OR (nullif(trim(end_raw), '') IS NOT NULL AND sen2_date(end_raw) IS NULL)
            AS unreadable
    FROM episodes
),
-- open at $as_at: started on or before it, not ended on or before it (an episode ending ON
-- $as_at is no longer open, the same rule as a placement's leaving date)
care AS (
    SELECT
        p.upn_key,
        bool_or(kind = 'cla' AND NOT unreadable AND started <= $as_at
            AND (ended IS NULL OR ended > $as_at)) AS cla_open,
        bool_or(kind = 'cla' AND NOT unreadable AND ended <= $as_at) AS cla_ended,
        bool_or(kind = 'cp' AND NOT unreadable AND started <= $as_at
            AND (ended IS NULL OR ended > $as_at)) AS cp_open,
        bool_or(kind = 'cin' AND NOT unreadable AND started <= $as_at
            AND (ended IS NULL OR ended > $as_at)) AS cin_open,
        bool_or(kind = 'cla' AND unreadable) AS cla_unreadable,
        bool_or(kind = 'cp' AND unreadable) AS cp_unreadable,
        bool_or(kind = 'cin' AND unreadable) AS cin_unreadable
    FROM ssd_people p
    JOIN dated e USING (ssd_id)
    GROUP BY p.upn_key
),
matched AS (
    SELECT DISTINCT upn_key FROM ssd_people
),
one_person AS (
    SELECT
        person_id,
        count(DISTINCT row_key) AS versions,
        -- rows repeated to the letter are one person; with several versions the plan is
        -- quarantined, so which one is kept here does not matter
        arg_min(child_id, row_key) AS child_id,
        arg_min(dob_raw, row_key) AS dob_raw,
        arg_min(gender_code, row_key) AS gender_code,
        arg_min(sex_code, row_key) AS sex_code,
        arg_min(postcode_key, row_key) AS postcode_key,
        arg_min(upn_key, row_key) AS upn_key
    FROM people
    WHERE person_id IS NOT NULL
    GROUP BY person_id
)
SELECT
    o.person_id,
    o.versions,
    o.child_id,
    coalesce(strftime(sen2_date(o.dob_raw), '%Y-%m-%d'), o.dob_raw) AS date_of_birth,
    -- gendercurrent: 1 male, 2 female, 0 not known, 9 not specified; any other code is named
    -- so the staging warns and loads Not recorded. The newer `sex` column is read as written.
    CASE
        WHEN o.gender_code = '1' THEN 'Male'
        WHEN o.gender_code = '2' THEN 'Female'
        WHEN o.gender_code IN ('0', '9') THEN 'Not known'
        WHEN o.gender_code IS NOT NULL THEN 'gendercurrent code ' || o.gender_code
        ELSE o.sex_code
    END AS gender,
    CASE
        WHEN o.postcode_key = '' THEN NULL
        WHEN NOT regexp_full_match(o.postcode_key, '[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}')
            THEN '(postcode not readable)'
        ELSE coalesce(d.district, 'Out of county')
    END AS district,
    CASE
        WHEN NOT $ssd THEN NULL
        WHEN c.cin_open THEN 'Y'
        WHEN c.cin_unreadable THEN 'an SSD CIN episode date is not readable'
        ELSE 'N'
    END AS cin,
    CASE
        WHEN NOT $ssd THEN NULL
        WHEN c.cp_open THEN 'Y'
        WHEN c.cp_unreadable THEN 'an SSD CP plan date is not readable'
        ELSE 'N'
    END AS cp,
    CASE
        WHEN NOT $ssd THEN NULL
        WHEN c.cla_open THEN 'Y'
        WHEN c.cla_unreadable THEN 'an SSD CLA episode date is not readable'
        ELSE 'N'
    END AS cla,
    -- previously looked after: a CLA episode ended on or before $as_at and none open now
    CASE
        WHEN NOT $ssd THEN NULL
        WHEN c.cla_open THEN 'N'
        WHEN c.cla_unreadable THEN 'an SSD CLA episode date is not readable'
        WHEN c.cla_ended THEN 'Y'
        ELSE 'N'
    END AS previously_looked_after,
    o.upn_key IS NOT NULL AS has_upn,
    m.upn_key IS NOT NULL AS ssd_matched
FROM one_person o
LEFT JOIN postcode_district d USING (postcode_key)
LEFT JOIN care c USING (upn_key)
LEFT JOIN matched m USING (upn_key);
