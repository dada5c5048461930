-- Purpose: the DfE's published EHC plan figures by area and January, from the newest loaded
--   release holding each area and year, with the dashboard's comparison measures.
--   Headline group: children with a plan not in education at compulsory school age plus those
--   in 'other' placements (2023 on, person-level collection: neet_other_csa +
--   other_placement_settings). Before 2023 this file has no compulsory-school-age split:
--   headline_children is NULL there, and old_children is the nearest it has ("awaiting
--   provision" of any age plus "other"); queries/published.py fills the headline from the
--   2022 release's split where it can.
-- Parameters: $council_code VARCHAR (old LA code of the council, e.g. '886'),
--   $neighbour_codes VARCHAR[] (old LA codes of its statistical neighbours)
-- Output: year INTEGER (January), area VARCHAR, role VARCHAR ('Council', 'England', 'Region',
--   'Statistical neighbour', 'Other'), old_la_code VARCHAR, release VARCHAR, plans BIGINT,
--   not_in_education_csa BIGINT, other_placement BIGINT, awaiting_provision_old BIGINT,
--   headline_children BIGINT, headline_per_1000 DOUBLE (NULL before 2023), old_children
--   BIGINT, old_per_1000 DOUBLE (before 2023 only), collection VARCHAR
WITH ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY geographic_level, area, year ORDER BY loaded_at DESC, release DESC
        ) AS newest
    FROM published_ehcp
    WHERE coalesce(breakdown, 'All EHC plans') = 'All EHC plans'
)
SELECT
    year,
    area,
    CASE
        WHEN old_la_code = $council_code THEN 'Council'
        WHEN geographic_level = 'National' THEN 'England'
        WHEN geographic_level = 'Regional' THEN 'Region'
        WHEN list_contains($neighbour_codes, old_la_code) THEN 'Statistical neighbour'
        ELSE 'Other'
    END AS role,
    old_la_code,
    release,
    ehcplans AS plans,
    neet_other_csa AS not_in_education_csa,
    other_placement_settings AS other_placement,
    await_prov_2022 AS awaiting_provision_old,
    -- before 2023 this file has no compulsory-school-age split: queries/published.py adds it
    -- from the 2022 release's sen2_estab_caseload.csv where that file has the area
    CASE WHEN year >= 2023 THEN neet_other_csa + other_placement_settings END
        AS headline_children,
    1000.0 * headline_children / nullif(ehcplans, 0) AS headline_per_1000,
    -- before 2023, the nearest measure this file has: every child awaiting provision, of any
    -- age, plus 'other' (shown only where the matched measure cannot be made)
    CASE WHEN year < 2023 THEN await_prov_2022 + other_placement_settings END AS old_children,
    1000.0 * old_children / nullif(ehcplans, 0) AS old_per_1000,
    CASE WHEN year >= 2023 THEN 'person-level (2023 on)' ELSE 'aggregate (to 2022)' END
        AS collection
FROM ranked
WHERE newest = 1
ORDER BY year, role, area
