"""Figures as published on the pages (AppTest), worked out by another route on a 15-child fixture.

tests/data/s_cohort_2024_01.csv, January 2024: Thanet 7 (S-0001..07, all No placement), Dover 6
(S-0008, 09 No placement; S-0010..13 Provision unknown), Swale 2 (S-0014, 15, Provision
unknown); 15 children.

As published (figures/disclosure.py; tests/published_values.py works each value out from the
database's record keys and config/ptable.csv): Swale's 2 is `c`; Thanet's 7 and Dover's 6 are
their counts plus their cell keys' noise (never below 6); the total 15 likewise; the other
districts hold nobody and the cohort is not small, so they read 0. A share is the shown count
over the shown total.

Cross-tab district x placement status: Dover's 2 and 4, Swale's 2 are `c`; Swale's 0 (a row of
2 children) is `c` too (a 0 inside a small group would say where each of them is); Thanet's 0
stays 0 (row 7, column 6: neither small); row, column and grand totals are cells of their own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data.load import load_cohort
from tests.published_values import published, record_keys
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
def env(sign_in_env, db):
    return sign_in_env(db, ROLE_FILE)


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


THANET = [f"S-{i:04d}" for i in range(1, 8)]
DOVER = [f"S-{i:04d}" for i in range(8, 14)]
SWALE = ["S-0014", "S-0015"]
EVERYONE = THANET + DOVER + SWALE


@pytest.fixture
def keys(db):
    return record_keys(db)


def test_senior_leader_breakdown_as_published(keys):
    at = breakdown_by_district(SENIOR)
    rows = district_rows(table_of(at, "District"))
    thanet, dover = published(THANET, keys), published(DOVER, keys)
    total = published(EVERYONE, keys)
    assert 6 <= thanet <= 10 and 6 <= dover <= 9  # the noise never takes them below 6
    assert rows["Thanet"][0] == str(thanet)
    assert round(rows["Thanet"][1], 6) == round(100 * thanet / total, 6)  # of the shown total
    assert rows["Dover"][0] == str(dover)
    assert rows["Swale"][0] == "c" and rows["Swale"][1] != rows["Swale"][1]  # no share
    zeros = [name for name, (count, _) in rows.items() if count == "0"]
    assert "Maidstone" in zeros and "Ashford" in zeros  # nobody there: 0
    assert "Figures as published" in about_text(at)
    bar = chart(at)["data"][0]
    labels = bar["y"] if bar["orientation"] == "h" else bar["x"]
    values = bar["x"] if bar["orientation"] == "h" else bar["y"]
    by_label = dict(zip(labels, zip(values, bar["text"], strict=True), strict=True))
    # a hidden bar is not drawn at its true height: zero length, labelled c
    assert by_label["Swale"] == (0, "c")
    assert by_label["Thanet"] == (thanet, str(thanet))
    # the switch is on and cannot be turned off
    toggle = at.sidebar.toggle(key="_suppress_forced")
    assert toggle.value is True and toggle.disabled


def test_senior_leader_crosstab_as_published(keys):
    at = run(SENIOR, "pages/crosstab.py")
    at.selectbox(key="rows").set_value("district").run()
    at.selectbox(key="cols").set_value("placement_status").run()
    assert not at.exception
    table = table_of(at, "District").set_index("District")
    got = {d: table.loc[d].tolist() for d in ("Thanet", "Dover", "Swale", "Total")}
    no_placement = THANET + DOVER[:2]
    unknown = DOVER[2:] + SWALE
    assert got == {
        "Thanet": [str(published(THANET, keys)), "0", str(published(THANET, keys))],
        "Dover": ["c", "c", str(published(DOVER, keys))],
        "Swale": ["c", "c", "c"],
        "Total": [
            str(published(no_placement, keys)),
            str(published(unknown, keys)),
            str(published(EVERYONE, keys)),
        ],
    }
    heat = chart(at)["data"][0]
    text = dict(zip(heat["y"], heat["text"], strict=True))
    z = dict(zip(heat["y"], heat["z"], strict=True))
    thanet = published(THANET, keys)
    assert [text[d] for d in ("Thanet", "Dover", "Swale")] == [
        [str(thanet), "0"], ["c", "c"], ["c", "c"]
    ]  # fmt: skip
    # hidden cells are unshaded (no colour to give the count away); a true 0 is shaded as 0
    assert [z[d] for d in ("Thanet", "Dover", "Swale")] == [
        [thanet, 0], [None, None], [None, None]
    ]  # fmt: skip
    assert text["Maidstone"] == ["0", "0"]


def test_other_roles_see_exact_counts_until_they_switch_it_on(keys):
    at = breakdown_by_district(QA)
    rows = district_rows(table_of(at, "District"))
    assert (rows["Thanet"][0], rows["Dover"][0], rows["Swale"][0]) == (7, 6, 2)
    assert "Figures as published" not in about_text(at)
    at.sidebar.toggle(key="suppress_small").set_value(True).run()
    rows = district_rows(table_of(at, "District"))
    assert (rows["Thanet"][0], rows["Dover"][0], rows["Swale"][0]) == (
        str(published(THANET, keys)),
        str(published(DOVER, keys)),
        "c",
    )


def test_the_cohort_count_line_is_published_too(keys):
    at = breakdown_by_district(SENIOR)
    at.sidebar.multiselect(key="district").set_value(["Swale"]).run()
    # the context line is a level-2 heading drawn with st.html (pages/common/page.py)
    line = " ".join(h.proto.body for h in at.get("html"))
    total = published(EVERYONE, keys)
    assert f"<strong>c</strong> children match the filters (of {total})" in line
    at = breakdown_by_district(QA)
    at.sidebar.multiselect(key="district").set_value(["Swale"]).run()
    line = " ".join(h.proto.body for h in at.get("html"))
    assert "<strong>2</strong> children match the filters (of 15)" in line
