-- Purpose: the DfE's published EHC plan figures by area and January, from the newest loaded
--   release holding each area and year, with the dashboard's comparison measures.
--   Headline group: children with a plan not in education at compulsory school age plus those
--   in "other placement / awaiting provision" (2023 on, person-level collection); before 2023
--   the aggregate collection had no compulsory-school-age split, so the closest group is
--   "awaiting provision" plus "other" (a break in the series, marked on every chart).
-- Parameters: $council_code VARCHAR (old LA code of the council, e.g. '886'),
--   $neighbour_codes VARCHAR[] (old LA codes of its statistical neighbours)
-- Output: year INTEGER (January), area VARCHAR, role VARCHAR ('Council', 'England', 'Region',
--   'Statistical neighbour', 'Other'), old_la_code VARCHAR, release VARCHAR, plans BIGINT,
--   not_in_education_csa BIGINT, other_placement BIGINT, awaiting_provision_old BIGINT,
--   headline_children BIGINT, headline_per_1000 DOUBLE, collection VARCHAR
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
    CASE
        WHEN year >= 2023 THEN neet_other_csa + other_placement_settings
        ELSE await_prov_2022 + other_placement_settings
    END AS headline_children,
    1000.0 * headline_children / nullif(ehcplans, 0) AS headline_per_1000,
    CASE WHEN year >= 2023 THEN 'person-level (2023 on)' ELSE 'aggregate (to 2022)' END
        AS collection
FROM ranked
WHERE newest = 1
ORDER BY year, role, area
