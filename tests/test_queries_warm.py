"""The views pages open on, worked out after a publish and at start-up (queries/warm.py).

On the fixture of tests/data/p_cohort_2023_0[56].csv: the breakdown by district of the latest
month with no filter is remembered (beside the database, the month written as 0 months before
the latest); after the next month is published and the server restarts, the warm-up works it
out for the new latest month, so the page's own call is answered from the cache. Filtered,
older-month, pupil-level and caseworker queries are never remembered; a query of no month
(the load history) is.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from data.load import load_batch, load_cohort
from queries import aggregates, casework, runner, warm
from queries.filters import CohortFilter

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "warm.duckdb"
    load_batch(
        path,
        [(DATA / "p_cohort_2023_05.csv", "2023-05"), (DATA / "p_cohort_2023_06.csv", "2023-06")],
    )
    warm.forget()
    runner.clear_cache()
    yield path
    warm.forget()
    runner.clear_cache()
    runner.close_all()


def remembered(db: Path) -> list[dict]:
    return json.loads(Path(f"{db}{warm.SUFFIX}").read_text(encoding="utf-8"))


def test_the_latest_month_with_no_filter_is_remembered_and_nothing_else(db):
    aggregates.breakdown(CohortFilter(period="2023-06"), "district", db=db)
    aggregates.breakdown(CohortFilter(period="2023-06", districts=("Thanet",)), "gender", db=db)
    aggregates.breakdown(CohortFilter(period="2023-05"), "primary_need", db=db)  # older
    casework.worklist_counts(
        CohortFilter(period="2023-06"), caseworker="a.b@council.example", db=db
    )
    entries = remembered(db)
    text = json.dumps(entries)
    assert [e["name"] for e in entries].count("children_by_category") == 1
    district = next(e for e in entries if e["name"] == "children_by_category")
    assert district["params"]["period_to"] == {"months": 0}  # "the latest month", not 2023-06
    # neither the filtered breakdown (gender, Thanet) nor the older month's (need)
    dimensions = [e["template"].get("dimension") for e in entries]
    assert "gender" not in dimensions and "primary_need" not in dimensions
    assert all(e["params"].get("districts") is None for e in entries)
    assert "2023-05" not in text and "2023-06" not in text
    assert "a.b@council.example" not in text  # nobody named
    assert "P-00" not in text  # no child


def publish_july_and_restart(db, tmp_path) -> None:
    """Next month published (June's children again as July, a copy of the file), then a
    restart: the process forgets everything, the list beside the database stays, and the
    start-up warm-up runs to its end."""
    july = tmp_path / "july.csv"
    shutil.copy(DATA / "p_cohort_2023_06.csv", july)
    load_cohort(july, "2023-07", db)
    warm.forget()
    runner.close_all()
    runner.clear_cache()
    thread = warm.start(db)
    assert thread is not None
    thread.join(timeout=120)
    assert not thread.is_alive()


def test_after_a_publish_and_a_restart_the_new_month_is_worked_out_before_anyone_asks(db, tmp_path):
    f = CohortFilter(period="2023-06")
    first = aggregates.breakdown(f, "district", db=db)
    publish_july_and_restart(db, tmp_path)
    assert warm.start(db) is None  # this version is warm: no second thread
    before = runner.cache_info()
    again = aggregates.breakdown(CohortFilter(period="2023-07"), "district", db=db)
    after = runner.cache_info()
    # the page's own call found the query answered: its SQL was a hit, not a miss
    assert after["misses"] == before["misses"]
    assert after["hits"] > before["hits"]
    assert again["children"].tolist() == first["children"].tolist()  # July copies June


def test_a_query_no_page_runs_any_more_is_dropped(db):
    aggregates.breakdown(CohortFilter(period="2023-06"), "district", db=db)
    listed = remembered(db)
    listed.append({"name": "no_such_query", "params": {}, "template": {}})
    Path(f"{db}{warm.SUFFIX}").write_text(json.dumps(listed), encoding="utf-8")
    warm.forget()
    runner.clear_cache()
    thread = warm.start(db)
    thread.join(timeout=120)
    # the next remembered query rewrites the list without it
    aggregates.breakdown(CohortFilter(period="2023-06"), "gender", db=db)
    names = [e["name"] for e in remembered(db)]
    assert "no_such_query" not in names and "children_by_category" in names


def test_time_to_returns_own_caches_are_worked_out_again_after_a_publish_and_a_restart(
    db, tmp_path
):
    """Time to return keeps the episodes and the fitted curves in caches of its own (beside
    the runner's): its opening view (every child, the latest month, no filter) is remembered
    as a call and made again, so the page's own call is a hit in both of them."""
    from queries import survival

    survival.survival(CohortFilter(period="2023-06"), db=db)
    survival.hazard_by_time_out(CohortFilter(period="2023-06"), db=db)
    survival.survival(CohortFilter(period="2023-06", districts=("Thanet",)), db=db)  # filtered
    calls = [e for e in remembered(db) if "call" in e]
    assert sorted(e["call"] for e in calls) == ["hazard", "survival"]  # not the filtered one
    assert all(e["params"] == {"dimension": None, "period": {"months": 0}} for e in calls)
    publish_july_and_restart(db, tmp_path)
    curves, hazards = survival._survival.cache_info(), survival._hazard.cache_info()
    # the page names no database (the configured one); the warm-up named the file: one key
    f = CohortFilter(period="2023-07")
    found = survival.survival(f, db=Path(str(db)))
    survival.hazard_by_time_out(f, db=str(db))
    assert survival._survival.cache_info().misses == curves.misses
    assert survival._survival.cache_info().hits == curves.hits + 1
    assert survival._hazard.cache_info().misses == hazards.misses
    assert found.groups == survival.survival(f, db=db).groups


def test_a_remembered_call_outside_the_allow_list_is_never_made(db):
    """The list beside the database can name only the calls warm.CALLS allows: a file
    naming another function (os.system, say) makes nothing and is forgotten; an entry this
    version cannot read is skipped, and the rest is still worked out."""
    aggregates.breakdown(CohortFilter(period="2023-06"), "district", db=db)
    listed = remembered(db)
    marker = db.parent / "ran"
    listed.append(
        {"call": "os.system", "params": {"period": {"months": 0}, "command": f"touch {marker}"}}
    )
    listed.append({"kind": "an entry of another version"})  # skipped, not a failure
    Path(f"{db}{warm.SUFFIX}").write_text(json.dumps(listed), encoding="utf-8")
    warm.forget()
    runner.clear_cache()
    warm.start(db).join(timeout=120)
    assert not marker.exists()
    before = runner.cache_info()
    aggregates.breakdown(CohortFilter(period="2023-06"), "district", db=db)
    assert runner.cache_info()["misses"] == before["misses"]  # the rest was worked out
    aggregates.breakdown(CohortFilter(period="2023-06"), "gender", db=db)
    assert all(e.get("call") != "os.system" for e in remembered(db))
