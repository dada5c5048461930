-- Purpose: every value found in the data for the fields the sidebar filters on, so the
--   choices include values the vocabulary does not list (free-text SEN teams, the local
--   authorities imports came from, 'Not recorded').
-- Parameters: none
-- Output: field VARCHAR (district, primary_need, year_group, gender, care_status,
--   placement_status, sen_team, imported_from), value VARCHAR, children BIGINT (rows across
--   all periods), children_ckey INTEGER (their cell key: figures/disclosure.py)
SELECT 'district' AS field, district AS value, count(*) AS children,
    (sum(rkey) % 256)::INTEGER AS children_ckey
FROM cohort
GROUP BY ALL
UNION ALL
SELECT 'primary_need', primary_need, count(*), (sum(rkey) % 256)::INTEGER
FROM cohort
GROUP BY ALL
UNION ALL
SELECT 'year_group', year_group, count(*), (sum(rkey) % 256)::INTEGER
FROM cohort
GROUP BY ALL
UNION ALL
SELECT 'gender', gender, count(*), (sum(rkey) % 256)::INTEGER
FROM cohort
GROUP BY ALL
UNION ALL
SELECT 'care_status', care_status, count(*), (sum(rkey) % 256)::INTEGER
FROM cohort
GROUP BY ALL
UNION ALL
SELECT 'placement_status', placement_status, count(*), (sum(rkey) % 256)::INTEGER
FROM cohort
GROUP BY ALL
UNION ALL
SELECT 'sen_team', sen_team, count(*), (sum(rkey) % 256)::INTEGER
FROM cohort
GROUP BY ALL
UNION ALL
SELECT 'imported_from', imported_from, count(*), (sum(rkey) % 256)::INTEGER
FROM cohort
WHERE imported_from IS NOT NULL
GROUP BY ALL
ORDER BY field, value
