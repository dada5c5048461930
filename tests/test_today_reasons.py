"""Reasons that agree (issue 18, item 2): one sentence per flag from the values the flag used,
the terms explained, the flags named in "new this month", no reason cut.

Pure sentences from hand-made rows, then the casework fixture (tests/data/f_*.csv, March 2024
compared with February) through the loader and the pages. F-0009 in March: placement
"Provision unknown", a child in need (cin Y, cp N, cla N): out of sight. F-0004: in February
section 19 due and a chain of consultations, last event 20 February (9 days before the census:
not stalled); in March the same two and no action for 40 days (stalled): it gained "no recent
action". F-0006: stalled with its annual review overdue in both months: gained nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.load import load_batch
from figures.flag_words import reasons, worklist_reason_text
from queries import casework
from queries.filters import CohortFilter

D = dt.date
CENSUS = D(2026, 10, 31)
ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
MARCH = CohortFilter(period="2024-03")


def test_days_and_terms_cannot_contradict():
    # the lead's "no provision for 120 days; 3 terms without provision": 120 days is this gap,
    # the 3 terms count every gap since leaving school; the sentences now say which is which
    row = {
        "census_date": CENSUS, "s19_due": True, "days_without_provision": 120,
        "no_provision_since": D(2026, 7, 3), "terms_without_provision": 3,
    }  # fmt: skip
    assert reasons(row) == [
        "no provision for 120 days, since 3 July",
        "3 terms without provision, counting every gap since leaving school",
    ]
    # "4 terms" beside 0 days: provision in place now, the terms were in earlier gaps
    row = {"census_date": CENSUS, "days_without_provision": 0, "terms_without_provision": 4}
    assert reasons(row) == ["4 terms without provision in earlier gaps, with provision since"]


def test_new_this_month_names_the_flags_gained():
    row = {
        "census_date": CENSUS, "tier": "new_this_month", "joined_cohort": False,
        "gained_flag": True, "gained_flags": ["s19_due", "stalled"],
        "s19_due": True, "days_without_provision": 30, "no_provision_since": D(2026, 10, 1),
        "stalled": True, "days_since_last_event": 29,
    }  # fmt: skip
    assert worklist_reason_text(row, "September 2026") == (
        "gained 2 flags since September 2026: Section 19 provision due and No recent action; "
        "no provision for 30 days, since 1 October; no action for 29 days"
    )
    one = {**row, "gained_flags": ["records_disagree"], "s19_due": False, "stalled": False}
    assert worklist_reason_text(one, "September 2026") == (
        "gained a flag since September 2026: Records disagree"
    )


def test_out_of_sight_is_never_cut():
    # a row with the care flags: named; a row without them (an older query's columns): the
    # extract's care status, never "provision unknown and" with nothing after it
    assert reasons({"census_date": CENSUS, "out_of_sight": True, "cin": True}) == [
        "out of sight: provision unknown and a child in need"
    ]
    assert reasons({"census_date": CENSUS, "out_of_sight": True, "care_status": "CIN"}) == [
        "out of sight: provision unknown and cin"
    ]
    assert reasons({"census_date": CENSUS, "out_of_sight": True}) == [
        "out of sight: provision unknown"
    ]


@pytest.fixture(scope="module")
def flags_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("today-reasons") / "flags.duckdb"
    load_batch(
        db,
        [(DATA / "f_cohort_2024_02.csv", "2024-02"), (DATA / "f_cohort_2024_03.csv", "2024-03")],
        DATA / "f_casework.csv",
    )
    return db


def test_the_flags_gained_come_from_the_query(flags_db):
    rows = casework.worklist_children(MARCH, db=flags_db).set_index("child_id")
    assert list(rows.loc["F-0004", "gained_flags"]) == ["stalled"]
    assert list(rows.loc["F-0006", "gained_flags"]) == []
    # a child not in February's snapshot joined: nothing to compare with
    assert pd.isna(rows.loc["F-0002", "gained_flags"])
    gained = {**rows.loc["F-0002"], "tier": "new_this_month", "joined_cohort": False,
              "gained_flag": True}  # fmt: skip
    assert worklist_reason_text(gained, "February 2024") == "gained a flag since February 2024"


def test_the_chronology_names_a_child_in_needs_care_status(monkeypatch, flags_db):
    monkeypatch.setenv("OOS_DB", str(flags_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["child"] = "F-0009"
    at.query_params["period"] = "2024-03"
    at.run()
    at.switch_page("pages/chronology.py")
    at.run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert "- out of sight: provision unknown and a child in need" in text


def test_the_terms_column_says_what_a_term_is(flags_db):
    from figures.casework import worklist
    from figures.protect import Audience

    today = worklist(MARCH, audience=Audience.exact(), db=flags_db)
    # config/flags.toml: term_share_without_provision = 0.5
    assert today.terms_help == (
        "School terms without provision, counting every gap since the child left school (not "
        "only the current one): a term counts when the child had no provision for more than "
        "half of it."
    )
