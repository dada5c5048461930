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
  w = 0.75 -> 0.4001 .. 0.9332.
- The page's family of tests: every group of every breakdown it offers. Here only district
  (Dover, Thanet) and gender have two groups with plans (one age, year group, need, care
  status; sen_team not recorded, which is not tested). Girls: 5 out of 20 plans against boys'
  15 of 380: RR = 0.25 / 0.039474 = 6.3333, se = sqrt(1/5 - 1/20 + 1/15 - 1/380) = 0.462639,
  z = ln 6.3333 / 0.462639 = 3.989775, p = 6.6136e-5 (boys the same). Holm over 4 tests:
  girls and boys 4 x 6.6136e-5 = 2.6454e-4 (boys: max(3 x p, that)); Dover 2 x 0.010997 =
  0.021994, Thanet max(1 x 0.010997, 0.021994) = 0.021994.
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from queries import rates, runner
from queries.filters import CohortFilter
from queries.rate_stats import holm, share_ratio, wilson
from tests.q_fixture import SCHEMA, add_disclosure_keys

SNAPSHOT = (
    "INSERT INTO snapshot (period, census_date, child_id, age, gender, year_group, "
    "primary_need, district, placement_status, care_status, cin, cp, cla, "
    "previously_looked_after, is_import, source_row, load_id) "
    "SELECT $period, $census, $prefix || i, 10, $gender, 'Year 5', 'ASD', $district, "
    "$placement, 'No care status', false, false, false, false, false, i, 1 FROM range($n) t(i)"
)
CASELOAD = (
    "INSERT INTO caseload_snapshot (period, census_date, child_id, age, gender, year_group, "
    "primary_need, district, care_status, cin, cp, cla, previously_looked_after, source_row, "
    "load_id) SELECT '2024-01', DATE '2024-01-31', $prefix || i, 10, $gender, 'Year 5', 'ASD', "
    "$district, 'No care status', false, false, false, false, i, 2 FROM range($n) t(i)"
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
    add_disclosure_keys(con)  # record keys, as every publish gives them
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
    # Holm over the page's four tests (the other districts have no plans: no test)
    assert dover.p_holm == pytest.approx(0.021994, abs=1e-5)
    assert thanet.p_holm == pytest.approx(0.021994, abs=1e-5) and dover.family_size == 4
    assert bool(dover.excludes_one) and bool(thanet.excludes_one)
    # a district with no plans has no rate (not 0)
    assert math.isnan(frame.loc["Ashford"].rate_per_100)
    words = rates.overrepresented_sentences(frame.reset_index(), "District")
    assert words[0].startswith("District Dover: 2.00 times") and "over-represented" in words[0]
    assert "under-represented" in words[1] and "Still stands after the Holm" in words[1]
    assert "for all 4 groups the page compares" in words[0]


def test_plan_counts_are_the_rates_counts_without_the_tests(db, monkeypatch):
    f = CohortFilter(period="2024-01", genders=("Female",))
    ran = []
    real = rates.runner.run
    monkeypatch.setattr(rates.runner, "run", lambda name, *a, **k: ran.append(name) or
                        real(name, *a, **k))  # fmt: skip
    counts = rates.plan_counts(f, "district", db=db).set_index("category")
    # the counts alone: no family of tests (no scan of every breakdown), nothing worked out
    assert "children_by_each_dimension" not in ran and "plans_by_each_dimension" not in ran
    assert "rate_per_100" not in counts.columns and "p_holm" not in counts.columns
    assert (counts.loc["Dover"].children_out, counts.loc["Dover"].children_with_plan) == (5, 20)
    assert (counts.loc["Thanet"].children_out, counts.loc["Thanet"].children_with_plan) == (0, 0)
    full = rates.rates(f, "district", db=db).set_index("category")
    columns = ["children_out", "children_with_plan", "children_out_ckey",
               "children_with_plan_ckey"]  # fmt: skip
    assert list(counts.index) == list(full.index)
    assert counts[columns].equals(full[columns])
    assert rates.plan_counts(CohortFilter(period="2024-02"), "district", db=db).empty


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


def test_published_rates_hide_small_counts_and_what_is_worked_out_from_them(db):
    # the rates as a senior leader and the pack read them (figures/rates.py)
    from figures.protect import Audience
    from figures.rates import rates as rate_figures

    published = Audience.published()
    # girls: Dover 5 out of 20 plans -> 5 is shown as c, and its rate and ratio are hidden
    girls = CohortFilter(period="2024-01", genders=("Female",))
    found = rate_figures(girls, "district", audience=published, db=db)
    dover = found.rate.table.frame().set_index("District").loc["Dover"]
    assert dover["Children out of school"] == "c"
    assert pd.isna(dover["Rate per 100"]) and pd.isna(dover["95% interval from"])
    assert pd.isna(found.ratio.table.frame().set_index("District").loc["Dover", "Ratio"])
    # all children: Dover's 10 out (DF0..4, DM0..1, DU0..2) of 100 plans (DF0..19, DM0..79),
    # both published with their cell keys' noise, and the rate worked out from those two
    from tests.published_values import published as shown
    from tests.published_values import record_keys

    out = shown([f"DF{i}" for i in range(5)] + ["DM0", "DM1", "DU0", "DU1", "DU2"],
                record_keys(db))  # fmt: skip
    plans = shown([f"DF{i}" for i in range(20)] + [f"DM{i}" for i in range(80)],
                  record_keys(db, "caseload"))  # fmt: skip
    whole = rate_figures(CohortFilter(period="2024-01"), "district", audience=published, db=db)
    row = whole.rate.table.frame().set_index("District").loc["Dover"]
    assert row["Children out of school"] == str(out) and row["Children with a plan"] == str(plans)
    assert row["Rate per 100"] == pytest.approx(100 * out / plans)
    assert abs(row["Rate per 100"] - 10) < 4  # the noise moves the rate a little, not far


def test_the_holm_family_is_every_breakdown_the_page_offers(db):
    family = rates.comparison_family(CohortFilter(period="2024-01"), db=db)
    assert sorted(zip(family["dimension"], family["category"], strict=True)) == [
        ("district", "Dover"), ("district", "Thanet"), ("gender", "Female"), ("gender", "Male"),
    ]  # fmt: skip
    p = family.set_index("category")
    assert p.loc["Female", "p_value"] == pytest.approx(6.6136e-5, rel=1e-3)
    assert p.loc["Female", "p_holm"] == pytest.approx(2.6454e-4, rel=1e-3)
    assert p.loc["Male", "p_holm"] == pytest.approx(2.6454e-4, rel=1e-3)
    girls = rates.rates(CohortFilter(period="2024-01"), "gender", db=db).set_index("category")
    assert girls.loc["Female", "p_holm"] == pytest.approx(2.6454e-4, rel=1e-3)


def test_the_caution_names_the_family_and_the_full_count(db):
    frame = rates.rates(CohortFilter(period="2024-01"), "district", db=db)
    words = rates.comparisons_caution(frame)
    assert "This breakdown compares 2 groups" in words
    assert "9 breakdowns with 4 groups to compare in all" in words
    assert "A full count, not a sample" in words and "notional wider population" in words


def test_a_zero_cell_gets_half_added_to_each_of_the_four_cells():
    # A group with no child out: a = 0 of n = 20 plans; everyone else b = 10 of m = 80.
    # Cells + 0.5: a 0.5, n 21 (0.5 + 20.5), b 10.5, m 81. RR = (0.5/21) / (10.5/81) =
    # 0.183673; var = 1/0.5 - 1/21 + 1/10.5 - 1/81 = 2.035273, se = 1.426630;
    # RR interval 0.183673 exp(-/+ 1.959964 x 1.426630) = 0.011212 .. 3.008820;
    # w = 20/100: r = RR / (0.2 RR + 0.8) -> 0.013976 .. 2.146452; p = 0.234900.
    # The ratio itself is not corrected: (0/10) / (20/100) = 0.
    got = share_ratio(0, 20, 10, 100)
    assert got["ratio"] == 0
    assert (got["ratio_low"], got["ratio_high"]) == pytest.approx((0.013976, 2.146452), abs=1e-5)
    assert got["p_value"] == pytest.approx(0.234900, abs=1e-5)
    # every child of the group out (the cell "in school" is 0): corrected too. a = n = 5,
    # b = 10 of m = 95: cells 5.5, 0.5, 10.5, 85.5: RR = (5.5/6) / (10.5/96) = 8.380952,
    # var = 1/5.5 - 1/6 + 1/10.5 - 1/96 = 0.099972 (worked below, independently of the code)
    full = share_ratio(5, 5, 15, 100)
    rr, se = (5.5 / 6) / (10.5 / 96), math.sqrt(1 / 5.5 - 1 / 6 + 1 / 10.5 - 1 / 96)
    w = 0.05
    low = rr * math.exp(-1.959964 * se)
    assert full["ratio_low"] == pytest.approx(low / (w * low + 1 - w), abs=1e-5)


def test_the_family_counts_in_one_scan_what_each_breakdown_counts(db):
    # the family's single scan must give every breakdown's own p-values, dimension by dimension
    f = CohortFilter(period="2024-01")
    family = rates.comparison_family(f, db=db).set_index(["dimension", "category"])["p_value"]
    for dimension in rates.RATE_DIMENSIONS:
        own = rates._rates(f, dimension, db)
        tested = own[~own["category"].isin(["Not recorded"]) & own["p_value"].notna()]
        for category, p in zip(tested["category"], tested["p_value"], strict=True):
            assert family[(dimension, category)] == pytest.approx(p)
        assert (family.index.get_level_values(0) == dimension).sum() == len(tested)


def test_published_p_values_are_bonferroni_on_the_shown_counts_and_the_words_say_so(db):
    # Figures as published (figures/rates.py): the p-values are worked out again from the
    # counts as shown (each noised by its cell key), and adjusted by Bonferroni across the
    # page's family of 4 tests (district: Dover, Thanet; gender: girls, boys), never by Holm
    # on every child's exact count. Worked here with the Katz formula written out by hand.
    from scipy.stats import norm

    from figures.protect import Audience
    from figures.rates import rates as rate_figures
    from tests.published_values import published as shown
    from tests.published_values import record_keys

    keys, plan_keys = record_keys(db), record_keys(db, "caseload")
    dover_out = shown([f"DF{i}" for i in range(5)] + ["DM0", "DM1", "DU0", "DU1", "DU2"], keys)
    thanet_out = shown([f"TM{i}" for i in range(10)], keys)
    dover_plans = shown([f"DF{i}" for i in range(20)] + [f"DM{i}" for i in range(80)], plan_keys)
    thanet_plans = shown([f"TM{i}" for i in range(300)], plan_keys)
    a, n, b, m = dover_out, dover_plans, thanet_out, thanet_plans
    z = abs(math.log((a / n) / (b / m))) / math.sqrt(1 / a - 1 / n + 1 / b - 1 / m)
    p = 2 * norm.sf(z)  # Thanet's test is the same 2x2 table the other way round
    found = rate_figures(CohortFilter(period="2024-01"), "district",
                         audience=Audience.published(), db=db)  # fmt: skip
    table = found.ratio.table.frame().set_index("District")
    assert "p-value (Holm)" not in table.columns
    for district in ("Dover", "Thanet"):
        assert table.loc[district, "p-value"] == pytest.approx(p, rel=1e-6)
        adjusted = table.loc[district, "p-value (Bonferroni)"]
        assert adjusted == pytest.approx(min(1, 4 * p), rel=1e-6)
    # the words name the method the numbers used: Bonferroni, across the page's 4 groups
    words = " ".join(found.sentences) + found.caution
    assert "Holm" not in words
    assert "after the Bonferroni correction across all 4 groups" in found.caution
    assert all("the Bonferroni correction for all 4 groups" in s for s in found.sentences)
    assert "by Bonferroni's method on the counts as shown" in " ".join(
        note.text for note in found.ratio.about
    )
    # exact figures (a role that sees every child): Holm on the exact counts, and said so
    exact = rate_figures(CohortFilter(period="2024-01"), "district",
                         audience=Audience.exact(), db=db)  # fmt: skip
    table = exact.ratio.table.frame().set_index("District")
    assert table.loc["Dover", "p-value (Holm)"] == pytest.approx(0.021994, abs=1e-5)
    assert "after the Holm-Bonferroni correction across all 4 groups" in exact.caution
    assert all("the Holm correction for all 4 groups" in s for s in exact.sentences)
