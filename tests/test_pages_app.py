"""Page tests (AppTest): every page loads, and the numbers shown match hand-worked figures.

The fixture database is built from tests/data/p_cohort_2023_05.csv and p_cohort_2023_06.csv
through the real loader. Hand-worked figures for June 2023 (census date 30 June 2023):

  id      age yg        need  district       placement          days out  care status  import
  P-0001  13  Year 8    ASD   Thanet         No placement       179       CIN          -
  P-0002  11  Year 6    ASD   Thanet         Provision unknown   60       None         -
  P-0003  14  Year 9    SEMH  Thanet         Provision unknown  302       CP           Medway
  P-0004   8  Year 3    SEMH  Dover          No placement        29       CLA          -
  P-0005  16  Year 11   MLD   Dover          No placement       (blank)   None         Surrey
  P-0006  11  Year 7    SLCN  Maidstone      No placement       107       PLA          -
  P-0007  10  Year 5    ASD   Maidstone      Provision unknown   10       None         -
  P-0008  13  Year 8    SEMH  Ashford        No placement       211       CP (+CIN)    Medway
  P-0009  (no date of birth) ASD Out of county No placement      88       None         -
  P-0010   6  Year 2    PD    Canterbury     Provision unknown  149       None         -
  (a row with no child_id is quarantined: 11 rows read, 10 loaded)

  Ages: whole years at 30/06/2023 (P-0006 born 07/07/2011 is still 11). Year groups from the
  age on 31/08/2022. Days out: census date minus out_of_school_since (P-0001: 29 in January +
  28 + 31 + 30 + 31 + 30 = 179).

May 2023 (census 31 May 2023): P-0001, P-0003 (then No placement), P-0005, P-0006, P-0008,
P-0011 (Dover, SEMH, 21 days) and P-0012 (Dover, ASD, 91 days): 7 children, all No placement.
Days out in May: P-0001 149, P-0003 272, P-0006 77, P-0008 181, P-0011 21, P-0012 91.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.load import load_cohort
from data.store import create_empty
from tests.conftest import view_link

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
PAGES = [
    "pages/overview.py",
    "pages/today.py",
    "pages/priority.py",
    "pages/action_plan.py",
    "pages/breakdowns.py",
    "pages/crosstab.py",
    "pages/trends.py",
    "pages/map.py",
    "pages/explorer.py",
    "pages/chronology.py",
    "pages/service.py",
    "pages/data_quality.py",
    "pages/rates.py",
    "pages/time_to_return.py",
    "pages/england.py",
]
TIMEOUT = 60


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("pages") / "fixture.duckdb"
    load_cohort(DATA / "p_cohort_2023_05.csv", "2023-05", db)
    load_cohort(DATA / "p_cohort_2023_06.csv", "2023-06", db)
    return db


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("pages-empty") / "empty.duckdb"
    create_empty(db)
    return db


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from data.generate import build_demo_database

    db = tmp_path_factory.mktemp("pages-demo") / "demo.duckdb"
    build_demo_database(db, children=200, periods=4)
    return db


def app(monkeypatch, db: Path, page: str | None = None, **query) -> AppTest:
    """Run the dashboard against `db`, on `page`, with URL query parameters `query`."""
    monkeypatch.setenv("OOS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page and page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def spec(at: AppTest, index: int = 0) -> dict:
    """The plotly figure as JSON, with plotly's typed arrays decoded to plain lists."""
    return _decode(json.loads(at.get("plotly_chart")[index].proto.spec))


def _decode(node):
    # plotly >= 6 writes numeric arrays as {"dtype": "i1", "bdata": <base64>}
    if isinstance(node, dict):
        if set(node) >= {"dtype", "bdata"}:
            array = np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"])
            if "shape" in node:
                array = array.reshape([int(n) for n in str(node["shape"]).split(",")])
            return array.tolist()
        return {key: _decode(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_decode(value) for value in node]
    return node


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


# --- every page loads ----------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_loads_on_demo_data(monkeypatch, demo_db, page):
    at = app(monkeypatch, demo_db, page)
    assert not at.error, [e.value for e in at.error]
    # The synthetic banner is on every page of the demo database.
    assert any("Synthetic demonstration data" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_loads_on_an_empty_database(monkeypatch, empty_db, page):
    at = app(monkeypatch, empty_db, page)
    assert not at.error
    assert len(at.get("plotly_chart")) == 0  # nothing to draw, and no empty chart either
    if page in ("pages/overview.py", "pages/breakdowns.py", "pages/map.py"):
        assert any("No cohort snapshot has been loaded" in i.value for i in at.info)


def test_missing_database_named_by_oos_db_gives_a_message(monkeypatch, tmp_path):
    at = app(monkeypatch, tmp_path / "nowhere.duckdb")
    assert len(at.error) == 1
    assert "No database found" in at.error[0].value
    assert not (tmp_path / "nowhere.duckdb").exists()  # not replaced by demo data


def test_broken_database_gives_a_message_not_a_traceback(monkeypatch, tmp_path):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"this is not a duckdb file" * 100)
    at = app(monkeypatch, broken)
    assert len(at.error) == 1
    assert "could not be read" in at.error[0].value


# --- overview ------------------------------------------------------------------------------


def test_overview_headline_figures_and_changes(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db)
    shown = metrics(at)
    # June (May): total 10 (7); no placement 6 (7); provision unknown 4 (0); imports P3, P5,
    # P8 = 3 (3); CLA P4 = 1 (0); CP P3, P8 = 2 (2); CIN P1, P8 = 2 (2); over a term (>97
    # days) 179, 302, 107, 211, 149 = 5 (149, 272, 181 = 3).
    # Median days (P5 blank, left out): June 10 29 60 88 [107] 149 179 211 302 -> 107;
    # May 21 77 91 149 181 272 -> (91 + 149) / 2 = 120; change -13.
    assert shown["Children out of school"] == ("10", "+3")
    assert shown["No placement"] == ("6", "-1")
    assert shown["Provision unknown"] == ("4", "+4")
    assert shown["Imports (EHC plan transferred in)"] == ("3", "0")
    assert shown["Looked after (CLA)"] == ("1", "+1")
    assert shown["Child protection (CP)"] == ("2", "0")
    assert shown["Child in need (CIN)"] == ("2", "0")
    assert shown["Median days out of school"] == ("107", "-13")
    assert shown["Out of school more than a term (over 97 days)"] == ("5", "+2")


def test_overview_briefing_sentences(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db)
    text = "\n".join(m.value for m in at.markdown)
    # Largest movements May -> June: provision unknown 0 -> 4 (+4); then the +2s in tie-break
    # order: provision unknown in Thanet 0 -> 2 (P-0002, P-0003), ASD 2 -> 4.
    assert "Children with provision unknown rose by 4 \\(from 0 to 4\\)" in text
    assert "Provision unknown rose by 2 in Thanet \\(from 0 to 2\\)" in text
    assert "Autistic spectrum disorder as primary need rose by 2 \\(from 2 to 4\\)" in text


def test_overview_trend_of_the_total(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db)
    figure = spec(at)
    assert figure["data"][0]["y"] == [7, 10]  # May 7, June 10
    assert at.subheader[-1].value == "Children out of school rose by 3 since May 2023"


def test_district_filter_from_the_url_narrows_every_figure(monkeypatch, fixture_db):
    # Thanet in June: P-0001 (no placement, CIN, 179 days), P-0002 (provision unknown, 60),
    # P-0003 (provision unknown, CP, Medway import, 302). May: P-0001, P-0003.
    at = app(monkeypatch, fixture_db, district="Thanet")
    shown = metrics(at)
    assert shown["Children out of school"] == ("3", "+1")
    assert shown["No placement"] == ("1", "-1")
    assert shown["Provision unknown"] == ("2", "+2")
    assert shown["Imports (EHC plan transferred in)"][0] == "1"
    assert shown["Median days out of school"][0] == "179"  # 60, 179, 302
    # the context line (a level-2 heading drawn with st.html)
    assert any(
        "<strong>3</strong> children match the filters (of 10)" in h.proto.body
        for h in at.get("html")
    )


def test_sidebar_filters_combine(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db)
    # Ages 10 to 13: P-0001 13, P-0002 11, P-0006 11, P-0007 10, P-0008 13 (P-0009 has no age).
    at.slider(key="age").set_value((10, 13)).run()
    assert metrics(at)["Children out of school"][0] == "5"
    # ... and child protection: only P-0008 (P-0003 is 14).
    at.selectbox(key="cp").set_value("Yes").run()
    assert metrics(at)["Children out of school"][0] == "1"
    # Clearing the filters brings back all 10.
    at.button[0].click().run()
    assert metrics(at)["Children out of school"][0] == "10"


def test_imports_and_days_out_filters(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db)
    at.selectbox(key="import").set_value("Imports only").run()
    assert metrics(at)["Children out of school"][0] == "3"  # P-0003, P-0005, P-0008
    at.selectbox(key="import").set_value("Any").run()
    # 100 days or more: 179, 302, 107, 211, 149 (P-0005 has no date and is left out).
    at.number_input(key="days_from").set_value(100).run()
    assert metrics(at)["Children out of school"][0] == "5"


def test_earlier_period_from_the_picker(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db)
    at.selectbox(key="period").set_value("2023-05").run()
    shown = metrics(at)
    assert shown["Children out of school"] == ("7", "")  # no period before May: no change
    assert any("census date 31 May 2023" in h.proto.body for h in at.get("html"))


# --- breakdowns, cross-tab, trends, map ----------------------------------------------------


def test_breakdown_by_need_for_provision_unknown(monkeypatch, fixture_db):
    # Provision unknown in June: P-0002 ASD, P-0003 SEMH, P-0007 ASD, P-0010 PD.
    at = app(monkeypatch, fixture_db, "pages/breakdowns.py", placement="Provision unknown")
    figure = spec(at)
    bars = dict(zip(figure["data"][0]["y"], figure["data"][0]["x"], strict=True))
    assert bars["Autistic spectrum disorder (ASD)"] == 2
    assert bars["Social, emotional and mental health (SEMH)"] == 1
    assert bars["Physical disability (PD)"] == 1
    assert sum(bars.values()) == 4
    table = at.dataframe[0].value
    row = table[table["Primary need"] == "Autistic spectrum disorder (ASD)"].iloc[0]
    assert (row["Children"], round(row["Percent of children"], 1)) == (2, 50.0)
    assert at.subheader[0].value == (
        "Autistic spectrum disorder is the most common primary need (50.0%)"
    )


def test_breakdown_year_groups_in_natural_order(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db, "pages/breakdowns.py")
    at.button_group(key="dim").set_value("year_group").run()
    figure = spec(at)
    years = figure["data"][0]["x"]
    # Natural order, not alphabetical: Year 2 before Year 11, Not recorded last.
    assert years.index("Year 2") < years.index("Year 8") < years.index("Year 11")
    assert years[-1] == "Not recorded"
    counts = dict(zip(years, figure["data"][0]["y"], strict=True))
    assert counts["Year 8"] == 2  # P-0001 and P-0008
    assert counts["Not recorded"] == 1  # P-0009, no date of birth


def test_breakdown_escapes_free_text_labels(monkeypatch, fixture_db):
    # P-0010's SEN team is typed as '=1+1 <b>North</b>': shown as text, never as markup.
    at = app(monkeypatch, fixture_db, "pages/breakdowns.py")
    at.button_group(key="dim").set_value("sen_team").run()
    labels = spec(at)["data"][0]["y"]
    assert "=1+1 &lt;b&gt;North&lt;/b&gt;" in labels
    assert not any("<b>" in label for label in labels)
    counts = dict(zip(labels, spec(at)["data"][0]["x"], strict=True))
    assert counts["SEN East"] == 3 and counts["SEN South"] == 3 and counts["SEN West"] == 3


def test_crosstab_need_by_placement(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db, "pages/crosstab.py")
    at.selectbox(key="cols").set_value("placement_status").run()
    table = at.dataframe[0].value.set_index("Primary need")
    # ASD: P1, P9 no placement; P2, P7 provision unknown. SEMH: P4, P8 / P3.
    assert table.loc["Autistic spectrum disorder (ASD)", "No placement"] == 2
    assert table.loc["Autistic spectrum disorder (ASD)", "Provision unknown"] == 2
    assert table.loc["Social, emotional and mental health (SEMH)", "No placement"] == 2
    assert table.loc["Social, emotional and mental health (SEMH)", "Provision unknown"] == 1
    assert table.loc["Total", "No placement"] == 6
    assert table.loc["Total", "Total"] == 10
    heat = spec(at)["data"][0]
    assert sum(sum(row) for row in heat["z"]) == 10


def test_trend_by_placement_status(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db, "pages/trends.py")
    at.selectbox(key="trend_dim").set_value("placement_status").run()
    traces = {t["name"]: t["y"] for t in spec(at)["data"]}
    assert traces["No placement"] == [7, 6]  # May 7, June 6
    assert traces["Provision unknown"] == [0, 4]
    table = at.dataframe[0].value.set_index("Category")
    assert list(table.columns[:3]) == ["May 2023", "June 2023", "Change since May 2023"]
    # No placement 7 -> 6: -1 (-14.3%); provision unknown 0 -> 4: +4 (no percentage of 0)
    assert table.loc["No placement", "Change since May 2023"] == -1
    assert table.loc["No placement", "Change since May 2023 (%)"] == -14.3
    assert table.loc["Provision unknown", "Change since May 2023"] == 4
    assert pd.isna(table.loc["Provision unknown", "Change since May 2023 (%)"])
    assert (
        at.subheader[0].value == "Provision unknown rose by 4, the largest change, since May 2023"
    )


def test_map_draws_twelve_districts_with_counts(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db, "pages/map.py")
    figure = spec(at)
    fills = [t for t in figure["data"] if t.get("fill") == "toself"]
    assert len(fills) == 12
    hover = {t["name"]: t["text"] for t in fills}
    assert "3 children" in hover["Thanet"]  # P-0001, P-0002, P-0003
    assert "0 children" in hover["Swale"]
    # No base map, no tiles: plain cartesian axes only.
    assert "geo" not in figure["layout"] and "mapbox" not in figure["layout"]
    assert not any(t.get("type", "scatter") != "scatter" for t in figure["data"])
    assert any("Martin Chorley" in c.value for c in at.caption)
    assert any("Out of county 1" in c.value for c in at.caption)  # P-0009


# --- explorer and data quality -------------------------------------------------------------


def test_explorer_sorted_by_days_out(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db, "pages/explorer.py")
    table = at.dataframe[0].value
    # Longest out first: P-0003 302, P-0008 211, P-0001 179; no date (P-0005) last.
    assert list(table["Child ID"][:3]) == ["P-0003", "P-0008", "P-0001"]
    assert table["Child ID"].iloc[-1] == "P-0005"
    assert len(table) == 10
    assert any("Children 1 to 10 of 10" in c.value for c in at.caption)


def test_explorer_empty_cohort_says_so(monkeypatch, fixture_db):
    # Canterbury and Looked after: nobody (P-0010 is the only child in Canterbury).
    at = app(monkeypatch, fixture_db, "pages/explorer.py", district="Canterbury", cla="Yes")
    assert len(at.dataframe) == 0
    assert any("No children match these filters" in i.value for i in at.info)


def test_data_quality_shows_quarantined_row_as_text(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db, "pages/data_quality.py")
    history = at.dataframe[0].value
    june = history[history["Period"] == "June 2023"].iloc[0]
    assert (june["Rows read"], june["Loaded"], june["Quarantined"]) == (11, 10, 1)
    quarantine = at.dataframe[1].value
    assert len(quarantine) == 1
    assert quarantine["Reason"].iloc[0] == "no child_id"
    assert "<script>alert(1)</script>" in quarantine["Raw values"].iloc[0]
    # Not recorded share: one date of birth missing of ten in June = 10.0%.
    share = at.dataframe[-1].value.set_index("Field")
    assert share.loc["Date of birth", "June 2023 (% not recorded)"] == 10.0


def test_the_period_is_always_in_the_url(monkeypatch, fixture_db):
    # The latest period is written into the URL even though nobody picked it, so a link copied
    # today still shows June 2023 after July is loaded. (Widget -> URL updates for the bound
    # filters happen in the browser; tests/browser checks that round trip.)
    at = app(monkeypatch, fixture_db)
    assert at.query_params.get("period") == "2023-06"
    assert "district" not in at.query_params  # a filter at "any" stays out of the URL


def test_a_copied_link_reproduces_the_view(monkeypatch, fixture_db):
    # A link made in the browser: May 2023, SEMH, Thanet or Dover.
    at = app(
        monkeypatch,
        fixture_db,
        period="2023-05",
        need="Social, emotional and mental health (SEMH)",
        district=["Thanet", "Dover"],
    )
    # SEMH in May: P-0003 Thanet, P-0008 Ashford, P-0011 Dover -> Thanet or Dover: 2.
    assert metrics(at)["Children out of school"] == ("2", "")
    assert at.multiselect(key="district").value == ["Thanet", "Dover"]
    assert at.selectbox(key="period").value == "2023-05"


def test_imports_by_council_count_imports_only(monkeypatch, fixture_db):
    # June imports: P-0003 Medway, P-0005 Surrey, P-0008 Medway -> Medway 2 (66.7%), Surrey 1.
    at = app(monkeypatch, fixture_db, "pages/breakdowns.py")
    at.button_group(key="dim").set_value("imported_from").run()
    table = at.dataframe[0].value.set_index("Imported from")
    assert list(table.index) == ["Medway", "Surrey"]  # no "Not an import" row
    assert table.loc["Medway", "Children"] == 2
    assert round(table.loc["Medway", "Percent of children"], 1) == 66.7
    assert at.subheader[0].value == "Most imports came from Medway (66.7%)"


def test_link_to_this_view_carries_period_filters_and_choices(monkeypatch, fixture_db):
    at = app(monkeypatch, fixture_db, "pages/breakdowns.py")
    at.multiselect(key="district").set_value(["Thanet"]).run()
    at.multiselect(key="need").set_value(["ASD"]).run()
    at.selectbox(key="cin").set_value("Yes").run()
    at.button_group(key="dim").set_value("year_group").run()
    link = view_link(at)
    # Written as the bound widgets read them back (the need by its label, the breakdown by its
    # name); AppTest has no browser address, so the link starts at the page's path.
    assert link == (
        "/breakdowns?period=2023-06&district=Thanet"
        "&need=Autistic+spectrum+disorder+%28ASD%29&cin=Yes&dim=Year+group"
    )
    # ... and that link, opened, gives the same view: P-0001 (Year 8), the only child.
    query = dict(
        period="2023-06",
        district="Thanet",
        need="Autistic spectrum disorder (ASD)",
        cin="Yes",
    )
    again = app(monkeypatch, fixture_db, **query)
    assert metrics(again)["Children out of school"][0] == "1"


def test_first_start_builds_the_demo_database(monkeypatch, tmp_path):
    # No database named and none at the council's default path: the dashboard builds the
    # synthetic demo at the demo's own path (with a progress bar) and then shows it, marked as
    # synthetic. Both paths are pointed into tmp_path.
    default, demo = tmp_path / "oos.duckdb", tmp_path / "demo" / "demo.duckdb"
    monkeypatch.setattr("core.paths.DEFAULT_DB", default)
    monkeypatch.setattr("core.paths.DEMO_DB", demo)
    monkeypatch.delenv("OOS_DB", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    at.run()
    assert not at.exception and not at.error
    assert demo.exists() and not default.exists()
    assert any("Synthetic demonstration data" in w.value for w in at.warning)
    assert int(metrics(at)["Children out of school"][0].replace(",", "")) > 0
