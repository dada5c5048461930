"""Browser test fixtures: a real `streamlit run server.py` server and Debian's chromium.

The server runs on a free port against a fixture database built from tests/data/p_*.csv by the
real loader; the fixture polls /_stcore/health until the server answers and stops it (its whole
process group) afterwards. Each test gets a fresh 1280x800 browser page in which every request
that does not go to the local server is blocked and recorded, so a test can assert that nothing
was fetched from the internet (a council network blocks CDNs).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 800}
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_fixture_db(folder: Path) -> Path:
    from data.load import load_cohort

    db = folder / "browser.duckdb"
    load_cohort(DATA / "p_cohort_2023_05.csv", "2023-05", db)
    load_cohort(DATA / "p_cohort_2023_06.csv", "2023-06", db)
    return db


def start_server(
    db: Path,
    log_path: Path,
    *,
    script: str = "server.py",
    env: dict | None = None,
    root: Path = ROOT,
) -> tuple[subprocess.Popen, str]:
    """`streamlit run server.py` (the dashboard with the pupil-file guard, as deployed; or
    `script`) against `db`, with `env` added to the environment, from the code in `root`
    (bench/bench_browser.py's --before runs an earlier checkout beside this one)."""
    port = free_port()
    env = {**os.environ, "OOS_DB": str(db), **(env or {})}
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early; see {log_path}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise RuntimeError(f"streamlit did not become healthy in {STARTUP_SECONDS}s; see {log_path}")


def wait_no_placeholders(page: Page) -> None:
    """Wait until no element shows Streamlit's grey placeholder (`stSkeleton`: React's
    stand-in while the code for a chart, a metric or a table is still loading)."""
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0"
    )


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the server's own process group only
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("browser")
    db = build_fixture_db(folder)
    process, base = start_server(db, folder / "streamlit.log")
    try:
        yield base
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A small synthetic demo database (200 children, 14 months, casework), built once for
    the modules that need every page to have something to show."""
    from data.generate import build_demo_database

    return build_demo_database(
        tmp_path_factory.mktemp("demo") / "demo.duckdb", children=200, periods=14
    )


@pytest.fixture(scope="session")
def playwright_driver():
    """The one Playwright driver of the test session. Its sync API refuses to start a second
    driver while one runs in the same thread, so every module launches browsers from this."""
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver):
    chromium = playwright_driver.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield chromium
    chromium.close()


class BlockedRequests(list):
    """URLs the page tried to fetch from anywhere but the local server."""


@pytest.fixture
def outside_requests() -> BlockedRequests:
    return BlockedRequests()


@pytest.fixture
def page(browser, server, outside_requests) -> Page:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)

    def guard(route):
        url = route.request.url
        if url.startswith(server) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside_requests.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


class Dashboard:
    """The page under test and the server it talks to, with the waits every test needs."""

    def __init__(self, page: Page, base: str, outside: BlockedRequests):
        self.page = page
        self.base = base
        self.outside = outside
        # Runs started and ended, read from the server's own messages on the page's websocket
        # (new_session, script_finished), in order: under load the app's state attribute can
        # skip a whole run (its "running" and "not running" drawn in one go; see
        # bench/run_watch.py), so a rerun is also seen by its messages.
        self.runs: list[str] = []
        page.on("websocket", lambda socket: socket.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        if isinstance(payload, (bytes, bytearray)):
            try:
                kind = ForwardMsg.FromString(bytes(payload)).WhichOneof("type")
            except Exception:  # noqa: BLE001 - not a ForwardMsg: not a run's message
                return
            if kind in ("new_session", "script_finished"):
                self.runs.append(kind)

    def _messages_say(self, watched: str, before: int) -> bool:
        """A run began after position `before` (and, for RUN_FINISHED, has ended)."""
        later = self.runs[before:]
        if "new_session" not in later:
            return False
        return (
            watched != self.RUN_FINISHED or "script_finished" in later[later.index("new_session") :]
        )

    def open(self, path: str = "", *, settled: bool = False) -> Page:
        return self.visit(f"{self.base}/{path}", settled=settled)

    def visit(self, url: str, *, settled: bool = False) -> Page:
        """Go to a full URL (a copied link) and wait for the page's first run to finish."""
        self.page.goto(url)
        # every page draws its title first: once it is there the first run has begun, so the
        # wait below cannot be answered by the state before the run
        self.page.locator("h1").first.wait_for()
        self.wait(settled=settled)
        return self.page

    def wait(self, *, settled: bool = False) -> None:
        """Wait until the script run has finished; `settled`: and nothing is still drawing.

        Streamlit shows skeletons while it loads an element's code, and keeps them for charts
        out of view, so `settled` (for screenshots) can take a few seconds more.
        """
        self.page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        if settled:
            wait_no_placeholders(self.page)

    WATCH_RUNS = """() => {
      const app = document.querySelector('[data-testid="stApp"]');
      window.__runs = [];
      if (window.__runObserver) window.__runObserver.disconnect();
      window.__runObserver = new MutationObserver(() => window.__runs.push(
        app.getAttribute('data-test-script-state')));
      window.__runObserver.observe(app, {attributes: true,
        attributeFilter: ['data-test-script-state']});
    }"""
    RUN_STARTED = "() => window.__runs.includes('running')"
    RUN_FINISHED = (
        "() => window.__runs.includes('running')"
        " && window.__runs[window.__runs.length - 1] === 'notRunning'"
    )

    def rerun_after(self, action, *, again=None) -> None:
        """Do `action` (a click, a key press) and wait for the rerun it starts to finish.

        The app's script state is watched from inside the page, so a run too quick to be seen
        by polling is still caught going "running" and back to "notRunning".
        `again`: for a click that is safe to repeat, a check that says the click did not take
        (the tab or option still not selected). On a busy machine a click can land while the
        element is being redrawn and be lost; if no run starts within 10 s and the check says
        so, the click is made once more, as a person would. A started run is always waited for.
        """
        before = len(self.runs)
        self.page.evaluate(self.WATCH_RUNS)
        action()
        if again is not None and not self._ran(self.RUN_STARTED, before, 10_000):
            if again():
                before = len(self.runs)
                self.page.evaluate(self.WATCH_RUNS)
                action()
        if not self._ran(self.RUN_FINISHED, before, 30_000):
            raise PlaywrightTimeout("the rerun did not finish within 30 s")

    def _ran(self, watched: str, before: int, timeout_ms: int) -> bool:
        """Wait until the app's state attribute or the run's messages (after position
        `before`) say `watched`; False after `timeout_ms`."""
        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            if self._messages_say(watched, before):
                return True
            try:
                self.page.wait_for_function(watched, timeout=250)
                return True
            except PlaywrightTimeout:
                continue
        return self._messages_say(watched, before)

    def select_tab(self, tab) -> None:
        """Click a bound tab and wait for the rerun it starts (clicked again if lost)."""
        self.rerun_after(tab.click, again=lambda: tab.get_attribute("aria-selected") != "true")

    def choose(self, widget, option: str) -> None:
        """Pick `option` in a select box or multiselect the way a person does, and wait for the
        rerun: type into the widget's combobox to filter, wait until the option is listed,
        then click it.

        Typing into its input (not the page's keyboard focus) and waiting for the option keep
        this steady on a slow machine: a click on a widget inside a sidebar expander that is
        still opening can miss it, and an Enter pressed before the list has filtered picks
        nothing and starts no rerun. On a busy machine the list can also be redrawn under
        the pointer, so a click that starts no run within a few seconds is made once more
        (a person would click again); a run that has started is always waited for.
        """
        is_combobox = widget.get_attribute("role") == "combobox"
        combobox = widget if is_combobox else widget.get_by_role("combobox")
        for attempt in (1, 2):
            self.page.evaluate(self.WATCH_RUNS)
            if not combobox.get_attribute("aria-expanded") == "true":
                combobox.click()
            combobox.fill("")
            combobox.press_sequentially(option)
            choice = self.page.get_by_role("option", name=option, exact=True)
            choice.wait_for(state="visible")
            choice.click()
            before = len(self.runs)
            if not self._ran(self.RUN_STARTED, before, 10_000):
                if attempt == 2:
                    raise PlaywrightTimeout("the choice started no run within 10 s")
                continue
            if not self._ran(self.RUN_FINISHED, before, 30_000):
                raise PlaywrightTimeout("the rerun did not finish within 30 s")
            return


@pytest.fixture
def dash(page, server, outside_requests) -> Dashboard:
    return Dashboard(page, server, outside_requests)
