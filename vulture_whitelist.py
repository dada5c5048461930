"""Names vulture (run by .ci/run) would report as unused but that are used by name.

Streamlit, openpyxl, sqlite3 and numpy read attributes the code sets; dataclass fields are
read by name with getattr; a few constants document a coding (kept for the
reader). Each line names the object as vulture reports it. Not imported by anything.
"""

# attributes set for a library that reads them
row_factory  # sqlite3.Connection.row_factory (appstore/connection.py)
writeable  # numpy array flag (pages/common/district_map.py)
font  # openpyxl cell font (pages/common/exports.py)
freeze_panes  # openpyxl worksheet (pages/common/exports.py)

# CohortFilter fields: read by name in CohortFilter.params() (getattr over _LIST_FIELDS)
year_groups
care_statuses
placement_statuses

# the generator's codings, named for the reader of the arrays that hold their indices
MEDIUM  # data/synth_cohort.py: SHORT, MEDIUM, LONG
GENDER_VALUES  # data/synth_cohort.py: what each gender index stands for

# pages/common/filters.py (engineer F's, being reworked into the page-state description)
current_filter

# pytest fixtures that apply themselves (autouse), and an attribute AppTest reads on its next run
_single_user_env  # tests/conftest.py
_pupil_viewer  # tests/conftest.py
_page_hash  # tests/test_trust_pages.py: AppTest requests the page with this URL-path hash
