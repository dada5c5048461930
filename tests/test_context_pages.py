"""Page tests (AppTest) of the context pages: rates, time to return, England comparison.

A small synthetic build (every period with a caseload) and the hand-made fixture of
test_pages_app (cohort only, no caseload), so both the figures and the "no caseload" message
are checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.load import load_cohort

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TIMEOUT = 90


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from data.generate import build_demo_database

    db = tmp_path_factory.mktemp("context-demo") / "demo.duckdb"
    build_demo_database(db, children=150, periods=3)
    return db


@pytest.fixture(scope="module")
def cohort_only_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("context-cohort") / "fixture.duckdb"
    load_cohort(DATA / "p_cohort_2023_05.csv", "2023-05", db)
    load_cohort(DATA / "p_cohort_2023_06.csv", "2023-06", db)
    return db


def app(monkeypatch, db: Path, page: str, **query) -> AppTest:
    monkeypatch.setenv("OOS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_rates_page_shows_rates_ratios_and_caution(monkeypatch, demo_db):
    at = app(monkeypatch, demo_db, "pages/rates.py")
    labels = [m.label for m in at.metric]
    assert "Out of school per 100 children with a plan" in labels
    assert len(at.get("plotly_chart")) == 3  # rates, ratios, trend
    assert any("Holm-Bonferroni" in w.value for w in at.warning)
    first = at.dataframe[0].value
    assert {"Children out of school", "Children with a plan", "Rate per 100"} <= set(first)


def test_rates_page_without_a_caseload_says_so(monkeypatch, cohort_only_db):
    at = app(monkeypatch, cohort_only_db, "pages/rates.py")
    assert any("No EHC plan caseload is loaded for June 2023" in i.value for i in at.info)
    assert not at.metric


def test_time_to_return_page_shows_curves_medians_and_hazard(monkeypatch, demo_db):
    at = app(monkeypatch, demo_db, "pages/time_to_return.py", surv_dim="Placement status")
    assert len(at.get("plotly_chart")) == 2  # Kaplan-Meier, hazard
    text = " ".join(m.value for m in at.markdown)
    assert "Median time to return:" in text and "Number at risk" in text
    assert "Do the groups differ?" in text
    assert "chance of returning within a month" in text


def test_england_page_compares_and_ranks(monkeypatch, demo_db):
    at = app(monkeypatch, demo_db, "pages/england.py")
    text = " ".join(m.value for m in at.markdown)
    assert "Kent had the highest rate of the 11 councils" in text
    values = {m.label: m.value for m in at.metric}
    # (249 + 416) / 20,635 plans x 1,000 = 32.2; England (2,460 + 4,045) / 638,745 = 10.2
    assert values["Kent, per 1,000 plans (January 2025)"] == "32.2"
    assert values["England, per 1,000 plans (January 2025)"] == "10.2"
    # 20,635 plans / 476,670 residents aged 0-25 x 1,000 = 43.3
    assert values["Kent EHC plans per 1,000 aged 0–25"] == "43.3"
    assert values["Published, January 2025"] == "665"
    assert "Why they differ." in text
    assert len(at.get("plotly_chart")) == 2


def test_map_shades_by_rates(monkeypatch, demo_db, cohort_only_db):
    at = app(monkeypatch, demo_db, "pages/map.py", shade="Rate per 100 children with a plan")
    assert "highest rate" in at.get("plotly_chart")[0].proto.spec or any(
        "highest rate" in s.value for s in at.subheader
    )
    table = at.dataframe[0].value
    assert "Rate per 100 children with a plan" in table.columns
    at = app(monkeypatch, demo_db, "pages/map.py", shade="Rate per 10,000 aged 0–25")
    table = at.dataframe[0].value.set_index("District")
    row = table.loc["Swale"]
    # Swale: 46,831 residents aged 0-25 (ONS mid-2023)
    assert row["Residents aged 0-25 (ONS mid-2023)"] == 46831
    assert row["Rate per 10,000 aged 0-25"] == pytest.approx(10000 * row["Children"] / 46831)
    # no caseload: says so and falls back to counts
    at = app(monkeypatch, cohort_only_db, "pages/map.py", shade="Rate per 100 children with a plan")
    assert any("No EHC plan caseload is loaded" in i.value for i in at.info)


def test_breakdown_table_gains_rates_and_data_quality_checks_the_caseload(
    monkeypatch, demo_db, cohort_only_db
):
    at = app(monkeypatch, demo_db, "pages/breakdowns.py", dim="District")
    table = at.dataframe[0].value.set_index("District")
    assert {"Children with a plan", "Out of school per 100 with a plan"} <= set(table.columns)
    swale = table.loc["Swale"]
    assert swale["Out of school per 100 with a plan"] == pytest.approx(
        100 * swale["Children"] / swale["Children with a plan"]
    )
    at = app(monkeypatch, demo_db, "pages/data_quality.py")
    headers = [s.value for s in at.subheader]
    assert "Children out of school missing from the EHC plan caseload" in headers
    at = app(monkeypatch, cohort_only_db, "pages/data_quality.py")
    assert any("No EHC plan caseload is loaded" in i.value for i in at.info)


def _app_hiding_small_numbers(monkeypatch, db: Path, page: str, **query) -> AppTest:
    monkeypatch.setenv("OOS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.session_state["suppress_small"] = True  # the sidebar switch (always on for leaders)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_rates_page_hides_small_numbers_and_what_is_worked_out_from_them(monkeypatch, demo_db):
    at = _app_hiding_small_numbers(
        monkeypatch, demo_db, "pages/rates.py", district="Dover", rate_dim="Primary need"
    )
    table = at.dataframe[0].value
    small = table["Children out of school"] == "c"
    assert small.any()  # Dover's rarer needs have 1 to 5 children out of school
    assert table.loc[small, "Rate per 100"].isna().all()
    # no count of 1 to 5 is printed anywhere in the rate table
    shown = table["Children out of school"][~small].astype(int)
    assert not shown.between(1, 5).any()


def test_time_to_return_page_hides_small_numbers(monkeypatch, demo_db):
    at = _app_hiding_small_numbers(
        monkeypatch, demo_db, "pages/time_to_return.py", gender="Female", surv_dim="Primary need"
    )
    medians = at.dataframe[0].value
    # girls by need: one group has a single episode; it prints c, and no median
    hidden = medians["Episodes"] == "c"
    assert hidden.any()
    shown = medians.loc[~hidden, "Episodes"].astype(int)
    assert not shown.between(1, 5).any()
    # a median (and a curve) only for a group of 20 episodes or more (its true size, from the
    # query layer): an order statistic of a few children describes one of them
    from figures.labels import category_label
    from queries.filters import CohortFilter
    from queries.survival import survival

    girls = CohortFilter(period="2026-10", genders=("Female",))
    true = survival(girls, "primary_need", db=demo_db).summary
    sizes = {
        category_label("primary_need", g): int(n)
        for g, n in zip(true["group"], true["episodes"], strict=True)
    }
    few = medians["Primary need"].map(sizes) < 20
    assert few.any() and (~few).any()
    assert (medians.loc[few, "Median time to return"] == "not shown: fewer than 20 episodes").all()
    # a median with its interval (issue 19), not reached, or too few followed to estimate
    words = r"\d+\.\d months( \(95% interval (\d+\.\d to \d+\.\d|from \d+\.\d)\))?"
    either = rf"^({words}|not reached|too few followed to estimate)$"
    assert medians.loc[~few, "Median time to return"].str.match(either).all()


def test_rates_by_the_dimension_the_filter_already_narrows(monkeypatch, demo_db):
    # girls by gender: one group, whose ratio has no interval (nobody else to compare with);
    # the page draws it without an error (a figure's table keeps a column of no values as
    # missing numbers, figures/values.py)
    at = app(monkeypatch, demo_db, "pages/rates.py", gender="Female", rate_dim="Gender")
    assert not at.exception
    ratio = at.dataframe[1].value.set_index("Gender")
    assert ratio.loc["Female", "Ratio"] == pytest.approx(1.0)
    assert ratio["95% interval from"].isna().all()
