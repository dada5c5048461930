"""Small-number suppression on the screens: whether it is on, and tables and charts that follow it.

The rule itself is `queries/suppression.py` (DfE children in need statistics: 1 to 5 shown as
`c`, a second cell hidden where a total would give the first away, true zeros kept). This
module decides when it applies, and turns a query's counts into two frames:

- the **table** (and its CSV): counts as text with `c`, shares of hidden counts blank;
- the **chart data**: hidden counts and shares as missing, so no bar, line point or cell is
  drawn at its true height (the charts write `c` where the value would be).

It is on for senior leaders always (their role's rule, not a setting), and a sidebar switch,
off by default, for the other roles. "About this figure" says when cells are hidden and why.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from figures.format import fmt_int
from queries.suppression import (
    SUPPRESSED,
    THRESHOLD,
    suppress_long,
    suppress_matrix,
    suppression_mask,
)

__all__ = [
    "SUPPRESSED",
    "THRESHOLD",
    "about",
    "count_text",
    "fmt_count",
    "long",
    "matrix",
    "suppressing",
    "suppression_mask",
]
from trust.viewer import current

TOGGLE_KEY = "suppress_small"  # the sidebar switch's session key (not in the URL)

NOTE = (
    f"**Small numbers:** counts of 1 to {THRESHOLD} are shown as `{SUPPRESSED}`, and where a "
    "total would let a hidden count be worked out, a second count in the same table is hidden "
    "too (the DfE's rule for children in need statistics). True zeros are shown. Percentages "
    "of hidden counts are not shown, and the chart draws no bar or point for them."
)


def suppressing() -> bool:
    """True when small numbers are hidden on this run (senior leaders: always)."""
    from figures.audience import current as current_audience

    return current_audience().safe


def asked() -> bool:
    """The sidebar switch's value (read before it is drawn: the frame needs it first)."""
    return bool(st.session_state.get(TOGGLE_KEY, False))


def sidebar_switch() -> None:
    """The sidebar switch (the frame draws it once per run, under the filters)."""
    viewer = current()
    if viewer is not None and viewer.always_published:
        st.sidebar.toggle(
            "Hide small numbers",
            value=True,
            disabled=True,
            key="_suppress_forced",
            help="Always on for senior leaders: counts of 1 to 5 are shown as c.",
        )
        return
    st.sidebar.toggle(
        "Hide small numbers",
        key=TOGGLE_KEY,
        help="Show counts of 1 to 5 as c, as in published statistics (on for senior leaders "
        "and briefings). Off: exact counts, for casework.",
    )


def about(text: str, hidden: bool) -> str:
    """An "About this figure" note with the small-numbers paragraph when cells are hidden."""
    return f"{text}\n\n{NOTE}" if hidden else text


def count_text(n) -> str | int:
    """A single count as shown (the headline's, a page's cohort size): `c` when 1 to 5."""
    if suppressing() and n is not None and 1 <= int(n) <= THRESHOLD:
        return SUPPRESSED
    return n


def long(
    data: pd.DataFrame,
    count_col: str = "children",
    share_cols: Sequence[str] = ("percent",),
    group_cols: Sequence[str] = (),
    *,
    total_known: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """(table data, chart data, anything hidden) for a long table of counts.

    Off: both are `data`. On: the table has `c` in the count column and blank shares; the chart
    data has the hidden counts and shares missing, and a boolean `suppressed` column.
    """
    shares = [c for c in share_cols if c in data.columns]
    if not suppressing() or data.empty:
        return data, data, False
    table = suppress_long(
        data, count_col, group_cols=group_cols, share_cols=shares, total_known=total_known
    )
    hidden = table["suppressed"].to_numpy()
    table[count_col] = [_as_text(v) for v in table[count_col]]
    chart = data.copy()
    chart[count_col] = chart[count_col].astype("Float64").mask(hidden)
    for column in shares:
        chart[column] = chart[column].astype("Float64").mask(hidden)
    chart["suppressed"] = hidden
    return table.drop(columns=["suppressed"]), chart, bool(hidden.any())


def matrix(
    wide: pd.DataFrame, total_label: str = "Total"
) -> tuple[pd.DataFrame, pd.DataFrame | None, bool]:
    """(table with totals, mask of hidden cells or None, anything hidden) for a cross-tab of
    counts without totals."""
    if not suppressing():
        table = wide.copy()
        table[total_label] = table.sum(axis=1)
        table.loc[total_label] = table.sum(axis=0)
        return table, None, False
    table = suppress_matrix(wide, total_label=total_label)
    hidden = table.loc[wide.index, wide.columns] == SUPPRESSED
    anything = bool((table == SUPPRESSED).to_numpy().any())
    return table.map(_as_text), hidden, anything


def fmt_count(value) -> str:
    """A count from a table as words show it: `c`, or with thousands separators."""
    return SUPPRESSED if value == SUPPRESSED else fmt_int(value)


def _as_text(value) -> str:
    # A column mixing numbers and `c` is stored as text (Arrow needs one type per column).
    return value if value == SUPPRESSED else str(int(value))
