-- Purpose: every episode out of school (rules: fragments/episode_rules.sql) with what the
--   time-to-return figures count and the first row's columns that the shared cohort filter
--   and the survival dimensions read, but no child ID. queries/survival.py reads it once per
--   data version into an in-memory table and counts it for each filter (episode_counts.sql),
--   because building the episodes takes seconds at 100,000 children x 40 months and a filter
--   change must not.
--   PUPIL-LEVEL (one row per child's episode): run only through queries/pupil.py
--   (run_for_aggregation; never shown).
-- Parameters: none (every episode; the filter is applied to the in-memory table)
-- Output: status, problem, start_changed, first_seen_latest, entry_days, followed_days,
--   return_days (as episodes.sql), then period, age, gender, year_group, primary_need,
--   district, placement_status, care_status, cin, cp, cla, previously_looked_after,
--   is_import, imported_from, days_out, sen_team of the episode's first row, and the child's
--   record key rkey (for the counts' cell keys: figures/disclosure.py)
WITH {{episode_rules}}
SELECT
    status,
    problem,
    start_changed,
    first_seen_latest,
    entry_days,
    followed_days,
    return_days,
    period,
    age,
    gender,
    year_group,
    primary_need,
    district,
    placement_status,
    care_status,
    cin,
    cp,
    cla,
    previously_looked_after,
    is_import,
    imported_from,
    days_out,
    sen_team,
    rkey
FROM episode_rows
