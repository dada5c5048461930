"""A fresh server opened by several people at once: every one of them gets the whole dashboard.

Streamlit starts each server process in its old "pages directory" mode (the project keeps its
pages in `pages/`): until the first run reaches `st.navigation`, a request for /breakdowns runs
pages/breakdowns.py on its own, without the frame (no sign-in gate, no sidebar, no context), and
told its reader "No cohort snapshot has been loaded yet". The first visitor's run switches the
mode off, but a second visitor arriving while that run is still going used to get the bare
page. Here a new server is started and three links are opened at the same moment.
"""

from __future__ import annotations

from tests.browser.conftest import VIEWPORT, Dashboard, build_fixture_db, start_server, stop_server

LINKS = {
    "breakdowns?dim=district": "Breakdowns",
    "explorer": "Cohort explorer",
    "trends": "Trends",
}


def test_links_opened_together_on_a_fresh_server_each_open_in_the_frame(browser, tmp_path):
    db = build_fixture_db(tmp_path)
    process, base = start_server(db, tmp_path / "streamlit.log")
    contexts = []
    try:
        pages = []
        for _ in LINKS:
            context = browser.new_context(viewport=VIEWPORT)
            contexts.append(context)
            pages.append(context.new_page())
        # every page asks before any first run can have reached the navigation
        for page, path in zip(pages, LINKS, strict=True):
            page.goto(f"{base}/{path}", wait_until="commit")
        for page, (path, title) in zip(pages, LINKS.items(), strict=True):
            dash = Dashboard(page, base, [])
            page.locator("h1").first.wait_for()
            dash.wait()
            page.locator(".st-key-view-link code").wait_for()  # the frame's sidebar
            assert page.locator("h1").first.inner_text().strip() == title, path
            body = page.locator("body").inner_text()
            assert "No cohort snapshot has been loaded yet" not in body, path
            assert "Children out of school" in page.title(), path  # the frame's tab title
            # the frame's navigation, not the folder listing of the old mode
            assert not page.get_by_role("link", name="data quality", exact=True).count(), path
    finally:
        for context in contexts:
            context.close()
        stop_server(process)
