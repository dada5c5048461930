"""Small-number suppression, as in the DfE's children in need statistics: one rule for every table.

- **Primary**: a count of 1 to 5 (`threshold`) is shown as `c`. A true zero stays `0`.
- **Secondary**: wherever a total is known (shown in the table, or shown elsewhere, such as the
  headline count a breakdown adds up to), a line holding exactly one suppressed value could be
  worked out as the total minus the rest. So a second value in that line is suppressed too: the
  smallest non-zero one not yet suppressed, or the total itself when every other value is zero.
  Suppressing one value can expose another line, so this repeats until nothing changes.
- Anything worked out from a suppressed count (its share, rate or change) is hidden with it.

Totals are treated as cells of the table (a row of column totals, a column of row totals and a
grand total), so a total of 1 to 5 is suppressed like any other count, and the secondary rule
protects it from the margins.

Pages, exports and the briefing pack all call this module, so they agree. It is pure pandas:
counts come in from the query layer, suppressed copies go out to the screens and files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

SUPPRESSED = "c"
THRESHOLD = 5  # counts 1..5 are suppressed (DfE children in need statistics)


@dataclass(frozen=True)
class Suppression:
    """Which cells of a table, and which of its totals, are shown as `c`."""

    cells: pd.DataFrame  # bool, same shape as the counts
    row_totals: pd.Series | None  # bool per row, when rows have totals
    column_totals: pd.Series | None  # bool per column, when columns have totals
    grand_total: bool  # when both have totals

    @property
    def any(self) -> bool:
        """True when anything in the table is suppressed."""
        return bool(
            self.cells.to_numpy().any()
            or (self.row_totals is not None and self.row_totals.any())
            or (self.column_totals is not None and self.column_totals.any())
            or self.grand_total
        )


def _extended(values: np.ndarray, rows_have_totals: bool, columns_have_totals: bool):
    """The counts with their totals appended: a column of row totals, a row of column totals."""
    grid = values
    if rows_have_totals:
        grid = np.column_stack([grid, grid.sum(axis=1)])
    if columns_have_totals:
        grid = np.vstack([grid, grid.sum(axis=0)])
    return grid


def _lines(shape, rows_have_totals: bool, columns_have_totals: bool):
    """Each sum relation in the extended grid: (the cells that add up, the cell of their total)."""
    n_rows, n_cols = shape  # of the extended grid
    interior_cols = n_cols - 1 if rows_have_totals else n_cols
    interior_rows = n_rows - 1 if columns_have_totals else n_rows
    lines = []
    if rows_have_totals:  # every row, the totals row included, sums to its last cell
        for r in range(n_rows):
            lines.append(([(r, c) for c in range(interior_cols)], (r, n_cols - 1)))
    if columns_have_totals:  # every column, the totals column included, sums to its last cell
        for c in range(n_cols):
            lines.append(([(r, c) for r in range(interior_rows)], (n_rows - 1, c)))
    return lines


def _secondary(grid: np.ndarray, mask: np.ndarray, lines) -> None:
    """Suppress a second value in every line that holds exactly one; repeat until stable."""
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            members = [*parts, total]
            hidden = [cell for cell in members if mask[cell]]
            if len(hidden) != 1:
                continue
            # The smallest non-zero part still shown (ties: the first in table order)...
            candidates = [cell for cell in parts if not mask[cell] and grid[cell] > 0]
            if candidates:
                pick = min(candidates, key=lambda cell: grid[cell])
            elif not mask[total] and grid[total] > 0:
                pick = total  # ...or, when the rest are zeros, the total itself
            else:
                continue  # the lone hidden value is a total whose parts are all zeros
            mask[pick] = True
            changed = True


def suppress_table(
    counts: pd.DataFrame,
    *,
    rows_have_totals: bool,
    columns_have_totals: bool,
    threshold: int = THRESHOLD,
) -> Suppression:
    """Work out which cells and totals of a table of counts are suppressed.

    `rows_have_totals`: each row's sum is shown or known (a "Total" column, say);
    `columns_have_totals`: each column's sum is shown or known (a "Total" row, or the
    headline count a one-column breakdown adds up to). Missing counts count as zero.
    """
    values = counts.fillna(0).to_numpy(dtype="int64")
    grid = _extended(values, rows_have_totals, columns_have_totals)
    mask = (grid >= 1) & (grid <= threshold)
    _secondary(grid, mask, _lines(grid.shape, rows_have_totals, columns_have_totals))
    n_rows, n_cols = values.shape
    cells = pd.DataFrame(mask[:n_rows, :n_cols], index=counts.index, columns=counts.columns)
    row_totals = pd.Series(mask[:n_rows, n_cols], index=counts.index) if rows_have_totals else None
    column_totals = (
        pd.Series(mask[n_rows, :n_cols], index=counts.columns) if columns_have_totals else None
    )
    grand = bool(mask[n_rows, n_cols]) if rows_have_totals and columns_have_totals else False
    return Suppression(cells, row_totals, column_totals, grand)


def suppression_mask(
    counts: pd.DataFrame,
    *,
    rows_have_totals: bool,
    columns_have_totals: bool,
    threshold: int = THRESHOLD,
) -> pd.DataFrame:
    """Only the cells' mask of `suppress_table` (True where a count is shown as `c`)."""
    return suppress_table(
        counts,
        rows_have_totals=rows_have_totals,
        columns_have_totals=columns_have_totals,
        threshold=threshold,
    ).cells


def shown(value, hidden: bool) -> object:
    """A count as displayed: `c` when suppressed, the number otherwise."""
    return SUPPRESSED if hidden else value


def suppress_long(
    df: pd.DataFrame,
    count_col: str,
    *,
    group_cols: Sequence[str] = (),
    share_cols: Sequence[str] = (),
    total_known: bool = True,
    threshold: int = THRESHOLD,
) -> pd.DataFrame:
    """Suppress a long table (one row per category, per group such as a period).

    Within each group the categories' counts add up to a total that is known (the headline for
    that period), unless `total_known` is False (categories that overlap, such as care flags a
    child can hold together, have no such sum; then only primary suppression applies).
    `share_cols`: anything derived from the count (shares, rates, changes), hidden (NA) with it.

    Returns a copy: the count column as text (`c` where suppressed), the share columns NA where
    suppressed, and a boolean `suppressed` column. The rows keep their order.
    """
    out = df.copy()
    hidden = pd.Series(False, index=df.index)
    groups = [((), df)] if not group_cols else df.groupby(list(group_cols), sort=False)
    for _key, part in groups:
        column = part[[count_col]].reset_index(drop=True)
        result = suppress_table(
            column, rows_have_totals=False, columns_have_totals=total_known, threshold=threshold
        )
        hidden.loc[part.index] = result.cells[count_col].to_numpy()
    out[count_col] = [
        shown(value, flag) for value, flag in zip(df[count_col].tolist(), hidden, strict=True)
    ]
    for col in share_cols:
        out[col] = df[col].astype("Float64").mask(hidden.to_numpy())
    out["suppressed"] = hidden.to_numpy()
    return out


def suppress_matrix(
    counts: pd.DataFrame,
    *,
    rows_have_totals: bool = True,
    columns_have_totals: bool = True,
    total_label: str = "Total",
    threshold: int = THRESHOLD,
) -> pd.DataFrame:
    """A cross-tabulation as displayed: counts (and their totals) as text with `c`."""
    result = suppress_table(
        counts,
        rows_have_totals=rows_have_totals,
        columns_have_totals=columns_have_totals,
        threshold=threshold,
    )
    values = counts.fillna(0).astype("int64")
    table = values.astype(object).mask(result.cells, SUPPRESSED)
    if rows_have_totals:
        totals = values.sum(axis=1).astype(object)
        table[total_label] = totals.mask(result.row_totals, SUPPRESSED)
    if columns_have_totals:
        totals = values.sum(axis=0).astype(object).mask(result.column_totals, SUPPRESSED)
        row = totals.tolist()
        if rows_have_totals:
            row.append(SUPPRESSED if result.grand_total else int(values.to_numpy().sum()))
        table.loc[total_label] = row
    return table
