"""Small-number suppression on the pages (AppTest), worked by hand on a 15-child fixture.

tests/data/s_cohort_2024_01.csv, January 2024: Thanet 7 (all No placement), Dover 6 (2 No
placement, 4 Provision unknown), Swale 2 (both Provision unknown); 15 children.

District breakdown, suppressed: Swale 2 is 1 to 5 (primary, c); the districts add up to the
cohort's 15, so Swale could be worked out from the rest: the smallest other non-zero count,
Dover 6, is hidden too (secondary). Thanet 7 stays (46.7%). Every other district has 0
children: true zeros are shown as 0.

Cross-tab district x placement status (row and column totals shown):
          No placement  Provision unknown  Total
  Thanet        7              0              7
  Dover         2              4              6
  Swale         0              2              2
  Total         9              6             15
Primary: Dover 2, Dover 4, Swale 2 and Swale's total 2. Column "No placement" then holds one
hidden cell (Dover 2) beside its total 9: its smallest other non-zero cell, Thanet 7, is hidden.
The row totals column (7, 6, 2 -> 15) holds one hidden total (Swale 2): its smallest other
non-zero total, Dover 6, is hidden. Row Thanet now holds one hidden cell (7) and a zero: its
total 7 is hidden. Nothing else has a lone hidden cell:
          No placement  Provision unknown  Total
  Thanet        c              0              c
  Dover         c              c              c
  Swale         0              c              c
  Total         9              6             15
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from appstore import audit
from data.load import load_cohort
from tests.test_trust_pages import run

DATA = Path(__file__).resolve().parent / "data"
ISSUER = "https://idp.council.example/tenant-1"
ROLE_FILE = f"""
[identity]
issuer = "{ISSUER}"
[[grant]]
role = "qa_officer"
accounts = ["qa@council.example"]
[[grant]]
role = "senior_leader"
accounts = ["sl@council.example"]
"""
SIGNED = {"iss": ISSUER, "email_verified": True}
SENIOR = {"email": "sl@council.example", "sub": "sl-1", **SIGNED}
QA = {"email": "qa@council.example", "sub": "qa-1", **SIGNED}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("suppression-pages") / "s.duckdb"
    load_cohort(DATA / "s_cohort_2024_01.csv", "2024-01", db)
    return db


@pytest.fixture(autouse=True)
def env(monkeypatch, db, tmp_path):
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLE_FILE, encoding="utf-8")
    monkeypatch.setenv("OOS_DB", str(db))
    monkeypatch.setenv("OOS_ROLES", str(roles))
    monkeypatch.setenv("OOS_APP_STORE", str(tmp_path / "app.sqlite"))
    monkeypatch.delenv("OOS_SINGLE_USER", raising=False)
    yield
    audit.close_connections()


def table_of(at, first_column: str):
    for frame in at.dataframe:
        if first_column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {first_column!r} column")


def about_text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def chart(at, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def district_rows(table) -> dict:
    return {r["District"]: (r["Children"], r["Percent of children"]) for _, r in table.iterrows()}


def breakdown_by_district(user):
    at = run(user, "pages/breakdowns.py")
    at.button_group(key="dim").set_value("district").run()
    assert not at.exception
    return at


def test_senior_leader_breakdown_hides_small_and_secondary_counts_keeps_zeros():
    at = breakdown_by_district(SENIOR)
    rows = district_rows(table_of(at, "District"))
    assert rows["Thanet"][0] == "7" and round(rows["Thanet"][1], 1) == 46.7
    assert rows["Dover"][0] == "c" and pd.isna(rows["Dover"][1])  # no share of a hidden count
    assert rows["Swale"][0] == "c"
    zeros = [name for name, (count, _) in rows.items() if count == "0"]
    assert "Maidstone" in zeros and "Ashford" in zeros  # true zeros kept
    assert "Small numbers" in about_text(at)
    bar = chart(at)["data"][0]
    labels = bar["y"] if bar["orientation"] == "h" else bar["x"]
    values = bar["x"] if bar["orientation"] == "h" else bar["y"]
    by_label = dict(zip(labels, zip(values, bar["text"], strict=True), strict=True))
    # hidden bars are not drawn at their true height: zero length, labelled c
    assert by_label["Dover"] == (0, "c") and by_label["Swale"] == (0, "c")
    assert by_label["Thanet"] == (7, "7")
    # the toggle is on and cannot be turned off
    toggle = at.sidebar.toggle(key="_suppress_forced")
    assert toggle.value is True and toggle.disabled


def test_senior_leader_crosstab_worked_by_hand():
    at = run(SENIOR, "pages/crosstab.py")
    at.selectbox(key="rows").set_value("district").run()
    at.selectbox(key="cols").set_value("placement_status").run()
    assert not at.exception
    table = table_of(at, "District").set_index("District")
    got = {d: table.loc[d].tolist() for d in ("Thanet", "Dover", "Swale", "Total")}
    assert got == {
        "Thanet": ["c", "0", "c"],
        "Dover": ["c", "c", "c"],
        "Swale": ["0", "c", "c"],
        "Total": ["9", "6", "15"],
    }
    heat = chart(at)["data"][0]
    text = dict(zip(heat["y"], heat["text"], strict=True))
    z = dict(zip(heat["y"], heat["z"], strict=True))
    assert [text[d] for d in ("Thanet", "Dover", "Swale")] == [["c", "0"], ["c", "c"], ["0", "c"]]
    # hidden cells are unshaded (no colour to give the count away); zeros are shaded as 0
    assert [z[d] for d in ("Thanet", "Dover", "Swale")] == [[None, 0], [None, None], [0, None]]
    assert text["Maidstone"] == ["0", "0"]


def test_other_roles_see_exact_counts_until_they_switch_it_on():
    at = breakdown_by_district(QA)
    rows = district_rows(table_of(at, "District"))
    assert (rows["Dover"][0], rows["Swale"][0]) == (6, 2)
    assert "Small numbers" not in about_text(at)
    at.sidebar.toggle(key="suppress_small").set_value(True).run()
    rows = district_rows(table_of(at, "District"))
    assert (rows["Thanet"][0], rows["Dover"][0], rows["Swale"][0]) == ("7", "c", "c")


def test_the_cohort_count_line_hides_a_small_filtered_count():
    at = breakdown_by_district(SENIOR)
    at.sidebar.multiselect(key="district").set_value(["Swale"]).run()
    # the context line is a level-2 heading drawn with st.html (pages/common/page.py)
    line = " ".join(h.proto.body for h in at.get("html"))
    assert "<strong>c</strong> children match the filters (of 15)" in line
    at = breakdown_by_district(QA)
    at.sidebar.multiselect(key="district").set_value(["Swale"]).run()
    line = " ".join(h.proto.body for h in at.get("html"))
    assert "<strong>2</strong> children match the filters (of 15)" in line
