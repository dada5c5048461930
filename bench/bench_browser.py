"""Benchmark: speed as people meet it, in chromium against a real `streamlit run dashboard.py`.

    python bench/bench_browser.py [--db PATH] [--sessions 10] [--changes 5] [--pages ...]
                                  [--before DIR] [--repeat N] [--parts 1 2 3] [--baseline]

Three measurements on the demo database (1,500 children x 24 months, built in a temporary
folder unless --db names one):

1. Cold open: a link to each page opened in a fresh browser context (no session, no cache in
   the browser; the server's query cache warm from earlier pages, as on a server in use): time
   to the end of the page's first script run, and to the LAST chart drawn (each chart is
   scrolled into view, because Streamlit draws a chart only once it is in view; the time is
   the last plotly 'afterplot' event).
2. Filter change to redrawn chart: bench/bench_pages.py's browser measurement (a new "days
   out from" value each time, so no query is cached; time to plotly's afterplot).
3. Ten people at once: `--sessions` browser contexts on the Breakdowns page of a fresh server,
   each making `--changes` filter changes one after another, all sessions at the same time;
   for every change the time to the end of the script run it started and to the chart
   redrawn (a change that leaves the figure as it was is not redrawn: its run's end is
   taken), p50 and p95 over all of them, with the server's CPU time and memory; and for
   every change whether the server ran with the typed value (the page's "Filters: ..." line,
   written by the server from its run's values, shows it): a change the server never got
   would still end a run, with the old value, and look like a change that redraws nothing.
   All ten
   browsers run on the same machine as the server, so on a small machine their own drawing
   (about 0.3 s of a core per change, measured with chromium's Performance metrics) is most
   of the wait. `--baseline` runs the same first with Streamlit's default runner settings
   (full garbage collection after every run, the polling file watcher), which
   .streamlit/config.toml turns off.

A script, not a test: it prints figures. On a shared machine the figures are disturbed by
other work; run it twice and compare, or compare against a baseline run in the same process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGES = [
    "", "today", "priority", "breakdowns", "crosstab", "trends", "map", "rates",
    "time_to_return", "explorer", "chronology", "service", "data_quality",
]  # fmt: skip
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# the server's summary of the filters a run used (pages/common/page.py), under the heading
FILTERS = '[data-testid="stMain"] [data-testid="stCaptionContainer"]:has-text("Filters:")'
TIMEOUT = 120_000
# what part 1's browser has seen before (--returning)
KIND = {False: "new browser context", True: "a browser that has used the dashboard, new tab"}


# the same redraw watcher as the filter-change bench; runs read from the server's messages
from bench_pages import ARM  # noqa: E402
from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from run_watch import HAS_TIME, INIT, WS_TIMES, RunWatch  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process (Linux /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_idle(pid: int, limit: float = 600.0) -> float:
    """Seconds until the process has used under 5% of a core for 3 seconds running (a
    server's start-up warm-up done: queries/warm.py); `limit` at most."""
    started = time.monotonic()
    quiet = 0
    last = cpu_seconds(pid)
    while time.monotonic() - started < limit and quiet < 3:
        time.sleep(1)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now - last < 0.05 else 0
        last = now
    return time.monotonic() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def draw_charts(page) -> int:
    """Scroll each chart on show into view (Streamlit draws a chart only once it is in view)
    and wait until plotly has drawn it; how many were drawn."""
    charts = page.locator('[class*="st-key-chart-"]')
    drawn = 0
    for i in range(charts.count()):
        chart = charts.nth(i)
        if not chart.is_visible():  # in a tab not shown
            continue
        chart.scroll_into_view_if_needed()
        chart.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=TIMEOUT)
        drawn += 1
    return drawn


def cold_open(browser, base: str, path: str, returning: bool = False) -> tuple[float, float, int]:
    """One cold open: (seconds to script idle, seconds to last chart drawn, charts).

    `returning`: a person who has used the dashboard before in this browser: the context
    first opens another page (the Glossary) and closes it, so the browser's cache holds the
    app's code; the page is then opened in a new tab, a new session on the server (as a
    bookmark opened the next morning)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        if returning:
            earlier = context.new_page()
            earlier.goto(f"{base}/glossary", timeout=TIMEOUT)
            earlier.wait_for_selector(IDLE, timeout=TIMEOUT)
            earlier.close()
        page = context.new_page()
        start = time.perf_counter()
        page.goto(f"{base}/{path}", timeout=TIMEOUT)
        page.locator("h1").first.wait_for(timeout=TIMEOUT)
        page.wait_for_selector(IDLE, timeout=TIMEOUT)
        idle = time.perf_counter() - start
        drawn = draw_charts(page)
        last_chart = time.perf_counter() - start  # when the last chart was seen drawn
        return idle, last_chart if drawn else idle, drawn
    finally:
        context.close()


def cold_opens(
    base: str, pages: list[str], returning: bool = False
) -> list[tuple[str, float, float, int]]:
    """(page, seconds to script idle, seconds to last chart drawn, charts) per page."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for path in pages:
            rows.append((path or "overview", *cold_open(browser, base, path, returning)))
        browser.close()
    return rows


def cold_opens_compared(
    servers: dict[str, str], pages: list[str], repeat: int, returning: bool = False
) -> dict[tuple[str, str], list[tuple[float, float, int]]]:
    """Cold opens of every page on each server ({label: base URL}), interleaved (page by
    page, server by server, `repeat` rounds), so both meet the same load on the machine:
    {(label, page): [(idle, last chart, charts), ...]}."""
    from playwright.sync_api import sync_playwright

    found: dict[tuple[str, str], list] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for round_ in range(repeat):
            for path in pages:
                # alternate which server goes first, so neither always meets the other's tail
                order = list(servers.items())
                if round_ % 2:
                    order.reverse()
                for label, base in order:
                    found.setdefault((label, path), []).append(
                        cold_open(browser, base, path, returning)
                    )
        browser.close()
    return found


async def one_session(
    browser,
    base: str,
    number: int,
    changes: int,
    times: list[float],
    server: list[float],
    unchanged: list[int],
    missed: list[int],
    lost: list[int],
):
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT)  # ten sessions on a small machine: slow first runs
    await context.add_init_script(INIT)
    page = await context.new_page()
    watch = RunWatch()
    watch.attach(page)
    await page.goto(f"{base}/breakdowns", timeout=TIMEOUT)
    await page.locator(".st-key-view-link code").wait_for()  # the frame's sidebar: in the frame
    await page.wait_for_selector(IDLE, timeout=TIMEOUT)
    chart = page.locator('[class*="st-key-chart-"]').first
    await chart.scroll_into_view_if_needed()  # Streamlit draws a chart once it is in view
    await chart.locator(".js-plotly-plot").wait_for(timeout=TIMEOUT)
    box = page.locator(".st-key-days_from input")
    if not await box.is_visible():
        await page.get_by_text("Placement, import, days out").click()
        await box.wait_for(state="visible")
        await page.wait_for_timeout(500)
    for change in range(changes):
        # a value no other session uses, so every change misses the query cache; small, so
        # every value leaves children to draw
        value = 1 + number * changes + change
        await box.fill(str(value))
        await page.wait_for_timeout(100)  # (not timed) the box takes the typed value first
        start = await page.evaluate(ARM)  # watches for new chart elements too
        seen = watch.seen()
        await box.press("Enter")
        # the run this change started has ended: its script_finished message has arrived
        deadline = time.monotonic() + 60
        while (position := watch.finished_since(seen)) is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if position is None:
            print(f"   (session {number}, change {change}: no run ended in 60 s; not counted)")
            missed[0] += 1
            continue
        await page.wait_for_function(HAS_TIME, arg=position)
        ended = (await page.evaluate(WS_TIMES))[position]
        # ...and the chart is redrawn: plotly redraws when the run's figure arrives, which is
        # before the run ends; a figure identical to the last one (a days-out value that
        # changes no count) is not redrawn at all, so allow a moment, then take the run's end.
        try:
            await page.wait_for_function("t => window.__redrawn > t", arg=start, timeout=1_000)
            redrawn = await page.evaluate("() => window.__redrawn")
        except PlaywrightTimeout:
            redrawn, unchanged[0] = 0.0, unchanged[0] + 1
        times.append((max(ended, redrawn) - start) / 1000)
        server.append((ended - start) / 1000)
        await page.wait_for_selector(IDLE)
        # (not timed) the server ran with the typed value: its own summary of the filters,
        # written from the values of the run, says so. A change whose value never reached
        # the server would end a run all the same (a rerun with the old value), leave the
        # chart as it was and be counted above as "not redrawn": this tells the two apart.
        words = f"Days out of school: {value} or more"
        try:
            await page.locator(FILTERS).filter(has_text=words).first.wait_for(timeout=20_000)
        except PlaywrightTimeout:
            print(f"   (session {number}, change {change}: the page never showed {words!r})")
            lost[0] += 1
    await context.close()


async def concurrent(base: str, sessions: int, changes: int) -> tuple[list, list, int, int]:
    from playwright.async_api import async_playwright

    times: list[float] = []
    server: list[float] = []
    unchanged, missed, lost = [0], [0], [0]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        await asyncio.gather(
            *(
                one_session(browser, base, n, changes, times, server, unchanged, missed, lost)
                for n in range(sessions)
            )
        )
        await browser.close()
    return times, server, unchanged[0], missed[0], lost[0]


# Streamlit's own defaults for the two runner settings .streamlit/config.toml changes (the
# environment overrides the file).
STREAMLIT_DEFAULTS = {
    "STREAMLIT_RUNNER_POST_SCRIPT_GC": "true",
    "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "auto",
}


def many_sessions(db: Path, folder: Path, sessions: int, changes: int, env: dict) -> None:
    """Part 3 on a fresh server started with `env` added to the environment."""
    from tests.browser.conftest import start_server, stop_server

    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        process, base = start_server(db, folder / "sessions.log")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    try:
        cpu_before, rss_before = cpu_seconds(process.pid), rss_mb(process.pid)
        times, server, unchanged, missed, lost = asyncio.run(concurrent(base, sessions, changes))
        cpu = cpu_seconds(process.pid) - cpu_before
        rss_after = rss_mb(process.pid)
    finally:
        stop_server(process)
    for name, values in (("to the page redrawn", times), ("script run ended", server)):
        print(
            f"     {name:20s} {len(values)} changes: p50 {pct(values, 50):.2f}  "
            f"p95 {pct(values, 95):.2f}  max {max(values):.2f}  "
            f"mean {statistics.mean(values):.2f}"
        )
    print(f"     ({unchanged} changes left the chart's figure as it was: not redrawn)")
    print(f"     ({missed} changes whose run did not end within 60 s)")
    print(f"     ({lost} changes whose typed value the page's filter summary never showed: lost)")
    print(
        f"     the server's CPU {cpu:.1f} s ({cpu / max(1, len(times) + sessions):.2f} s per "
        f"run, page opens included); memory {rss_before:.0f} MB before, {rss_after:.0f} MB after"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5, help="filter changes per page (part 2)")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument(
        "--parts", nargs="*", type=int, default=[1, 2, 3], help="which measurements to make"
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="part 1 also on a checkout of the code before a change (e.g. `git archive main | "
        "tar -x -C /tmp/before`), run as a second server on a copy of the database, cold opens "
        "interleaved with this code's: before and after in one run",
    )
    parser.add_argument("--repeat", type=int, default=1, help="rounds of part 1 (medians)")
    parser.add_argument(
        "--prime",
        action="store_true",
        help="part 1: open every page once first and restart this code's server, so that its "
        "start-up warm-up (queries/warm.py) has the views to work out",
    )
    parser.add_argument(
        "--returning",
        action="store_true",
        help="part 1: each page opened in a browser that has opened the dashboard before (its "
        "cache holds the app's code), in a new tab: a new session, as a bookmark next morning",
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="part 3 also with Streamlit's default runner settings (full garbage collection "
        "after every run, polling file watcher) first, in this same process: the ratio shows "
        "what .streamlit/config.toml's settings save",
    )
    args = parser.parse_args(argv)

    from tests.browser.conftest import start_server, stop_server

    with tempfile.TemporaryDirectory(prefix="oos-bench-browser-") as folder:
        db = args.db
        if db is None:
            from data.generate import build_demo_database

            print("building the demo database (1,500 children x 24 months)…", file=sys.stderr)
            db = build_demo_database(Path(folder) / "demo.duckdb")
        process, base = start_server(db, Path(folder) / "streamlit.log")
        before = None
        try:
            if 1 in args.parts and (args.before or args.repeat > 1):
                servers = {"after": base}
                if args.before:
                    # its own copy of the database: each code keeps its own warm-up list
                    # beside the file (queries/warm.py), and neither reads the other's
                    before_db = Path(folder) / f"before-{Path(db).name}"
                    shutil.copy(db, before_db)
                    before, servers["before"] = start_server(
                        before_db, Path(folder) / "before.log", root=args.before
                    )
                if args.prime:
                    # every page opened once on each server, so each remembers the views
                    # pages open on (queries/warm.py, kept beside its database); then both
                    # restarted, as after a deployment or a publish
                    print("   (priming: every page opened once, then the servers restarted)")
                    for address in list(servers.values()):
                        cold_opens(address, args.pages)
                    stop_server(process)
                    process, servers["after"] = start_server(db, Path(folder) / "streamlit2.log")
                    if before is not None:
                        stop_server(before)
                        before, servers["before"] = start_server(
                            before_db, Path(folder) / "before2.log", root=args.before
                        )
                idle_after = wait_idle(process.pid)
                print(f"   (after start-up: this code's server idle in {idle_after:.0f} s)")
                if before is not None:
                    idle_before = wait_idle(before.pid)
                    print(f"   (the code before: its server idle in {idle_before:.0f} s more)")
                print(
                    f"\n1. Cold open ({KIND[args.returning]}), seconds: script idle / last chart, "
                    f"median of {args.repeat}"
                )
                found = cold_opens_compared(servers, args.pages, args.repeat, args.returning)
                for path in args.pages:
                    line = f"   {path or 'overview':16s}"
                    for label in servers:
                        runs = found[(label, path)]
                        idle = statistics.median(r[0] for r in runs)
                        last = statistics.median(r[1] for r in runs)
                        line += f"  {label} {idle:6.2f} / {last:6.2f}"
                    print(f"{line}   ({runs[0][2]} charts)")
            elif 1 in args.parts:
                print(f"\n1. Cold open ({KIND[args.returning]}), seconds: script idle / last chart")
                for name, idle, last, drawn in cold_opens(base, args.pages, args.returning):
                    print(f"   {name:16s} {idle:6.2f} / {last:6.2f}   ({drawn} charts)")
        finally:
            stop_server(process)
            if before is not None:
                stop_server(before)

        if 3 in args.parts:
            print(
                f"\n3. {args.sessions} sessions at once on Breakdowns, {args.changes} filter "
                "changes each, a fresh server each time: seconds to the redrawn chart"
            )
            settings = [("as shipped (.streamlit/config.toml)", {})]
            if args.baseline:
                settings.insert(0, ("Streamlit's defaults", STREAMLIT_DEFAULTS))
            for label, env in settings:
                print(f"   {label}:")
                many_sessions(db, Path(folder), args.sessions, args.changes, env)

        if 2 in args.parts:
            from bench_pages import bench_browser

            print("\n2. Filter change to redrawn chart (bench_pages' browser measurement), s:")
            pages = ["overview", "breakdowns", "trends", "map"]
            results = bench_browser(db, args.runs, pages, Path(folder) / "changes.log")
            for name, timings in results.items():
                total = [t / 1000 for t, _ in timings]
                print(
                    f"   {name:16s} median {statistics.median(total):.2f}  "
                    f"max {max(total):.2f}  ({len(total)} changes)"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
