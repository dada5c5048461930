"""The synthetic EHC plan caseload (data/synth_caseload.py through data/generate.py).

One small build through the real loader: every cohort child is in the caseload of the same
period (bar the rare lost child_id, which the loader quarantines), the caseload is about
fourteen times the children out of school, and its proportions look like Kent's plans.
"""

from __future__ import annotations

import duckdb
import pytest

from data import generate

SMALL = {"children": 300, "periods": 4, "end": "2026-10"}


def _one(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("caseload") / "demo.duckdb"
    generate.build_demo_database(db, seed=11, **SMALL)
    return db


def test_every_period_has_a_caseload_holding_its_cohort(demo):
    periods = _one(demo, "SELECT DISTINCT period FROM caseload ORDER BY 1")
    assert [p for (p,) in periods] == ["2026-07", "2026-08", "2026-09", "2026-10"]
    missing, cohort_rows = _one(
        demo,
        "SELECT count(*) FILTER (WHERE k.child_id IS NULL), count(*) FROM cohort c "
        "LEFT JOIN caseload k USING (period, child_id)",
    )[0]
    # a lost child_id in the caseload export (1 in 5,000 rows) is the only way to miss one
    assert missing <= 2 and cohort_rows > 1000


def test_caseload_size_and_proportions_are_plausible(demo):
    plans, male, asd_slcn = _one(
        demo,
        "SELECT count(*), avg((gender = 'Male')::INT), avg((primary_need IN ('ASD','SLCN'))::INT) "
        "FROM caseload WHERE period = '2026-10'",
    )[0]
    # 300 out of school + 13 x 300 in school = 4,200, less the few quarantined rows
    assert 4100 <= plans <= 4200
    # boys hold about seven plans in ten; autism and SLCN together about half of plans
    assert 0.66 <= male <= 0.76 and 0.45 <= asd_slcn <= 0.62
    # plans grow over time
    first, last = _one(
        demo,
        "SELECT count(*) FILTER (WHERE period = '2026-07'), count(*) FILTER "
        "(WHERE period = '2026-10') FROM caseload",
    )[0]
    assert first < last


def test_no_caseload_leaves_the_caseload_out(tmp_path):
    db = tmp_path / "plain.duckdb"
    assert (
        generate.main(["--db", str(db), "--children", "30", "--periods", "1", "--no-caseload"]) == 0
    )
    assert _one(db, "SELECT count(*) FROM caseload") == [(0,)]
    assert _one(db, "SELECT count(*) > 0 FROM cohort") == [(True,)]
