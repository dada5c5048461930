"""The daily view and care status "not supplied": SEN2 returns loaded inside a month, and
without the SSD, through the case flags, the query layer and the pages.

Hand-worked from the fixture export (tests/sen2_fixture.py), with T-02's last annual review
moved to 15 June 2022 (due again 15 June 2023, 12 months on). T-02 left school on 20 May 2023
and has nothing open since; flags.s19_days is 21 and worklist.act_now_within_days 7
(config/flags.toml). No casework is loaded, so every child is "stalled".

  as-at date     days without provision   s19 due (>= 21)   review overdue (> 15 June)
  9 June         20                       no                no (due in 6 days: clock near)
  16 June        27                       yes               yes
  30 June (R)    41                       yes               yes
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.load import load_cohort
from data.sen2_return import load_sen2_return
from queries.aggregates import largest_movements
from queries.filters import CohortFilter
from queries.period_dates import (
    CARE_NOT_SUPPLIED,
    as_at_date,
    care_status_supplied,
    period_dates,
    periods_without_care_status,
)
from tests.conftest import query
from tests.sen2_fixture import EXPORT, PERIOD, SSD, copy_export, edit_module

ROOT = Path(__file__).resolve().parent.parent
D = dt.date
FLAGS = (
    "SELECT census_date, as_at_date, days_out, days_without_provision, s19_due, "
    "annual_review_due_date, annual_review_overdue, statutory_clock_near, act_now "
    "FROM case_flags WHERE child_id = 'T-02'"
)


def export_of(tmp_path: Path, date: str) -> Path:
    folder = copy_export(tmp_path, date=date)
    edit_module(folder, "activeplans", "886,,,2023-01-15", "886,,,2022-06-15")
    return folder


def test_clocks_are_worked_out_at_the_returns_date_inside_the_month(tmp_path):
    db = tmp_path / "daily.duckdb"
    load_sen2_return(export_of(tmp_path, "09-06-2023"), PERIOD, db, ssd_folder=SSD)
    # census date and days out stay the month's; the clocks are at 9 June
    assert query(db, FLAGS) == [
        (D(2023, 6, 30), D(2023, 6, 9), 41, 20, False, D(2023, 6, 15), False, True, True)
    ]
    # out of sight (CLA and provision unknown) makes T-02 act now whatever the clocks
    load_sen2_return(export_of(tmp_path, "16-06-2023"), PERIOD, db)  # and without the SSD
    assert query(db, FLAGS) == [
        (D(2023, 6, 30), D(2023, 6, 16), 41, 27, True, D(2023, 6, 15), True, True, True)
    ]
    # the period is still the month: one period, its census date the month's last day
    assert query(db, "SELECT DISTINCT period, census_date FROM cohort") == [
        (PERIOD, D(2023, 6, 30))
    ]
    assert query(db, "SELECT period, as_at_date FROM period_dates") == [(PERIOD, D(2023, 6, 16))]


def test_on_the_ninth_of_june_the_clock_is_near_but_not_passed(tmp_path):
    db = tmp_path / "ninth.duckdb"
    load_sen2_return(export_of(tmp_path, "09-06-2023"), PERIOD, db)  # no SSD: not out of sight
    (row,) = query(db, FLAGS)
    # 20 days: not yet due (21); 20 >= 21 - 7 and the review falls due within 7 days: near;
    # stalled (no casework) and near: act now
    assert row[3:] == (20, False, D(2023, 6, 15), False, True, True)
    # T-05's school place ends on 30 June: on 9 June it is still open, so T-05 is not in the
    # cohort of a return made that day (it is at the census date, test_load_sen2_return.py)
    children = [r[0] for r in query(db, "SELECT child_id FROM cohort ORDER BY child_id")]
    assert children == ["1008", "T-01", "T-02", "T-04", "T-09", "T-10", "T-16"]


def test_a_return_after_the_month_is_as_at_the_census_date(tmp_path):
    db = tmp_path / "monthly.duckdb"
    load_sen2_return(export_of(tmp_path, "05-07-2023"), PERIOD, db)
    (row,) = query(db, FLAGS)
    assert row[:5] == (D(2023, 6, 30), D(2023, 6, 30), 41, 41, True)


def test_a_bespoke_cohort_is_as_at_its_census_date(tmp_path, test_data):
    db = tmp_path / "bespoke.duckdb"
    load_cohort(test_data / "p_cohort_2023_06.csv", PERIOD, db)
    assert query(db, "SELECT DISTINCT census_date, as_at_date FROM case_flags") == [
        (D(2023, 6, 30), D(2023, 6, 30))
    ]
    assert as_at_date(PERIOD, db=db) == D(2023, 6, 30)
    assert care_status_supplied(PERIOD, db=db)


def test_the_query_layer_says_what_each_period_holds(tmp_path, test_data):
    db = tmp_path / "mixed.duckdb"
    load_cohort(test_data / "p_cohort_2023_05.csv", "2023-05", db)
    load_sen2_return(export_of(tmp_path, "09-06-2023"), PERIOD, db)
    dates = period_dates(PERIOD, db=db)
    assert (dates.census_date, dates.as_at_date, dates.care_status_supplied, dates.source) == (
        D(2023, 6, 30), D(2023, 6, 9), False, "SEN2 return",
    )  # fmt: skip
    assert dates.as_at_inside_month
    assert periods_without_care_status(db=db) == {PERIOD}
    assert care_status_supplied("2023-05", db=db)
    assert not care_status_supplied("2023-05", PERIOD, db=db)
    assert period_dates("2023-04", db=db) is None
    # May had care statuses (CIN, CP, CLA...), June none: no "care status" movement is
    # reported between them, whatever else moved
    moves = largest_movements(CohortFilter(period=PERIOD), 50, db=db)
    assert not moves.empty and "care_status" not in set(moves["dimension"])


# --- the pages ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def no_ssd_db(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("no-ssd")
    db = tmp / "no_ssd.duckdb"
    load_sen2_return(export_of(tmp, "09-06-2023"), PERIOD, db)
    return db


def app(monkeypatch, db: Path, page: str, **params) -> AppTest:
    monkeypatch.setenv("OOS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def infos(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


def test_today_says_flags_at_the_returns_date_and_care_not_supplied(monkeypatch, no_ssd_db):
    at = app(monkeypatch, no_ssd_db, "pages/today.py")
    assert at.title[0].value.startswith("Today: flags at 9 June 2023")
    assert CARE_NOT_SUPPLIED in infos(at)
    assert shown_metrics(at)["Out of sight"] == "Not supplied"
    assert "worked out at 9 June 2023, the date of the SEN2 return" in " ".join(
        c.value for c in at.caption
    )


def test_overview_shows_not_supplied_instead_of_zero_care_counts(monkeypatch, no_ssd_db):
    at = app(monkeypatch, no_ssd_db, "pages/overview.py")
    shown = shown_metrics(at)
    assert shown["Looked after (CLA)"] == "Not supplied"
    assert shown["Child protection (CP)"] == "Not supplied"
    assert shown["Child in need (CIN)"] == "Not supplied"
    assert shown["Children out of school"] == "7"
    assert any(CARE_NOT_SUPPLIED in c.value for c in at.caption)


def test_a_breakdown_by_care_status_says_not_supplied_and_draws_nothing(monkeypatch, no_ssd_db):
    at = app(monkeypatch, no_ssd_db, "pages/breakdowns.py", dim="Care status")
    assert CARE_NOT_SUPPLIED in infos(at)
    assert len(at.get("plotly_chart")) == 0
    # another breakdown of the same period draws as usual
    at = app(monkeypatch, no_ssd_db, "pages/breakdowns.py", dim="District")
    assert CARE_NOT_SUPPLIED not in infos(at)
    assert len(at.get("plotly_chart")) == 1


def test_with_the_ssd_the_pages_show_care_status(monkeypatch, tmp_path):
    db = tmp_path / "ssd.duckdb"
    load_sen2_return(EXPORT, PERIOD, db, ssd_folder=SSD)
    at = app(monkeypatch, db, "pages/overview.py")
    shown = shown_metrics(at)
    # T-02 CLA; T-04 CP; T-01 CIN (test_load_sen2_return.py)
    assert (shown["Looked after (CLA)"], shown["Child protection (CP)"]) == ("1", "1")
    assert shown["Child in need (CIN)"] == "1"
    assert not any(CARE_NOT_SUPPLIED in c.value for c in at.caption)
