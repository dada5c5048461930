"""Browser tests: what only a real browser shows (charts drawn, map, downloads, URL state).

Against the fixture database of tests/data/p_cohort_2023_0[56].csv (hand-worked figures in
tests/test_pages_app.py's docstring). Every request that is not to the local server is blocked
and recorded, and each test checks that there was none.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

PAGES = {
    "": "Overview",
    "breakdowns": "Breakdowns",
    "crosstab": "Cross-tab",
    "trends": "Trends",
    "map": "District map",
    "explorer": "Cohort explorer",
    "data_quality": "Data quality",
    "today": "Today",
    "priority": "Priority cases",
    "chronology": "Chronology",
    "service": "Service",
    "action_plan": "Action plan",
}
CASEWORK_PAGES = {"today", "priority", "chronology", "service"}
# Pages that always draw at least one chart on the fixture data.
CHART_PAGES = {"", "breakdowns", "crosstab", "trends", "map", "data_quality"}


def charts_drawn(page) -> int:
    """Scroll every chart into view (Streamlit draws plotly lazily) and count drawn ones."""
    containers = page.locator('[class*="st-key-chart-"]')
    drawn = 0
    for i in range(containers.count()):
        container = containers.nth(i)
        if not container.is_visible():  # a chart in an inactive tab is not drawn
            continue
        container.scroll_into_view_if_needed()
        container.locator(".js-plotly-plot .main-svg").first.wait_for()
        drawn += 1
    return drawn


def no_error_boxes(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def downloaded_csv(page, button_name: str) -> tuple[str, list[list[str]]]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button_name).first.click()
    download = info.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    # the file starts with what it holds, as '# ' lines (pages/common/exports.py)
    lines = text.splitlines(keepends=True)
    about = [line.strip() for line in lines if line.startswith("# ")]
    data = "".join(lines[len(about) :])
    downloaded_csv.about = about
    return download.suggested_filename, list(csv.reader(io.StringIO(data)))


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders_without_errors(dash, path):
    page = dash.open(path)
    heading = page.locator("h1").first.inner_text()
    if path in CASEWORK_PAGES:
        assert heading  # the casework engineer's pages: titled, and no error
    else:
        assert heading == PAGES[path]
    no_error_boxes(page)
    if path in CHART_PAGES:
        assert charts_drawn(page) >= 1
    assert dash.outside == []  # nothing fetched from the internet (no CDN, no tiles, no fonts)


def test_sidebar_shows_only_the_navigation_pages(dash):
    # The dashboard's navigation is in the top bar; Streamlit's automatic list of pages/*.py
    # (which would include "dashboard") must not appear.
    page = dash.open("map")
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.get_by_text("dashboard", exact=True).count() == 0


def test_map_draws_twelve_districts_offline(dash):
    page = dash.open("map")
    chart = page.locator(".st-key-chart-district-map")
    chart.scroll_into_view_if_needed()
    chart.locator(".js-plotly-plot .main-svg").first.wait_for()
    # One filled polygon (path.js-fill) per district trace.
    assert chart.locator("path.js-fill").count() == 12
    assert "Martin Chorley, CC BY 4.0" in page.inner_text("body")  # attribution under the map
    assert dash.outside == []


def test_breakdown_download_holds_the_hand_worked_figures(dash):
    page = dash.open("breakdowns?district=Thanet&dim=Placement+status")
    name, rows = downloaded_csv(page, "Download CSV")
    # Thanet, June 2023: P-0001 no placement; P-0002, P-0003 provision unknown.
    assert name == "children_by_placement_status_2023-06.csv"
    assert rows == [
        ["Placement status", "Children", "Percent of children"],
        ["No placement", "1", "33.3"],
        ["Provision unknown", "2", "66.7"],
    ]


def test_cohort_download_holds_every_filtered_child(dash):
    page = dash.open("explorer?placement=Provision+unknown")
    name, rows = downloaded_csv(page, "Download CSV")
    assert name == "cohort_2023-06.csv"
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Child ID", "Age", "Year group"]
    # Provision unknown in June, in the screen's order (days out, largest first) at 30 June:
    # P-0003 (since 1 Sep 2022: 302), P-0010 (1 Feb: 149), P-0002 (1 May: 60), P-0007 (20 Jun: 10)
    assert [row[0] for row in body] == ["P-0003", "P-0010", "P-0002", "P-0007"]
    about = downloaded_csv.about
    assert "# Period: June 2023" in about and "# Census date: 30 June 2023" in about
    assert "# Filters: Placement status: Provision unknown" in about
    assert any(line.startswith("# Order: Sorted by days out, largest first") for line in about)
    team = body[1][header.index("SEN team")]  # P-0010
    assert team == "'=1+1 <b>North</b>"  # free text kept as typed, formula neutralised


def test_url_with_filters_reproduces_the_view(dash):
    # Choose filters through the sidebar as a user would ...
    page = dash.open("breakdowns")
    district = page.locator(".st-key-district")
    if not district.is_visible():
        page.get_by_text("District, need and team").click()
        district.wait_for(state="visible")
        # the expander has finished opening once the box stops moving (bounded, no fixed sleep)
        page.wait_for_function(
            """() => new Promise(done => {
                const box = document.querySelector('.st-key-district');
                const top = box.getBoundingClientRect().top;
                requestAnimationFrame(() => requestAnimationFrame(
                    () => done(box.getBoundingClientRect().top === top)));
            })""",
            timeout=10_000,
        )
    dash.choose(district, "Dover")
    page.keyboard.press("Escape")
    pill = page.locator(".st-key-dim").get_by_text("Placement status", exact=True)
    dash.rerun_after(pill.click)  # the URL changes at the click, the chart only after the rerun
    page.wait_for_function("() => location.search.includes('dim=')")
    url = page.url
    assert "district=Dover" in url and "period=2023-06" in url
    title = page.locator("h3").first.inner_text()
    # Dover, June: P-0004 and P-0005, both no placement.
    assert title == "No placement is the larger group (100.0%)"

    # ... then open the copied link in a fresh browser page: the same view.
    dash.page = dash.page.context.new_page()
    other = dash.visit(url, settled=True)  # the context line and sidebar boxes load lazily
    assert other.locator("h3").first.inner_text() == title
    assert "2** children" not in other.inner_text("body")  # the caption is rendered, not raw
    assert "2 children match the filters (of 10)" in other.inner_text("body")
    assert dash.outside == []


def test_the_latest_period_is_put_into_the_url(dash):
    page = dash.open("crosstab")
    page.wait_for_function("() => location.search.includes('period=2023-06')")
    assert "period=2023-06" in page.url


def test_filters_survive_a_page_switch_and_the_link_keeps_them(dash):
    page = dash.open("?district=Thanet")
    page.get_by_role("button", name="Appendix B").click()
    page.get_by_role("menuitem", name="District map").click()
    # (waited for by what the new page draws: a page switch may remount the app's element, so
    # its run state is not watched here)
    page.get_by_role("heading", name="District map", level=1).wait_for()
    dash.wait()
    # The filter still applies on the new page ...
    page.get_by_text("3 children match the filters (of 10)").wait_for()
    # ... and the sidebar's link to this view carries it. (Streamlit 1.67 sometimes drops the
    # query string from the address bar on a page switch, so the address bar is not asserted.)
    link_box = page.locator('[data-testid="stSidebar"] .st-key-view-link code')
    link_box.filter(has_text="/map?").wait_for()
    link = link_box.inner_text().strip()
    assert link.startswith(dash.base + "/map?period=2023-06")
    assert "district=Thanet" in link
    dash.page = dash.page.context.new_page()
    other = dash.visit(link, settled=True)  # the context line and sidebar boxes load lazily
    assert other.locator("h1").first.inner_text() == "District map"
    assert "3 children match the filters (of 10)" in other.inner_text("body")
    assert dash.outside == []


def test_screenshots_at_1280_by_800(dash, tmp_path):
    """Screenshots of every page for a person to look at (OOS_SCREENSHOTS=<dir> keeps them)."""
    folder = Path(os.environ.get("OOS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for path in PAGES:
        page = dash.open(path, settled=True)
        page.screenshot(path=str(folder / f"{path or 'overview'}.png"))
        # The main area never scrolls sideways at 1280 px.
        width = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
            " return [m.scrollWidth, m.clientWidth]; }"
        )
        assert width[0] <= width[1] + 1, f"{path}: content wider than the window"
    assert dash.outside == []
