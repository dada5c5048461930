"""A person's change is never lost when the browser is busy (issue 18 item 8).

Ten sessions at once on two cores once reported filter changes that "started no run". Here
chromium is slowed down (its own CPU throttling, four times: a browser sharing a busy machine)
and a person's changes are made the way people make them: a district chosen in the
multiselect and, at once, without waiting for that change's run, a breakdown pill clicked;
a number typed and Enter pressed, three times, without a pause. Each change must reach the
server: the page's own words for the view it drew ("Filters: ..." under the heading, written
by the server from the values it ran with) and the chart's title must show every change, and
a run must have started after each. A change the server never ran with would leave the old words
on the page, and the wait for the new ones would time out.
"""

from __future__ import annotations

from playwright.sync_api import expect

FILTERS = '[data-testid="stMain"] [data-testid="stCaptionContainer"]:has-text("Filters:")'
SLOWER = 4  # chromium's CPU throttling rate: everything in the page takes four times as long
WAIT = 60_000  # a slowed page on a busy CI machine


def slow_down(page) -> None:
    """Once the page has drawn its chart (its code loaded): every later step four times slower."""
    chart = page.locator('[class*="st-key-chart-"]').first
    chart.locator(".js-plotly-plot .main-svg").first.wait_for()
    page.set_default_timeout(WAIT)
    session = page.context.new_cdp_session(page)
    session.send("Emulation.setCPUThrottlingRate", {"rate": SLOWER})


def open_group(page, title: str, key: str):
    widget = page.locator(f".st-key-{key}")
    if not widget.is_visible():
        page.get_by_text(title).click()
        widget.wait_for(state="visible")
    return widget


def test_a_change_made_while_the_last_one_still_runs_is_not_lost(dash):
    page = dash.open("breakdowns")
    combobox = open_group(page, "District, need and team", "district").get_by_role("combobox")
    slow_down(page)
    before = len(dash.runs)
    combobox.click()
    combobox.press_sequentially("Dover")
    page.get_by_role("option", name="Dover", exact=True).click()
    page.keyboard.press("Escape")
    # at once, without waiting for the district's run: a second change
    page.locator(".st-key-dim").get_by_text("Placement status", exact=True).click()
    # the server ran with both: its summary of the filters and the chart's title say so
    expect(page.locator(FILTERS)).to_contain_text("District: Dover", timeout=WAIT)
    # Dover, June 2023 (tests/data/p_cohort_2023_06.csv): P-0004 and P-0005, no placement
    expect(page.locator("h3").first).to_have_text(
        "No placement is the larger group (100.0%)", timeout=WAIT
    )
    assert "script_finished" in dash.runs[before:]
    page.wait_for_function("() => location.search.includes('dim=')")
    assert "district=Dover" in page.url


def test_numbers_typed_and_entered_without_a_pause_each_reach_the_server(dash):
    page = dash.open("breakdowns")
    box = open_group(page, "Placement, import, days out", "days_from").locator("input")
    slow_down(page)
    for value in (3, 40, 7):  # as the ten-session bench types them: fill, then Enter
        before = len(dash.runs)
        box.fill(str(value))
        box.press("Enter")
        expect(page.locator(FILTERS)).to_contain_text(
            f"Days out of school: {value} or more", timeout=WAIT
        )
        # a run started after the change (the words above come from its messages)
        assert "new_session" in dash.runs[before:]
    assert "days_from=7" in page.url
