"""An action's measure: a view link read as the sidebar reads it, and its figure then and now."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from data.load import load_batch
from figures.links import parse_view
from figures.measures import child_figure, measure_figure
from figures.protect import Audience
from pages.common.filters import filter_from_state
from pages.common.share import query_pairs

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("measures") / "flags.duckdb"
    load_batch(
        path,
        [(DATA / "f_cohort_2024_02.csv", "2024-02"), (DATA / "f_cohort_2024_03.csv", "2024-03")],
        DATA / "f_casework.csv",
    )
    return path


def test_a_link_reads_back_as_the_filter_the_sidebar_describes():
    # The sidebar's widget values -> the link share.py writes -> parse_view -> the same filter
    # that filters.filter_from_state builds from those widget values.
    state = {
        "district": ["Thanet", "Swale"],
        "need": ["ASD", "Not recorded"],
        "team": ["East"],
        "age": (5, 11),
        "year": ["Year 3"],
        "gender": ["Female"],
        "care": ["Child in need (CIN)"],
        "cin": "Yes",
        "cp": "No",
        "cla": "Any",
        "pla": "No",
        "placement": ["Provision unknown"],
        "import": "Not imports",
        "days_from": 30,
        "days_to": 200,
    }
    link = "http://council.example/explorer?" + urlencode(query_pairs(state, "2026-10"))
    view = parse_view(link)
    assert view.page == "explorer" and view.period == "2026-10"
    assert view.filter_at("2026-10") == filter_from_state(state, "2026-10")


def test_a_text_that_is_not_a_view_link_is_refused():
    with pytest.raises(ValueError, match="not a dashboard view link"):
        parse_view("see the spreadsheet")


def test_a_view_measure_then_and_now(db):
    # Swale holds F-0004, F-0006, F-0007, F-0008 in March; in February F-0004 and F-0006
    # (tests/data/f_cohort_2024_02.csv).
    link = "http://dash/?period=2024-03&district=Swale"
    exact = Audience.exact()
    then = measure_figure("view", link, "2024-02", exact, db=db)
    now = measure_figure("view", link, "2024-03", exact, db=db)
    assert (then.value, then.text) == (2, "2 children")
    assert (now.value, now.text) == (4, "4 children")
    assert measure_figure("", "", "2024-03", exact, db=db) is None
    # as published (the pack): 2 and 4 children are small numbers, shown as c
    published = Audience.published()
    assert measure_figure("view", link, "2024-03", published, db=db).text == "c children"


def test_a_child_measure_says_where_the_child_stands(db):
    march = child_figure("F-0002", "2024-03", db=db)
    assert march.text.startswith(("No placement", "Provision unknown"))
    assert "not in the cohort" in child_figure("F-0002", "2024-02", db=db).text
    assert "not in the cohort" in child_figure("NOBODY", "2024-03", db=db).text
