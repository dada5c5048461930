"""The case chronology in a real browser: it renders, the timeline is drawn with its shaded
stretches, the child comes from the URL and the picker, and extract free text with markup is
shown literally (never turned into HTML).

Uses the browser machinery of tests/browser/conftest.py, but its own server: the casework
fixture tests/data/f_*.csv (through the loader), in which F-0002's first consultation has the
detail `<b>Family asked for a <i>local</i> school</b>`. F-0002 at 31 March 2024: events on
1 Jun 2023, 5 Jan, 5 Jan, 1 Feb and 31 Mar 2024 (two more after the census date); stretches of
28 days or more with no event: 1 Jun 2023 -> 5 Jan 2024 (218 days) and 1 Feb -> 31 Mar (59).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data.load import load_batch
from tests.browser.conftest import start_server, stop_server

DATA = Path(__file__).resolve().parents[1] / "data"
DETAIL = "<b>Family asked for a <i>local</i> school</b>"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    """Overrides the shared server fixture for this module: a server on the casework fixture."""
    folder = tmp_path_factory.mktemp("browser-chronology")
    db = folder / "flags.duckdb"
    load_batch(
        db,
        [(DATA / "f_cohort_2024_02.csv", "2024-02"), (DATA / "f_cohort_2024_03.csv", "2024-03")],
        DATA / "f_casework.csv",
    )
    process, base = start_server(db, folder / "streamlit.log")
    try:
        yield base
    finally:
        stop_server(process)


def no_error_boxes(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def test_chronology_renders_with_free_text_shown_literally(dash):
    page = dash.open("chronology?child=F-0002&period=2024-03")
    assert page.locator("h1").first.inner_text() == "Case chronology"
    no_error_boxes(page)
    assert page.get_by_text("Child F-0002", exact=True).is_visible()

    # the timeline is drawn, with two shaded stretches and the census-date line
    chart = page.locator('[class*="st-key-chart-chronology"]')
    chart.scroll_into_view_if_needed()
    chart.locator(".js-plotly-plot .main-svg").first.wait_for()
    assert chart.locator(".shapelayer path").count() == 3
    assert chart.locator(".scatterlayer .trace").count() >= 4  # snapshots and event types

    # the detail is text: the literal tags are visible and no <b> or <i> element was made
    page.get_by_text("Event details in full (as recorded)").click()
    # (the table printed under the chart holds it too, shown only on paper: the screen's copy)
    shown = page.get_by_text(DETAIL, exact=True).filter(visible=True)
    shown.wait_for()
    assert shown.is_visible()
    assert page.locator("b", has_text="Family asked").count() == 0
    assert page.locator("i", has_text="local").count() == 0
    declined = page.get_by_text("**Declined** the same day", exact=True).filter(visible=True)
    assert declined.is_visible()
    assert dash.outside == []


def test_chronology_picker_writes_the_child_into_the_url(dash):
    page = dash.open("chronology?period=2024-03")
    no_error_boxes(page)
    assert page.get_by_text("Pick a child to see the chronology").is_visible()
    picker = page.get_by_role("combobox", name="Child (pseudonymous ID)")
    dash.choose(picker, "F-0001")
    page.wait_for_url("**child=F-0001**")
    assert page.get_by_text("Child F-0001", exact=True).is_visible()
    no_error_boxes(page)
    # F-0001: the repeated offer is explained in words
    assert page.get_by_text(
        "offered ACME tuition again on 10 February after it withdrew on 10 January"
    ).is_visible()
