"""Disclosure control under attack, over many secrets: how often can margins pin a small count?

    python bench/bench_disclosure.py [--secrets 20] [--children 1500] [--db PATH]

tests/test_disclosure_attacks.py attacks one database with one fixed secret and asserts that
nothing is recovered. Whether a hidden count can be pinned depends on the noise its
neighbours happened to get, so this script repeats the margins attack (integer programming
over every cross-tab of the Cross-tab page, with row, column and grand totals; no filter) with
a new random secret each time, on one demo database, and prints what was found: hidden
values attacked, values pinned, and how many of those were true counts of 1 to 5. Also the
naive differencing hit rate. A script, not a test: it prints figures for the README.
"""

from __future__ import annotations

import argparse
import itertools
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from figures import disclosure as d  # noqa: E402
from queries import aggregates, runner  # noqa: E402
from queries.dimensions import DIMENSIONS  # noqa: E402
from queries.filters import CohortFilter  # noqa: E402
from tests.disclosure_attack import pinned_cells  # noqa: E402

PERIOD = "2026-10"


def rekey(path: Path, secret: str) -> None:
    """Give the database another secret and every row its record key under it."""
    runner.close_all()  # the runner's read-only connection must go before a writer opens
    con = duckdb.connect(str(path))
    try:
        con.execute("UPDATE disclosure_key SET secret = $s", {"s": secret})
        con.execute("UPDATE snapshot SET rkey = record_key(child_id)")
        con.execute("UPDATE caseload_snapshot SET rkey = record_key(child_id)")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    runner.close_all()
    runner.clear_cache()


def attack(path: Path) -> tuple[int, int, int]:
    """(hidden values, pinned, pinned true counts of 1 to 5) over every cross-tab."""
    f = CohortFilter(PERIOD)
    hidden = pinned = small = 0
    for rows, cols in itertools.combinations(DIMENSIONS, 2):
        cells = aggregates.crosstab(f, rows, cols, db=path)
        table = d.protect_matrix(cells).table
        hidden += int((table == d.SUPPRESSED).to_numpy().sum())
        found = pinned_cells(cells, rows, cols, table)
        pinned += len(found)
        small += sum(1 <= p.true <= d.SMALL_MAX for p in found)
    return hidden, pinned, small


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secrets", type=int, default=20)
    parser.add_argument("--children", type=int, default=1500)
    parser.add_argument("--db", help="a demo database to copy (default: build one)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-disclosure-"))
    try:
        path = work / "demo.duckdb"
        if args.db:
            shutil.copyfile(args.db, path)
        else:
            from data import generate

            generate.build_demo_database(path, children=args.children, periods=2, end=PERIOD)
        totals = [0, 0, 0]
        for run in range(1, args.secrets + 1):
            started = time.perf_counter()
            rekey(path, secrets.token_hex(32))
            found = attack(path)
            totals = [a + b for a, b in zip(totals, found, strict=True)]
            print(
                f"secret {run}: {found[0]} hidden values, {found[1]} pinned, {found[2]} of them "
                f"1 to 5 ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
        print(
            f"{args.secrets} secrets, {len(list(itertools.combinations(DIMENSIONS, 2)))} "
            f"cross-tabs each: {totals[0]} hidden values attacked, {totals[1]} pinned, "
            f"{totals[2]} true counts of 1 to 5 recovered"
        )
    finally:
        runner.close_all()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
