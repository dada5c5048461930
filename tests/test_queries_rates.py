"""Rates per 100 children with a plan and over-representation ratios, worked by hand.

Fixture (period 2024-01): the caseload holds 100 children in Dover (20 of them girls) and 300
in Thanet; the cohort holds 10 Dover children (5 girls; 3 with provision unknown) and 10
Thanet children. 2024-02 has a cohort and no caseload.

Hand working, z = 1.959964:
- Dover rate 10/100 = 10.0 per 100; Wilson: centre (0.1 + z^2/200) / (1 + z^2/100) = 0.114797,
  half-width z/(1 + z^2/100) * sqrt(0.1*0.9/100 + z^2/40000) = 0.059568 -> 5.52 to 17.44.
- Dover ratio (10/20) / (100/400) = 2. Against Thanet: RR = 0.1 / (10/300) = 3,
  se = sqrt(1/10 - 1/100 + 1/10 - 1/300) = 0.432049, RR interval 3 exp(-/+ z se) =
  1.286322 .. 6.996751, and with w = 100/400: r = RR / (0.25 RR + 0.75) -> 1.2004 .. 2.7996.
  p = 2 (1 - Phi(ln 3 / 0.432049)) = 0.010997.
- Thanet ratio (10/20) / (300/400) = 0.6667; RR = 1/3, same se, interval 0.142925 .. 0.777440,
  w = 0.75 -> 0.4001 .. 0.9332. Holm over 2 tests: both p-values times 2 = 0.021994.
"""

from __future__ import annotations

import math

import duckdb
import pytest

from queries import rates, runner
from queries.filters import CohortFilter
from queries.rate_stats import holm, share_ratio, wilson
from tests.q_fixture import SCHEMA

SNAPSHOT = (
    "INSERT INTO snapshot (period, census_date, child_id, age, gender, year_group, "
    "primary_need, district, placement_status, care_status, cin, cp, cla, "
    "previously_looked_after, is_import, source_row, load_id) "
    "SELECT $period, $census, $prefix || i, 10, $gender, 'Year 5', 'ASD', $district, "
    "$placement, 'None', false, false, false, false, false, i, 1 FROM range($n) t(i)"
)
CASELOAD = (
    "INSERT INTO caseload_snapshot (period, census_date, child_id, age, gender, year_group, "
    "primary_need, district, care_status, cin, cp, cla, previously_looked_after, source_row, "
    "load_id) SELECT '2024-01', DATE '2024-01-31', $prefix || i, 10, $gender, 'Year 5', 'ASD', "
    "$district, 'None', false, false, false, false, i, 2 FROM range($n) t(i)"
)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("rates") / "rates.duckdb"
    con = duckdb.connect(str(path))
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    for period, census in (("2024-01", "2024-01-31"), ("2024-02", "2024-02-29")):
        for prefix, n, gender, district, placement in (
            ("DF", 5, "Female", "Dover", "No placement"),
            ("DM", 2, "Male", "Dover", "No placement"),
            ("DU", 3, "Male", "Dover", "Provision unknown"),
            ("TM", 10, "Male", "Thanet", "No placement"),
        ):
            con.execute(
                SNAPSHOT,
                {"period": period, "census": census, "prefix": prefix, "n": n, "gender": gender,
                 "district": district, "placement": placement},
            )  # fmt: skip
    for prefix, n, gender, district in (
        ("DF", 20, "Female", "Dover"),
        ("DM", 80, "Male", "Dover"),
        ("TM", 300, "Male", "Thanet"),
    ):
        con.execute(CASELOAD, {"prefix": prefix, "n": n, "gender": gender, "district": district})
    con.close()
    runner.clear_cache()
    return path


def test_wilson_and_ratio_by_hand():
    low, high = wilson(10, 100)
    assert low == pytest.approx(0.055229, abs=1e-5) and high == pytest.approx(0.174365, abs=1e-5)
    dover = share_ratio(10, 100, 20, 400)
    assert dover["ratio"] == pytest.approx(2.0)
    assert dover["ratio_low"] == pytest.approx(1.2004, abs=1e-4)
    assert dover["ratio_high"] == pytest.approx(2.7996, abs=1e-4)
    assert dover["p_value"] == pytest.approx(0.010997, abs=1e-5)
    # Holm: 0.01, 0.04, 0.03 -> sorted 0.01*3, 0.03*2, max(0.06, 0.04*1)
    assert list(holm([0.01, 0.04, 0.03])) == pytest.approx([0.03, 0.06, 0.06])


def test_rates_by_district(db):
    frame = rates.rates(CohortFilter(period="2024-01"), "district", db=db).set_index("category")
    dover, thanet = frame.loc["Dover"], frame.loc["Thanet"]
    assert (dover.children_out, dover.children_with_plan) == (10, 100)
    assert dover.rate_per_100 == pytest.approx(10.0)
    assert (dover.rate_low, dover.rate_high) == pytest.approx((5.5229, 17.4365), abs=1e-3)
    assert thanet.rate_per_100 == pytest.approx(10 / 3)
    assert (dover.ratio, dover.ratio_low, dover.ratio_high) == pytest.approx(
        (2.0, 1.2004, 2.7996), abs=1e-4
    )
    assert (thanet.ratio, thanet.ratio_low, thanet.ratio_high) == pytest.approx(
        (2 / 3, 0.4001, 0.9332), abs=1e-4
    )
    # Holm over the two districts with plans (the other districts have none: no test)
    assert dover.p_holm == pytest.approx(0.021994, abs=1e-5)
    assert bool(dover.excludes_one) and bool(thanet.excludes_one)
    # a district with no plans has no rate (not 0)
    assert math.isnan(frame.loc["Ashford"].rate_per_100)
    words = rates.overrepresented_sentences(frame.reset_index(), "District")
    assert words[0].startswith("District Dover: 2.00 times") and "over-represented" in words[0]
    assert "under-represented" in words[1] and "Still stands after the Holm" in words[1]


def test_filters_apply_to_both_and_placement_to_the_numerator_only(db):
    girls = rates.rates(CohortFilter(period="2024-01", genders=("Female",)), "district", db=db)
    dover = girls.set_index("category").loc["Dover"]
    assert (dover.children_out, dover.children_with_plan) == (5, 20)  # 25 per 100
    assert dover.rate_per_100 == pytest.approx(25.0)
    unknown = rates.rates(
        CohortFilter(period="2024-01", placement_statuses=("Provision unknown",)), "district",
        db=db,
    ).set_index("category")  # fmt: skip
    # 3 of Dover's 100 plans are children whose provision is unknown
    assert (unknown.loc["Dover"].children_out, unknown.loc["Dover"].children_with_plan) == (3, 100)
    assert unknown.loc["Thanet"].rate_per_100 == 0


def test_periods_without_a_caseload_have_no_rate(db):
    f = CohortFilter(period="2024-02")
    assert rates.caseload_periods(db) == {"2024-01": 400}
    assert not rates.has_caseload("2024-02", db) and rates.rates(f, "district", db=db).empty
    assert rates.overall_rate(f, db=db) is None
    trend = rates.rate_trend(f, None, "2024-01", "2024-02", db=db).set_index("period")
    assert trend.loc["2024-01"].rate_per_100 == pytest.approx(5.0)  # 20 of 400
    assert not trend.loc["2024-02"].caseload_loaded
    assert math.isnan(trend.loc["2024-02"].rate_per_100)


def test_dimension_without_a_caseload_column_is_refused(db):
    with pytest.raises(ValueError, match="no rate by"):
        rates.rates(CohortFilter(period="2024-01"), "placement_status", db=db)


def test_cohort_children_missing_from_the_caseload_are_counted_not_dropped(db):
    # DU0..DU2 (Dover, provision unknown) are in the 2024-01 cohort but not in its caseload;
    # 2024-02 has no caseload, so it is not checked
    missing = rates.missing_from_caseload(db)
    counts = missing[["period", "cohort_children", "missing_from_caseload"]]
    assert counts.values.tolist() == [["2024-01", 20, 3]]
    # ... and they still count as out of school in the rates
    frame = rates.rates(CohortFilter(period="2024-01"), "district", db=db)
    assert frame["children_out"].sum() == 20


def test_briefing_table_suppresses_small_counts_and_their_rates(db):
    from queries.context_pack import rates_table

    # girls: Dover 5 out of 20 plans -> 5 is shown as c, and its rate and ratio are hidden
    table = rates_table(CohortFilter(period="2024-01", genders=("Female",)), "district", db=db)
    dover = table.set_index("category").loc["Dover"]
    assert dover["children_out"] == "c" and bool(dover["suppressed"])
    assert dover[["rate_per_100", "ratio", "rate_low"]].isna().all()
    assert not bool(dover["excludes_one"])
    # all children: Dover 10 and Thanet 10 out, nothing to suppress
    whole = rates_table(CohortFilter(period="2024-01"), "district", db=db).set_index("category")
    assert whole.loc["Dover", "children_out"] == 10 and whole.loc["Dover", "rate_per_100"] == 10
