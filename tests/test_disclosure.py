"""Disclosure control (figures/disclosure.py) and its perturbation table (config/ptable.csv).

Every expected shown value below was worked out by hand: the noise is the `pvalue` of the
ptable row (pcv, ckey) quoted beside it (`grep '^pcv,ckey,' config/ptable.csv`), added to the
count; a cell key is the sum of its children's keys mod 256, added up by hand.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from figures import disclosure as d
from figures import ptable
from queries.filters import CohortFilter

PTABLE = Path(__file__).resolve().parent.parent / "config" / "ptable.csv"


def _rows() -> list[tuple[int, int, int]]:
    """The committed table, read with the csv module (not through figures.ptable)."""
    with open(PTABLE, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        assert next(reader) == ["pcv", "ckey", "pvalue"]
        return [(int(a), int(b), int(c)) for a, b, c in reader]


# --- the perturbation table ------------------------------------------------------------------


def test_the_table_has_one_row_per_count_and_key():
    rows = _rows()
    assert len(rows) == 95 * 256  # pcv 6..100, ckey 0..255
    assert Counter((pcv, ckey) for pcv, ckey, _ in rows) == Counter(
        {(pcv, ckey): 1 for pcv in range(6, 101) for ckey in range(256)}
    )


def test_noise_is_small_never_makes_a_hidden_looking_number_and_averages_zero():
    by_pcv: dict[int, list[int]] = {}
    for pcv, _, pvalue in _rows():
        by_pcv.setdefault(pcv, []).append(pvalue)
    for pcv, values in by_pcv.items():
        assert all(-3 <= v <= 3 for v in values)
        assert min(pcv + v for v in values) >= 6  # never 1 to 5: those mean `c`
        # every value from the lowest to the highest occurs (a viewer's ranges have no holes)
        assert set(values) == set(range(min(values), max(values) + 1))
    for pcv in range(9, 101):
        counts = Counter(by_pcv[pcv])
        assert counts == {-3: 1, -2: 25, -1: 51, 0: 102, 1: 51, 2: 25, 3: 1}
        assert sum(by_pcv[pcv]) == 0  # mean exactly 0
    # 6, 7 and 8 cannot go below 6: the keys that would are given the lowest value allowed
    assert Counter(by_pcv[6]) == {0: 1 + 25 + 51 + 102, 1: 51, 2: 25, 3: 1}
    assert Counter(by_pcv[7]) == {-1: 1 + 25 + 51, 0: 102, 1: 51, 2: 25, 3: 1}
    assert Counter(by_pcv[8]) == {-2: 1 + 25, -1: 51, 0: 102, 1: 51, 2: 25, 3: 1}


def test_rows_are_shuffled_differently():
    by_pcv: dict[int, list[int]] = {}
    for pcv, _, pvalue in _rows():
        by_pcv.setdefault(pcv, []).append(pvalue)
    # a count's noise must not tell the noise of the next count with the same key
    orders = {tuple(by_pcv[pcv]) for pcv in range(9, 101)}
    assert len(orders) == 92


def test_the_maker_rebuilds_the_committed_table(tmp_path):
    assert ptable.build() == _rows()
    rebuilt = ptable.write(tmp_path / "ptable.csv")
    assert rebuilt.read_bytes() == PTABLE.read_bytes()
    # another seed gives another order (the seed is what fixes the shipped one)
    assert ptable.build(seed=1) != _rows()


def test_a_damaged_table_is_refused(tmp_path):
    broken = tmp_path / "ptable.csv"
    broken.write_text("pcv,ckey,pvalue\n6,0,0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="every pcv"):
        ptable.load(broken)


# --- one count -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "ckey", "expected"),
    [
        (0, 0, 0),  # nobody: nothing to protect
        (1, 17, "c"),
        (5, 200, "c"),
        (6, 1, 7),  # 6,1,1
        (6, 161, 9),  # 6,161,3
        (7, 0, 6),  # 7,0,-1
        (9, 180, 6),  # 9,180,-3
        (12, 1, 10),  # 12,1,-2
        (12, 3, 13),  # 12,3,1
        (51, 2, 53),  # 51,2,2
        (100, 0, 101),  # 100,0,1
        (101, 3, 100),  # beyond 100, rows 51..100 in turn: 101 reads 51,3,-1
        (150, 0, 151),  # 150 reads row 100: 100,0,1
        (151, 2, 153),  # 151 reads row 51 again: 51,2,2
    ],
)
def test_shown_count_hand_worked(n, ckey, expected):
    assert d.shown_count(n, ckey) == expected


def test_the_same_count_and_key_always_show_the_same_value():
    assert d.shown_counts([12, 12, 12], [1, 1, 3]) == [10, 10, 13]


def test_a_missing_key_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="load an extract"):
        d.shown_count(12, None)
    with pytest.raises(ValueError, match="load an extract"):
        d.shown_count(12, float("nan"))
    assert d.shown_count(3, None) == "c"  # a hidden count needs no key
    with pytest.raises(ValueError):
        d.shown_count(-1, 0)


def test_what_a_viewer_can_tell_from_a_shown_value():
    assert d.possible_counts("c") == range(1, 6)
    assert d.possible_counts(0) == range(0, 1)
    # 6 is shown by 6 (+0), 7 (-1), 8 (-2) and 9 (-3), never by 10 (its lowest is 7)
    assert d.possible_counts(6) == range(6, 10)
    assert d.possible_counts(9) == range(6, 13)  # 6 (+3) .. 12 (-3)
    assert d.possible_counts(50) == range(47, 54)
    with pytest.raises(ValueError):
        d.possible_counts(4)


def test_shares_and_changes_come_from_shown_values_only():
    assert d.share(10, 23) == pytest.approx(100 * 10 / 23)
    assert d.share("c", 23) is None and d.share(10, "c") is None and d.share(0, 0) is None
    assert d.change(13, 10) == 3
    assert d.change("c", 10) is None and d.change(13, None) is None


def test_order_statistics_need_ten_children_and_curves_twenty_episodes():
    assert not d.order_statistic_shown(9) and d.order_statistic_shown(10)
    assert not d.order_statistic_shown(None)
    assert not d.survival_shown(19) and d.survival_shown(20)


# --- tables ----------------------------------------------------------------------------------


def test_protect_long_one_way_hand_worked():
    frame = pd.DataFrame(
        {
            "category": ["A", "B", "C", "D"],
            "children": [12, 9, 3, 0],
            "children_ckey": [1, 5, 200, 0],
            "percent": [50.0, 37.5, 12.5, 0.0],  # the true shares: must not survive
        }
    )
    out = d.protect_long(frame)
    # A 12,1,-2 -> 10; B 9,5,2 -> 11; C -> c; D -> 0
    assert out.table["children"].tolist() == [10, 11, "c", 0]
    # the total is its own cell: 24 children, key (1 + 5 + 200 + 0) mod 256 = 206; 24,206,-1
    assert out.totals == {None: 23}
    # shares of the shown total: 10/23, 11/23, hidden, 0/23
    assert out.table["percent"].tolist()[0] == pytest.approx(100 * 10 / 23)
    assert out.table["percent"].tolist()[1] == pytest.approx(100 * 11 / 23)
    assert out.table["percent"].isna().tolist() == [False, False, True, False]
    assert out.table["percent"].tolist()[3] == 0.0
    assert out.chart["children"].isna().tolist() == [False, False, True, False]
    assert out.chart["children"].tolist()[:2] == [10, 11]
    assert out.hidden
    assert "children_ckey" not in out.table.columns and "children_ckey" not in out.chart.columns
    assert frame["children"].tolist() == [12, 9, 3, 0]  # the input is left alone


def test_protect_long_by_period_and_zeros_inside_a_small_group():
    frame = pd.DataFrame(
        {
            "period": ["2024-01", "2024-01", "2024-02", "2024-02"],
            "category": ["A", "B", "A", "B"],
            "children": [7, 13, 1, 0],
            "children_ckey": [10, 40, 77, 0],
            "percent": [35.0, 65.0, 100.0, 0.0],
        }
    )
    out = d.protect_long(frame, group_cols=("period",))
    # January: A 7,10,-1 -> 6; B 13,40,0 -> 13; total 20 children, key 50: 20,50,0 -> 20.
    # February: one child in A -> c, and B's 0 lies within a group of 1 -> c too.
    assert out.table["children"].tolist() == [6, 13, "c", "c"]
    assert out.totals == {"2024-01": 20, "2024-02": "c"}
    assert out.table["percent"].tolist()[:2] == [pytest.approx(30.0), pytest.approx(65.0)]
    assert out.table["percent"].isna().tolist() == [False, False, True, True]


def test_protect_long_counts_within_counts_and_parent_tables():
    frame = pd.DataFrame(
        {
            "category": ["Dover", "Thanet", "Other"],
            "children": [4, 14, 0],
            "children_ckey": [9, 30, 0],
            "stalled": [0, 0, 0],
            "stalled_ckey": [0, 0, 0],
        }
    )
    # Other holds 3 children under a filter with one condition fewer: its 0 here is hidden
    parent = pd.DataFrame({"category": ["Dover", "Thanet", "Other"], "children": [40, 50, 3]})
    out = d.protect_long(
        frame,
        counts={"children": "children_ckey", "stalled": "stalled_ckey"},
        shares=(),
        within={"stalled": "children"},
        parents=[parent],
    )
    # Dover 4 -> c; Thanet 14,30,2 -> 16; Other's 0 -> c (3 in the parent table)
    assert out.table["children"].tolist() == ["c", 16, "c"]
    # stalled: Dover's 0 lies within 4 children -> c; Thanet's 0 within 14 -> 0; Other's 0
    # is not small in the parent's stalled column (none given) and within 0 children -> 0
    assert out.table["stalled"].tolist() == ["c", 0, 0]


def test_protect_long_with_a_given_total_and_with_none():
    frame = pd.DataFrame(
        {
            "category": ["CLA", "CP"],
            "children": [13, 6],
            "children_ckey": [40, 77],
            "percent": [1.0, 2.0],
        }  # fmt: skip
    )
    # care flags overlap: the total is the cohort's, given: 25 children, key 150 (25,150,0)
    out = d.protect_long(frame, total=(25, 150))
    assert out.table["children"].tolist() == [13, 7]  # 13,40,0; 6,77,1
    assert out.totals == {None: 25}
    assert out.table["percent"].tolist() == [pytest.approx(52.0), pytest.approx(28.0)]
    no_total = d.protect_long(frame, total=None)
    assert no_total.table["percent"].isna().all()
    assert not no_total.hidden


def test_protect_matrix_hand_worked():
    long = pd.DataFrame(
        {
            "row_category": ["X", "X", "Y", "Y"],
            "col_category": ["P", "Q", "P", "Q"],
            "children": [7, 13, 2, 0],
            "children_ckey": [10, 40, 50, 0],
        }
    )
    out = d.protect_matrix(long)
    table = out.table.set_index("row_category")
    # X,P 7,10,-1 -> 6; X,Q 13,40,0 -> 13; X total 20 children, key 50: 20,50,0 -> 20
    assert table.loc["X"].tolist() == [6, 13, 20]
    # Y holds 2 children: c, and its 0 lies within them: c; its total c
    assert table.loc["Y"].tolist() == ["c", "c", "c"]
    # P: 9 children, key 60: 9,60,0 -> 9. Q holds exactly X,Q's children: the same 13.
    # Everyone: 22 children, key 100: 22,100,0 -> 22
    assert table.loc["Total"].tolist() == [9, 13, 22]
    assert out.totals["rows"] == {"X": 20, "Y": "c"}
    assert out.totals["cols"] == {"P": 9, "Q": 13}
    assert out.totals["Total"] == 22
    assert out.chart["children"].isna().tolist() == [False, False, True, True]
    assert "children_ckey" not in out.chart.columns and out.hidden


def test_protect_matrix_parents_hide_zeros_of_small_categories():
    long = pd.DataFrame(
        {
            "row_category": ["X", "X"],
            "col_category": ["P", "Q"],
            "children": [14, 0],
            "children_ckey": [30, 0],
        }
    )
    parent = pd.DataFrame(
        {"row_category": ["X", "X"], "col_category": ["P", "Q"], "children": [60, 2]}
    )
    plain = d.protect_matrix(long).table.set_index("row_category")
    guarded = d.protect_matrix(long, parents=[parent]).table.set_index("row_category")
    assert plain.loc["X", "Q"] == 0
    assert guarded.loc["X", "Q"] == "c"  # X,Q holds 2 under the wider filter
    assert guarded.loc["Total", "Q"] == "c"  # and so does the column Q there
    assert guarded.loc["X", "P"] == 16  # 14,30,2


# --- filters for the aggregate-only role -----------------------------------------------------


def test_one_value_or_all():
    one = CohortFilter("2024-04", districts=("Dover",))
    assert d.safe_filter(one) is one and d.filter_problems(one) == []
    two = CohortFilter("2024-04", districts=("Dover", "Thanet"), needs=("HI",))
    safe = d.safe_filter(two)
    assert safe.districts == () and safe.needs == ("HI",)
    assert d.filter_problems(two) == [
        "This link asked for District: Dover, Thanet. Figures as published show one value or "
        "all of them, so all are shown."
    ]


def test_days_out_and_age_windows_snap_to_whole_bands():
    # DAYS_OUT_BANDS: 0-27, 28-97, 98-195, 196-293, 294-100000; AGE_BANDS: 0-4, 5-10, 11-15...
    asked = CohortFilter("2024-04", days_out_min=0, days_out_max=20)
    assert (d.safe_filter(asked).days_out_min, d.safe_filter(asked).days_out_max) == (0, 27)
    assert d.filter_problems(asked) == [
        "This link asked for Days out of school: 0 to 20. Figures as published use whole "
        "bands, so Days out of school: 0 to 27 is shown."
    ]
    wide = d.safe_filter(CohortFilter("2024-04", days_out_min=30, days_out_max=100))
    assert (wide.days_out_min, wide.days_out_max) == (28, 195)
    open_ended = d.safe_filter(CohortFilter("2024-04", days_out_min=100))
    assert (open_ended.days_out_min, open_ended.days_out_max) == (98, None)
    aligned = CohortFilter("2024-04", days_out_min=28, days_out_max=97, age_min=5, age_max=15)
    assert d.safe_filter(aligned) is aligned and d.filter_problems(aligned) == []
    ages = d.safe_filter(CohortFilter("2024-04", age_min=7, age_max=12))
    assert (ages.age_min, ages.age_max) == (5, 15)
    beyond = d.safe_filter(CohortFilter("2024-04", age_max=40))
    assert beyond.age_max is None


def test_parent_filters_leave_out_one_condition_each():
    f = CohortFilter("2024-04", districts=("Dover",), cla=True, days_out_min=28, days_out_max=97)
    parents = d.parent_filters(f)
    assert parents == [
        CohortFilter("2024-04", cla=True, days_out_min=28, days_out_max=97),
        CohortFilter("2024-04", districts=("Dover",), days_out_min=28, days_out_max=97),
        CohortFilter("2024-04", districts=("Dover",), cla=True),
    ]
    assert d.parent_filters(CohortFilter("2024-04")) == []


def test_the_about_text_says_it_in_plain_words():
    assert "1 to 5" in d.ABOUT_SAFE and "never more than 3" in d.ABOUT_SAFE
    assert d.ABOUT_MEDIAN == "not shown: fewer than 10 children"
