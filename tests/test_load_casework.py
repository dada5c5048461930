"""The casework loader: accepted forms, warnings, quarantine and whole-log replacement.

Expected values worked out by hand from tests/data/load_casework_forms.csv (12 data rows).
"""

from __future__ import annotations

import datetime as dt

from data.load import load_casework
from tests.conftest import query


def test_casework_forms_warnings_and_quarantine(db_path, test_data):
    report = load_casework(test_data / "load_casework_forms.csv", db_path)
    # loaded: rows 2, 4, 5, 6, 7, 13; quarantined: 3 (repeat), 8, 9, 10, 11, 12
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (12, 6, 6)
    events = query(
        db_path,
        "SELECT source_row, child_id, event_date, event_type, provider_key, provision_type, "
        "hours_per_week FROM casework ORDER BY source_row",
    )
    assert events == [
        (2, "T-0101", dt.date(2023, 2, 1), "consultation", "oak academy", "School place", None),
        # 01/03/2023 is 1 March; provider trimmed, case and inner spaces folded for comparing
        (4, "T-0101", dt.date(2023, 3, 1), "offer_declined", "acme tuition", "Tuition", None),
        (5, "T-0101", dt.date(2023, 3, 5), "offer_withdrawn", "acme tuition", "Tuition", 4.0),
        # 'Tutoring' is no provision type and -5 hours cannot be: both unknown, both warned
        (6, "T-0101", dt.date(2023, 3, 7), "provision_started", "acme tuition", None, None),
        (7, "T-0102", dt.date(2023, 4, 1), "annual_review", None, None, None),
        # a detail with a line break inside quotes is one record, row 13
        (13, "T-0102", dt.date(2023, 5, 1), "tribunal", None, None, None),
    ]
    assert query(db_path, "SELECT provider FROM casework WHERE source_row = 4") == [
        ("Acme   TUITION",)
    ]
    detail = query(db_path, "SELECT detail FROM casework WHERE source_row = 2")[0][0]
    assert detail == 'Consulted, see <b>notes</b> & "minutes"'
    reasons = query(db_path, "SELECT source_row, reason FROM quarantine ORDER BY 1")
    assert reasons == [
        (3, "exact repeat of row 2 (loaded once)"),
        (8, "event_type 'bogus event' is not one of the contract's event types"),
        (9, "no child_id"),
        (10, "event_date 'not a date' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)"),
        (11, "event_date is blank"),
        (12, "event_type is blank"),
    ]
    assert report.warnings_by_column == {"hours_per_week": 2, "provision_type": 1}


def test_a_newer_log_replaces_the_older_whole(db_path, test_data, tmp_path):
    load_casework(test_data / "load_casework_forms.csv", db_path)
    newer = tmp_path / "newer.csv"
    newer.write_text("child_id,event_date,event_type\nT-0900,2023-06-01,note\n")
    # one event replacing six: under half, so the command says it means it
    report = load_casework(newer, db_path, replace=True)
    assert report.rows_loaded == 1
    assert query(db_path, "SELECT child_id FROM casework") == [("T-0900",)]
    # the older log's quarantine went with it; the load history keeps both loads
    assert query(db_path, "SELECT count(*) FROM quarantine WHERE kind = 'casework'") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM load_log") == [(2,)]
