"""Printing every page as a person prints it: chromium's print to PDF (print media, A4 portrait),
from a page opened at a laptop's width.

For each page: the page is opened at 1366 x 800 (charts drawn for the screen), printed once with
`page.pdf` (chromium fires `beforeprint` for it as for Ctrl+P), and the PDF's text is read with
pypdf. The figures' tables are read independently, from the page's own "Table" tabs in
Streamlit's AppTest (the grid people see on screen), and every value of every table must be in
the PDF's text, as the grid writes it: counts with thousands separators, percentages to one
decimal place with a % sign, other numbers to at most three decimal places. Checked as a count
of words: each value must be there at least as many times as the tables hold it, so a column
cut off the paper (or a table not printed at all) fails even where its numbers appear
elsewhere; each row's label must be there as written.

While printing, every chart must be laid out at its printed column's width (at most the A4
column, 702 CSS pixels), not the screen's: a chart drawn 874 pixels wide for the screen runs off
the paper, losing its longest bars' values, the end of its lines and its legend. The sidebar,
buttons and tabs are not printed. One server for the module on the small synthetic database;
each page printed once.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from tests.browser.conftest import start_server, stop_server, wait_no_placeholders

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "": "overview",
    "today": "today",
    "priority": "priority",
    "breakdowns": "breakdowns",
    "crosstab": "crosstab",
    "trends": "trends",
    "map": "map",
    "explorer": "explorer",
    "chronology": "chronology",
    "service": "service",
    "data_quality": "data_quality",
    "action_plan": "action_plan",
    "rates": "rates",
    "time_to_return": "time_to_return",
    "england": "england",
    "glossary": "glossary",
    "accessibility": "accessibility",
}
A4_COLUMN = 702  # CSS pixels across A4 (210 mm) less 12 mm margins each side, at 96 dpi
A4_POINTS = (595, 842)  # A4 in PDF points, portrait
TIMEOUT = 120_000  # a busy 2-core machine: first runs of a page can take many seconds

# Records, while printing, the width each chart was last drawn at and its container's width.
# Listeners run in the order they were added, so this `beforeprint` runs after the page's own
# print layout; the end of printing is heard by AFTERPRINT, added before the page's own script
# runs, so that the page putting its charts back for the screen is not recorded.
AFTERPRINT = "window.addEventListener('afterprint', () => { window.__printDone = true; });"
WATCH_PRINT = """() => {
  window.__printed = {};
  let printing = false;
  const note = (gd, i) => { if (printing && !window.__printDone) window.__printed[i] = [
    gd._fullLayout.width, Math.floor(gd.parentElement.getBoundingClientRect().width)]; };
  const charts = [...document.querySelectorAll('[class*="st-key-chart-"] .js-plotly-plot')];
  charts.forEach((gd, i) => gd.on('plotly_afterplot', () => note(gd, i)));
  window.addEventListener('beforeprint', () => { printing = true; charts.forEach(note); });
  return charts.length;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_db) -> str:
    folder = tmp_path_factory.mktemp("browser-print")
    process, base = start_server(demo_db, folder / "streamlit.log")
    try:
        yield base
    finally:
        stop_server(process)


def screen_figures(db: Path, name: str, monkeypatch) -> tuple[list[pd.DataFrame], int]:
    """The tables in the page's figures' "Table" tabs, as the page shows them, and how many
    charts the page draws."""
    monkeypatch.setenv("OOS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT / 1000)
    at.run()
    at.switch_page(f"pages/{name}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    tables = [tab.dataframe[0].value for tab in at.tabs if tab.label == "Table" and tab.dataframe]
    return tables, len(at.get("plotly_chart"))


def as_shown(value, column) -> str:
    """A value as the table's grid writes it (empty for a missing value)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    name = str(column).lower()
    if "percent" in name or "share" in name or name.endswith("%"):
        return f"{value:.1f}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def words(text: str) -> list[str]:
    # a ligature chromium's font printed is read back as one character ("Suﬀolk" for
    # "Suffolk"): NFKC writes it as its letters again
    text = unicodedata.normalize("NFKC", text)
    # a line broken after a hyphen ("Year-on-" / "year") is one word
    return re.sub(r"-\s*\n\s*", "-", text).split()


def pdf_text(pdf: bytes) -> tuple[str, list]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() for p in reader.pages), reader.pages


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_every_page_prints_its_charts_laid_out_for_a4_and_every_table_value(
    browser, server, demo_db, monkeypatch, path
):
    # the tables the page's figures show (AppTest): the page is printed once it has drawn
    # them all
    tables, chart_count = screen_figures(demo_db, PAGES[path], monkeypatch)
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    context.add_init_script(AFTERPRINT)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{server}/{path}")
        title = page.locator("h1").first
        title.wait_for()
        # the frame's sidebar is drawn: the page ran inside the frame (on a fresh server the
        # first run of a link reruns through it; tests/browser/test_fresh_server.py)
        page.locator(".st-key-view-link code").wait_for()
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        # ... and every figure's printed table is there: the state above can read "notRunning"
        # while a busy page is still drawing the run (seen in CI: the cross-tab printed with
        # its title and no controls, chart or table)
        page.wait_for_function(
            "n => document.querySelectorAll('.oos-print-table').length >= n", arg=len(tables)
        )
        # ... and every element whose code Streamlit loads on first use (charts, metrics) is
        # drawn, not its grey placeholder (seen in CI: the England page printed with placeholders
        # for its metrics and charts, before their code had arrived) ...
        wait_no_placeholders(page)
        # ... and every chart drawn (plotly's SVG in place) before printing, as a person would
        # wait: as many as the page has (none drawn yet is not "every one drawn")
        page.wait_for_function(
            "n => { const charts = [...document.querySelectorAll('.js-plotly-plot')];"
            " return charts.length >= n"
            " && charts.every(gd => gd.querySelector('.main-svg') && gd._fullLayout); }",
            arg=chart_count,
        )
        heading = title.inner_text()
        charts = page.evaluate(WATCH_PRINT)
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        printed = page.evaluate("() => window.__printed")
    finally:
        context.close()

    text, pages = pdf_text(pdf)
    box = pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4_POINTS
    assert heading in " ".join(text.split()), heading
    # the screen's furniture is not printed
    furniture = (
        "Download CSV",  # buttons
        "Link to this view (copy it",  # the sidebar
        "Reporting period (year-month)",
        "About this figure",  # expanders
    )
    flat_text = " ".join(text.split())
    assert not [f for f in furniture if f in flat_text]

    # every chart laid out at its printed width, inside the A4 column
    assert charts == chart_count, (charts, chart_count)
    assert len(printed) == charts, printed
    for index, (drawn, column) in printed.items():
        assert column <= A4_COLUMN, (index, column)
        assert drawn == column, (index, drawn, column)

    # every value of every figure's table, at least as often as the tables hold it
    if charts:
        assert tables, "a page with charts has their tables"
    expected: Counter = Counter()
    labels = []
    for table in tables:
        for column in table.columns:
            expected.update(words(str(column)))
            for value in table[column].tolist():
                expected.update(words(as_shown(value, column)))
        first = table.columns[0]
        if not pd.api.types.is_numeric_dtype(table[first]):
            labels += [as_shown(v, first) for v in table[first].tolist()]
    found = Counter(words(text))
    missing = {w: n - found[w] for w, n in expected.items() if found[w] < n}
    assert not missing, missing
    flat = " ".join(words(text))
    absent = [label for label in labels if " ".join(label.split()) not in flat]
    assert not absent, absent
