"""WCAG 2.2 AA in a real browser: axe-core on every page, headings, tab titles, skip link (print:
tests/browser/test_print.py).

axe-core 4.14.1 is vendored in tests/browser/vendor (MPL-2.0, with its licence) and injected
into each page: nothing is fetched at run time. A page fails on any violation axe rates
serious or critical under the WCAG 2.0/2.1/2.2 A and AA rules. One server for the module, on
a small synthetic database with casework, so every page draws its figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import start_server, stop_server

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = {
    "": "Overview",
    "today": "Today",
    "priority": "Priority cases",
    "breakdowns": "Breakdowns",
    "crosstab": "Cross-tab",
    "trends": "Trends",
    "map": "District map",
    "explorer": "Cohort explorer",
    "chronology": "Chronology",
    "service": "Service",
    "data_quality": "Data quality",
    "action_plan": "Action plan",
    "rates": "Rates",
    "time_to_return": "Time to return",
    "england": "England and similar councils",
    "glossary": "Glossary",
    "accessibility": "Accessibility statement",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_db) -> str:
    folder = tmp_path_factory.mktemp("browser-a11y")
    process, base = start_server(demo_db, folder / "streamlit.log")
    try:
        yield base
    finally:
        stop_server(process)


def serious_violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    found = page.evaluate(
        """async (tags) => {
          const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
          return result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.length + ' nodes, e.g. '
                 + v.nodes[0].target.join(' ') + ' :: ' + (v.nodes[0].failureSummary || ''));
        }""",
        WCAG_TAGS,
    )
    return found


def heading_levels(page) -> list[int]:
    return page.locator("[data-testid='stMain'] :is(h1, h2, h3, h4, h5, h6)").evaluate_all(
        "els => els.filter(e => e.offsetParent !== null).map(e => Number(e.tagName[1]))"
    )


@pytest.mark.parametrize("path", list(PAGES))
def test_page_has_no_serious_accessibility_violation(dash, path):
    page = dash.open(path + ("?child=SYN0000001" if path == "chronology" else ""), settled=True)
    assert serious_violations(page) == []
    # headings: one h1 first, and never a skipped level on the way down
    levels = heading_levels(page)
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    # its own browser-tab title
    assert page.title().startswith(PAGES[path] + " · ")
    assert dash.outside == []


def test_the_filters_come_early_in_tab_order(dash):
    page = dash.open("breakdowns", settled=True)
    stops = []
    for _ in range(4):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                "() => { const e = document.activeElement; return (e.getAttribute('aria-label')"
                " || e.textContent || '').trim(); }"
            )
        )
    assert stops[0] == "Skip to main content"  # Streamlit's own skip link comes first
    assert "Reporting period (year-month)" in stops[1:3], stops  # then the sidebar's period
    sidebar = page.evaluate("() => !!document.activeElement.closest('[data-testid=stSidebar]')")
    assert sidebar


def test_chart_names_for_screen_readers_have_no_markdown_escapes(dash):
    page = dash.open("breakdowns", settled=True)
    title = page.locator("[data-testid='stMain'] h3").first.inner_text()
    assert "(" in title  # "... the most common primary need (37.3%)"
    names = page.locator("[class*='st-key-chart-'] [aria-label]").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert title in names
    assert not any("\\" in name for name in names)
