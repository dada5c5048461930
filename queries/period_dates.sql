-- Purpose: what the database says about one period's dates and sources (the `period_dates`
--   view, data/sql/schema.sql): the date its case flags (statutory clocks) are worked out at,
--   and whether care status was supplied. A period loaded from a SEN2 return without the SSD
--   has care status NOT supplied; one loaded from a SEN2 return exported inside the month is
--   as at the export's date. Other periods: as at the census date, care status supplied. No
--   row when the period is not loaded.
-- Parameters: $period VARCHAR 'YYYY-MM'
-- Output: period VARCHAR, census_date DATE, as_at_date DATE, care_status_supplied BOOLEAN,
--   source VARCHAR ('SEN2 return' or 'cohort extract')
SELECT period, census_date, as_at_date, care_status_supplied, source
FROM period_dates
WHERE period = $period
