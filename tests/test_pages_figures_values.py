"""The values the figures layer hands the pages: immutable, keyless, kept per database version.

Fixture: tests/q_fixture.py's database (tests/data/q_*.csv, with the fixed test secret).
"""

from __future__ import annotations

import dataclasses
import os

import pandas as pd
import pytest

from figures.breakdowns import breakdown
from figures.links import CohortFilter
from figures.protect import Audience
from figures.values import Table
from queries import runner
from tests.q_fixture import build_fixture_db

APRIL = CohortFilter("2024-04")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_fixture_db(tmp_path_factory.mktemp("figure-values") / "fixture.duckdb")
    yield path
    runner.close_all()


def test_a_table_never_carries_a_disclosure_key():
    frame = pd.DataFrame({"category": ["A"], "children": [7], "children_ckey": [201], "rkey": [5]})
    table = Table.of(frame)
    assert table.columns == ("category", "children")
    assert list(table.frame().columns) == ["category", "children"]


def test_a_table_reads_back_its_values_and_a_column_of_nothing_as_missing_numbers():
    frame = pd.DataFrame({"label": ["A", "B"], "rate": [1.5, None], "low": [None, None]})
    back = Table.of(frame).frame()
    assert back["label"].tolist() == ["A", "B"]
    assert back["rate"].iloc[0] == 1.5 and pd.isna(back["rate"].iloc[1])
    assert str(back["low"].dtype) == "float64" and back["low"].isna().all()


def test_a_figure_cannot_be_changed_on_its_way(db):
    figure = breakdown(APRIL, "district", audience=Audience.exact(), db=db)
    with pytest.raises(dataclasses.FrozenInstanceError):
        figure.title = "something else"  # type: ignore[misc]
    with pytest.raises(TypeError):
        figure.table.rows[0][1] = 0  # type: ignore[index]
    # what a page receives is its own copy: changing it changes nothing for the next page
    mine = figure.table.frame()
    mine.loc[0, "Children"] = -1
    assert figure.table.frame().loc[0, "Children"] != -1


def test_one_figure_per_filter_audience_and_database_version(db):
    exact = Audience.exact()
    first = breakdown(APRIL, "district", audience=exact, db=db)
    assert breakdown(APRIL, "district", audience=exact, db=db) is first  # kept
    assert breakdown(APRIL, "district", audience=Audience.published(), db=db) is not first
    # a newly published file is a new version: the figure is made again from it
    stat = os.stat(db)
    os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    again = breakdown(APRIL, "district", audience=exact, db=db)
    assert again is not first and again == first  # the same data, so the same value
