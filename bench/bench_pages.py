"""Benchmark: how long a page takes to answer a filter change, on the demonstration database.

    python bench/bench_pages.py [--db PATH] [--runs 8] [--no-browser] [--role "Senior leader"]

Two measurements per page (overview, breakdowns, cross-tab, trends, map, explorer, data quality):

1. Script run (target < 300 ms): the whole dashboard script (frame + page) re-run by
   streamlit.testing's AppTest after a filter change, wall time of `at.run()`. Every run uses a
   district selection not used before, so the page's filtered queries miss the query cache
   ("cached runs excluded"); what does not depend on the filters (the list of periods, the load
   history) stays cached, as it does in the running app.
2. Browser: a real `streamlit run dashboard.py` and Debian's chromium at 1280x800. The time
   from entering a new "days out from" value in the sidebar (a new value each time, so nothing
   is cached) to the page's chart redrawn (plotly's `plotly_afterplot` event); for the explorer
   (no chart) and data quality (charts independent of the filters), to the end of the script
   run. Reported with the point the app started running, so the server's share is visible.

--db defaults to a demo database built in a temporary folder by
`data.generate.build_demo_database` (1,500 children x 24 monthly periods: the dashboard's own
demo). A script, not a test: it prints a table.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from run_watch import HAS_TIME, INIT, WS_TIMES, RunWatch  # noqa: E402

from core import vocab  # noqa: E402

PAGES = ["overview", "breakdowns", "crosstab", "trends", "map", "explorer", "data_quality"]
TARGET_MS = 300


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return (
        f"median {statistics.median(ordered):6.0f} ms   p90 {p90:6.0f} ms   "
        f"max {ordered[-1]:6.0f} ms"
    )


def district_selections():
    """Single districts, then pairs: an endless supply of selections not seen before."""
    names = vocab.DISTRICT_NAMES
    singles = [[d] for d in names]
    pairs = [list(p) for p in itertools.combinations(names, 2)]
    triples = [list(t) for t in itertools.combinations(names, 3)]
    return iter(singles + pairs + triples)


def change(at, selections, role: str | None):
    """Set the next filters not used before. A senior leader's filters take one value or all,
    so for that role each change is a new pair of one district and one primary need."""
    if role == "Senior leader":
        district, need = next(selections)
        at.multiselect(key="district").set_value([district])
        at.multiselect(key="need").set_value([need])
        return at
    at.multiselect(key="district").set_value(next(selections))
    return at


def published_selections():
    """One district and one need at a time: 13 x 15 pairs, none used twice."""
    return iter(itertools.product(vocab.DISTRICT_VALUES, vocab.NEED_CODES + [vocab.NOT_RECORDED]))


def bench_script_runs(
    db: Path, runs: int, pages: list[str], role: str | None = None
) -> dict[str, list[float]]:
    from streamlit.testing.v1 import AppTest

    os.environ["OOS_DB"] = str(db)
    selections = published_selections() if role == "Senior leader" else district_selections()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if role:  # the demo's role switcher, as a link sets it (a senior leader: figures as published)
        at.query_params["role"] = role
    at.run()
    results = {}
    for page in pages:
        if page != "overview":
            at.switch_page(f"pages/{page}.py")
            at.run()
        # One warm-up change per page: the page's imports and first-use work are not a
        # filter change.
        change(at, selections, role).run()
        times = []
        for _ in range(runs):
            change(at, selections, role)
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].value}")
        results[page] = times
    return results


# Browser side: mark the moment of the change, then record plotly redraws and the app's
# script-state changes (running / notRunning) as they happen.
ARM = """() => {
  window.__redrawn = 0; window.__states = [];
  const app = document.querySelector('[data-testid="stApp"]');
  if (!window.__stateObserver) {
    window.__stateObserver = new MutationObserver(() => window.__states.push(
      [app.getAttribute('data-test-script-state'), performance.now()]));
    window.__stateObserver.observe(app, {attributes: true,
      attributeFilter: ['data-test-script-state']});
  }
  const arm = (gd) => { if (!gd.__benchArmed && gd.on) { gd.__benchArmed = true;
    gd.on('plotly_afterplot', () => { window.__redrawn = performance.now(); }); } };
  document.querySelectorAll('.js-plotly-plot').forEach(arm);
  if (!window.__plotObserver) {
    window.__plotObserver = new MutationObserver(
      () => document.querySelectorAll('.js-plotly-plot').forEach(arm));
    window.__plotObserver.observe(document.body, {childList: true, subtree: true});
  }
  return performance.now();
}"""


def bench_browser(
    db: Path, runs: int, pages: list[str], log: Path
) -> dict[str, list[tuple[float, float]]]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from conftest import start_server, stop_server  # the browser tests' server fixture code

    process, base = start_server(db, log)
    values = itertools.count(1)
    results: dict[str, list[tuple[float, float]]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_init_script(INIT)  # the page's time of each message (run_watch.py)
            page = context.new_page()
            watch = RunWatch()
            watch.attach(page)
            idle = '[data-testid="stApp"][data-test-script-state="notRunning"]'
            for name in pages:
                print(f"  ({name}…)", file=sys.stderr, flush=True)
                page.goto(f"{base}/{'' if name == 'overview' else name}")
                page.wait_for_selector(idle, timeout=120_000)
                # The explorer has no chart, and the data-quality charts do not depend on the
                # filters: for those, "redrawn" is the end of the script run.
                has_chart = name not in ("explorer", "data_quality")
                if has_chart:
                    # Streamlit draws a chart only once it is in view: bring it there.
                    chart = page.locator('[class*="st-key-chart-"]').first
                    chart.scroll_into_view_if_needed()
                    chart.locator(".js-plotly-plot").wait_for(timeout=60_000)
                box = page.locator(".st-key-days_from input")
                if not box.is_visible():
                    page.get_by_text("Placement, import, days out").click()
                    box.wait_for(state="visible")
                    page.wait_for_timeout(500)
                timings = []
                for run in range(runs + 1):  # the first change is a warm-up
                    box.fill(str(next(values)))
                    page.wait_for_timeout(100)  # (not timed) the box takes the value first
                    start = page.evaluate(ARM)
                    seen = watch.seen()
                    box.press("Enter")
                    # the run this change started has ended (its script_finished message; the
                    # app's state attribute can skip a run under load: run_watch.py)...
                    finished, waited = watch.finished_since(seen), 0
                    while finished is None:
                        if waited > 60_000:
                            raise TimeoutError(f"{name}: no run ended within 60 s")
                        page.wait_for_timeout(50)  # lets Playwright deliver the frames
                        waited += 50
                        finished = watch.finished_since(seen)
                    page.wait_for_function(HAS_TIME, arg=finished, timeout=60_000)
                    stamps = page.evaluate(WS_TIMES)
                    end = stamps[finished]
                    if has_chart:
                        # ...and the chart redrawn (when its figure arrives, before the run
                        # ends); a change that leaves the figure as it was is not redrawn at
                        # all, so allow a moment and otherwise take the run's end
                        try:
                            page.wait_for_function(
                                "t => window.__redrawn > t", arg=start, timeout=1_000
                            )
                            end = max(end, page.evaluate("() => window.__redrawn"))
                        except PlaywrightTimeout:
                            pass
                    began = watch.first_since(seen, "new_session")
                    running = stamps[began] if began is not None and began < finished else end
                    page.wait_for_selector(idle, timeout=60_000)
                    if run:
                        timings.append((end - start, running - start))
                results[name] = timings
            browser.close()
    finally:
        stop_server(process)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to use (default: build the demo)")
    parser.add_argument("--runs", type=int, default=8, help="filter changes timed per page")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser timing")
    parser.add_argument("--no-script", action="store_true", help="skip the AppTest timing")
    parser.add_argument("--pages", nargs="*", default=PAGES, choices=PAGES, help="pages to time")
    parser.add_argument("--role", help='the demo role to time as, e.g. "Senior leader"')
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    db = args.db
    if db is None:
        from data.generate import build_demo_database

        db = folder / "demo.duckdb"
        start = time.perf_counter()
        build_demo_database(db)
        print(f"built the demo database in {time.perf_counter() - start:.0f} s: {db}")

    if not args.no_script:
        print(f"\nScript run after a filter change (AppTest, {args.runs} runs a page, uncached):")
        for page, times in bench_script_runs(db, args.runs, args.pages, args.role).items():
            verdict = "ok" if statistics.median(times) < TARGET_MS else "SLOW"
            print(f"  {page:13s} {summary(times)}   {verdict}", flush=True)

    if not args.no_browser:
        print(f"\nBrowser, change to chart redrawn (chromium 1280x800, {args.runs} changes):")
        timed = bench_browser(db, args.runs, args.pages, folder / "streamlit.log")
        for page, timings in timed.items():
            total = [t for t, _ in timings]
            started = statistics.median(r for _, r in timings)
            what = "chart redrawn" if page not in ("explorer", "data_quality") else "run ended"
            print(
                f"  {page:13s} {summary(total)}   ({what}; app started running after "
                f"{started:.0f} ms)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
