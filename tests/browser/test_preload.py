"""The chart library loaded on a first visit while the page runs (pages/common/preload.py).

A first visit's run draws one empty, hidden chart before the page, so the browser loads
Streamlit's plotly code at once rather than when the page's first chart arrives. Checked in
chromium: on a page with no chart at all (the cohort explorer) the library is still fetched on
a first visit, the hidden chart is never shown, and from the next run on it is gone, leaving the
page's own charts alone.
"""

from __future__ import annotations

from playwright.sync_api import expect

PLOTLY_FETCHED = (
    "() => performance.getEntriesByType('resource')"
    ".some(e => /\\/static\\/js\\/PlotlyChart\\.[^/]+\\.js$/.test(e.name))"
)
PRELOAD = ".st-key-oos-chart-preload"


def test_a_first_visit_loads_the_chart_library_even_before_any_chart(dash):
    page = dash.open("explorer")
    assert page.locator('[class*="st-key-chart-"]').count() == 0  # the explorer draws no chart
    page.wait_for_function(PLOTLY_FETCHED)
    assert page.locator(PRELOAD).count() == 1
    # hidden by the frame's style, which applies once the browser has the code of st.html's
    # element (fetched on a first visit like the chart's: on a busy machine after the run ends)
    expect(page.locator(PRELOAD)).to_be_hidden(timeout=60_000)
    assert page.locator(PRELOAD).count() == 1  # hidden, not gone
    assert dash.outside == []


def test_the_hidden_chart_is_gone_from_the_next_run_on(dash):
    page = dash.open("breakdowns")
    assert page.locator(PRELOAD).count() == 1
    pill = page.locator(".st-key-dim").get_by_text("Placement status", exact=True)
    dash.rerun_after(pill.click, again=lambda: "dim=" not in page.url)
    page.wait_for_function(f"() => !document.querySelector('{PRELOAD}')")
    # the page's own chart, drawn for the new choice, is the only chart left
    chart = page.locator('[class*="st-key-chart-"]').first
    chart.locator(".js-plotly-plot .main-svg").first.wait_for()
    assert page.locator(".js-plotly-plot").count() == 1


def test_a_first_visit_fetches_no_syntax_highlighter(dash):
    """ "Link to this view" is plain text in a code box (pages/common/share.py), not st.code,
    whose element needs a 1.5 MB syntax highlighter the first visit would fetch and run
    before the page's charts are drawn."""
    page = dash.open("breakdowns")
    page.locator(".st-key-view-link code").wait_for()
    chart = page.locator('[class*="st-key-chart-"]').first
    chart.locator(".js-plotly-plot .main-svg").first.wait_for()
    fetched = page.evaluate(
        "() => performance.getEntriesByType('resource').map(e => e.name.split('/').pop())"
    )
    assert any(name.startswith("PlotlyChart.") for name in fetched)  # the list is complete
    assert not [name for name in fetched if "SyntaxHighlighter" in name]
