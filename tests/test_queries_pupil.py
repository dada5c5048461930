"""Pupil-level rows: count, paging, sorting by allow-listed columns, export, quarantine.

The 2024-04 table of the fixture is in test_queries_filters.py. Days out there:
05 0, 15 15, 01 29, 10 30, 03 60, 09 89, 08 90, 07 152, 02 212, 11 242, 12 285, 06 368, 04 none.
"""

from __future__ import annotations

import pytest

from queries import pupil, runner
from queries.filters import CohortFilter
from tests.q_fixture import build_fixture_db

APRIL = CohortFilter("2024-04")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_fixture_db(tmp_path_factory.mktemp("q_pupil") / "fixture.duckdb")
    yield path
    runner.close_all()


def ids(*numbers: int) -> list[str]:
    return [f"T-{n:04d}" for n in numbers]


def page_ids(db, f=APRIL, **kwargs) -> list[str]:
    return pupil.cohort_page(f, db=db, **kwargs)["child_id"].tolist()


def test_count(db):
    assert pupil.cohort_count(APRIL, db=db) == 13
    assert pupil.cohort_count(CohortFilter("2024-02"), db=db) == 9


def test_paging_by_days_out_descending_puts_not_recorded_last(db):
    kwargs = {"sort_by": "days_out", "descending": True, "page_size": 5}
    assert page_ids(db, page=1, **kwargs) == ids(6, 12, 11, 2, 7)  # 368 285 242 212 152
    assert page_ids(db, page=2, **kwargs) == ids(8, 9, 3, 10, 1)  # 90 89 60 30 29
    assert page_ids(db, page=3, **kwargs) == ids(15, 5, 4)  # 15 0, then 04 with no date
    assert page_ids(db, page=4, **kwargs) == []


def test_sorting_by_days_out_ascending_still_puts_not_recorded_last(db):
    result = pupil.cohort_page(APRIL, "days_out", False, 3, 5, db=db)
    assert result["child_id"].tolist() == ids(12, 6, 4)  # 285 368, then none


def test_sorting_by_year_group_is_in_school_order(db):
    # R 05 11 (tie -> child_id), Year 3 03, Year 5 15, Year 6 09, Year 7 01, Year 8 02,
    # Year 9 06, Year 10 12, Year 12 04 07, Post-19 08, Not recorded 10
    assert page_ids(db, sort_by="year_group", page=1, page_size=5) == ids(5, 11, 3, 15, 9)
    assert page_ids(db, sort_by="year_group", page=3, page_size=5) == ids(7, 8, 10)
    # descending: ties still by child_id ascending, Not recorded still last
    assert page_ids(db, sort_by="year_group", descending=True, page_size=13) == ids(
        8, 4, 7, 12, 6, 2, 1, 9, 15, 3, 5, 11, 10
    )


def test_sorting_by_district_age_and_team(db):
    # Ashford 03, Canterbury 07, Dartford 12, Dover 04, Maidstone 08, Swale 11,
    # Thanet 01 02 09 10 15, Out of county 05, Not recorded 06
    assert page_ids(db, sort_by="district", page_size=13) == ids(
        3, 7, 12, 4, 8, 11, 1, 2, 9, 10, 15, 5, 6
    )
    # 19 17 16 15 14 13 11 10 9 8 5 4, then 10 with no age
    assert page_ids(db, sort_by="age", descending=True, page_size=13) == ids(
        8, 7, 4, 12, 6, 2, 1, 9, 15, 3, 5, 11, 10
    )
    # East Kent 01 02 07 09 10 15, North Kent 11 12, South Kent 03 05, West Kent 06 08, none 04
    assert page_ids(db, sort_by="sen_team", page_size=13) == ids(
        1, 2, 7, 9, 10, 15, 11, 12, 3, 5, 6, 8, 4
    )


def test_paging_a_filtered_cohort(db):
    thanet = CohortFilter("2024-04", districts=("Thanet",))
    assert pupil.cohort_count(thanet, db=db) == 5
    kwargs = {"sort_by": "child_id", "descending": True, "page_size": 2}
    assert page_ids(db, thanet, page=1, **kwargs) == ids(15, 10)
    assert page_ids(db, thanet, page=2, **kwargs) == ids(9, 2)
    assert page_ids(db, thanet, page=3, **kwargs) == ids(1)


def test_page_columns_hold_no_birth_date(db):
    # Only the explorer's columns (issue 7 item 6): no date of birth, no care flags, no dates
    # the list does not show.
    expected = [
        "child_id",
        "age",
        "year_group",
        "gender",
        "primary_need",
        "district",
        "placement_status",
        "care_status",
        "is_import",
        "imported_from",
        "days_out",
        "out_of_school_since",
        "sen_team",
    ]
    result = pupil.cohort_page(APRIL, "child_id", False, 1, 1, db=db)
    assert result.columns.tolist() == expected
    assert pupil.cohort_export(APRIL, db=db).columns.tolist() == expected
    row = result.iloc[0]
    assert (row["child_id"], row["age"], row["district"], row["days_out"]) == (
        "T-0001",
        11,
        "Thanet",
        29,
    )


@pytest.mark.parametrize(
    "sort_by", ["date_of_birth", "child_id; DROP TABLE snapshot", "child_id DESC", "", "1"]
)
def test_sort_column_outside_the_allow_list_is_refused(db, sort_by):
    with pytest.raises(ValueError):
        pupil.cohort_page(APRIL, sort_by, False, 1, 10, db=db)


@pytest.mark.parametrize("page, page_size", [(0, 10), (-1, 10), (1, 0), (1, 100_000)])
def test_bad_page_is_refused(db, page, page_size):
    with pytest.raises(ValueError):
        pupil.cohort_page(APRIL, "child_id", False, page, page_size, db=db)


def test_export_is_every_row_by_child_id_and_not_cached(db):
    runner.clear_cache()
    result = pupil.cohort_export(
        CohortFilter("2024-04", placement_statuses=("Provision unknown",)), db=db
    )
    assert result["child_id"].tolist() == ids(2, 3, 6, 8, 9, 15)
    assert runner.cache_info()["entries"] == 0


def test_quarantine_rows_paged_newest_load_first(db):
    # q_quarantine.csv: load 2 row 10, load 3 rows 14 and 15, load 4 (casework) row 5
    first = pupil.quarantine_rows(db, limit=2, offset=0)
    assert list(zip(first["load_id"], first["source_row"], strict=True)) == [(4, 5), (3, 14)]
    rest = pupil.quarantine_rows(db, limit=10, offset=2)
    assert list(zip(rest["load_id"], rest["source_row"], strict=True)) == [(3, 15), (2, 10)]
    april = pupil.quarantine_rows(db, period="2024-04")
    assert april["child_id"].tolist() == ["T-0003", "T-0016"]
    # raw values come back as the text they were, never interpreted
    assert "<script>" in april["raw_values"].iloc[1]
    assert pupil.quarantine_count(db) == 4
    assert pupil.quarantine_count(db, period="2024-04") == 2
