"""The briefing pack's context part: rates, time to return, England (figures/rates.py,
survival.py, england.py, findings.py, as published).

A small synthetic build (with a caseload every month) through the real loader; figures are
compared with the query layer's, and protection is checked on a filter small enough to hide.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.content import collect
from briefing.render import to_html
from queries import rates
from queries.filters import CohortFilter
from tests.published_values import published, record_keys

RATE = "Rate per 100"


def _ids(db, view: str) -> list[str]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(f"SELECT child_id FROM {view} WHERE period = '2026-10'").fetchall()
    finally:
        con.close()
    return [c for (c,) in rows]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from data.generate import build_demo_database

    db = tmp_path_factory.mktemp("pack-context") / "demo.duckdb"
    build_demo_database(db, children=150, periods=3)
    return db


def test_pack_holds_rates_time_to_return_and_england(demo_db, tmp_path):
    pack = collect("2026-10", db=demo_db, store=tmp_path / "s.sqlite")
    assert [s.key for s in pack.context] == ["rates", "time_to_return", "england"]
    overall = rates.overall_rate(CohortFilter(period="2026-10"), db=demo_db)
    assert overall["children_out"] > 5
    # as published: the rate of the two counts as shown (tests/published_values.py)
    out = published(_ids(demo_db, "cohort"), record_keys(demo_db))
    plans = published(_ids(demo_db, "caseload"), record_keys(demo_db, "caseload"))
    assert pack.context_sentences[0].startswith(f"{100 * out / plans:.1f} in every 100")
    assert any("Kent had the highest rate of the 11" in s for s in pack.context_sentences)
    england = pack.context[2].table.set_index("Area")
    assert england.loc["Kent", "Both per 1,000 plans"] == "32.2"
    html = to_html(pack)
    assert "In context: rates, time to return, England and similar councils" in html


def test_small_counts_in_the_context_tables_are_suppressed(demo_db, tmp_path):
    # one district's girls in year 7: counts of 1 to 5 somewhere in the district table
    f = CohortFilter(period="2026-10", genders=("Female",), year_groups=("Year 7",))
    pack = collect("2026-10", cohort_filter=f, db=demo_db, store=tmp_path / "s.sqlite")
    rates_table = pack.context[0].table
    small = (rates_table["Children out of school"] == "c").to_numpy()
    assert small.any()
    # nothing worked out from a hidden count is printed: no rate, no interval
    assert (rates_table.loc[small, RATE] == "–").all()
    assert (rates_table.loc[small, "95% interval from"] == "–").all()
    shown = rates_table.loc[~small, "Children out of school"].astype(int)
    assert not shown.between(1, 5).any()
    assert pack.any_suppressed
