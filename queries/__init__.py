"""Query layer: named SQL files in this folder, run read-only and cached.

- runner.py      runs queries/<name>.sql (bound parameters, allow-listed template slots,
                 read-only connection per database file, bounded cache keyed by data version)
- filters.py     CohortFilter: the sidebar's choices; the SQL is fragments/cohort_filter.sql
- dimensions.py  allow-list of dimensions (SQL expression, natural category order) from vocab
- aggregates.py  chart-sized results: breakdowns, cross-tabs, trends, headlines, data quality
- pupil.py       the only way pupil-level rows leave the database

Nothing here imports streamlit.
"""
