-- Shared cohort filter: the ONE place the sidebar's filters become SQL. Not a query on its own:
-- a query writes {{cohort_filter}} in a WHERE clause over `cohort` (columns unqualified, so
-- use it on a single `cohort` scan or a subquery of one) and the runner inserts this text.
-- Every parameter is optional: NULL means "no restriction" (filters.CohortFilter.params()).
-- Each optional condition is one line `AND ($name IS NULL OR ...)`: the runner leaves a line
-- out of the SQL it sends when $name is NULL (it holds for every row; queries/runner.py).
-- Parameters:
--   $period_from, $period_to  VARCHAR 'YYYY-MM', inclusive range (both = the period viewed)
--   $districts, $needs, $year_groups, $genders, $care_statuses, $placement_statuses,
--   $sen_teams                VARCHAR[] or NULL: keep rows whose value is in the list
--   $age_min, $age_max, $days_out_min, $days_out_max
--                             INTEGER or NULL, inclusive bounds; a set bound leaves out rows
--                             whose value is not recorded (NULL)
--   $cin, $cp, $cla, $previously_looked_after, $is_import
--                             BOOLEAN or NULL (NULL = either)
period BETWEEN $period_from AND $period_to
AND ($districts IS NULL OR district = ANY($districts))
AND ($needs IS NULL OR primary_need = ANY($needs))
AND ($age_min IS NULL OR age >= $age_min)
AND ($age_max IS NULL OR age <= $age_max)
AND ($year_groups IS NULL OR year_group = ANY($year_groups))
AND ($genders IS NULL OR gender = ANY($genders))
AND ($care_statuses IS NULL OR care_status = ANY($care_statuses))
AND ($cin IS NULL OR cin = $cin)
AND ($cp IS NULL OR cp = $cp)
AND ($cla IS NULL OR cla = $cla)
AND ($previously_looked_after IS NULL OR previously_looked_after = $previously_looked_after)
AND ($placement_statuses IS NULL OR placement_status = ANY($placement_statuses))
AND ($is_import IS NULL OR is_import = $is_import)
AND ($days_out_min IS NULL OR days_out >= $days_out_min)
AND ($days_out_max IS NULL OR days_out <= $days_out_max)
AND ($sen_teams IS NULL OR sen_team = ANY($sen_teams))
