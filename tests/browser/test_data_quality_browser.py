"""The Data quality page's downloads in chromium (issue 18, item 5): a QA officer fixing data at
source takes away the rows behind an extract's Not recorded counts, and the quarantine, as
files holding the child IDs, the file's own column names and the marking.

Fixture: tests/data/dq_cohort_2023_06.csv and dq_caseload_2023_06.csv through the real loader
(worked out in tests/test_data_quality_pages.py); the server runs as one named analyst
(OOS_SINGLE_USER: a safeguarding lead), with the pupil-file guard, as deployed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data.load import load_caseload, load_cohort
from tests.browser.conftest import DATA, VIEWPORT, start_server, stop_server


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dq-browser")
    db = folder / "dq.duckdb"
    load_cohort(DATA / "dq_cohort_2023_06.csv", "2023-06", db)
    load_caseload(DATA / "dq_caseload_2023_06.csv", "2023-06", db)
    process, url = start_server(
        db,
        folder / "streamlit.log",
        env={"OOS_SINGLE_USER": "Quinn QA", "OOS_APP_STORE": str(folder / "a.sqlite")},
    )
    try:
        yield url
    finally:
        stop_server(process)


def downloaded(page, name: str) -> str:
    button = page.get_by_role("button", name=name)
    button.wait_for()
    with page.expect_download(timeout=90_000) as info:
        button.click()
    return Path(info.value.path()).read_text(encoding="utf-8-sig")


def test_the_rows_of_each_extract_and_the_quarantine_download(browser, base):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(f"{base}/data_quality?period=2023-06")
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        caseload = downloaded(page, "Download the rows concerned in dq_caseload_2023_06.csv (CSV)")
        # the caseload's five rows, named by its own header, with the child IDs
        for expected in ("D-01", "D-03", "D-04", "D-02", "D-06", "DISTRICT", "GENDER",
                         "primary need", "Atlantis", "OFFICIAL-SENSITIVE"):  # fmt: skip
            assert expected in caseload, expected
        assert "D-05" not in caseload  # its row was clean
        cohort = downloaded(page, "Download the rows concerned in dq_cohort_2023_06.csv (CSV)")
        assert "D-01" in cohort and "District" in cohort and "D-04" not in cohort
        quarantine = downloaded(page, "Download every quarantined row (1, CSV)")
        assert "no child_id" in quarantine and "dq_cohort_2023_06.csv" in quarantine
    finally:
        context.close()
