"""Disclosure control: how a figure is made safe for a viewer who sees aggregates only.

The method is cell key perturbation, as the Office for National Statistics protects its
flexible Census 2021 tables (github.com/ONSdigital/cell-key-perturbation), with the DfE's `c`
for small counts. The README's "Disclosure control" section explains it in plain words.

- Every child has a fixed **record key** 0..255 (`rkey` in the `cohort` and `caseload` views,
  made at load from a secret kept in the database). Every count a query returns comes with its
  **cell key** (`<count>_ckey`): the sum of the counted children's record keys, mod 256.
- The **shown value** of a count n with cell key k (`shown_count`):
  0 -> `0`; 1 to 5 -> `c`; 6 or more -> n + the noise in row n, column k of the perturbation
  table (`config/ptable.csv`, `figures/ptable.py`), never below 6 and at most MAX_NOISE away.
  The same children always give the same (n, k), so the same cell shows the same value on
  every page, in the pack and in every file, however it was reached.
- **Zeros inside small groups**: a 0 whose group (a total, a row or column of a cross-tab,
  the same category under a filter with one condition fewer, or the coarser category holding
  it, such as an age's band: the figures layer passes these as `parents`) holds 1 to 5
  children is shown as `c` too. Otherwise the zeros around a group of five single children
  would say that each of them is alone in its cell.
- Anything worked out from counts (a share, a change, a rate) is worked out from the shown
  values only (`share`, `change`, `protect_long`); tables need not add up exactly.
- **Order statistics** (medians, quantiles) are shown only for groups of at least
  MEDIAN_MIN_GROUP children, survival curves only for SURVIVAL_MIN_EPISODES episodes.
- **Filters** for the aggregate-only role: one value or all, and ranges on whole bands
  (`filter_problems`, `safe_filter`), so a figure cannot be asked for in many overlapping ways
  whose small differences could be averaged.

Pure Python and pandas over the query layer's counts: the figures layer calls it for every
figure in safe mode, and never passes a `*_ckey` column on to a page, a file or the pack.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from core import vocab
from figures import ptable
from figures.links import describe  # the one description of a filter
from queries.filters import CohortFilter

SUPPRESSED = "c"
SMALL_MAX = ptable.SMALL_MAX  # counts 1..5 are always `c` (DfE children in need statistics)
MEDIAN_MIN_GROUP = 10  # medians and other order statistics: groups of 10 children or more
SURVIVAL_MIN_EPISODES = 20  # survival curves and their medians: 20 episodes or more
MAX_NOISE = ptable.MAX_NOISE  # a shown count is never further than this from the true one
KEYS = ptable.KEYS

ABOUT_SAFE = (
    f"Figures as published: counts of 1 to {SMALL_MAX} children are shown as {SUPPRESSED} "
    f"(and so is a 0 inside a group of 1 to {SMALL_MAX}). Every other count has a small fixed "
    f"amount added or taken away, usually 0 or 1 and never more than {MAX_NOISE}, the same "
    "wherever that count appears, so totals may not equal the sum of their parts. "
    "Percentages and changes are worked out from the numbers shown."
)
ABOUT_MEDIAN = f"not shown: fewer than {MEDIAN_MIN_GROUP} children"
ABOUT_SURVIVAL = f"not shown: fewer than {SURVIVAL_MIN_EPISODES} episodes"

# Ranges a filter may take in safe mode: whole bands only. (lower field, upper field) -> bands.
_BANDED_RANGES = {
    ("days_out_min", "days_out_max"): vocab.DAYS_OUT_BANDS,
    ("age_min", "age_max"): vocab.AGE_BANDS,
}


# --- one count ------------------------------------------------------------------------------


def _whole(value, name: str) -> int:
    if value is None or pd.isna(value):
        raise ValueError(
            f"no {name}: the database was not published by this version (load an extract "
            "once to add the disclosure keys)"
        )
    number = int(value)
    if number != value or number < 0:
        raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")
    return number


def perturbation(n: int, ckey: int) -> int:
    """The noise the perturbation table adds to a count n >= 6 with cell key `ckey`."""
    return ptable.load()[ptable.pcv_of(n)][ckey % KEYS]


def shown_count(n, ckey, *, within_small: bool = False) -> int | str:
    """A count as published: 0, `c` (1 to 5, or a 0 within a group of 1 to 5) or n + noise."""
    n = _whole(n, "count")
    if n == 0:
        return SUPPRESSED if within_small else 0
    if n <= SMALL_MAX:
        return SUPPRESSED
    return n + perturbation(n, _whole(ckey, "cell key"))


def shown_counts(counts: Iterable, ckeys: Iterable) -> list[int | str]:
    """`shown_count` of each count with its cell key."""
    return [shown_count(n, k) for n, k in zip(counts, ckeys, strict=True)]


def is_small(n) -> bool:
    """1 to 5 children: shown as `c`, and the 0s within it too."""
    return n is not None and not pd.isna(n) and 1 <= int(n) <= SMALL_MAX


def possible_counts(shown) -> range:
    """Every true count that can be shown as `shown` (what a viewer can tell from it).

    `c` -> 1 to 5 (0 to 5 for a 0 within a small group: pass `within_small=True` to
    shown_count to make one); 0 -> 0; a number -> the counts whose table row holds the noise
    that gives it.
    """
    if shown == SUPPRESSED:
        return range(1, SMALL_MAX + 1)
    v = int(shown)
    if v == 0:
        return range(0, 1)
    if v <= SMALL_MAX:
        raise ValueError(f"{v} is never shown: counts of 1 to {SMALL_MAX} are shown as c")
    table = ptable.load()
    low, high = max(SMALL_MAX + 1, v - MAX_NOISE), v + MAX_NOISE
    can = [n for n in range(low, high + 1) if (v - n) in set(table[ptable.pcv_of(n)])]
    # rows hold every noise value from their lowest to their highest, so this is a range
    return range(min(can), max(can) + 1)


def share(count, total) -> float | None:
    """count / total as a percentage, from shown values: None when either is `c` or the total
    is 0 (so a share never tells more than the counts it is made of)."""
    if count == SUPPRESSED or total == SUPPRESSED or count is None or total is None:
        return None
    if pd.isna(count) or pd.isna(total) or float(total) == 0:
        return None
    return 100.0 * float(count) / float(total)


def change(now, before) -> int | None:
    """now - before, from shown values: None when either is `c` or missing."""
    if now == SUPPRESSED or before == SUPPRESSED or now is None or before is None:
        return None
    if pd.isna(now) or pd.isna(before):
        return None
    return int(now) - int(before)


def order_statistic_shown(n) -> bool:
    """May a median (or another order statistic) of a group of n children be shown?"""
    return n is not None and not pd.isna(n) and int(n) >= MEDIAN_MIN_GROUP


def survival_shown(episodes) -> bool:
    """May a survival curve (and its median) over this many episodes be shown?"""
    return episodes is not None and not pd.isna(episodes) and int(episodes) >= SURVIVAL_MIN_EPISODES


# --- tables ---------------------------------------------------------------------------------


class Protected(NamedTuple):
    """A table made safe: `table` (counts as text, `c` where hidden; what people read and
    download), `chart` (the same numbers with hidden ones missing, so nothing is drawn at a
    true height), `hidden` (anything shown as `c`) and `totals` (each group's shown total of
    the first count, keyed by the group's values; the grand total of a matrix under "Total")."""

    table: pd.DataFrame
    chart: pd.DataFrame
    hidden: bool
    totals: dict


def _parent_small(parents: Sequence[pd.DataFrame], keys: Sequence[str], count: str) -> set:
    """The keys (tuples of `keys` values) that hold 1 to 5 in any parent table's `count`."""
    small = set()
    for parent in parents:
        if count not in parent.columns:
            continue
        # plain lists: pandas indexing cost more than the rest of a cross-tab's protection
        names = list(zip(*(parent[k].tolist() for k in keys), strict=True))
        small.update(key for key, n in zip(names, parent[count].tolist(), strict=True)
                     if is_small(n))  # fmt: skip
    return small


def _parent_margins(parents: Sequence[pd.DataFrame], key: str, count: str) -> list[pd.DataFrame]:
    """Each parent table's totals by `key` (a cross-tab's row or column totals there)."""
    out = []
    for parent in parents:
        if count not in parent.columns:
            continue
        totals: dict = {}
        for k, n in zip(parent[key], parent[count], strict=True):
            totals[k] = totals.get(k, 0) + int(n)
        out.append(pd.DataFrame({key: list(totals), count: list(totals.values())}))
    return out


def _group_name(group: tuple):
    """How `Protected.totals` names a group: None (no group columns), the value of the one
    group column, or the tuple of several."""
    if not group:
        return None
    return group[0] if len(group) == 1 else group


def protect_long(
    df: pd.DataFrame,
    counts: Mapping[str, str] | None = None,
    shares: Sequence[str] | Mapping[str, str] = ("percent",),
    group_cols: Sequence[str] = (),
    total="sum",
    *,
    keys: Sequence[str] = ("category",),
    within: Mapping[str, str] | None = None,
    parents: Sequence[pd.DataFrame] = (),
) -> Protected:
    """A long table (one row per category, per group such as a period) made safe.

    counts   {count column: its cell-key column}, default {"children": "children_ckey"}.
    shares   share columns, recomputed as shown count / shown total x 100 (NA when either is
             `c`); a sequence belongs to the first count, a mapping says {share: count}.
    group_cols  columns whose rows form one table each (e.g. period for a trend).
    total    "sum": the categories split the group, so its total is their sum (the total's
             own cell: the same children, the same key, the same shown value as a headline);
             (n, ckey) or {group values: (n, ckey)}: the total given (categories that
             overlap, such as care flags); None: no total (shares are then left out).
    keys     the columns naming a row within its group (for `parents`).
    within   {count column: the count column of the same row it lies within}, e.g. children
             with a flag within the children of that district: a 0 within 1 to 5 shows `c`.
    parents  the same table under each filter with one condition fewer (`parent_filters`):
             a 0 whose category holds 1 to 5 there shows `c`.
    """
    counts = dict(counts or {"children": "children_ckey"})
    first = next(iter(counts))
    share_of = dict(shares) if isinstance(shares, Mapping) else dict.fromkeys(shares, first)
    within = dict(within or {})
    table = df.drop(columns=list(counts.values())).copy()
    chart = table.copy()
    # each row's group (a tuple of the group columns' values) and its name in `totals`
    group_of = (
        list(zip(*(df[c] for c in group_cols), strict=True)) if group_cols else [()] * len(df)
    )
    # what names a row in the parent tables (only read when there are parents)
    row_keys = (
        list(zip(*(df[c] for c in [*group_cols, *keys]), strict=True))
        if parents
        else [None] * len(df)
    )
    totals: dict = {}
    shown_by_count: dict[str, list] = {}
    total_by_count: dict[str, list] = {}
    hidden_any = False
    for count, ckey in counts.items():
        # the group's total: (n, ckey), worked out or given, or None
        if total is None or (count != first and not isinstance(total, str)):
            group_total = dict.fromkeys(group_of)
        elif isinstance(total, str):
            group_total = {}
            for group, n, k in zip(group_of, df[count], df[ckey], strict=True):
                n_sum, k_sum = group_total.get(group, (0, 0))
                group_total[group] = (n_sum + int(n), (k_sum + _whole(k, "cell key")) % KEYS)
        elif isinstance(total, tuple):
            group_total = dict.fromkeys(group_of, total)
        else:
            group_total = {g: total[_group_name(g)] for g in group_of}
        total_shown = {g: None if t is None else shown_count(*t) for g, t in group_total.items()}
        if count == first:
            totals = {_group_name(g): shown for g, shown in total_shown.items()}
        small_parent = _parent_small(parents, [*group_cols, *keys], count)
        nested = df[within[count]].tolist() if count in within else [None] * len(df)
        shown = [
            shown_count(
                n,
                k,
                within_small=(
                    (group_total[g] is not None and is_small(group_total[g][0]))
                    or is_small(outer)
                    or key in small_parent
                ),
            )
            for n, k, g, outer, key in zip(
                df[count], df[ckey], group_of, nested, row_keys, strict=True
            )
        ]
        shown_by_count[count] = shown
        total_by_count[count] = [total_shown[g] for g in group_of]
        hidden = [value == SUPPRESSED for value in shown]
        hidden_any = hidden_any or any(hidden)
        table[count] = pd.Series(shown, index=df.index, dtype=object)
        chart[count] = pd.array(
            [None if h else v for v, h in zip(shown, hidden, strict=True)], dtype="Float64"
        )
    for column, count in share_of.items():
        if total is None:
            values = [None] * len(df)
        else:
            values = [
                share(s, t)
                for s, t in zip(shown_by_count[count], total_by_count[count], strict=True)
            ]
        table[column] = pd.array(values, dtype="Float64")
        chart[column] = pd.array(values, dtype="Float64")
    return Protected(table, chart, hidden_any, totals)


def protect_matrix(
    df: pd.DataFrame,
    rows: str = "row_category",
    cols: str = "col_category",
    count: str = "children",
    ckey: str | None = None,
    *,
    total_label: str = "Total",
    parents: Sequence[pd.DataFrame] = (),
) -> Protected:
    """A cross-tab given long (one row per cell, every row meeting every column) made safe.

    Row totals, column totals and the grand total are cells of their own (each child once,
    the children's keys summed), so each shows what the same children show everywhere else:
    a row total is the one-way breakdown's count for that row. A 0 in a row or column of 1 to
    5 children, or whose cell holds 1 to 5 in a `parents` table (the same cross-tab under a
    filter with one condition fewer), shows `c`.

    `table`: one row per row category (column `rows`), one column per column category, then
    `total_label`, and a last `total_label` row; counts as text. `chart`: the long cells with
    `count` numeric, missing where hidden. `totals`: {row: shown}, {col: shown} under "rows"
    and "cols", and the grand total under `total_label`.
    """
    ckey = ckey or f"{count}_ckey"
    # the cells as two matrices, rows and columns in the order they come (numpy: a pandas
    # pivot table took most of a cross-tab's time as published)
    row_codes, row_values = pd.factorize(df[rows], use_na_sentinel=False)
    col_codes, col_values = pd.factorize(df[cols], use_na_sentinel=False)
    row_order, col_order = list(row_values), list(col_values)
    cells = np.zeros((2, len(row_order), len(col_order)), dtype="int64")
    np.add.at(cells[0], (row_codes, col_codes), df[count].to_numpy("int64"))
    np.add.at(cells[1], (row_codes, col_codes), df[ckey].to_numpy("int64"))
    n = pd.DataFrame(cells[0], index=row_order, columns=col_order)
    k = pd.DataFrame(cells[1], index=row_order, columns=col_order)
    row_n, row_k = n.sum(axis=1), k.sum(axis=1) % KEYS
    col_n, col_k = n.sum(axis=0), k.sum(axis=0) % KEYS
    all_n, all_k = int(n.to_numpy().sum()), int(k.to_numpy().sum()) % KEYS
    small_parent = _parent_small(parents, [rows, cols], count)
    # a row (column) total's own parents: that row (column) in the parent tables
    small_rows = _parent_small(_parent_margins(parents, rows, count), [rows], count)
    small_cols = _parent_small(_parent_margins(parents, cols, count), [cols], count)
    grand_small = is_small(all_n) or any(
        is_small(int(p[count].sum())) for p in parents if count in p.columns
    )
    n_cells, k_cells = n.to_numpy(), k.to_numpy()
    row_totals = [
        shown_count(row_n[r], row_k[r], within_small=grand_small or (r,) in small_rows)
        for r in row_order
    ]
    column_totals = {
        c: shown_count(col_n[c], col_k[c], within_small=grand_small or (c,) in small_cols)
        for c in col_order
    }
    small_row = [grand_small or is_small(row_n[r]) for r in row_order]
    small_col = [is_small(col_n[c]) for c in col_order]
    body = [
        [
            shown_count(
                n_cells[i, j],
                k_cells[i, j],
                within_small=small_row[i] or small_col[j] or (r, c) in small_parent,
            )
            for j, c in enumerate(col_order)
        ]
        + [row_totals[i]]
        for i, r in enumerate(row_order)
    ]
    grand = shown_count(all_n, all_k, within_small=grand_small)
    body.append([*column_totals.values(), grand])
    table = pd.DataFrame(
        body, index=[*row_order, total_label], columns=[*col_order, total_label], dtype=object
    )
    hidden = bool((table == SUPPRESSED).to_numpy().any())
    cell_of = {(r, c): body[i][j] for i, r in enumerate(row_order) for j, c in enumerate(col_order)}
    chart = df.drop(columns=[ckey]).copy()
    chart[count] = pd.array(
        [
            None if cell_of[(r, c)] == SUPPRESSED else cell_of[(r, c)]
            for r, c in zip(df[rows], df[cols], strict=True)
        ],
        dtype="Float64",
    )
    table = table.rename_axis(rows).reset_index()
    totals = {"rows": dict(zip(row_order, row_totals, strict=True)), "cols": column_totals,
              total_label: grand}  # fmt: skip
    return Protected(table, chart, hidden, totals)


# --- filters for the aggregate-only role ----------------------------------------------------


def _list_fields() -> list[str]:
    """CohortFilter's multi-value fields (those holding a tuple of values)."""
    return [
        f.name
        for f in dataclasses.fields(CohortFilter)
        if isinstance(f.default, tuple) and f.name != "period"
    ]


def _snap(low, high, bands) -> tuple[int | None, int | None]:
    """(low, high) widened to whole bands: low to the start of the band holding it, high to
    the end of the band holding it (None when outside every band, as no bound)."""
    if low is not None:
        starts = [b_low for _, b_low, b_high in bands if b_low <= low <= b_high]
        low = starts[0] if starts else (None if low < bands[0][1] else bands[-1][1])
    if high is not None:
        ends = [b_high for _, b_low, b_high in bands if b_low <= high <= b_high]
        high = ends[0] if ends else (None if high > bands[-1][2] else bands[0][2])
    return low, high


def safe_filter(f: CohortFilter) -> CohortFilter:
    """The filter as the aggregate-only role may use it: a filter of several values becomes
    all values, and a range is widened to whole bands (core.vocab's DAYS_OUT_BANDS and
    AGE_BANDS). A filter that already follows the rules comes back unchanged."""
    changes: dict = {name: () for name in _list_fields() if len(getattr(f, name)) > 1}
    for (low_name, high_name), bands in _BANDED_RANGES.items():
        low, high = _snap(getattr(f, low_name), getattr(f, high_name), bands)
        if (low, high) != (getattr(f, low_name), getattr(f, high_name)):
            changes[low_name], changes[high_name] = low, high
    return dataclasses.replace(f, **changes) if changes else f


def filter_problems(f: CohortFilter) -> list[str]:
    """What `safe_filter` changes, in plain words (one sentence each); empty when nothing."""
    safe = safe_filter(f)
    problems = []
    for name in _list_fields():
        if getattr(safe, name) != getattr(f, name):
            asked = dataclasses.replace(CohortFilter(f.period), **{name: getattr(f, name)})
            problems.append(
                f"This link asked for {describe(asked)[0]}. Figures as published show one "
                "value or all of them, so all are shown."
            )
    for low_name, high_name in _BANDED_RANGES:
        if (getattr(safe, low_name), getattr(safe, high_name)) != (
            getattr(f, low_name),
            getattr(f, high_name),
        ):
            bounds = {low_name: getattr(f, low_name), high_name: getattr(f, high_name)}
            asked = dataclasses.replace(CohortFilter(f.period), **bounds)
            bounds = {low_name: getattr(safe, low_name), high_name: getattr(safe, high_name)}
            shown = describe(dataclasses.replace(CohortFilter(f.period), **bounds))
            problems.append(
                f"This link asked for {describe(asked)[0]}. Figures as published use whole "
                "bands, so " + (f"{shown[0]} is shown." if shown else "the whole range is shown.")
            )
    return problems


def parent_filters(f: CohortFilter) -> list[CohortFilter]:
    """The filter with each of its conditions left out in turn (a range counts as one), for
    the `parents` of protect_long and protect_matrix. Empty for a filter with no condition."""
    out = []
    for name in _list_fields():
        if getattr(f, name):
            out.append(dataclasses.replace(f, **{name: ()}))
    for field in dataclasses.fields(CohortFilter):
        if field.default is None and field.name not in {n for pair in _BANDED_RANGES for n in pair}:
            if getattr(f, field.name) is not None:
                out.append(dataclasses.replace(f, **{field.name: None}))
    for low_name, high_name in _BANDED_RANGES:
        if getattr(f, low_name) is not None or getattr(f, high_name) is not None:
            out.append(dataclasses.replace(f, **{low_name: None, high_name: None}))
    return out


__all__ = [
    "ABOUT_MEDIAN",
    "ABOUT_SAFE",
    "ABOUT_SURVIVAL",
    "MAX_NOISE",
    "MEDIAN_MIN_GROUP",
    "SMALL_MAX",
    "SUPPRESSED",
    "SURVIVAL_MIN_EPISODES",
    "Protected",
    "change",
    "filter_problems",
    "is_small",
    "order_statistic_shown",
    "parent_filters",
    "perturbation",
    "possible_counts",
    "protect_long",
    "protect_matrix",
    "safe_filter",
    "share",
    "shown_count",
    "shown_counts",
    "survival_shown",
]
