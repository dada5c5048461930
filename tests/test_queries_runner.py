"""The runner: allow-listed templates, bound parameters, cache, and new data versions.

The fixture's 2024-04 holds 13 children (see test_queries_filters.py). "Version B" deletes
T-0001 and T-0002 from 2024-04 (13 - 2 = 11 children) and adds a month 2024-05 holding a copy
of 2024-04's 13 rows, as the loader would publish it: a new file moved over the old with
os.replace while this process keeps reading.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from queries import aggregates, pupil, runner
from queries.filters import CohortFilter
from tests.q_fixture import ROOT, build_fixture_db, publish

APRIL = CohortFilter("2024-04")

VERSION_B = """
INSERT INTO snapshot
SELECT * REPLACE ('2024-05' AS period, DATE '2024-05-31' AS census_date)
FROM snapshot WHERE period = '2024-04';
DELETE FROM snapshot WHERE period = '2024-04' AND child_id IN ('T-0001', 'T-0002');
"""


@pytest.fixture
def live(tmp_path) -> Path:
    path = build_fixture_db(tmp_path / "live.duckdb")
    yield path
    runner.close_all()


def version_b(tmp_path: Path, name: str = "b.duckdb") -> Path:
    return build_fixture_db(tmp_path / name, change_sql=VERSION_B)


def april_total(db, **kwargs) -> int:
    return int(runner.run("cohort_count", APRIL.params(), db=db, **kwargs)["children"].iloc[0])


# --- database file and versions ------------------------------------------------------------


def test_missing_database_raises_database_missing(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    with pytest.raises(runner.DatabaseMissing, match="No database at"):
        runner.run("periods", db=missing)
    with pytest.raises(runner.DatabaseMissing):
        runner.data_version(missing)
    with pytest.raises(FileNotFoundError):  # it is a FileNotFoundError too
        aggregates.list_periods(db=missing)
    assert not missing.exists()  # and reading did not create it


def test_database_path_comes_from_oos_db_when_not_given(live, monkeypatch):
    monkeypatch.setenv("OOS_DB", str(live))
    assert aggregates.list_periods() == ["2024-01", "2024-02", "2024-04"]


def test_published_version_is_seen_in_the_same_process(live, tmp_path):
    f_may = CohortFilter("2024-05")
    assert april_total(live) == 13
    assert aggregates.list_periods(db=live) == ["2024-01", "2024-02", "2024-04"]
    before = runner.data_version(live)

    publish(version_b(tmp_path), live)

    assert runner.data_version(live) != before
    assert april_total(live) == 11  # 13 less T-0001 and T-0002
    assert aggregates.list_periods(db=live) == ["2024-01", "2024-02", "2024-04", "2024-05"]
    assert pupil.cohort_count(f_may, db=live) == 13
    # the headline of the new month compares with 2024-04 as it is now: 13 vs 11
    total = aggregates.headline(f_may, db=live).set_index("measure").loc["total"]
    assert (total["value"], total["previous"], total["change"]) == (13, 11, 2)


def test_cache_hits_then_new_keys_after_a_publish(live, tmp_path):
    runner.clear_cache()
    assert april_total(live) == 13
    assert april_total(live) == 13
    assert runner.cache_info()["hits"] == 1 and runner.cache_info()["misses"] == 1

    publish(version_b(tmp_path), live)

    assert april_total(live) == 11  # not the cached 13
    assert runner.cache_info()["misses"] == 2


def test_reads_during_publishes_see_one_version_or_the_other(live, tmp_path):
    # Build both versions up front, then publish them alternately while two threads read.
    versions = []
    for i in range(6):
        versions.append(
            version_b(tmp_path, f"b{i}.duckdb")
            if i % 2 == 0
            else build_fixture_db(tmp_path / f"a{i}.duckdb")
        )
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader(cache: bool) -> None:
        while not stop.is_set():
            try:
                seen.append(april_total(live, cache=cache))
            except BaseException as problem:  # noqa: BLE001 - any failure fails the test
                errors.append(problem)
                return

    threads = [threading.Thread(target=reader, args=(c,)) for c in (True, False)]
    for thread in threads:
        thread.start()
    try:
        for path in versions:
            publish(path, live)
            # let the readers run on this version for a moment
            count = len(seen)
            deadline = time.monotonic() + 30  # bounded: a stalled reader fails, not hangs
            while len(seen) < count + 5 and not errors:
                assert time.monotonic() < deadline, "the readers stopped reading"
                threading.Event().wait(0.005)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors
    assert set(seen) == {13, 11}
    # the last version published was version A (13 in April)
    assert april_total(live) == 13


def test_connection_is_read_only(live):
    # While this process holds the file through the runner, another process can still open
    # it read-only: it could not if the runner held it read-write (DuckDB's file lock).
    assert april_total(live) == 13
    script = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(con.execute(\"SELECT count(*) FROM cohort WHERE period = '2024-04'\").fetchone()[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(live)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "13"


# --- cache ---------------------------------------------------------------------------------


def test_cached_result_cannot_be_changed_by_a_caller(live):
    runner.clear_cache()
    first = aggregates.breakdown(APRIL, "placement_status", db=live)
    first.loc[0, "children"] = 999
    first["extra"] = 1
    again = aggregates.breakdown(APRIL, "placement_status", db=live)
    assert runner.cache_info()["hits"] == 1
    assert again["children"].tolist() == [7, 6]
    assert "extra" not in again.columns


def test_cache_is_bounded(live, monkeypatch):
    monkeypatch.setattr(runner, "CACHE_MAX_ENTRIES", 3)
    runner.clear_cache()
    for dimension in ["gender", "district", "year_group", "primary_need", "care_status"]:
        aggregates.breakdown(APRIL, dimension, db=live)
    assert runner.cache_info()["entries"] == 3
    # the oldest (gender) was evicted, the newest (care_status) kept
    aggregates.breakdown(APRIL, "care_status", db=live)
    assert runner.cache_info()["hits"] == 1
    aggregates.breakdown(APRIL, "gender", db=live)
    assert runner.cache_info()["hits"] == 1


def test_large_results_are_not_cached(live, monkeypatch):
    monkeypatch.setattr(runner, "CACHE_MAX_ROWS", 5)
    runner.clear_cache()
    assert len(aggregates.breakdown(APRIL, "district", db=live)) == 14  # over 5 rows
    assert len(aggregates.breakdown(APRIL, "gender", db=live)) == 4
    assert runner.cache_info()["entries"] == 1


def test_concurrent_queries_from_many_threads(live, monkeypatch):
    runner.clear_cache()
    expected = {"gender": [6, 5, 1, 1], "placement_status": [7, 6], "is_import": [3, 10]}
    results, errors = [], []
    # How many queries held the connection at once, seen each time one starts: proves the
    # threads' queries really overlapped (rather than ran one after another).
    users_at_start = []
    real_acquire = runner._acquire

    def counting_acquire(path):
        handle = real_acquire(path)
        users_at_start.append(handle.users)
        return handle

    monkeypatch.setattr(runner, "_acquire", counting_acquire)
    start = threading.Barrier(9, timeout=30)  # every thread starts its queries together

    def work(dimension: str) -> None:
        try:
            start.wait()
            for _ in range(10):
                frame = aggregates.breakdown(APRIL, dimension, db=live)
                results.append((dimension, frame["children"].tolist()))
                runner.clear_cache()  # keep going to the database
        except BaseException as problem:  # noqa: BLE001
            errors.append(problem)

    threads = [threading.Thread(target=work, args=(d,)) for d in expected for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors
    assert len(results) == 90
    assert max(users_at_start) > 1  # at least two queries were running at the same time
    assert all(children == expected[d] for d, children in results)


# --- SQL text, templates and parameters ----------------------------------------------------


@pytest.mark.parametrize(
    "name", ["nonexistent", "../data/sql/schema", "periods.sql", "Periods", "", "cohort_filter"]
)
def test_unknown_or_malformed_query_name_is_refused(live, name):
    with pytest.raises(ValueError):
        runner.run(name, db=live)


@pytest.mark.parametrize(
    "template",
    [
        {"dimension": "child_id"},  # a real column, but not an allowed breakdown
        {"dimension": "district FROM cohort; DROP TABLE snapshot; --"},
        {"dimension": 1},
        {},  # the slot must be filled
        {"dimension": "district", "extra": "district"},  # no such slot in the query
        {"dimension": "district", "cohort_filter": "TRUE"},  # the shared filter is not a slot
    ],
)
def test_template_outside_the_allow_list_is_refused(live, template):
    params = {
        **APRIL.params(),
        "categories": [],
        "keep_zero": False,
        "last_categories": [],
        "by_size": False,
    }
    with pytest.raises(ValueError):
        runner.run("children_by_category", params, db=live, template=template)


def test_allowed_template_runs(live):
    params = {
        **APRIL.params(),
        "categories": [],
        "keep_zero": False,
        "last_categories": [],
        "by_size": True,
    }
    frame = runner.run("children_by_category", params, db=live, template={"dimension": "district"})
    assert frame["category"].iloc[0] == "Thanet"  # 5 of 13, the largest


def test_sort_template_injection_is_refused(live):
    params = {**APRIL.params(), "limit": 10, "offset": 0}
    with pytest.raises(ValueError):
        pupil.run_pupil_query(
            "cohort_rows",
            params,
            db=live,
            template={"sort_expr": "child_id; DROP TABLE snapshot", "sort_direction": "ASC"},
        )
    with pytest.raises(ValueError):
        pupil.run_pupil_query(
            "cohort_rows",
            params,
            db=live,
            template={"sort_expr": "child_id", "sort_direction": "ASC; DROP TABLE snapshot"},
        )


def test_missing_parameter_is_refused(live):
    with pytest.raises(ValueError, match="missing query parameter"):
        runner.run("cohort_count", {"period_from": "2024-04"}, db=live)


def test_a_filter_parameter_not_given_at_all_is_still_refused(live):
    # NULL means "no restriction"; a parameter left out is a mistake, said as before
    with pytest.raises(ValueError, match="missing query parameter"):
        runner.run("cohort_count", {"period_from": "2024-04", "period_to": "2024-04"}, db=live)


def test_an_unset_filter_condition_is_left_out_of_the_sql():
    sql, bound = runner.prepare("cohort_count", CohortFilter(period="2024-04").params())
    assert "district" not in sql and "IS NULL" not in sql
    assert set(bound) == {"period_from", "period_to"}
    some = CohortFilter(period="2024-04", districts=("Thanet",), age_min=10)
    sql, bound = runner.prepare("cohort_count", some.params())
    assert "district = ANY($districts)" in sql and "age >= $age_min" in sql
    assert "primary_need" not in sql and "age_max" not in sql
    assert bound == {"age_min": 10, "districts": ["Thanet"], "period_from": "2024-04",
                     "period_to": "2024-04"}  # fmt: skip


@pytest.mark.parametrize(
    ("f", "expected"),
    [  # worked out from the fixture's table (tests/test_queries_filters.py's docstring)
        (CohortFilter(period="2024-04"), 13),
        (CohortFilter(period="2024-04", districts=("Thanet",)), 5),  # 01 02 09 10 15
        (CohortFilter(period="2024-04", districts=("Thanet",), needs=("SEMH",)), 2),  # 02 10
        (CohortFilter(period="2024-04", age_min=10), 8),  # 01 02 04 06 07 08 09 12
        (CohortFilter(period="2024-04", days_out_max=30), 4),  # 01 05 10 15 (04 has none)
        (CohortFilter(period="2024-04", cp=True, is_import=True), 1),  # 03
    ],
)
def test_leaving_out_unset_conditions_changes_no_count(live, f, expected):
    # the SQL run (unset conditions left out) and the whole filter give the same count
    assert int(runner.run("cohort_count", f.params(), db=live)["children"].iloc[0]) == expected
    whole = runner.render("cohort_count", None)
    assert "$sen_teams" in whole  # every condition there
    con = duckdb.connect(str(live), read_only=True)
    try:
        row = con.execute(whole, runner.bound_parameters(whole, f.params())).fetchone()
    finally:
        con.close()
    assert row[0] == expected


def test_only_the_parameters_a_query_names_are_bound():
    sql = "SELECT '$quoted' AS a -- $commented\nWHERE x = $used /* $block */"
    assert runner.bound_parameters(sql, {"used": (1, 2), "commented": 3, "other": 4}) == {
        "used": [1, 2]
    }


def test_placeholder_in_a_comment_is_not_filled():
    sql, _ = runner.prepare("periods")
    assert "{{" not in sql and "--" not in sql


def test_every_query_file_has_a_header_naming_purpose_parameters_and_output():
    for path in sorted((ROOT / "queries").glob("*.sql")):
        head = path.read_text(encoding="utf-8").split("\n\n")[0]
        assert head.startswith("-- Purpose:"), path.name
        assert "-- Parameters:" in head or "Parameters:" in head, path.name
        assert "Output:" in head, path.name


def test_no_query_file_is_left_without_a_use():
    # every query here is run by a module of the query layer
    used = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "queries").glob("*.py"))
    for path in (ROOT / "queries").glob("*.sql"):
        assert f'"{path.stem}"' in used, path.name
    assert os.path.isfile(ROOT / "queries" / "fragments" / "cohort_filter.sql")


def test_query_layer_never_imports_streamlit():
    script = (
        "import sys; import queries.runner, queries.aggregates, queries.pupil; "
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
