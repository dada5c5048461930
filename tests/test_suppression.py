"""Small-number suppression: hand-worked tables (primary, secondary, zeros, totals)."""

from __future__ import annotations

import pandas as pd

from queries.suppression import (
    SUPPRESSED,
    suppress_long,
    suppress_matrix,
    suppress_table,
    suppression_mask,
)


def _column(values):
    return pd.DataFrame({"n": values})


def test_primary_only_when_no_total_is_known():
    # 3 is in 1..5; 10 and 20 are not; 0 is a true zero and stays.
    mask = suppression_mask(
        _column([10, 3, 0, 20]), rows_have_totals=False, columns_have_totals=False
    )
    assert mask["n"].tolist() == [False, True, False, False]


def test_secondary_hides_the_next_smallest_when_the_total_is_known():
    # Total 33 is known: 33 - 10 - 0 - 20 would give the 3 back, so the 10 (smallest non-zero
    # still shown) is hidden too. The zero is never used.
    mask = suppression_mask(
        _column([10, 3, 0, 20]), rows_have_totals=False, columns_have_totals=True
    )
    assert mask["n"].tolist() == [True, True, False, False]


def test_zeros_stay_and_a_small_total_is_hidden_itself():
    # [0, 4, 0]: the total is 4, a small number: it is suppressed as a count, so the line has two
    # hidden values and nothing else need go.
    result = suppress_table(_column([0, 4, 0]), rows_have_totals=False, columns_have_totals=True)
    assert result.cells["n"].tolist() == [False, True, False]
    assert result.column_totals.tolist() == [True]


def test_two_by_two_with_margins_hides_every_inner_cell():
    # [[3, 10], [7, 12]], row totals 13, 19, column totals 10, 22, grand 32.
    # 3 goes (primary); row 1 then needs the 10, column 1 the 7, column 2 the 12.
    counts = pd.DataFrame([[3, 10], [7, 12]], index=["a", "b"], columns=["x", "y"])
    result = suppress_table(counts, rows_have_totals=True, columns_have_totals=True)
    assert result.cells.to_numpy().all()
    assert not result.row_totals.any() and not result.column_totals.any()
    assert not result.grand_total


def test_three_by_three_secondary_spreads_until_every_line_has_two():
    # Worked by hand, rows first then columns, repeating until stable:
    # pass 1: 2 (primary); row 1 takes 8; column 1 takes 9; column 2 takes 25.
    # pass 2: row 2 (9 hidden) takes 30; row 3 (25 hidden) takes 15. Pass 3 changes nothing.
    counts = pd.DataFrame([[2, 8, 20], [9, 30, 40], [15, 25, 50]])
    mask = suppression_mask(counts, rows_have_totals=True, columns_have_totals=True)
    expected = [[True, True, False], [True, True, False], [True, True, False]]
    assert mask.to_numpy().tolist() == expected


def test_a_single_one_hides_its_totals_and_the_grand_total():
    counts = pd.DataFrame([[1, 0], [0, 0]])
    result = suppress_table(counts, rows_have_totals=True, columns_have_totals=True)
    assert result.cells.to_numpy().tolist() == [[True, False], [False, False]]
    assert result.row_totals.tolist() == [True, False]
    assert result.column_totals.tolist() == [True, False]
    assert result.grand_total is True


def test_long_table_suppresses_within_each_period_and_hides_shares():
    df = pd.DataFrame(
        {
            "period": ["2026-09"] * 3 + ["2026-10"] * 3,
            "category": ["x", "y", "z"] * 2,
            "children": [4, 10, 12, 0, 6, 7],
            "share": [0.154, 0.385, 0.462, 0.0, 0.462, 0.538],
        }
    )
    out = suppress_long(df, "children", group_cols=["period"], share_cols=["share"])
    # September: 4 is small; with the month's total known the 10 goes too. October: nothing.
    assert out["children"].tolist() == [SUPPRESSED, SUPPRESSED, 12, 0, 6, 7]
    assert out["suppressed"].tolist() == [True, True, False, False, False, False]
    assert out["share"].isna().tolist() == [True, True, False, False, False, False]
    assert df["children"].tolist() == [4, 10, 12, 0, 6, 7]  # the input is left alone


def test_long_table_without_a_known_total_uses_primary_only():
    df = pd.DataFrame({"flag": ["cin", "cp", "cla"], "children": [3, 40, 9]})
    out = suppress_long(df, "children", total_known=False)
    assert out["children"].tolist() == [SUPPRESSED, 40, 9]


def test_matrix_as_displayed_keeps_totals_that_reveal_nothing():
    counts = pd.DataFrame([[3, 10], [7, 12]], index=["a", "b"], columns=["x", "y"])
    table = suppress_matrix(counts)
    assert table.loc["a"].tolist() == [SUPPRESSED, SUPPRESSED, 13]
    assert table.loc["b"].tolist() == [SUPPRESSED, SUPPRESSED, 19]
    assert table.loc["Total"].tolist() == [10, 22, 32]
