"""Benchmark: the briefing pack, end to end, and its parts: time and peak memory.

    python bench/bench_briefing.py [--db PATH] [--children 1500] [--periods 24] [--repeats 2]

Without --db, a synthetic demo database of --children children a month over --periods months is
built in a temporary folder first (the dashboard's own demo is 1,500 x 24). The pack is built
--repeats times in this one process: the first run includes starting kaleido's chromium (about
2 s), later runs reuse it, as the dashboard's server does. Parts: figures (every query, through
the same functions the dashboard calls; the query cache is cleared before each run), HTML (the
charts drawn as SVG by kaleido), PDF (chromium's print). Peak memory: this process's peak
resident set (ru_maxrss) and the largest child process's (chromium's print). Target: under
15 s for the demo data. A script, not a test.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.content import collect  # noqa: E402
from briefing.render import html_to_pdf, to_html  # noqa: E402
from queries import aggregates, runner  # noqa: E402


def _mb(kilobytes: int) -> float:
    return kilobytes / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db")
    parser.add_argument("--children", type=int, default=1500)
    parser.add_argument("--periods", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-briefing-"))
    if args.db:
        db = Path(args.db)
    else:
        from data.generate import build_demo_database

        started = time.perf_counter()
        db = build_demo_database(work / "demo.duckdb", children=args.children, periods=args.periods)
        print(
            f"built {args.children:,} children x {args.periods} months "
            f"in {time.perf_counter() - started:.1f} s"
        )
    period = aggregates.list_periods(db)[-1]
    store = work / "store.sqlite"
    for run in range(1, args.repeats + 1):
        clear = getattr(runner, "clear_cache", None)
        if clear:
            clear()
        t0 = time.perf_counter()
        pack = collect(period, db=db, store=store)
        t1 = time.perf_counter()
        html = to_html(pack)
        t2 = time.perf_counter()
        pdf = html_to_pdf(html, work / f"pack-{run}.pdf")
        t3 = time.perf_counter()
        print(
            f"run {run}: figures {t1 - t0:5.2f} s  html+charts {t2 - t1:5.2f} s  "
            f"pdf {t3 - t2:5.2f} s  total {t3 - t0:5.2f} s  "
            f"(html {len(html) / 1e6:.2f} MB, pdf {pdf.stat().st_size / 1e6:.2f} MB)"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak memory: this process {_mb(own):.0f} MB, largest child {_mb(child):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
