"""Hostile text and hostile URLs in a real browser.

A fixture database whose SEN team and import council names hold Markdown, HTML and links
(as a case-management system's free-text fields can): on every page that names them, they
show as typed, no image, link or element is made from them, and the browser requests nothing
but the local server. Then every page opened with hostile URL parameters (script, SQL, path,
control and bidirectional characters, huge numbers): each still draws, shows no error box,
runs no script, and leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from pathlib import Path

import pytest

from tests.browser.conftest import VIEWPORT, start_server, stop_server

TRAP = "http://127.0.0.1:9"  # a closed local port: any request to it is recorded, none served
TEAM = f"![pixel]({TRAP}/md.png) <img src={TRAP}/html.png> [more]({TRAP}/link) **Team**"
COUNCIL = f"<a href={TRAP}/a>Medway</a> www.example.org"
HEADER = (
    "child_id,date_of_birth,gender,primary_need,district,placement_status,sen_team,imported_from\n"
)


ROWS = [
    f'T-1,2012-03-01,F,ASD,Dover,No placement,"{TEAM}","{COUNCIL}"',
    f'T-2,2011-03-01,M,ASD,Thanet,No placement,"{TEAM}","{COUNCIL}"',
    f'T-3,2010-03-01,F,SEMH,Dover,Provision unknown,"{TEAM}",',
    "T-4,2013-03-01,M,SLCN,Swale,No placement,East,",
]


def fixture_csv(folder: Path, name: str = "june.csv", rows: list[str] = ROWS) -> Path:
    """June: three children in the hostile team (the largest, so active titles name it), one
    in East; two imports from the hostile council. May: T-1 and T-4 only, so the hostile team
    rises by 2 (East by 0) and the trend's title names it."""
    path = folder / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    from data.load import load_cohort

    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "hostile.duckdb"
    load_cohort(fixture_csv(folder, "may.csv", [ROWS[0], ROWS[3]]), "2023-05", db)
    load_cohort(fixture_csv(folder), "2023-06", db)
    process, base = start_server(db, folder / "streamlit.log")
    try:
        yield base, db
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def chromium(browser):
    """The session's chromium (tests/browser/conftest.py)."""
    return browser


@pytest.fixture
def visit(chromium, hostile_server):
    """Open a path; return (page, requests outside the server, script dialogs seen)."""
    base, _ = hostile_server
    context = chromium.new_context(viewport=VIEWPORT)
    outside: list[str] = []
    dialogs: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(base) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)

    def open_page(path: str):
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{base}/{path}")
        page.locator("h1").first.wait_for()
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        return page

    yield open_page, outside, dialogs
    context.close()


def draw_every_chart(page) -> None:
    """Plotly draws charts lazily: bring each into view so its labels are in the page."""
    containers = page.locator('[class*="st-key-chart-"]')
    for i in range(containers.count()):
        container = containers.nth(i)
        if container.is_visible():
            container.scroll_into_view_if_needed()
            container.locator(".js-plotly-plot .main-svg").first.wait_for()


def no_markup_from_the_data(page) -> None:
    # nothing was made of the names: no image, link or element pointing at the trap
    assert page.locator(f'img[src^="{TRAP}"]').count() == 0
    assert page.locator(f'a[href^="{TRAP}"]').count() == 0
    assert page.locator('a[href*="example.org"]').count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("breakdowns?dim=SEN+team&period=2023-06", TEAM),
        ("breakdowns?dim=Imported+from&period=2023-06", COUNCIL),
        ("crosstab?rows=SEN+team&cols=Placement+status&period=2023-06", TEAM),
        ("trends?trend_dim=SEN+team&period=2023-06&periods=2", TEAM),
    ],
)
def test_names_with_markup_show_as_typed_and_fetch_nothing(visit, path, shown):
    open_page, outside, _ = visit
    page = open_page(path)
    draw_every_chart(page)
    # the active title names the largest group, exactly as typed (the word joiners that stop
    # bare addresses becoming links are invisible and have no width)
    title = page.locator('[data-testid="stHeading"] h3').first
    assert shown in title.inner_text().replace("\u2060", "")
    # and the chart's labels hold it as text too (plotly's own markup escaped)
    first_word = "![pixel]" if shown == TEAM else "<a href="
    assert (
        page.locator('[class*="st-key-chart-"] .js-plotly-plot')
        .first.get_by_text(first_word)
        .count()
        >= 1
    )
    no_markup_from_the_data(page)
    assert outside == []


HOSTILE_PARAMS = {
    "period": "<script>alert(1)</script>",
    "district": "' OR 1=1; DROP TABLE snapshot; --",
    "need": "ASD\u202e\u0000",
    "team": f"![x]({TRAP}/q.png)",
    "age": "-1",
    "year": "Year 99",
    "gender": "\U0001f4a5" * 50,
    "care": "../../../../etc/passwd",
    "dim": "__class__",
    "rows": "child_id",
    "cols": "1; SELECT 1",
    "trend_dim": "date_of_birth",
    "periods": "99999999999999999999",
    "style": "<img src=x onerror=alert(2)>",
    "child": "T-1' --",
    "page": "-5",
    "sort": "javascript:alert(3)",
    "days_from": "NaN",
    "days_to": "1e309",
    "flag": "%00",
}
PAGES = [
    "", "today", "priority", "breakdowns", "crosstab", "trends", "map", "explorer",
    "chronology", "service", "data_quality",
]  # fmt: skip


def test_hostile_url_parameters_on_every_page(visit, hostile_server):
    open_page, outside, dialogs = visit
    _, db = hostile_server
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    query = urllib.parse.urlencode(HOSTILE_PARAMS)
    for path in PAGES:
        page = open_page(f"{path}?{query}")
        assert page.locator("h1").first.is_visible(), path
        no_markup_from_the_data(page)
        assert page.locator("img[src='x']").count() == 0, path
        page.close()
    assert dialogs == [], "no script from a URL ran"
    assert outside == []
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
