"""Benchmark: where a browser's time goes when a page opens, by JavaScript file (chromium's
own CPU profiler).

    python bench/bench_browser_js.py [--db PATH] [--pages rates breakdowns ...]

For each page: a `streamlit run` server on the database (the demo, built in a temporary
folder, unless --db names one), warm; a browser context opens the page once (so its cache
holds the app's code, as a returning person's does), then opens it again in a new tab with
chromium's sampling profiler running (0.5 ms), waits for the script's end and for every chart
in view to be drawn, and prints the seconds to the last chart and the main thread's time by
file: Streamlit's plotly chunk, React, the app's own bundle, the table grid's chunk, and
"(program)" (chromium's layout and paint). This is what tells whether a change to the page
(fewer elements, tables drawn only when their tab is opened, another chart library) could cut
a first visit: bench/bench_browser.py measures the visit itself. A script, not a test.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_browser import ARGS, IDLE, TIMEOUT, draw_charts, wait_idle  # noqa: E402

SAMPLE_MICROSECONDS = 500


def open_profiled(context, url: str) -> tuple[float, dict]:
    """(seconds to the last chart drawn, the profile) for one open of `url` in a new tab."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": SAMPLE_MICROSECONDS})
    cdp.send("Profiler.start")
    start = time.perf_counter()
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector(IDLE, timeout=TIMEOUT)
    draw_charts(page)
    last_chart = time.perf_counter() - start
    profile = cdp.send("Profiler.stop")["profile"]
    page.close()
    return last_chart, profile


def by_file(profile: dict) -> collections.Counter:
    """Milliseconds of the main thread by JavaScript file (or chromium's own category)."""
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    samples = profile["samples"]
    each = (profile["endTime"] - profile["startTime"]) / max(1, len(samples)) / 1000
    out: collections.Counter = collections.Counter()
    for node, count in collections.Counter(samples).items():
        frame = nodes[node]
        out[frame["url"].rsplit("/", 1)[-1] or f"({frame['functionName']})"] += count * each
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--pages", nargs="*", default=["", "breakdowns", "rates", "service"])
    parser.add_argument("--top", type=int, default=10, help="files printed per page")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import start_server, stop_server

    with tempfile.TemporaryDirectory(prefix="oos-bench-js-") as folder:
        db = args.db
        if db is None:
            from data.generate import build_demo_database

            db = build_demo_database(Path(folder) / "demo.duckdb")
        process, base = start_server(db, Path(folder) / "streamlit.log")
        try:
            wait_idle(process.pid)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                for path in args.pages:
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    open_profiled(context, f"{base}/{path}")  # the cache filled, queries warm
                    seconds, profile = open_profiled(context, f"{base}/{path}")
                    context.close()
                    files = by_file(profile)
                    busy = sum(ms for name, ms in files.items() if name != "((idle))")
                    print(
                        f"{path or 'overview'}: last chart {seconds:.2f} s; main thread busy "
                        f"{busy:.0f} ms"
                    )
                    for name, ms in files.most_common(args.top):
                        print(f"   {ms:7.0f} ms  {name}")
                browser.close()
        finally:
            stop_server(process)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
