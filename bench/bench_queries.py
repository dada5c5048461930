"""Benchmark: each breakdown through the query layer versus the same SQL run raw with DuckDB.

    python bench/bench_queries.py [DB] [--repeats 7] [--synthetic-rows 20000000]

DB defaults to /tmp/national.duckdb (500k children x 40 periods, from the generator). If the
file does not exist, a synthetic database of --synthetic-rows snapshot rows (40 periods) is
built first with plain SQL, so the script works on its own.

For each dimension it times `aggregates.breakdown` with the cache cleared before every run
(so each run reaches the database through the runner: version check, template, cursor,
DataFrame) and the identical SQL and parameters (`runner.prepare`) executed on a plain DuckDB
connection in the same process. Runs alternate so both see the same warm file cache. It prints
the median of each and the ratio layer / raw (target <= 1.3). A script, not a test.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import vocab  # noqa: E402
from data import store  # noqa: E402
from queries import aggregates, runner  # noqa: E402
from queries.dimensions import LAST_CATEGORIES, SPECS  # noqa: E402
from queries.filters import CohortFilter  # noqa: E402

NATIONAL = Path("/tmp/national.duckdb")
SCHEMA = Path(__file__).resolve().parent.parent / "data" / "sql" / "schema.sql"
PERIODS = 40


def _list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def build_synthetic(path: Path, rows: int) -> None:
    """Insert `rows` made-up snapshot rows over 40 monthly periods (period by period, as loads
    append them). Values are spread with hash(); derived columns are consistent enough for
    timing, not for analysis."""
    children = max(1, rows // PERIODS)
    print(f"building {path} with {children * PERIODS:,} synthetic rows ...", flush=True)
    started = time.perf_counter()
    con = duckdb.connect(str(path))
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    store.run_sql_file(con, "disclosure_key.sql", {"secret": secrets.token_hex(32)})
    needs = _list(vocab.NEED_CODES + [vocab.NOT_RECORDED])
    districts = _list(vocab.DISTRICT_VALUES + [vocab.NOT_RECORDED])
    genders = _list(vocab.GENDERS + [vocab.NOT_RECORDED])
    years = _list(vocab.YEAR_GROUPS)
    teams = _list(["East Kent", "West Kent", "North Kent", "South Kent"])
    las = _list(["Medway", "Surrey", "Bexley", "Bromley", "East Sussex"])
    for k in range(PERIODS):
        con.execute(
            f"""
            INSERT INTO snapshot
            WITH base AS (
                SELECT
                    strftime(DATE '2021-01-01' + INTERVAL ({k}) MONTH, '%Y-%m') AS period,
                    last_day(DATE '2021-01-01' + INTERVAL ({k}) MONTH) AS census_date,
                    i,
                    (hash(i) % 1000000007)::BIGINT AS h,
                    (hash(i * 31 + {k}) % 1000000007)::BIGINT AS hk
                FROM range({children}) AS r(i)
            ),
            flags AS (
                SELECT *, hk % 9 = 0 AS cin, hk % 23 = 0 AS cp, hk % 29 = 0 AS cla,
                    hk % 37 = 0 AS pla, h % 13 = 0 AS imp,
                    CASE WHEN h % 97 = 0 THEN NULL ELSE 3 + (h // 7) % 20 END AS age
                FROM base
            )
            SELECT
                period, census_date, 'S-' || lpad(i::VARCHAR, 7, '0'),
                census_date - INTERVAL (coalesce(age, 10) * 365 + h % 300) DAY,
                age,
                {genders}[1 + (h // 11) % 4],
                CASE WHEN age IS NULL THEN 'Not recorded'
                    ELSE {years}[1 + least(greatest(age - 2, 0), 18)] END,
                {needs}[1 + (h // 13) % 15],
                {districts}[1 + (h // 17) % 14],
                CASE WHEN hk % 3 = 0 THEN 'Provision unknown' ELSE 'No placement' END,
                CASE WHEN cla THEN 'Looked after (CLA)' WHEN cp THEN 'Child protection (CP)'
                    WHEN cin THEN 'Child in need (CIN)' WHEN pla THEN 'Previously looked after'
                    ELSE 'No care status' END,
                cin, cp, cla, pla, imp,
                CASE WHEN imp THEN {las}[1 + (h // 19) % 5] END,
                CASE WHEN imp THEN census_date - INTERVAL 400 DAY END,
                CASE WHEN hk % 20 = 0 THEN NULL
                    ELSE census_date - INTERVAL ((hk // 23) % 500) DAY END,
                CASE WHEN hk % 20 = 0 THEN NULL ELSE (hk // 23) % 500 END,
                census_date - INTERVAL 900 DAY,
                census_date - INTERVAL (h % 365) DAY,
                CASE WHEN hk % 4 = 0 THEN (hk % 25)::DOUBLE END,
                CASE WHEN h % 50 = 0 THEN NULL ELSE {teams}[1 + (h // 23) % 4] END,
                i + 1,
                {k + 1},
                record_key('S-' || lpad(i::VARCHAR, 7, '0'))
            FROM flags
            """  # noqa: S608 - constants of this script only, no user input
        )
    con.execute("CHECKPOINT")
    con.close()
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def time_pair(db: Path, raw: duckdb.DuckDBPyConnection, f: CohortFilter, dimension: str, n: int):
    spec = SPECS[dimension]
    params = {
        **f.params(),
        "categories": list(spec.categories),
        "keep_zero": spec.keep_zero,
        "last_categories": LAST_CATEGORIES,
        "by_size": False,
    }
    sql, bound = runner.prepare("children_by_category", params, {"dimension": spec.sql})
    layer_times, raw_times = [], []
    # warm-up (file cache, first connection), not timed
    runner.clear_cache()
    layer_result = aggregates.breakdown(f, dimension, db=db)
    raw_result = raw.execute(sql, bound).df()
    assert layer_result["children"].tolist() == raw_result["children"].tolist()
    for _ in range(n):
        runner.clear_cache()
        started = time.perf_counter()
        aggregates.breakdown(f, dimension, db=db)
        layer_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        cursor = raw.cursor()
        cursor.execute(sql, bound).df()
        cursor.close()
        raw_times.append(time.perf_counter() - started)
    return statistics.median(layer_times), statistics.median(raw_times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", default=str(NATIONAL))
    parser.add_argument("--synthetic-rows", type=int, default=20_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    db = Path(args.db).absolute()
    if not db.exists():
        build_synthetic(db, args.synthetic_rows)

    runner.clear_cache()
    periods = aggregates.list_periods(db=db)
    latest = periods[-1]
    raw = duckdb.connect(str(db), read_only=True)
    total = raw.execute("SELECT count(*) FROM snapshot").fetchone()[0]
    print(f"database {db}: {total:,} rows, {len(periods)} periods, latest {latest}")
    print(f"median of {args.repeats} runs; layer = aggregates.breakdown with the cache cleared")

    scenarios = {
        "whole cohort": CohortFilter(latest),
        "filtered": CohortFilter(
            latest,
            districts=("Thanet", "Swale"),
            needs=("ASD", "SEMH"),
            age_min=5,
            age_max=15,
            placement_statuses=("No placement",),
        ),
    }
    worst = 0.0
    for title, f in scenarios.items():
        print(f"\n{title} ({latest})")
        print(f"{'dimension':<18}{'layer ms':>10}{'raw ms':>10}{'ratio':>8}")
        for dimension in aggregates.DIMENSIONS:
            layer, raw_time = time_pair(db, raw, f, dimension, args.repeats)
            ratio = layer / raw_time
            worst = max(worst, ratio)
            print(f"{dimension:<18}{layer * 1000:>10.1f}{raw_time * 1000:>10.1f}{ratio:>8.2f}")
    raw.close()
    runner.close_all()
    print(f"\nworst ratio {worst:.2f} (target <= 1.3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
