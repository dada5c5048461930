"""Time the case flags for one period on a national-scale database.

    python bench/bench_flags.py [--db PATH] [--period YYYY-MM] [--generate]

The target: the `case_flags` view for ONE period (500,000 children x 40 periods in the file) in
under 2 seconds. Uses /tmp/national.duckdb (the generator's national-scale file) when it exists;
otherwise, or with --generate, builds /tmp/flags_bench.duckdb in SQL: 500,000 children in each of
40 monthly periods (20 million snapshot rows) and 16 casework events a child (8 million events).

Prints, for the chosen period: the time to compute every flag for every child (the full view,
materialised), the time of the today's-list and service-view queries, and a check that the
period filter is pushed down (one period must take a fraction of all periods' time).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data import store  # noqa: E402
from data.flag_settings import install_flag_settings  # noqa: E402

NATIONAL = Path("/tmp/national.duckdb")
BENCH = Path("/tmp/flags_bench.duckdb")
CHILDREN = 500_000
PERIODS = 40
EVENTS_PER_CHILD = 16

# Deterministic pseudo-random values from hash(); one statement per table.
GENERATE_SNAPSHOT = """
INSERT INTO snapshot
WITH periods AS (
    SELECT
        strftime(make_date(2021, 9, 1) + to_months(n), '%Y-%m') AS period,
        last_day(make_date(2021, 9, 1) + to_months(n)) AS census_date
    FROM range($periods) AS r(n)
),
children AS (
    SELECT
        i,
        'B-' || lpad(i::VARCHAR, 7, '0') AS child_id,
        DATE '2005-01-01' + CAST(hash(i, 1) % 6500 AS INTEGER) AS dob,
        DATE '2020-01-01' + CAST(hash(i, 2) % 1800 AS INTEGER) AS oos,
        hash(i, 3) % 100 AS r3
    FROM range($children) AS c(i)
)
SELECT
    p.period, p.census_date, c.child_id, c.dob,
    date_diff('year', c.dob, p.census_date) AS age,
    ['Female', 'Male', 'Other', 'Not recorded'][1 + CAST(c.i % 4 AS INTEGER)],
    'Year ' || (1 + c.i % 13),
    ['ASD', 'SEMH', 'SLCN', 'MLD'][1 + CAST(c.i % 4 AS INTEGER)],
    ['Ashford', 'Canterbury', 'Dartford', 'Dover', 'Gravesham', 'Maidstone'][
        1 + CAST(c.i % 6 AS INTEGER)],
    CASE WHEN c.r3 < 20 THEN 'Provision unknown' ELSE 'No placement' END,
    'None', c.r3 % 7 = 0, c.r3 % 11 = 0, c.r3 % 13 = 0, c.r3 % 17 = 0, c.r3 % 19 = 0,
    CASE WHEN c.r3 % 19 = 0 THEN 'Surrey' END,
    CASE WHEN c.r3 % 19 = 0 THEN c.oos - 200 END,
    CASE WHEN c.oos <= p.census_date THEN c.oos END,
    CASE WHEN c.oos <= p.census_date THEN p.census_date - c.oos END,
    c.oos - 400, c.oos - 30, NULL,
    'Team ' || (c.i % 5), 1, 1
FROM periods p CROSS JOIN children c
"""

GENERATE_CASEWORK = """
INSERT INTO casework
WITH draws AS (
    SELECT c.i, e.k, hash(c.i * 64 + e.k) AS h
    FROM range($children) AS c(i), range($events) AS e(k)
)
SELECT
    'B-' || lpad(i::VARCHAR, 7, '0'),
    DATE '2020-01-01' + CAST(h % 1850 AS INTEGER),
    ['consultation', 'consultation', 'consultation', 'consultation_declined', 'offer',
     'offer_declined', 'offer_withdrawn', 'provision_started', 'provision_ended', 'note',
     'note', 'annual_review'][1 + CAST((h // 1850) % 12 AS INTEGER)],
    'Provider ' || ((h // 22200) % 5),
    'provider ' || ((h // 22200) % 5),
    NULL, NULL, 'synthetic note', k, 1
FROM draws
"""


def generate(path: Path) -> None:
    """Build the bench database in SQL (takes a minute or two on two cores)."""
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    store.run_sql_file(con, "schema.sql")
    params = {"periods": PERIODS, "children": CHILDREN}
    con.execute(GENERATE_SNAPSHOT, params)
    con.execute(GENERATE_CASEWORK, {"children": CHILDREN, "events": EVENTS_PER_CHILD})
    install_flag_settings(con)
    con.execute("CHECKPOINT")
    con.close()


def timed(con, sql: str, params: dict, repeats: int = 3) -> tuple[float, int]:
    """Best of `repeats` wall-clock times (seconds) of running `sql` and fetching all rows."""
    best, rows = float("inf"), 0
    for _ in range(repeats):
        start = time.perf_counter()
        rows = len(con.execute(sql, params).to_arrow_table())
        best = min(best, time.perf_counter() - start)
    return best, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database to time (default: national, else bench file)")
    parser.add_argument("--period", help="period to time (default: the latest)")
    parser.add_argument("--generate", action="store_true", help=f"(re)build {BENCH}")
    args = parser.parse_args(argv)
    if args.db:
        db_path = Path(args.db)
    elif NATIONAL.exists() and not args.generate:
        db_path = NATIONAL
    else:
        db_path = BENCH
        if args.generate or not BENCH.exists():
            print(f"generating {BENCH} ...", flush=True)
            start = time.perf_counter()
            generate(BENCH)
            print(f"  done in {time.perf_counter() - start:.0f} s", flush=True)
    # time a copy with this checkout's view and settings, leaving the source file untouched
    with tempfile.TemporaryDirectory(dir="/tmp") as work:
        copy = Path(work) / "bench.duckdb"
        shutil.copyfile(db_path, copy)
        con = duckdb.connect(str(copy))
        con.execute("BEGIN")
        install_flag_settings(con)
        con.execute("COMMIT")
        period = args.period or con.execute("SELECT max(period) FROM snapshot").fetchone()[0]
        sizes = con.execute(
            "SELECT (SELECT count(*) FROM snapshot), (SELECT count(DISTINCT period) "
            "FROM snapshot), (SELECT count(*) FROM snapshot WHERE period = $p), "
            "(SELECT count(*) FROM casework)",
            {"p": period},
        ).fetchone()
        print(
            f"database {db_path}: {sizes[0]:,} snapshot rows in {sizes[1]} periods, "
            f"{sizes[3]:,} casework events; period {period} has {sizes[2]:,} children"
        )
        one, rows = timed(con, "SELECT * FROM case_flags WHERE period = $p", {"p": period})
        print(f"case flags, every column, one period ({rows:,} rows): {one:.2f} s")
        summary, _ = timed(
            con,
            "SELECT district, count(*) FILTER (WHERE s19_due), sum(terms_without_provision) "
            "FROM case_flags WHERE period = $p GROUP BY district",
            {"p": period},
        )
        print(f"service summary by district, one period: {summary:.2f} s")
        today, _ = timed(
            con,
            "SELECT * FROM case_flags WHERE period = $p AND needs_action "
            "ORDER BY out_of_sight DESC, flags_raised DESC, days_without_provision DESC "
            "NULLS LAST, child_id LIMIT 50",
            {"p": period},
        )
        print(f"today's list, first 50 of one period: {today:.2f} s")
        two_periods = con.execute(
            "SELECT min(period) FROM (SELECT DISTINCT period FROM snapshot "
            "ORDER BY period DESC LIMIT 3)"
        ).fetchone()[0]
        three, _ = timed(
            con,
            "SELECT count(*), sum(terms_without_provision) FROM case_flags WHERE period >= $p",
            {"p": two_periods},
            repeats=1,
        )
        print(f"pushdown check: three periods take {three:.2f} s (one period x3 ~ {3 * one:.2f})")
        verdict = "PASS" if one < 2.0 else "FAIL"
        print(f"{verdict}: one period's flags in {one:.2f} s (target under 2 s)")
        con.close()
    return 0 if one < 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
