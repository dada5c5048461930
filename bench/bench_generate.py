"""Time the synthetic build: writing the extracts, then loading them through the real loader.

    python bench/bench_generate.py [--children 1500] [--periods 24] [--workdir /tmp/oos_gen_bench]

Prints the seconds for each step, the rows written and the database's size. Peak memory of the
whole build is best read with `/usr/bin/time -v python -m data.generate --db ...`. Not a test:
it prints figures.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.generate import write_extracts  # noqa: E402
from data.load import load_batch  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=1500)
    parser.add_argument("--periods", type=int, default=24)
    parser.add_argument("--workdir", default="/tmp/oos_gen_bench")
    args = parser.parse_args()
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    started = time.perf_counter()
    files, casework = write_extracts(work / "csv", children=args.children, periods=args.periods)
    written = time.perf_counter()
    rows = sum(sum(1 for _ in open(path, "rb")) - 1 for path, _ in files)
    events = sum(1 for _ in open(casework, "rb")) - 1
    megabytes = sum(p.stat().st_size for p in (work / "csv").iterdir()) / 1e6
    counted = time.perf_counter()
    load_batch(work / "bench.duckdb", files, casework, synthetic=True)
    loaded = time.perf_counter()
    print(f"children per snapshot {args.children:,}, periods {args.periods}")
    print(f"write extracts: {written - started:7.1f}s  ({rows:,} cohort rows, {events:,} events,")
    print(f"                {megabytes:,.0f} MB of CSV)")
    size = (work / "bench.duckdb").stat().st_size / 1e6
    print(f"load:           {loaded - counted:7.1f}s  ({size:,.0f} MB database)")
    print(f"total:          {written - started + loaded - counted:7.1f}s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
