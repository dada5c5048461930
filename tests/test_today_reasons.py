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
from tests.conftest import view_link

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


# --- links: Back keeps the tier and the page (issue 18, item 3) --------------------------------


@pytest.fixture(scope="module")
def sixty_db(tmp_path_factory) -> Path:
    """60 children all out of sight (provision unknown and looked after) on 31 March 2024,
    out of school since the same day: act now holds all 60, in child ID order (same clock),
    so page 2 of 50 holds T-0051 to T-0060."""
    folder = tmp_path_factory.mktemp("sixty")
    head = (DATA / "f_cohort_2024_03.csv").read_text().splitlines()[0]
    rows = [
        f"T-{k:04d},2012-05-01,F,ASD,Dover,Provision unknown,2024-02-01,,N,N,Y,N,,,"
        "2023-06-01,,,East"
        for k in range(1, 61)
    ]
    cohort = folder / "t_cohort_2024_03.csv"
    cohort.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    db = folder / "sixty.duckdb"
    load_batch(db, [(cohort, "2024-03")], DATA / "f_casework.csv")
    return db


def today_at(monkeypatch, db: Path, **query) -> AppTest:
    monkeypatch.setenv("OOS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/today.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def listed(at):
    return next(d.value for d in at.dataframe if "Why" in d.value.columns)


def test_each_chronology_link_carries_the_tier_and_page(monkeypatch, sixty_db):
    at = today_at(monkeypatch, sixty_db, today_page="2")
    table = listed(at)
    assert table["Child ID"].tolist() == [f"T-{k:04d}" for k in range(51, 61)]
    assert table["Chronology"].iloc[0] == (
        "chronology?child=T-0051&period=2024-03&from_tier=Act+now&from_page=2"
    )


def test_today_reopens_on_the_tier_and_page_a_chronology_came_from(monkeypatch, sixty_db):
    # the browser's Back from a chronology opens Today with the chronology's address
    # (tests/browser/test_today_links.py): from_tier and from_page, and no today_tier
    at = today_at(monkeypatch, sixty_db, child="T-0051", from_tier="Act now", from_page="2")
    assert any(c.value.startswith("Children 51 to 60 of 60") for c in at.caption)
    assert listed(at)["Child ID"].iloc[0] == "T-0051"
    # the copied link names the page, so it reopens the same view
    assert "today_page=2" in view_link(at)


def test_the_chronology_offers_back_to_the_same_tier_and_page(monkeypatch, flags_db):
    monkeypatch.setenv("OOS_DB", str(flags_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in {"child": "F-0001", "period": "2024-03", "from_tier": "Watch",
                       "from_page": "1"}.items():  # fmt: skip
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/chronology.py")
    at.run()
    links = [link for link in at.get("page_link") if "Back to Today" in link.proto.label]
    assert [link.proto.label for link in links] == ["Back to Today (Watch, page 1)"]
    assert links[0].proto.page == "today"
    assert links[0].proto.query_string == "today_tier=Watch&today_page=1"


def test_a_bad_back_value_is_explained(monkeypatch, flags_db):
    monkeypatch.setenv("OOS_DB", str(flags_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in {"child": "F-0001", "from_tier": "Urgent", "from_page": "x"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/chronology.py")
    at.run()
    said = [w.value.replace("\\", "") for w in at.warning]
    assert (
        "This link asked to go back to Today's tier shown “Urgent”, which is not one of its "
        "choices; Back leaves it out." in said
    )
    assert any("Today's page “x”" in s for s in said)
