"""Browser tests of the context pages (rates, time to return, England and similar councils):
drawn in a real chromium with every outside request blocked, no error boxes.

The browser fixture database has cohort snapshots (May and June 2023) and no caseload, so the
rates page must say so; the published figures ship with the dashboard and are installed by the
fixture's loads.
"""

from __future__ import annotations

from tests.browser.test_browser_pages import charts_drawn, no_error_boxes


def test_england_page_draws_its_charts_offline(dash):
    page = dash.open("england")
    assert page.locator("h1").first.inner_text() == "England and similar councils"
    no_error_boxes(page)
    assert charts_drawn(page) == 2
    body = page.inner_text("body")
    assert "Kent had the highest rate of the 11 councils" in body
    assert "Open Government Licence" in body
    assert dash.outside == []


def test_time_to_return_page_with_too_few_children_says_so(dash):
    # two months: follow-up for the estimates ends at the earlier census (the later one only
    # confirms returns), so nobody is followed through a first month out and no curve can be
    # drawn; the page says why instead of failing
    page = dash.open("time_to_return")
    no_error_boxes(page)
    assert "Too few children were seen early" in page.inner_text("body")
    assert dash.outside == []


def test_rates_page_without_a_caseload_says_so(dash):
    page = dash.open("rates")
    no_error_boxes(page)
    assert "No EHC plan caseload is loaded for June 2023" in page.inner_text("body")
    assert dash.outside == []
