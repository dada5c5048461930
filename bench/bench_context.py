"""Issue 11's figures: caseload load, rates, episodes and survival, at a size you choose.

    python bench/bench_context.py [--children 5000] [--periods 24] [--plans-file-children 20000]
                                  [--workdir /tmp/oos_bench_context] [--db PATH] [--skip-load]

1. Caseload load against DuckDB's own read_csv of the same file (target ratio <= 3): one
   synthetic caseload extract (about 14 plans per child out, so --plans-file-children 20000
   makes about 280,000 rows), loaded by `data.load.load_caseload` into a fresh database and read
   by `CREATE TABLE t AS SELECT * FROM read_csv(file)` into another; medians of 3.
2. A synthetic database of --children children out of school x --periods months (with a
   caseload every month), then, through the query layer with the cache missed (a new filter
   each time, as after a filter change in the sidebar):
   - rates page re-run: overall rate, rates by the dimension, rate trend over 12 months;
   - episodes build: the episodes query over every snapshot;
   - survival page, first visit after a load (the episodes of every snapshot are built once
     per data version), then re-runs after a filter change: curves by a dimension, plus the
     hazard by time out.
   Target: under 1 s for a page re-run. Not a test: it prints figures. The machine may be
   shared: compare ratios measured in the same run rather than absolute times.
--db PATH measures an existing database (built by an earlier run: 100,000 x 40 takes about
25 minutes to build on a shared 2-core machine) instead of building one; it is never deleted.
--skip-load leaves out part 1.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data import generate  # noqa: E402
from data.load import load_caseload  # noqa: E402
from queries import rates, runner, survival  # noqa: E402
from queries.filters import CohortFilter  # noqa: E402


def _median(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_load(work: Path, children: int) -> None:
    files = work / "plans"
    generate.write_extracts(files, children=children, periods=1)
    (plans, period), *_ = generate.caseload_files(files)
    rows = sum(1 for _ in plans.open()) - 1

    def duck():
        target = work / "duck.duckdb"
        target.unlink(missing_ok=True)
        with duckdb.connect(str(target)) as con:
            con.execute("CREATE TABLE t AS SELECT * FROM read_csv($p)", {"p": str(plans)})

    def loader():
        target = work / "loader.duckdb"
        target.unlink(missing_ok=True)
        load_caseload(plans, period, target)

    d, l_ = _median(duck), _median(loader)
    print(f"caseload file: {rows:,} rows")
    print(f"  DuckDB read_csv into a table: {d:6.2f} s")
    print(f"  loader (load_caseload):       {l_:6.2f} s   ratio {l_ / d:4.2f} (target <= 3)")


def bench_queries(work: Path, children: int, periods: int, existing: Path | None) -> None:
    db = existing or work / "context.duckdb"
    started = time.perf_counter()
    if existing is None:
        generate.build_demo_database(db, children=children, periods=periods)
    with duckdb.connect(str(db), read_only=True) as con:
        cohort, plans, months = con.execute(
            "SELECT (SELECT count(*) FROM cohort), (SELECT count(*) FROM caseload), "
            "(SELECT count(DISTINCT period) FROM cohort)"
        ).fetchone()
    print(
        f"database: {months} periods: {cohort:,} cohort rows, {plans:,} caseload rows, "
        + (f"given ({db})" if existing else f"built in {time.perf_counter() - started:.1f} s")
    )
    latest = rates.caseload_periods(db)
    period = max(latest)
    first = sorted(latest)[max(0, len(latest) - 12)]
    filters = [
        CohortFilter(period=period, age_min=a, age_max=25) for a in range(0, 6)
    ]  # a new filter each run: the cache never answers

    def rates_page(f):
        rates.overall_rate(f, db=db)
        rates.rates(f, "district", db=db)
        rates.rate_trend(f, None, first, period, db=db)

    def episodes(f):
        survival.episodes(f, db=db)  # through the pupil-level choke point, as the page does

    def survival_page(f):
        survival.survival(f, "placement_status", db=db)
        survival.hazard_by_time_out(f, dimension="placement_status", db=db)

    runner.clear_cache()
    started = time.perf_counter()
    survival_page(filters[4])  # builds what is kept per data version (the episode table)
    print(f"  {'survival page, first':22s}        {time.perf_counter() - started:5.2f} s "
          "(first visit after a load)")  # fmt: skip
    for name, fn in (("rates page re-run", rates_page), ("episodes build", episodes),
                     ("survival page re-run", survival_page)):  # fmt: skip
        times = []
        for f in filters[1:4]:
            runner.clear_cache()
            started = time.perf_counter()
            fn(f)
            times.append(time.perf_counter() - started)
        print(f"  {name:22s} median {statistics.median(times):5.2f} s (target < 1 s)")
    count = len(survival.episodes(filters[0], db=db))
    print(f"  episodes: {count:,}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--periods", type=int, default=24)
    parser.add_argument("--plans-file-children", type=int, default=20000)
    parser.add_argument("--workdir", default="/tmp/oos_bench_context")
    parser.add_argument("--db", type=Path, help="measure this existing database")
    parser.add_argument("--skip-load", action="store_true", help="leave out the load bench")
    args = parser.parse_args()
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        if not args.skip_load:
            bench_load(work, args.plans_file_children)
        bench_queries(work, args.children, args.periods, args.db)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
