"""Today's worklist in a real browser: the tier counts in the heading's place, the full reasons
readable in the detail panel without opening a cell, the tier in the URL, the chronology link
and the whole worklist as CSV and Excel.

Server on the casework fixture tests/data/f_*.csv (through the loader). The tiers at 31 March
2024 are worked out by hand in tests/test_casework_pages.py: act now, in working order,
F-0012, F-0003, F-0009, F-0007, F-0013, F-0014, F-0004, F-0006 (8); new this month F-0011,
F-0005, F-0008, F-0010, F-0002 (5); watch F-0001 (1).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from data.load import load_batch
from tests.browser.conftest import start_server, stop_server

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    """Overrides the shared server fixture for this module: a server on the casework fixture."""
    folder = tmp_path_factory.mktemp("browser-today")
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


def metric_values(page) -> dict[str, str]:
    out = {}
    for metric in page.locator('[data-testid="stMetric"]').all():
        label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def test_today_tiers_reasons_and_link(dash):
    page = dash.open("today?period=2024-03", settled=True)
    assert (
        page.locator("h1")
        .first.inner_text()
        .startswith("Today: flags at 31 March 2024, from data loaded ")
    )
    shown = metric_values(page)
    assert [shown["Act now"], shown["New this month"], shown["Watch"]] == ["8", "5", "1"]
    assert page.locator('[data-testid="stException"]').count() == 0

    # the first child's reasons in full, as plain text lines, without opening any cell
    reason = page.get_by_text("• no casework recorded", exact=True)
    reason.scroll_into_view_if_needed()
    assert reason.is_visible()
    assert page.get_by_text("• out of sight: provision unknown and looked after").is_visible()

    # the chronology link of that child keeps the child and the period
    link = page.get_by_role("link", name="Open the chronology of F-0012")
    assert "child=F-0012" in link.get_attribute("href")
    dash.rerun_after(link.click)
    page.wait_for_function("() => location.pathname.endsWith('/chronology')")
    assert "child=F-0012" in page.url
    page.get_by_text("Child F-0012", exact=True).wait_for()


def test_today_tier_in_the_url(dash):
    page = dash.open("today?period=2024-03&today_tier=Watch")
    assert page.get_by_role("heading", name="Watch: 1 child").is_visible()
    # the detail panel names the one child of the tier
    assert page.get_by_text("• offered ACME tuition again on 10 February after it withdrew on "
                            "10 January", exact=True).is_visible()  # fmt: skip
    choice = page.locator(".st-key-today_tier").get_by_text("New this month", exact=True)
    dash.rerun_after(choice.click)
    page.wait_for_function("() => location.search.includes('today_tier=New')")
    assert page.get_by_role("heading", name="New this month: 5 children").is_visible()


def test_today_downloads_the_whole_worklist(dash):
    page = dash.open("today?period=2024-03")
    button = page.get_by_role("button", name="Download the whole worklist (CSV)")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=30_000) as info:
        button.click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    # the file opens with what it holds, as '# ' lines (pages/common/exports.py)
    lines = text.splitlines(keepends=True)
    about = [line for line in lines if line.startswith("# ")]
    assert any(line.startswith("# Period: March 2024") for line in about), about
    rows = list(csv.DictReader(io.StringIO("".join(lines[len(about) :]))))
    assert len(rows) == 14  # every tier: 8 + 5 + 1
    assert [r["Tier"] for r in rows] == ["Act now"] * 8 + ["New this month"] * 5 + ["Watch"]
    assert rows[0]["Child ID"] == "F-0012"
    assert "Chronology" not in rows[0]  # a relative link means nothing in a file
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Download the whole worklist (Excel)").click()
    assert info.value.suggested_filename == "worklist_2024-03.xlsx"
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"  # a zip: an .xlsx workbook
    # marked on every sheet, the first (the worklist itself) included: its first cell, and
    # the printed header and footer of each sheet (pages/common/exports.py)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert book.sheetnames[0] == "Worklist" and len(book.sheetnames) == 2, book.sheetnames
    assert book.worksheets[0]["A1"].value.startswith("OFFICIAL-SENSITIVE")
    for sheet in book.worksheets:
        assert sheet.oddHeader.center.text.startswith("OFFICIAL-SENSITIVE"), sheet.title
        assert sheet.oddFooter.center.text.startswith("OFFICIAL-SENSITIVE"), sheet.title
