"""Today's links in a real browser (issue 18, item 3): one click on the list's Open cell opens
the chronology, the browser's Back and the chronology's own Back link return to the tier the
list showed, and a shared /today link opens for a caseworker.

Server on the casework fixture tests/data/f_*.csv with the assignments file (through the
loader). New this month at 31 March 2024, worked out in tests/test_casework_pages.py: F-0011,
F-0005, F-0008, F-0010, F-0002 (5 children); act now 8, watch 1. A second server on the small
demo database (the role switcher: no sign-in, synthetic data) for the caseworker's link.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data.load import load_batch
from tests.browser.conftest import BlockedRequests, Dashboard, start_server, stop_server

DATA = Path(__file__).resolve().parents[1] / "data"
LONG = 60_000  # a busy 2-core machine: generous waits, always for what the page draws


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    """Overrides the shared server fixture for this module: a server on the casework fixture."""
    folder = tmp_path_factory.mktemp("browser-today-links")
    db = folder / "flags.duckdb"
    load_batch(
        db,
        [(DATA / "f_cohort_2024_02.csv", "2024-02"), (DATA / "f_cohort_2024_03.csv", "2024-03")],
        DATA / "f_casework.csv",
        assignments_file=DATA / "f_assignments.csv",
    )
    process, base = start_server(db, folder / "streamlit.log")
    try:
        yield base
    finally:
        stop_server(process)


def tier_heading(page, text: str) -> None:
    page.get_by_role("heading", name=text).wait_for(timeout=LONG)


def test_one_click_on_open_opens_the_chronology(dash):
    page = dash.open("today?period=2024-03&today_tier=New+this+month", settled=True)
    tier_heading(page, "New this month: 5 children")
    grid = page.locator('[data-testid="stDataFrame"]').filter(has_text="F-0011").first
    grid.scroll_into_view_if_needed()
    # glide's grid is a canvas: the pointer turns into a hand over the row's checkbox and
    # over a link. Move along the first row, past the checkbox, to the first hand: "Open".
    box = grid.bounding_box()
    y = box["y"] + 35 + 17  # below the header row, the middle of the first row
    cursor = "g => getComputedStyle(g.querySelector('canvas')).cursor"
    past_checkbox, x_link = False, None
    for x in range(int(box["x"]) + 10, int(box["x"] + box["width"]) - 10, 6):
        page.mouse.move(x, y)
        hand = grid.evaluate(cursor) == "pointer"
        if not hand:
            past_checkbox = True
        elif past_checkbox:
            x_link = x + 6  # a little inside the word
            break
    assert x_link is not None, "no link cell along the first row"
    with page.context.expect_page(timeout=LONG) as opened:
        page.mouse.click(x_link, y)  # one click
    chronology = opened.value
    chronology.wait_for_load_state()
    assert "/chronology?child=F-0011" in chronology.url
    assert "from_tier=New+this+month" in chronology.url
    chronology.get_by_text("Child F-0011", exact=True).wait_for(timeout=LONG)
    chronology.close()


def test_back_returns_to_the_tier_the_list_showed(dash):
    page = dash.open("today?period=2024-03&today_tier=New+this+month", settled=True)
    tier_heading(page, "New this month: 5 children")
    link = page.get_by_role("link", name="Open the chronology of F-0011")
    dash.rerun_after(link.click)
    page.wait_for_function("() => location.pathname.endsWith('/chronology')", timeout=LONG)
    page.get_by_text("Child F-0011", exact=True).wait_for(timeout=LONG)
    assert "from_tier=New+this+month" in page.url and "from_page=1" in page.url
    # the period is named once (the sidebar's bound choice)
    assert page.url.count("period=") == 1
    # the browser's Back: Today again, on the same tier
    dash.rerun_after(page.go_back)
    page.wait_for_function("() => location.pathname.endsWith('/today')", timeout=LONG)
    tier_heading(page, "New this month: 5 children")
    assert page.url.count("period=") == 1
    # and the chronology's own Back link does the same
    link = page.get_by_role("link", name="Open the chronology of F-0011")
    dash.rerun_after(link.click)
    back = page.get_by_role("link", name="Back to Today (New this month, page 1)")
    back.wait_for(timeout=LONG)
    dash.rerun_after(back.click)
    page.wait_for_function("() => location.pathname.endsWith('/today')", timeout=LONG)
    tier_heading(page, "New this month: 5 children")


@pytest.fixture(scope="module")
def demo_server(demo_db, tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("browser-today-demo")
    # the demo's role switcher needs no sign-in and no single user
    process, base = start_server(demo_db, folder / "streamlit.log", env={"OOS_SINGLE_USER": ""})
    try:
        yield base
    finally:
        stop_server(process)


@pytest.fixture
def demo_dash(browser, demo_server) -> Dashboard:
    """A fresh page on the demo server; anything not from it is blocked and recorded."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    outside = BlockedRequests()

    def guard(route):
        url = route.request.url
        if url.startswith(demo_server) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(LONG)
    yield Dashboard(page, demo_server, outside)
    context.close()


def test_a_shared_today_link_opens_for_a_caseworker(demo_dash):
    dash = demo_dash
    page = dash.open("today?role=Caseworker", settled=True)
    assert page.locator("h1").first.inner_text().startswith("Today: flags at ")
    assert "/today" in page.url
    alerts = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    assert "Viewing as a caseworker" in alerts
    assert "does not exist" not in alerts and "Page not found" not in page.content()
    # the caseworker opens on their own children (the demo's made-up North Kent caseworker)
    assert page.locator(".st-key-today_view").get_by_text("Mine", exact=True).is_visible()
    assert dash.outside == []


def test_explorer_page_past_the_end_lists_the_page_it_says(demo_dash):
    dash = demo_dash
    page = dash.open("explorer?page=999&rows_per_page=25", settled=True)
    alerts = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    # the demo database's latest period: 200 children, 8 pages of 25
    assert "This link asked for page 999, but there are 8 pages; showing page 8." in alerts
    page.get_by_text("Children 176 to 200 of 200", exact=False).first.wait_for(timeout=LONG)
