"""The briefing pack: its figures are the dashboard's, suppressed; its PDF says what it must.

Two fixture databases: the hand-worked casework fixture (tests/data/f_*.csv, 14 children in
March 2024, 3 in February; see test_flags_queries.py for each child's flags), and a small
synthetic demo database (200 children, 14 months) for the PDF, so "Synthetic data" shows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdf
import pytest

from appstore import actions
from briefing.build import build
from briefing.content import collect
from briefing.render import to_html
from data.generate import build_demo_database
from data.load import load_batch
from figures.breakdowns import breakdown, trend
from figures.cohort import headlines
from figures.format import table_text
from figures.periods import year_start
from figures.protect import Audience
from queries import aggregates
from queries.filters import CohortFilter
from tests.published_values import published, record_keys

DATA = Path(__file__).resolve().parent / "data"
MARCH = "2024-03"


def _children(db, period: str) -> list[tuple[str]]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT child_id FROM cohort WHERE period = ?", [period]).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pack") / "flags.duckdb"
    load_batch(
        path,
        [(DATA / "f_cohort_2024_02.csv", "2024-02"), (DATA / "f_cohort_2024_03.csv", MARCH)],
        DATA / "f_casework.csv",
    )
    return path


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo-pack") / "demo.duckdb"
    return build_demo_database(path, children=200, periods=14, end="2026-10")


def test_every_figure_is_the_dashboards_for_the_same_period_and_filters(fixture_db, tmp_path):
    # The pack holds the figures layer's own figures for the published audience: the same
    # values, labels, titles and notes a senior leader's page shows for these filters.
    f = CohortFilter(period=MARCH, districts=("Dover",))
    published = Audience.published()
    pack = collect(MARCH, cohort_filter=f, db=fixture_db, store=tmp_path / "s.sqlite")
    for section in pack.breakdowns:
        assert section.figure == breakdown(f, section.key, audience=published, db=fixture_db)
    start = year_start(MARCH, fixture_db)
    assert pack.trend.figure == trend(f, None, start, MARCH, audience=published, db=fixture_db)
    assert pack.headlines == headlines(f, audience=published, with_year=True, db=fixture_db)
    # and those figures are the query layer's counts: Dover holds F-0001, F-0003, F-0005 in
    # March (3) and F-0001 in February (1), both shown as c, so the change is hidden too
    dash = aggregates.headline(f, db=fixture_db).set_index("measure")
    assert (dash.loc["total", "value"], dash.loc["total", "previous"]) == (3, 1)
    total = next(h for h in pack.headlines.items if h.key == "total")
    assert (total.now, total.previous, total.change) == ("c", "c", "c")
    assert "District: Dover" in pack.filters_text


def test_printed_figures_are_published_worked_by_hand(fixture_db, tmp_path):
    # As published (tests/published_values.py: the database's record keys and
    # config/ptable.csv, summed here)
    keys = record_keys(fixture_db)
    march = [f"F-{i:04d}" for i in range(1, 15)]
    pack = collect(MARCH, db=fixture_db, store=tmp_path / "s.sqlite")
    head = pack.headline_table.set_index("Measure")
    # 14 children now; 3 in February (F-0001, -04, -06): 3 is c, and so is the change from it
    assert head.loc["Children out of school", "Now"] == str(published(march, keys))
    assert head.loc["Children out of school", "Previous month"] == "c"
    assert head.loc["Children out of school", "Change on the month"] == "c"
    # no March 2023 loaded: nothing to compare, shown as a dash (not as c)
    assert head.loc["Children out of school", "Same month last year"] == "–"
    assert head.loc["Children out of school", "Change on the year"] == "–"
    # Gender: 7 girls (F-0001, -04, -06, -08, -10, -12, -14) and 7 boys; Other nobody: 0
    girls = ["F-0001", "F-0004", "F-0006", "F-0008", "F-0010", "F-0012", "F-0014"]
    boys = sorted(set(march) - set(girls))
    gender = next(s for s in pack.breakdowns if s.key == "gender").table
    assert gender["Children"].tolist() == [
        str(published(girls, keys)), str(published(boys, keys)), "0"
    ]  # fmt: skip
    # Districts: Dover 3, Thanet 3, Swale 4, Ashford 4 are all 1-5: every one is c, zeros stay,
    # and a hidden count has no share (printed as a dash, as any value not shown)
    district = next(s for s in pack.breakdowns if s.key == "district").table.set_index("District")
    assert district.loc[["Ashford", "Dover", "Swale", "Thanet"], "Children"].tolist() == ["c"] * 4
    assert district.loc["Canterbury", "Children"] == "0"
    assert district.loc["Dover", "Percent of children"] == "–"
    # Flags: s19 due held by 7 now (F-0003, -04, -05, -11, -12, -13, -14), 2 in February
    # (F-0001, F-0004): raised 6 (all but F-0004), cleared 1 (F-0001) -> c. Out of sight 3: c.
    s19_now = ["F-0003", "F-0004", "F-0005", "F-0011", "F-0012", "F-0013", "F-0014"]
    act = table_text(pack.act.figure.table.frame()).set_index("Flag")
    s19 = act.loc["Section 19 provision due"]
    assert (s19["Children now"], s19["Raised this month"], s19["Cleared this month"]) == (
        str(published(s19_now, keys)),
        str(published([c for c in s19_now if c != "F-0004"], keys)),
        "c",
    )
    assert pack.act.out_of_sight == "c"
    assert pack.any_suppressed


def test_the_plan_in_the_pack_lists_overdue_actions_first_with_the_measure(fixture_db, tmp_path):
    store = tmp_path / "s.sqlite"
    swale = "http://dash/explorer?period=2024-03&district=Swale"
    two = "http://dash/explorer?period=2024-03&district=Swale&district=Ashford"
    actions.create(
        {"title": "Swale plan", "owner": "Ann", "due_date": "2024-12-01", "measure_kind": "view",
         "measure": swale, "title_safe": True},
        store=store,
        opened=actions.Opened("2024-02", 9.0, "9 children"),
    )  # fmt: skip
    actions.create(
        {"title": "Chase placement for F-0004", "owner": "Bob", "due_date": "2024-03-01",
         "measure_kind": "view", "measure": two},
        store=store,
    )  # fmt: skip
    pack = collect(MARCH, db=fixture_db, store=store, today=dt.date(2024, 4, 10))
    plan = pack.plan
    # overdue first; a title its author did not mark safe is not printed (it names a child)
    assert plan["Action"].tolist() == ["Action 2 (title not for publication)", "Swale plan"]
    assert "F-0004" not in to_html(pack)
    assert plan["Status"].tolist() == ["OVERDUE, not started", "not started"]
    # Swale holds F-0004, F-0006, F-0007, F-0008 in March (4) and F-0004, F-0006 in February
    # (2): both small, shown as c, worked out again for each period, never the stored 9.
    assert plan.loc[1, "Measure now"] == "c children (March 2024)"
    assert plan.loc[1, "Measure when opened"] == "c children (February 2024)"
    # two districts at once is not a view figures as published can show
    assert plan.loc[0, "Measure now"].startswith("not shown as published")


def test_the_pdf_has_the_figures_dates_marking_and_page_numbers_on_every_page(demo_db, tmp_path):
    period = "2026-10"
    pdf_path, html_path = build(
        period, tmp_path / "pack", db=demo_db, store=tmp_path / "s.sqlite", marking="OFFICIAL"
    )
    reader = pypdf.PdfReader(pdf_path)
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 5
    # Extracted text breaks lines at will: compare with whitespace removed.
    flat = ["".join(text.split()) for text in pages]
    for number, text in enumerate(flat, start=1):
        assert "OFFICIAL" in text and "OFFICIAL-SENSITIVE" not in text, number
        assert "Syntheticdata" in text, number
        assert "Censusdate31October2026" in text, number
        assert "dataloaded" in text and "produced" in text, number
        assert f"Page{number}of{len(pages)}" in text, number
    whole = "".join(flat)
    # the total as published: every child of October's snapshot, their keys summed
    keys = record_keys(demo_db)
    everyone = [c for (c,) in _children(demo_db, period)]
    assert f"Childrenoutofschool{published(everyone, keys):,}" in whole
    # Suppression marks: some small count (imports by council, ages) is printed as c.
    imports = aggregates.breakdown(CohortFilter(period=period), "imported_from", db=demo_db)
    small = imports[imports["children"].between(1, 5)]
    assert not small.empty  # the demo data has small groups: the test must see a c
    first = small.iloc[0]["category"]
    assert f"{''.join(first.split())}c–" in whole  # the council's row: children c, no share
    # Tagged, with a title and a language, for screen readers and search.
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("Children with an EHC plan out of school")
    assert html_path.read_text(encoding="utf-8").count("<svg") >= 9
