"""The zero rule's tables: the coarser ones (an age band over ages, an area of need over needs)
added up from the fine table (figures/protect.py's coarse_counts) instead of a second query,
and the wider filters' ones worked out beside the figure's own (protect.Ahead).

Fixture: tests/data/q_snapshot.csv, period 2024-04, 13 children (tests/test_queries_filters.py's
docstring lists them). Worked by hand:
- areas of need: Communication and interaction ASD 01 07 09 + SLCN 05 = 4; Social, emotional
  and mental health 02 03 10 12 = 4; Cognition and learning MLD 04 + SLD 11 = 2; Sensory and/or
  physical PD 08 + VI 15 = 2; Not recorded 06 = 1.
- age bands: Under 5: 11 (4) = 1; 5 to 10: 03 (8) 05 (5) 09 (10) 15 (9) = 4; 11 to 15: 01 02 06
  12 = 4; 16 to 18: 04 07 = 2; 19 to 25: 08 = 1; Not recorded: 10 (no age) = 1.
- Thanet (01 ASD, 02 SEMH, 09 ASD, 10 SEMH, 15 VI): Communication and interaction 2, Social,
  emotional and mental health 2, Sensory and/or physical 1.
"""

from __future__ import annotations

import pandas as pd
import pytest

from figures import protect
from queries import aggregates, runner
from queries.filters import CohortFilter
from tests.q_fixture import build_fixture_db

APRIL = CohortFilter(period="2024-04")
AREAS = {
    "Communication and interaction": 4,
    "Social, emotional and mental health": 4,
    "Cognition and learning": 2,
    "Sensory and/or physical": 2,
    "Not recorded": 1,
}
BANDS = {"Under 5": 1, "5 to 10": 4, "11 to 15": 4, "16 to 18": 2, "19 to 25": 1, "Not recorded": 1}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_fixture_db(tmp_path_factory.mktemp("coarse") / "fixture.duckdb")
    yield path
    runner.close_all()


def _nonzero(frame: pd.DataFrame, key: str = "category") -> dict:
    return {k: int(n) for k, n in zip(frame[key], frame["children"], strict=True) if n}


@pytest.mark.parametrize(("fine", "coarse", "expected"), [
    ("primary_need", "need_area", AREAS),
    ("age", "age_band", BANDS),
])  # fmt: skip
def test_the_coarse_breakdown_is_the_fine_one_added_up(db, fine, coarse, expected):
    added = protect.coarse_counts(aggregates.breakdown(APRIL, fine, db=db), fine)
    assert _nonzero(added) == expected
    # the same as the coarse dimension's own query
    assert _nonzero(added) == _nonzero(aggregates.breakdown(APRIL, coarse, db=db))


def test_a_coarse_cross_tab_is_the_fine_one_added_up_within_each_column(db):
    fine = aggregates.crosstab(APRIL, "primary_need", "district", db=db)
    added = protect.coarse_counts(fine, "primary_need", "row_category", ("col_category",))
    thanet = added[added["col_category"] == "Thanet"]
    assert _nonzero(thanet, "row_category") == {
        "Communication and interaction": 2,
        "Social, emotional and mental health": 2,
        "Sensory and/or physical": 1,
    }
    query = aggregates.crosstab(APRIL, "need_area", "district", db=db)
    by_cell = {(r, c): int(n) for r, c, n in query[["row_category", "col_category", "children"]]
               .itertuples(index=False) if n}  # fmt: skip
    assert {(r, c): int(n) for r, c, n in added.itertuples(index=False) if n} == by_cell


def test_a_trend_is_added_up_period_by_period(db):
    fine = aggregates.trend(APRIL, "primary_need", "2024-04", "2024-04", db=db)
    added = protect.coarse_counts(fine, "primary_need", others=("period",))
    assert set(added["period"]) == {"2024-04"}
    assert _nonzero(added) == AREAS


def test_the_wider_filters_tables_are_started_at_once_and_handed_back(db):
    f = CohortFilter(period="2024-04", districts=("Thanet",), needs=("SEMH",))
    started = []

    def fetch(p):
        started.append(p)
        return aggregates.breakdown(p, "primary_need", db=db)

    early = protect.Ahead(f, protect.Audience.published(), fetch)
    wider = protect.wider(f, protect.Audience.published())
    # Thanet with any need (5 children), SEMH anywhere (4): one condition left out each
    assert wider == [CohortFilter(period="2024-04", needs=("SEMH",)),
                     CohortFilter(period="2024-04", districts=("Thanet",))]  # fmt: skip
    assert sum(early(wider[0])["children"]) == 4 and sum(early(wider[1])["children"]) == 5
    assert sorted(map(repr, started)) == sorted(map(repr, wider))  # each fetched once
    # a filter not started is fetched when asked for; an exact audience starts nothing
    assert sum(early(APRIL)["children"]) == 13 and len(started) == 3
    none = protect.Ahead(f, protect.Audience.exact(), fetch)
    assert len(started) == 3
    assert sum(none(APRIL)["children"]) == 13 and len(started) == 4
    # not likely to be needed: nothing started, fetched only when asked for
    later = protect.Ahead(f, protect.Audience.published(), fetch, likely=False)
    assert len(started) == 4
    assert sum(later(wider[0])["children"]) == 4 and len(started) == 5
