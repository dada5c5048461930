"""A running dashboard shows a month published while it runs, without a restart.

The loader replaces the database file atomically while the server holds the old one open;
the query runner must notice the new file, close its old connection and reconnect (within
one process DuckDB would otherwise keep handing back the old file).
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.browser.conftest import DATA, ROOT, build_fixture_db, start_server, stop_server


def _open_overview(page, base: str) -> str:
    page.goto(f"{base}/")
    # the context line under the title (an h2, drawn lazily by st.html); "text=census date"
    # alone would also match a chart's caption ("Census date: ...") drawn before it
    page.wait_for_selector("h2.oos-context", timeout=60_000)
    return page.inner_text("body")


def test_a_month_published_while_the_dashboard_runs_appears_on_reload(browser, tmp_path):
    db = build_fixture_db(tmp_path)
    process, base = start_server(db, tmp_path / "streamlit.log")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        # the fixture holds May and June 2023: the dashboard opens on the latest, June
        assert "census date 30 June 2023" in _open_overview(page, base)

        loaded = subprocess.run(
            [sys.executable, "-m", "data.load", "cohort", str(DATA / "p_cohort_2023_06.csv"),
             "--period", "2023-07", "--db", str(db)],
            cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        # the server holds the file open read-only, and the load still succeeds
        assert loaded.returncode == 0, loaded.stderr

        page = context.new_page()  # a fresh visit, as a user opening the link again
        text = _open_overview(page, base)
        assert "census date 31 July 2023" in text
        assert not re.search(r"Traceback|Error", text)
    finally:
        context.close()
        stop_server(process)
