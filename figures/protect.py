"""How the figures layer makes a figure safe for its audience: the one door to disclosure control.

Every figure function passes its counts through here with the audience (figures/audience.py):

- **exact** audiences get the counts as the query returned them;
- **safe** audiences (aggregate-only roles, the briefing pack and its files, anyone who asks to
  see figures as published) get counts as published: `c` for 1 to 5, and the method of
  figures/disclosure.py for the rest; anything worked out from a count (a share, a rate, a
  change, a median) is worked out from what is shown, or hidden with it.

The method lives in figures/disclosure.py (cell key perturbation: the disclosure helper's
module). Until it is on main, the DfE rule of queries/suppression.py stands in for it behind the
same names (the "interim" section at the end), so no figure function changes when it lands.
Cell-key columns (`<count>_ckey`) are read here and never passed on to a page, file or the pack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from figures.audience import Audience
from figures.interim_disclosure import (
    ABOUT_SAFE,
    MEDIAN_MIN_GROUP,
    SMALL_MAX,
    SUPPRESSED,
    suppress_long,
    suppress_matrix,
)
from figures.values import Note

__all__ = ["MEDIAN_MIN_GROUP", "SMALL_MAX", "SUPPRESSED"]

CKEY = "_ckey"


def ckey_of(column: str) -> str:
    return column + CKEY


@dataclass(frozen=True)
class Protected:
    """A table of counts as an audience sees it: the table (counts as text with `c` when safe),
    the chart data (hidden values missing) and whether anything is hidden."""

    table: pd.DataFrame
    chart: pd.DataFrame
    hidden: bool


def _without_keys(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in frame.columns if str(c).endswith(CKEY)]
    return frame.drop(columns=keys) if keys else frame


def is_hidden(value) -> bool:
    return isinstance(value, str) and value == SUPPRESSED


def count(n, audience: Audience, ckey=None):
    """One count as `audience` sees it: the number, or `c` when protected."""
    if n is None or not audience.safe:
        return n
    return _shown_count(int(n), ckey)


def long(
    frame: pd.DataFrame,
    audience: Audience,
    counts: Sequence[str] = ("children",),
    derived: Sequence[str] = ("percent",),
    *,
    group_cols: Sequence[str] = (),
    total_known: bool = True,
) -> Protected:
    """A long table (one row per category, per group such as a period) as `audience` sees it.

    `counts` are count columns (each with its `<count>_ckey` when the query gives one);
    `derived` are columns worked out from them (shares, rates, intervals, medians), hidden in
    a row whose count is hidden. `total_known`: the counts of a group add up to a total shown
    elsewhere (the headline), which the protection must allow for.
    """
    frame = frame.reset_index(drop=True)
    if not audience.safe or frame.empty:
        plain = _without_keys(frame)
        return Protected(plain, plain, False)
    return _protect_long(frame, list(counts), list(derived), list(group_cols), total_known)


def matrix(wide: pd.DataFrame, audience: Audience, total_label: str = "Total"):
    """(table with totals, mask of hidden cells or None, anything hidden) for a cross-tab of
    counts without totals (rows and columns in order)."""
    if not audience.safe:
        table = wide.copy()
        table[total_label] = table.sum(axis=1)
        table.loc[total_label] = table.sum(axis=0)
        return table, None, False
    table = suppress_matrix(wide, total_label=total_label)
    hidden = table.loc[wide.index, wide.columns] == SUPPRESSED
    anything = bool((table == SUPPRESSED).to_numpy().any())
    return table.map(_as_text), hidden, anything


def order_statistic_shown(n, audience: Audience) -> bool:
    """A median (or any order statistic) of a group of `n` children may be shown."""
    if not audience.safe:
        return True
    return n is not None and int(n) >= MEDIAN_MIN_GROUP


def safe_note(hidden: bool, audience: Audience) -> Note | None:
    """The "about" paragraph saying what protection did, when it did something."""
    if audience.safe and hidden:
        return Note("Small numbers", ABOUT_SAFE[:1].upper() + ABOUT_SAFE[1:])
    return None


def change(now, before, audience: Audience):
    """A change worked out from shown values: hidden when either end is hidden."""
    if now is None or before is None:
        return None
    if is_hidden(now) or is_hidden(before):
        return SUPPRESSED
    return now - before


# --- the interim method's parts (until figures/disclosure.py lands) -----------------------------


def _shown_count(n: int, _ckey):
    return SUPPRESSED if 1 <= n <= SMALL_MAX else n


def _as_text(value) -> str:
    # A column mixing numbers and `c` is stored as text (Arrow needs one type per column).
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return value if value == SUPPRESSED else str(int(value))


def _protect_long(frame, counts, derived, group_cols, total_known) -> Protected:
    data = _without_keys(frame)
    table, chart = data.copy(), data.copy()
    any_hidden = np.zeros(len(data), dtype=bool)
    for column in counts:
        mask = suppress_long(data, column, group_cols=group_cols, total_known=total_known)[
            "suppressed"
        ].to_numpy()
        any_hidden |= mask
        table[column] = [
            SUPPRESSED if m else _as_text(v) for v, m in zip(data[column], mask, strict=True)
        ]
        chart[column] = chart[column].astype("Float64").mask(mask)
    for column in derived:
        if column in data.columns:
            table[column] = data[column].astype("Float64").mask(any_hidden)
            chart[column] = chart[column].astype("Float64").mask(any_hidden)
    chart["suppressed"] = any_hidden
    return Protected(table, chart, bool(any_hidden.any()))


def counts_hidden_together(values: Mapping[str, float], audience: Audience) -> set[str]:
    """Which of several counts that add up to a known total are hidden (the headline's no
    placement and provision unknown)."""
    if not audience.safe:
        return set()
    names = list(values)
    frame = pd.DataFrame({"children": [values[n] or 0 for n in names]})
    mask = _protect_long(frame, ["children"], [], [], True).chart["suppressed"]
    return {n for n, h in zip(names, mask, strict=True) if h}
