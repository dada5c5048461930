-- Record what a SEN2 return load says about its period: the date the return describes and
-- whether care status was supplied. Runs in the load's transaction, after publish_cohort.sql
-- (which removes the period's previous row).
-- Params: $period VARCHAR, $as_at DATE, $care_supplied BOOLEAN, $source VARCHAR,
--         $export_date DATE (NULL when the files' names carry none), $load_id INTEGER (the
--         cohort's load).

DELETE FROM period_info WHERE period = $period;

INSERT INTO period_info VALUES ($period, $as_at, $care_supplied, $source, $export_date, $load_id);
