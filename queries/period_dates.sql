-- Purpose: what the database says about one period's dates and sources: the date its case
--   flags (statutory clocks) are worked out at, and whether care status was supplied. A
--   period loaded from a SEN2 return without the SSD has care status NOT supplied; one loaded
--   from a SEN2 return exported inside the month is as at the export's date. Other periods:
--   as at the census date, care status supplied. No row when the period is not loaded.
-- Parameters: $period VARCHAR 'YYYY-MM'
-- Output: period VARCHAR, census_date DATE, as_at_date DATE, care_status_supplied BOOLEAN,
--   source VARCHAR ('SEN2 return' or 'cohort extract')
SELECT
    s.period,
    s.census_date,
    coalesce(i.as_at_date, s.census_date) AS as_at_date,
    coalesce(i.care_status_supplied, TRUE) AS care_status_supplied,
    coalesce(i.source, 'cohort extract') AS source
FROM (SELECT any_value(census_date) AS census_date, $period AS period FROM snapshot WHERE period = $period HAVING count(*) > 0) AS s
LEFT JOIN period_info AS i ON i.period = s.period
