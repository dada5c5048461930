-- A SEN2 return's active plans at one date: the caseload and the cohort, as rows for the
-- loader's staging (stage_cohort.sql, through data/sen2_return.py), and the rows that cannot
-- be used, each with its reason.
--
-- Runs in data/sen2_return.py's IN-MEMORY connection, after sen2_person.sql.
-- Input:  temp tables b_activeplans, b_requests, b_placementdetail, b_senneed, b_assessment,
--         b_namedplan (data/sen2_blade.py), person_values (sen2_person.sql); macro sen2_date.
-- Params: $as_at DATE (the date the return describes; the census date R unless the export
--         was made inside the month).
-- Rules (README, "From the SEN2 return and the SSD"):
--   caseload   every active plan (activeplans row) linked through requests to a person
--   placement  the plan's placementdetail rows open at $as_at (entrydate <= $as_at, leavingdate
--              blank or after it); the lowest placementrank decides (blank ranks last, then
--              the latest entrydate)
--   cohort     no placement open: Provision unknown; the open placement's SENsetting NIEO,
--              NIEC or NEET: No placement; any other open placement is provision (not cohort)
--   out of school since  the latest leavingdate on or before $as_at of a placement in
--              provision; else the entrydate of the open NIEO/NIEC/NEET placement; else blank
--   import     transferla not blank (its value: the LA it came from)
--   last review  lastreview; plan issued: the latest namedplan startdate on or before
--              $as_at of the same request (namedplan -> assessment -> request)
--   primary need  the senneed row of rank 1 (two different codes of rank 1 are named, so the
--              staging warns and loads Not recorded)
-- Output:
--   sen2_caseload_rows  one row per usable plan, the caseload contract's columns as text
--   sen2_cohort_rows    the plans out of school at $as_at, the cohort contract's columns
--   sen2_rejects        (src_row, reason, raw_values JSON of IDs only, child_id): plans that
--                       cannot be used, and placementdetail/senneed rows of no plan

CREATE OR REPLACE TEMP TABLE plan_links AS
WITH
plans AS (
    SELECT
        src_row,
        nullif(trim(activeplanstableid), '') AS plan_id,
        nullif(trim(requeststableid), '') AS request_id,
        nullif(trim(transferla), '') AS imported_from,
        nullif(trim(lastreview), '') AS review_raw,
        hash(activeplanstableid, requeststableid, transferla, lastreview, extras) AS row_key
    FROM b_activeplans
),
plan_copies AS (
    SELECT plan_id, count(*) AS copies, count(DISTINCT row_key) AS versions,
        min(src_row) AS first_row
    FROM plans
    WHERE plan_id IS NOT NULL
    GROUP BY plan_id
),
requests AS (
    SELECT request_id, count(DISTINCT person_id) AS people, any_value(person_id) AS person_id
    FROM (
        SELECT nullif(trim(requeststableid), '') AS request_id,
            nullif(trim(persontableid), '') AS person_id
        FROM b_requests
    )
    WHERE request_id IS NOT NULL
    GROUP BY request_id
),
unreadable_keys AS (
    SELECT module, key, min(src_row) AS src_row FROM sen2_unreadable GROUP BY ALL
)
SELECT
    p.src_row,
    p.plan_id,
    p.request_id,
    r.person_id,
    pv.child_id,
    p.imported_from,
    p.review_raw,
    CASE
        WHEN p.plan_id IS NULL THEN 'activeplans row ' || p.src_row
            || ': the plan has no activeplanstableid'
        WHEN pc.versions > 1 THEN 'activeplans row ' || p.src_row || ': activeplanstableid '
            || 'appears ' || pc.copies || ' times in the activeplans file with different values'
        WHEN pc.first_row <> p.src_row AND pc.versions = 1
            THEN 'activeplans row ' || p.src_row || ': exact repeat of activeplans row '
                || pc.first_row || ' (loaded once)'
        WHEN r.request_id IS NULL AND ur.key IS NOT NULL
            THEN 'activeplans row ' || p.src_row || ': the plan''s request could not be read '
                || 'as CSV (its row is quarantined too)'
        WHEN r.request_id IS NULL THEN 'activeplans row ' || p.src_row
            || ': a plan without its request (its requeststableid is not in the requests file)'
        WHEN r.people > 1 THEN 'activeplans row ' || p.src_row || ': the plan''s request names '
            || r.people || ' different persons in the requests file'
        WHEN pv.person_id IS NULL AND up.key IS NOT NULL
            THEN 'activeplans row ' || p.src_row || ': the plan''s person could not be read '
                || 'as CSV (its row is quarantined too)'
        WHEN pv.person_id IS NULL THEN 'activeplans row ' || p.src_row
            || ': a plan without its person (its request''s persontableid is not in the '
            || 'person file)'
        WHEN pv.versions > 1 THEN 'activeplans row ' || p.src_row || ': the plan''s person '
            || 'appears in the person file with ' || pv.versions || ' different sets of values'
    END AS link_problem
FROM plans p
LEFT JOIN plan_copies pc USING (plan_id)
LEFT JOIN requests r USING (request_id)
LEFT JOIN person_values pv ON pv.person_id = r.person_id
LEFT JOIN unreadable_keys ur ON ur.module = 'requests' AND ur.key = p.request_id
LEFT JOIN unreadable_keys up ON up.module = 'person' AND up.key = r.person_id;

-- Every placementdetail row, read; `problem` says why a row cannot be used.
CREATE OR REPLACE TEMP TABLE placements AS
WITH read AS (
    SELECT
        src_row,
        nullif(trim(activeplanstableid), '') AS plan_id,
        nullif(trim(urn), '') IS NOT NULL OR nullif(trim(ukprn), '') IS NOT NULL
            AS establishment,
        upper(nullif(trim(sensetting), '')) AS setting,
        nullif(trim(placementrank), '') AS rank_raw,
        nullif(trim(entrydate), '') AS entry_raw,
        nullif(trim(leavingdate), '') AS leaving_raw
    FROM b_placementdetail
),
parsed AS (
    SELECT
        *,
        try_cast(rank_raw AS INTEGER) AS rank,
        sen2_date(entry_raw) AS entry,
        sen2_date(leaving_raw) AS leaving,
        coalesce(setting IN ('NIEO', 'NIEC', 'NEET'), FALSE) AS not_in_education
    FROM read
)
SELECT
    *,
    CASE
        WHEN entry_raw IS NULL THEN 'entrydate is blank'
        WHEN entry IS NULL THEN 'entrydate ''' || entry_raw || ''' is not a date'
        WHEN leaving_raw IS NOT NULL AND leaving IS NULL
            THEN 'leavingdate ''' || leaving_raw || ''' is not a date'
        WHEN leaving < entry THEN 'leavingdate is before entrydate'
        WHEN rank_raw IS NOT NULL AND coalesce(rank < 1, TRUE)
            THEN 'placementrank ''' || rank_raw || ''' is not a whole number from 1'
        WHEN not_in_education OR establishment THEN NULL
        WHEN setting IS NULL THEN 'the placement has no URN, UKPRN or SENsetting'
        WHEN setting NOT IN ('OLA', 'OPA', 'EHE', 'EYP', 'OTH')
            THEN 'SENsetting ''' || setting || ''' is not a SEN2 code'
    END AS problem
FROM parsed;

-- Plans linked to a person, their person having no other plan, their placements readable.
CREATE OR REPLACE TEMP TABLE plan_checked AS
WITH
linked AS (
    SELECT *, count(*) OVER (PARTITION BY person_id) AS plans_of_person
    FROM plan_links
    WHERE link_problem IS NULL
),
placement_problems AS (
    SELECT plan_id, arg_min(problem, src_row) AS problem, min(src_row) AS placement_row
    FROM placements
    WHERE problem IS NOT NULL AND plan_id IS NOT NULL
    GROUP BY plan_id
),
unreadable_placements AS (
    SELECT key AS plan_id, min(src_row) AS src_row
    FROM sen2_unreadable
    WHERE module = 'placementdetail'
    GROUP BY ALL
)
SELECT
    l.* EXCLUDE (link_problem, plans_of_person),
    coalesce(u.src_row, pp.placement_row) AS placement_row,
    CASE
        WHEN l.plans_of_person > 1 THEN 'activeplans row ' || l.src_row || ': the person has '
            || l.plans_of_person || ' active plans (one expected)'
        WHEN u.plan_id IS NOT NULL THEN 'activeplans row ' || l.src_row || ': a placement of '
            || 'the plan could not be read as CSV (its row is quarantined too)'
        WHEN pp.problem IS NOT NULL THEN 'activeplans row ' || l.src_row
            || ': a placement of the plan cannot be read: ' || pp.problem
    END AS problem
FROM linked l
LEFT JOIN placement_problems pp USING (plan_id)
LEFT JOIN unreadable_placements u USING (plan_id);

CREATE OR REPLACE TEMP TABLE plan_status AS
WITH
open_now AS (
    SELECT
        plan_id, not_in_education, entry,
        row_number() OVER (
            PARTITION BY plan_id ORDER BY rank ASC NULLS LAST, entry DESC, src_row
        ) AS position
    FROM placements
    WHERE entry <= $as_at AND (leaving IS NULL OR leaving > $as_at)
),
left_provision AS (
    SELECT plan_id, max(leaving) AS last_left
    FROM placements
    WHERE NOT not_in_education AND leaving <= $as_at
    GROUP BY plan_id
),
needs AS (
    SELECT
        nullif(trim(activeplanstableid), '') AS plan_id,
        upper(nullif(trim(sentype), '')) AS code
    FROM b_senneed
    WHERE try_cast(trim(sentyperank) AS INTEGER) = 1
),
primary_need AS (
    SELECT
        plan_id,
        CASE
            WHEN count(DISTINCT code) = 1 THEN any_value(code)
            WHEN count(DISTINCT code) > 1
                THEN string_agg(DISTINCT code, ' / ' ORDER BY code) || ' (' || count(DISTINCT code)
                    || ' needs of rank 1)'
        END AS primary_need
    FROM needs
    GROUP BY plan_id
),
issued AS (
    SELECT
        nullif(trim(a.requeststableid), '') AS request_id,
        max(sen2_date(n.startdate)) FILTER (WHERE sen2_date(n.startdate) <= $as_at) AS issued,
        -- a start date that is no date is passed on as written, so the staging warns
        any_value(nullif(trim(n.startdate), '')) FILTER (WHERE sen2_date(n.startdate) IS NULL)
            AS unreadable
    FROM b_namedplan n
    JOIN b_assessment a ON trim(a.assessmenttableid) = trim(n.assessmenttableid)
    GROUP BY ALL
)
SELECT
    c.src_row,
    c.plan_id,
    c.person_id,
    CASE
        WHEN o.plan_id IS NULL THEN 'Provision unknown'
        WHEN o.not_in_education THEN 'No placement'
    END AS placement_status,
    coalesce(lp.last_left, CASE WHEN o.not_in_education THEN o.entry END)
        AS out_of_school_since,
    c.imported_from,
    c.review_raw,
    coalesce(strftime(i.issued, '%Y-%m-%d'), CASE WHEN i.issued IS NULL THEN i.unreadable END)
        AS ehcp_issued,
    pn.primary_need
FROM plan_checked c
LEFT JOIN (SELECT * FROM open_now WHERE position = 1) o USING (plan_id)
LEFT JOIN left_provision lp USING (plan_id)
LEFT JOIN primary_need pn USING (plan_id)
LEFT JOIN issued i ON i.request_id = c.request_id
WHERE c.problem IS NULL;

CREATE OR REPLACE TEMP TABLE sen2_caseload_rows AS
SELECT
    s.src_row,
    pv.child_id,
    pv.date_of_birth,
    pv.gender,
    s.primary_need,
    pv.district,
    NULL::VARCHAR AS year_group,
    NULL::VARCHAR AS sen_team,
    pv.cin,
    pv.cp,
    pv.cla,
    pv.previously_looked_after,
    NULL AS extras
FROM plan_status s
JOIN person_values pv USING (person_id)
ORDER BY s.src_row;

CREATE OR REPLACE TEMP TABLE sen2_cohort_rows AS
SELECT
    s.src_row,
    pv.child_id,
    pv.date_of_birth,
    pv.gender,
    s.primary_need,
    pv.district,
    s.placement_status,
    strftime(s.out_of_school_since, '%Y-%m-%d') AS out_of_school_since,
    NULL::VARCHAR AS year_group,
    pv.cin,
    pv.cp,
    pv.cla,
    pv.previously_looked_after,
    s.imported_from,
    NULL::VARCHAR AS import_date,
    s.ehcp_issued,
    coalesce(strftime(sen2_date(s.review_raw), '%Y-%m-%d'), s.review_raw) AS last_annual_review,
    NULL::VARCHAR AS provision_hours,
    NULL::VARCHAR AS sen_team,
    NULL AS extras
FROM plan_status s
JOIN person_values pv USING (person_id)
WHERE s.placement_status IS NOT NULL
ORDER BY s.src_row;

-- What cannot be used, with the IDs that find it in the export (never a name, UPN or
-- postcode): plans, and placementdetail / senneed rows whose plan is not in activeplans.
CREATE OR REPLACE TEMP TABLE sen2_rejects AS
WITH
plan_ids AS (
    SELECT DISTINCT nullif(trim(activeplanstableid), '') AS plan_id FROM b_activeplans
),
problems AS (
    SELECT src_row, link_problem AS reason, plan_id, request_id, person_id, child_id,
        NULL::INTEGER AS placement_row
    FROM plan_links
    WHERE link_problem IS NOT NULL
    UNION ALL
    SELECT src_row, problem, plan_id, request_id, person_id, child_id, placement_row
    FROM plan_checked
    WHERE problem IS NOT NULL
)
SELECT
    src_row,
    reason,
    json_object('module', 'activeplans', 'activeplanstableid', plan_id, 'requeststableid',
        request_id, 'persontableid', person_id, 'child_id', child_id, 'placementdetail_row',
        placement_row)::VARCHAR AS raw_values,
    child_id
FROM problems
UNION ALL
SELECT
    src_row,
    'placementdetail row ' || src_row || ': a placement without its plan (its '
        || 'activeplanstableid is not in the activeplans file)',
    json_object('module', 'placementdetail', 'placementdetailtableid',
        nullif(trim(placementdetailtableid), ''), 'activeplanstableid',
        nullif(trim(activeplanstableid), ''))::VARCHAR,
    NULL
FROM b_placementdetail
WHERE nullif(trim(activeplanstableid), '') IS NULL
    OR nullif(trim(activeplanstableid), '') NOT IN (SELECT plan_id FROM plan_ids WHERE plan_id IS NOT NULL)
UNION ALL
SELECT
    src_row,
    'senneed row ' || src_row || ': a need without its plan (its activeplanstableid is not '
        || 'in the activeplans file)',
    json_object('module', 'senneed', 'senneedtableid', nullif(trim(senneedtableid), ''),
        'activeplanstableid', nullif(trim(activeplanstableid), ''))::VARCHAR,
    NULL
FROM b_senneed
WHERE nullif(trim(activeplanstableid), '') IS NULL
    OR nullif(trim(activeplanstableid), '') NOT IN (SELECT plan_id FROM plan_ids WHERE plan_id IS NOT NULL)
ORDER BY 1;
