"""Aggregate queries on the hand-worked fixture (tests/data/q_snapshot.csv and q_*.csv).

Periods loaded: 2024-01 (6 children), 2024-02 (9), 2024-04 (13); 2024-03 is missing, so the
period before 2024-04 is 2024-02. The 2024-04 table is in test_queries_filters.py. 2024-02
(census 2024-02-29):

  id  gender year    need district   placement  care   import  days
  01  F      Year 7  ASD  Thanet     No plc     None   -         28
  02  M      Year 8  SEMH Thanet     No plc     CLA    -        151
  03  M      Year 3  SEMH Ashford    Prov unk   CP     Medway  NULL
  04  F      Year 12 MLD  Dover      No plc     CIN    -       NULL
  06  NotRec Year 9  NotR NotRec     Prov unk   PLA    -        307
  07  M      Year 12 ASD  Canterbury No plc     None   -         91
  09  M      Year 6  ASD  Dover      Prov unk   CP     -         28
  13  F      Year 8  SPLD Thanet     No plc     None   -         90
  14  M      Year 1  HI   Sevenoaks  Prov unk   None   Bexley   177

2024-01 (census 2024-01-31): 01 Thanet NP None (no date); 02 Thanet NP CLA 122 days; 04 Dover
NP CIN (no date); 06 NotRec PU PLA 278; 13 Thanet NP None 61; 14 Sevenoaks PU None Bexley 148.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from figures.words import movement_sentence
from queries import aggregates, runner
from queries.filters import CohortFilter
from tests.q_fixture import build_fixture_db

APRIL = CohortFilter("2024-04")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_fixture_db(tmp_path_factory.mktemp("q_aggregates") / "fixture.duckdb")
    yield path
    runner.close_all()


def pairs(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return list(frame[list(columns)].itertuples(index=False, name=None))


# --- breakdowns ----------------------------------------------------------------------------


def test_breakdown_by_district_natural_order_zero_categories_and_percent(db):
    result = aggregates.breakdown(APRIL, "district", db=db)
    # alphabetical districts (vocab), then Out of county, then Not recorded; zeros kept
    assert pairs(result, "category", "children") == [
        ("Ashford", 1),  # 03
        ("Canterbury", 1),  # 07
        ("Dartford", 1),  # 12
        ("Dover", 1),  # 04
        ("Folkestone and Hythe", 0),
        ("Gravesham", 0),
        ("Maidstone", 1),  # 08
        ("Sevenoaks", 0),
        ("Swale", 1),  # 11
        ("Thanet", 5),  # 01 02 09 10 15
        ("Tonbridge and Malling", 0),
        ("Tunbridge Wells", 0),
        ("Out of county", 1),  # 05
        ("Not recorded", 1),  # 06
    ]
    percent = dict(zip(result["category"], result["percent"], strict=True))
    assert percent["Thanet"] == pytest.approx(100 * 5 / 13)  # 38.46..., unrounded
    assert percent["Ashford"] == pytest.approx(100 / 13)
    assert percent["Gravesham"] == 0
    assert result["percent"].sum() == pytest.approx(100)


def test_breakdown_by_year_group_in_school_order(db):
    result = aggregates.breakdown(APRIL, "year_group", db=db)
    expected = {"R": 2, "Year 3": 1, "Year 5": 1, "Year 6": 1, "Year 7": 1, "Year 8": 1}
    expected |= {"Year 9": 1, "Year 10": 1, "Year 12": 2, "Post-19": 1, "Not recorded": 1}
    order = ["Early years", "N1", "N2", "R"] + [f"Year {n}" for n in range(1, 15)]
    order += ["Post-19", "Not recorded"]
    assert pairs(result, "category", "children") == [(c, expected.get(c, 0)) for c in order]


def test_breakdown_by_need_vocab_order_and_by_size(db):
    natural = aggregates.breakdown(APRIL, "primary_need", db=db)
    # ASD 01 07 09; SLCN 05; MLD 04; SLD 11; SEMH 02 03 10 12; VI 15; PD 08; Not recorded 06
    assert pairs(natural, "category", "children") == [
        ("ASD", 3),
        ("SLCN", 1),
        ("SPLD", 0),
        ("MLD", 1),
        ("SLD", 1),
        ("PMLD", 0),
        ("SEMH", 4),
        ("HI", 0),
        ("VI", 1),
        ("MSI", 0),
        ("PD", 1),
        ("DS", 0),
        ("OTH", 0),
        ("NSA", 0),
        ("Not recorded", 1),
    ]
    by_size = aggregates.breakdown(APRIL, "primary_need", by_size=True, db=db)
    # largest first, ties in vocab order, Not recorded still last
    assert by_size["category"].tolist() == [
        "SEMH",
        "ASD",
        "SLCN",
        "MLD",
        "SLD",
        "VI",
        "PD",
        "SPLD",
        "PMLD",
        "HI",
        "MSI",
        "DS",
        "OTH",
        "NSA",
        "Not recorded",
    ]


# Every other dimension of 2024-04, worked out from the table in test_queries_filters.py.
OTHER_BREAKDOWNS = {
    # ASD+SLCN = 3+1; MLD+SLD = 2; SEMH 4; VI+PD = 2; DS/OTH/NSA none; 06 not recorded
    "need_area": [
        ("Communication and interaction", 4),
        ("Cognition and learning", 2),
        ("Social, emotional and mental health", 4),
        ("Sensory and/or physical", 2),
        ("Other", 0),
        ("Not recorded", 1),
    ],
    # 11 (4); 03 05 09 15 (8 5 10 9); 01 02 06 12 (11 13 14 15); 04 07 (16 17); 08 (19); 10
    "age_band": [
        ("Under 5", 1),
        ("5 to 10", 4),
        ("11 to 15", 4),
        ("16 to 18", 2),
        ("19 to 25", 1),
        ("Not recorded", 1),
    ],
    # 05 (0) 15 (15); 01 29, 03 60, 08 90, 09 89, 10 30; 07 152; 02 212, 11 242, 12 285;
    # 06 368; 04 no date
    "days_out_band": [
        ("Under 4 weeks", 2),
        ("4 weeks to 1 term", 5),
        ("1 to 2 terms", 1),
        ("2 to 3 terms", 3),
        ("Over 3 terms", 1),
        ("Not recorded", 1),
    ],
    "gender": [("Female", 6), ("Male", 5), ("Other", 1), ("Not recorded", 1)],
    "care_status": [
        ("Looked after (CLA)", 1),
        ("Child protection (CP)", 2),
        ("Child in need (CIN)", 1),
        ("Previously looked after", 1),
        ("No care status", 8),
    ],
    "placement_status": [("No placement", 7), ("Provision unknown", 6)],
    # only what exists, alphabetically, non-imports last
    "imported_from": [("Medway", 2), ("Surrey", 1), ("Not an import", 10)],
    "sen_team": [
        ("East Kent", 6),
        ("North Kent", 2),
        ("South Kent", 2),
        ("West Kent", 2),
        ("Not recorded", 1),
    ],
    "is_import": [("Import", 3), ("Not an import", 10)],
    # single years as numbers (4 before 10), only those found, Not recorded last
    "age": [
        ("4", 1),
        ("5", 1),
        ("8", 1),
        ("9", 1),
        ("10", 1),
        ("11", 1),
        ("13", 1),
        ("14", 1),
        ("15", 1),
        ("16", 1),
        ("17", 1),
        ("19", 1),
        ("Not recorded", 1),
    ],
}


@pytest.mark.parametrize("dimension", OTHER_BREAKDOWNS)
def test_breakdown_by_every_other_dimension(db, dimension):
    result = aggregates.breakdown(APRIL, dimension, db=db)
    assert pairs(result, "category", "children") == OTHER_BREAKDOWNS[dimension]
    assert result["percent"].sum() == pytest.approx(100)


def test_every_dimension_in_the_allow_list_is_tested():
    assert set(aggregates.DIMENSIONS) == set(OTHER_BREAKDOWNS) | {
        "district",
        "year_group",
        "primary_need",
    }


def test_breakdown_of_a_filtered_cohort(db):
    # Thanet in 2024-04: 01 ASD, 02 SEMH, 09 ASD, 10 SEMH, 15 VI -> percent of 5
    result = aggregates.breakdown(
        CohortFilter("2024-04", districts=("Thanet",)), "primary_need", db=db
    )
    nonzero = result[result["children"] > 0]
    assert pairs(nonzero, "category", "children", "percent") == [
        ("ASD", 2, pytest.approx(40.0)),
        ("SEMH", 2, pytest.approx(40.0)),
        ("VI", 1, pytest.approx(20.0)),
    ]
    # no child's need is Not recorded here, so that category is not shown
    assert "Not recorded" not in result["category"].tolist()


def test_breakdown_of_an_empty_cohort_keeps_the_shape(db):
    result = aggregates.breakdown(CohortFilter("2024-04", districts=("Nowhere",)), "gender", db=db)
    assert pairs(result, "category", "children") == [("Female", 0), ("Male", 0), ("Other", 0)]
    assert result["percent"].isna().all()  # no total to divide by


@pytest.mark.parametrize(
    "bad", ["postcode", "district; DROP TABLE snapshot", "DISTRICT", "", None, "child_id"]
)
def test_unknown_dimension_is_refused(db, bad):
    with pytest.raises(ValueError):
        aggregates.breakdown(APRIL, bad, db=db)
    with pytest.raises(ValueError):
        aggregates.crosstab(APRIL, "district", bad, db=db)
    if bad is not None:  # a trend with no dimension is the total, tested below
        with pytest.raises(ValueError):
            aggregates.trend(APRIL, bad, "2024-01", "2024-04", db=db)


# --- cross-tab -----------------------------------------------------------------------------


def test_crosstab_placement_by_gender_long_form_with_empty_cells(db):
    result = aggregates.crosstab(APRIL, "placement_status", "gender", db=db)
    # No placement: F 01 04 10 12, M 07 11, Other 05; Provision unknown: F 08 15, M 02 03 09,
    # Not recorded 06. Gender 'Not recorded' appears (06) so every row gets that column.
    assert pairs(result, "row_category", "col_category", "children") == [
        ("No placement", "Female", 4),
        ("No placement", "Male", 2),
        ("No placement", "Other", 1),
        ("No placement", "Not recorded", 0),
        ("Provision unknown", "Female", 2),
        ("Provision unknown", "Male", 3),
        ("Provision unknown", "Other", 0),
        ("Provision unknown", "Not recorded", 1),
    ]


def test_crosstab_district_by_placement_filtered_to_semh(db):
    f = CohortFilter("2024-04", needs=("SEMH",))
    result = aggregates.crosstab(f, "district", "placement_status", db=db)
    # SEMH: 02 Thanet PU, 03 Ashford PU, 10 Thanet NP, 12 Dartford NP. 12 districts + Out of
    # county listed (no Not recorded district among them) x 2 statuses = 26 cells
    assert len(result) == 26
    assert result["children"].sum() == 4
    cells = {(r, c): n for r, c, n in pairs(result, "row_category", "col_category", "children")}
    assert cells[("Thanet", "Provision unknown")] == 1
    assert cells[("Thanet", "No placement")] == 1
    assert cells[("Ashford", "Provision unknown")] == 1
    assert cells[("Dartford", "No placement")] == 1
    assert cells[("Swale", "No placement")] == 0
    assert result["row_category"].iloc[0] == "Ashford"
    assert result["row_category"].iloc[-1] == "Out of county"


def test_crosstab_table_with_totals(db):
    # the cells above: No placement 4 2 1 0 (7), Provision unknown 2 3 0 1 (6); 13 in all
    table = aggregates.crosstab_table(APRIL, "placement_status", "gender", db=db)
    assert list(table.columns) == [
        "row_category",
        "Female",
        "Male",
        "Other",
        "Not recorded",
        "Total",
    ]
    assert table.values.tolist() == [
        ["No placement", 4, 2, 1, 0, 7],
        ["Provision unknown", 2, 3, 0, 1, 6],
        ["Total", 6, 5, 1, 1, 13],
    ]


def test_crosstab_needs_two_different_dimensions(db):
    with pytest.raises(ValueError):
        aggregates.crosstab(APRIL, "district", "district", db=db)


# --- trend ---------------------------------------------------------------------------------


def test_trend_of_placement_status_across_loaded_periods(db):
    result = aggregates.trend(APRIL, "placement_status", "2024-01", "2024-04", db=db)
    # 2024-01: NP 01 02 04 13, PU 06 14; 2024-02: NP 01 02 04 07 13, PU 03 06 09 14;
    # 2024-04: NP 7, PU 6. 2024-03 was never loaded, so it is absent.
    assert pairs(result, "period", "category", "children") == [
        ("2024-01", "No placement", 4),
        ("2024-01", "Provision unknown", 2),
        ("2024-02", "No placement", 5),
        ("2024-02", "Provision unknown", 4),
        ("2024-04", "No placement", 7),
        ("2024-04", "Provision unknown", 6),
    ]
    assert result["percent"].tolist() == pytest.approx(
        [100 * 4 / 6, 100 * 2 / 6, 100 * 5 / 9, 100 * 4 / 9, 100 * 7 / 13, 100 * 6 / 13]
    )


def test_trend_of_the_total_and_a_narrower_range(db):
    total = aggregates.trend(APRIL, None, "2024-01", "2024-04", db=db)
    assert pairs(total, "period", "category", "children") == [
        ("2024-01", "All", 6),
        ("2024-02", "All", 9),
        ("2024-04", "All", 13),
    ]
    # the range is inclusive and may be given either way round
    narrow = aggregates.trend(APRIL, None, "2024-04", "2024-02", db=db)
    assert narrow["period"].tolist() == ["2024-02", "2024-04"]


def test_trend_table_one_row_per_period(db):
    # the totals above, as the table shows them (2024-03 is not loaded: absent, not zero)
    table = aggregates.trend_table(APRIL, None, "2024-04", "2024-01", db=db)
    assert table.values.tolist() == [["2024-01", 6], ["2024-02", 9], ["2024-04", 13]]
    assert list(table.columns) == ["period", "All"]


def test_trend_applies_the_other_filters_and_keeps_zero_periods(db):
    # Sevenoaks: 14 in 2024-01 and 2024-02, nobody in 2024-04
    f = CohortFilter("2024-04", districts=("Sevenoaks",))
    result = aggregates.trend(f, "district", "2024-01", "2024-04", db=db)
    sevenoaks = result[result["category"] == "Sevenoaks"]
    assert pairs(sevenoaks, "period", "children") == [
        ("2024-01", 1),
        ("2024-02", 1),
        ("2024-04", 0),
    ]
    assert result.groupby("period")["children"].sum().tolist() == [1, 1, 0]


def test_the_total_trend_keeps_a_loaded_period_with_nobody_as_zero(db):
    # Sevenoaks in total: one child in 2024-01 and 2024-02, nobody in 2024-04 (loaded), and
    # 2024-03 not loaded at all (absent)
    f = CohortFilter("2024-04", districts=("Sevenoaks",))
    total = aggregates.trend(f, None, "2024-01", "2024-04", db=db)
    assert pairs(total, "period", "category", "children") == [
        ("2024-01", "All", 1),
        ("2024-02", "All", 1),
        ("2024-04", "All", 0),
    ]
    # the share of its own period's total: all of it, and none of nothing (missing)
    assert total["percent"].tolist()[:2] == [100.0, 100.0]
    assert pd.isna(total["percent"].iloc[2])
    # nobody, no key: 0
    assert total["children_ckey"].iloc[2] == 0
    # a range with no loaded period: nothing
    assert aggregates.trend(f, None, "2023-01", "2023-06", db=db).empty


def test_trend_of_a_free_text_dimension_fills_missing_categories_with_zero(db):
    result = aggregates.trend(APRIL, "sen_team", "2024-01", "2024-02", db=db)
    # 2024-01: East Kent 01 02 13, West Kent 06 14, none 04 (no South Kent child);
    # 2024-02: East Kent 01 02 07 09 13, South Kent 03, West Kent 06 14, none 04
    assert pairs(result, "period", "category", "children") == [
        ("2024-01", "East Kent", 3),
        ("2024-01", "South Kent", 0),
        ("2024-01", "West Kent", 2),
        ("2024-01", "Not recorded", 1),
        ("2024-02", "East Kent", 5),
        ("2024-02", "South Kent", 1),
        ("2024-02", "West Kent", 2),
        ("2024-02", "Not recorded", 1),
    ]


def test_trend_refuses_a_malformed_period(db):
    with pytest.raises(ValueError):
        aggregates.trend(APRIL, None, "2024-1", "2024-04", db=db)


# --- headline and movements ----------------------------------------------------------------


def test_previous_period_is_the_previous_loaded_one(db):
    assert aggregates.list_periods(db=db) == ["2024-01", "2024-02", "2024-04"]
    assert aggregates.previous_period("2024-04", db=db) == "2024-02"  # 2024-03 not loaded
    assert aggregates.previous_period("2024-02", db=db) == "2024-01"
    assert aggregates.previous_period("2024-01", db=db) is None


def test_headline_with_change_against_the_previous_period(db):
    result = aggregates.headline(APRIL, db=db)
    # 2024-04 vs 2024-02:
    #   total 13 vs 9; no placement 7 vs 5 (01 02 04 07 13); provision unknown 6 vs 4;
    #   imports 3 (03 05 11) vs 2 (03 14); CLA 1 vs 1 (02); CP 2 vs 2 (03 09);
    #   CIN 3 vs 3 (02 04 09);
    #   median days: April 0 15 29 30 60 89 | 90 152 212 242 285 368 -> (89 + 90) / 2 = 89.5;
    #                February 28 28 90 91 151 177 307 -> 91;
    #   over a term (> 97 days): April 212 368 152 242 285 = 5; February 151 307 177 = 3
    assert result["measure"].tolist() == list(aggregates.HEADLINE_MEASURES)
    got = {m: (v, p, c) for m, v, p, c in pairs(result, "measure", "value", "previous", "change")}
    assert got == {
        "total": (13, 9, 4),
        "no_placement": (7, 5, 2),
        "provision_unknown": (6, 4, 2),
        "imports": (3, 2, 1),
        "cla": (1, 1, 0),
        "cp": (2, 2, 0),
        "cin": (3, 3, 0),
        "median_days_out": (89.5, 91, -1.5),
        "over_a_term": (5, 3, 2),
    }
    assert result["label"].iloc[0] == "Children out of school"
    assert set(result["previous_period"]) == {"2024-02"}


def test_headline_without_a_previous_period(db):
    result = aggregates.headline(CohortFilter("2024-01"), db=db)
    # 2024-01: 6 children; NP 01 02 04 13; PU 06 14; import 14; CLA 02; no CP; CIN 02 04;
    # days 61 122 148 278 -> median (122 + 148) / 2 = 135; over 97 days: 122 148 278
    values = dict(zip(result["measure"], result["value"], strict=True))
    assert values == {
        "total": 6,
        "no_placement": 4,
        "provision_unknown": 2,
        "imports": 1,
        "cla": 1,
        "cp": 0,
        "cin": 2,
        "median_days_out": 135,
        "over_a_term": 3,
    }
    assert result["previous"].isna().all()
    assert result["change"].isna().all()


def test_headline_without_its_total_runs_no_count_and_keeps_every_other_measure(db, monkeypatch):
    ran = []
    real = runner.run
    monkeypatch.setattr(runner, "run", lambda name, *a, **k: ran.append(name) or
                        real(name, *a, **k))  # fmt: skip
    result = aggregates.headline(APRIL, db=db, with_total=False)
    assert "cohort_count" not in ran
    assert result["measure"].tolist() == list(aggregates.HEADLINE_MEASURES)[1:]
    # the same April values as above: no placement 7 vs 5, CP 2 vs 2, CIN 3 vs 3
    got = dict(zip(result["measure"], zip(result["value"], result["previous"], strict=True),
                   strict=True))  # fmt: skip
    assert got["no_placement"] == (7, 5) and got["cp"] == (2, 2) and got["cin"] == (3, 3)


def test_headline_of_a_cohort_empty_now_counts_zero(db):
    # Sevenoaks: nobody in 2024-04; 14 in 2024-02 (provision unknown, import, 177 days)
    result = aggregates.headline(CohortFilter("2024-04", districts=("Sevenoaks",)), db=db)
    got = {m: (v, p, c) for m, v, p, c in pairs(result, "measure", "value", "previous", "change")}
    assert got["total"] == (0, 1, -1)
    assert got["provision_unknown"] == (0, 1, -1)
    assert got["imports"] == (0, 1, -1)
    value, previous, change = got["median_days_out"]
    assert math.isnan(value) and previous == 177 and math.isnan(change)


def test_largest_movements_whole_cohort(db):
    result = aggregates.largest_movements(APRIL, n=5, db=db)
    # 2024-02 -> 2024-04, by hand (see the tables above):
    #   care status None 4 (01 07 13 14) -> 8 (01 05 07 08 10 11 12 15): +4
    #   Provision unknown in Thanet 0 -> 3 (02 09 15): +3
    #   days out 2 to 3 terms 0 -> 3 (02 212, 11 242, 12 285): +3
    #   district Thanet 3 -> 5: +2; No placement 5 -> 7: +2; Provision unknown 4 -> 6: +2;
    #   SEMH 2 -> 4: +2; Year R 0 -> 2: +2; Under 4 weeks 0 -> 2: +2; every other change is 1.
    # Order: size of change, rises first, then dimension order (district_placement, district,
    # placement_status, primary_need, year_group, care_status, days_out_band), then category.
    assert pairs(result, "dimension", "category", "previous", "current", "change") == [
        ("care_status", "No care status", 4, 8, 4),
        ("district_placement", "Provision unknown", 0, 3, 3),
        ("days_out_band", "2 to 3 terms", 0, 3, 3),
        ("district", "Thanet", 3, 5, 2),
        ("placement_status", "No placement", 5, 7, 2),
    ]
    assert result["district"].iloc[1] == "Thanet"
    # each movement in words, as the Overview and the pack say it (figures/words.py)
    sentences = [movement_sentence(r) for _, r in result.iterrows()]
    assert sentences[1] == "Provision unknown rose by 3 in Thanet (from 0 to 3)"
    assert sentences[3] == "Children out of school rose by 2 in Thanet (from 3 to 5)"
    assert sentences[0] == "Children with no care status rose by 4 (from 4 to 8)"


def test_largest_movements_filtered_and_falls(db):
    f = CohortFilter("2024-04", districts=("Thanet",))
    result = aggregates.largest_movements(f, n=3, db=db)
    # Thanet 2024-02: 01 NP, 02 NP, 13 NP; 2024-04: 01 NP, 02 PU, 09 PU, 10 NP, 15 PU.
    # Provision unknown in Thanet 0 -> 3 and Provision unknown 0 -> 3 (+3 each, district x
    # placement first), then Thanet 3 -> 5 (+2).
    assert pairs(result, "dimension", "category", "change") == [
        ("district_placement", "Provision unknown", 3),
        ("placement_status", "Provision unknown", 3),
        ("district", "Thanet", 2),
    ]
    # Dover 2024-02: 04 NP, 09 PU; 2024-04: 04 NP -> Provision unknown in Dover fell by 1
    dover = aggregates.largest_movements(CohortFilter("2024-04", districts=("Dover",)), 1, db=db)
    assert [movement_sentence(r) for _, r in dover.iterrows()] == [
        "Provision unknown fell by 1 in Dover (from 1 to 0)"
    ]


def test_no_movements_without_a_previous_period(db):
    result = aggregates.largest_movements(CohortFilter("2024-01"), db=db)
    assert result.empty
    assert list(result.columns) == [
        "dimension",
        "category",
        "district",
        "previous",
        "current",
        "change",
        "previous_ckey",
        "current_ckey",
    ]


# --- choices and data quality --------------------------------------------------------------


def test_filter_options_add_values_found_in_the_data(db):
    options = aggregates.filter_options(db=db)
    assert options["sen_team"] == [
        "East Kent",
        "North Kent",
        "South Kent",
        "West Kent",
        "Not recorded",
    ]
    assert options["imported_from"] == ["Bexley", "Medway", "Surrey"]
    assert options["gender"] == ["Female", "Male", "Other", "Not recorded"]
    assert options["district"][-2:] == ["Out of county", "Not recorded"]
    assert options["placement_status"] == ["No placement", "Provision unknown"]
    assert options["period"] == ["2024-01", "2024-02", "2024-04"]


def test_dataset_info(db):
    info = aggregates.dataset_info(db=db)
    assert info["synthetic"] is True  # every load in q_load_log.csv is marked synthetic
    assert info["periods"] == ["2024-01", "2024-02", "2024-04"]
    assert info["latest_period"] == "2024-04"
    assert info["children_latest"] == 13
    assert info["loads"] == 4
    assert info["quarantined_rows"] == 4
    assert str(info["latest_loaded_at"]) == "2024-05-04 09:00:00"


def test_load_history_newest_first(db):
    result = aggregates.load_history(db=db)
    assert result["load_id"].tolist() == [4, 3, 2, 1]
    assert pairs(result.iloc[[1]], "period", "rows_read", "rows_loaded", "rows_quarantined") == [
        ("2024-04", 15, 13, 2)
    ]


def test_warnings_by_column(db):
    april = aggregates.warnings_by_column("2024-04", db=db)
    # q_load_warnings.csv: 2024-04 has one each of date_of_birth, district, gender, need
    assert pairs(april, "column_name", "warnings") == [
        ("date_of_birth", 1),
        ("district", 1),
        ("gender", 1),
        ("primary_need", 1),
    ]
    everything = aggregates.warnings_by_column(db=db)
    # 4 + 3 + 3 cohort warnings and 1 casework warning, each its own (period, column, reason)
    # group; cohort first, newest period first, the casework warning last
    assert len(everything) == 11
    assert everything["warnings"].sum() == 11
    assert (
        everything["period"].iloc[:10].tolist()
        == ["2024-04"] * 4 + ["2024-02"] * 3 + ["2024-01"] * 3
    )
    assert pairs(everything.iloc[[-1]], "kind", "column_name") == [("casework", "hours_per_week")]
    with pytest.raises(ValueError):
        aggregates.warnings_by_column("last month", db=db)


def test_warnings_by_field_summed_over_the_data_loaded(db):
    # q_load_warnings.csv: gender, need and district in each of 3 periods; one date of birth
    # (2024-04); one casework hours value. Most frequent first, then by field name.
    everything = aggregates.warnings_by_field(db=db)
    assert pairs(everything, "column_name", "warnings") == [
        ("district", 3),
        ("gender", 3),
        ("primary_need", 3),
        ("date_of_birth", 1),
        ("hours_per_week", 1),
    ]
    april = aggregates.warnings_by_field("2024-04", db=db)
    assert april["warnings"].tolist() == [1, 1, 1, 1]


def test_not_recorded_table_one_row_per_field(db):
    # the shares below: provision hours 10 of 13 in April; out of school since 2 of 6 in January
    table = aggregates.not_recorded_table(db=db).set_index("field")
    assert list(table.columns) == ["2024-01", "2024-02", "2024-04"]
    assert table.loc["provision_hours", "2024-04"] == round(100 * 10 / 13, 1)
    assert table.loc["out_of_school_since", "2024-01"] == round(100 * 2 / 6, 1)
    assert table.index[0] == "gender"


def test_not_recorded_share(db):
    result = aggregates.not_recorded_share(db=db)
    april = result[result["period"] == "2024-04"]
    # 2024-04 (13): gender 06; birth date 10; year group 10; need 06; district 06; out of
    # school since 04; SEN team 04; EHCP issued 06 10; annual review 04 06 08; provision
    # hours recorded only for 02 03 09 -> 10 blank
    assert pairs(april, "field", "not_recorded", "total") == [
        ("gender", 1, 13),
        ("date_of_birth", 1, 13),
        ("year_group", 1, 13),
        ("primary_need", 1, 13),
        ("district", 1, 13),
        ("out_of_school_since", 1, 13),
        ("sen_team", 1, 13),
        ("ehcp_issued", 2, 13),
        ("last_annual_review", 3, 13),
        ("provision_hours", 10, 13),
    ]
    assert april["share"].iloc[-1] == pytest.approx(100 * 10 / 13)
    january = result[result["period"] == "2024-01"]
    # 2024-01 (6): out of school since blank for 01 04
    oos = january[january["field"] == "out_of_school_since"]
    assert pairs(oos, "not_recorded", "total") == [(2, 6)]
    assert result["period"].unique().tolist() == ["2024-01", "2024-02", "2024-04"]


def test_natural_categories_for_colour_maps():
    assert aggregates.natural_categories("gender") == ["Female", "Male", "Other", "Not recorded"]
    assert aggregates.natural_categories("care_status")[-1] == "No care status"
    assert aggregates.natural_categories("is_import") == ["Import", "Not an import"]


def test_window_start_counts_loaded_periods(db):
    # loaded: 2024-01, 2024-02, 2024-04 (no March)
    assert aggregates.window_start("2024-04", 2, db=db) == "2024-02"
    assert aggregates.window_start("2024-04", 12, db=db) == "2024-01"  # fewer are loaded
    assert aggregates.window_start("2024-02", 1, db=db) == "2024-02"
