"""Small-number suppression for the context pages' tables (rates, time to return).

These tables hold two counts per row (children out and children with a plan; episodes and
returns) and figures worked out from them (rates, ratios, medians). When small numbers are
hidden (senior leaders always; the sidebar switch for others), each count follows the rule of
queries/suppression.py on its own column, and every figure worked out from a row with a hidden
count is hidden too. Layout helper only: the rule itself is the query layer's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pages.common import smallnumbers as small
from queries.suppression import SUPPRESSED, suppress_long


def hide_small(
    frame: pd.DataFrame,
    count_cols: Sequence[str],
    derived: Sequence[str],
    *,
    group_cols: Sequence[str] = (),
    total_known: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """(table data, chart data, anything hidden), as smallnumbers.long but for several counts.

    Table: each hidden count reads `c`, figures of a row with any hidden count are blank.
    Chart data: hidden counts and figures are missing, and `suppressed` marks the rows.
    """
    if not small.suppressing() or frame.empty:
        return frame, frame, False
    any_hidden = np.zeros(len(frame), dtype=bool)
    table, chart = frame.copy(), frame.copy()
    for column in count_cols:
        mask = suppress_long(frame, column, group_cols=group_cols, total_known=total_known)[
            "suppressed"
        ].to_numpy()
        any_hidden |= mask
        table[column] = [
            SUPPRESSED if m else ("" if pd.isna(v) else str(int(v)))
            for v, m in zip(frame[column], mask, strict=True)
        ]
        chart[column] = chart[column].astype("Float64").mask(mask)
    for column in derived:
        if column in frame.columns:
            table[column] = frame[column].astype("Float64").mask(any_hidden)
            chart[column] = chart[column].astype("Float64").mask(any_hidden)
    chart["suppressed"] = any_hidden
    return table, chart, bool(any_hidden.any())


__all__ = ["hide_small"]
