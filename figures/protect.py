"""Who a figure is for, and how it is made safe for them: decided here, once, for every figure.

An `Audience` says two things:

- **safe**: figures as published or exact. Safe for roles that see aggregates only (always: a
  role fact, trust/roles.py), for the briefing pack and its files (always), and for anyone who
  turned the sidebar switch on (the frame marks the viewer); exact otherwise. No viewer at all
  (a command-line pack, a test) is safe: deny by default.
- **teams**: a caseworker's SEN teams. Every figure of a caseworker counts only the children of
  those teams, whatever the filters ask (`narrow`), so a count never disagrees with the list
  beside it. None for roles that see the whole county.

`narrow(f, audience)` is the filter a figure is actually counted on: in safe mode first made
acceptable for figures as published (one value or all of a multi-value filter, whole bands of
days out and age: figures/disclosure.py's `safe_filter`), then kept to the audience's teams.

Then every figure function passes its counts through here with the audience: exact audiences
get the counts as the query returned them; safe ones get them as published by
figures/disclosure.py's cell key perturbation: 0, `c` for 1 to 5 (and for a 0 inside a group of
1 to 5), or the count plus the small fixed noise its cell key gives. A share is worked out here
from the shown values; any other value worked out from a count (a rate, a median, a sum of
terms) is hidden with a hidden count, and the figure functions work out what they show from the
shown counts. Each count comes with its cell key (`<count>_ckey`) from the query; the keys are
read here and never passed on to a page, a file or the pack (figures/values.py's Table drops any
it meets).
"""

from __future__ import annotations

import contextvars
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import vocab
from figures import disclosure
from figures.disclosure import (
    ABOUT_SAFE,
    MEDIAN_MIN_GROUP,
    SMALL_MAX,
    SUPPRESSED,
    filter_problems,
    safe_filter,
)
from figures.values import Note
from queries.filters import CohortFilter
from queries.pupil import NO_TEAM, AccessDenied
from trust.viewer import Viewer
from trust.viewer import current as current_viewer

__all__ = [
    "ABOUT_SAFE",
    "AccessDenied",  # the choke point's refusal, for the frame to show
    "MEDIAN_MIN_GROUP",
    "SMALL_MAX",
    "SUPPRESSED",
    "SURVIVAL_MIN_EPISODES",
]


@dataclass(frozen=True)
class Audience:
    """Who a figure is made for (see the module's notes)."""

    safe: bool = True
    teams: tuple[str, ...] | None = None

    @classmethod
    def exact(cls) -> Audience:
        """Exact counts, the whole county (tests, and roles that see pupils)."""
        return cls(safe=False, teams=None)

    @classmethod
    def published(cls) -> Audience:
        """Figures as published, the whole county: the briefing pack and its files."""
        return cls(safe=True, teams=None)

    def with_teams_of(self, viewer: Viewer | None) -> Audience:
        return dataclasses.replace(self, teams=viewer.team_scope if viewer else None)


def of_viewer(viewer: Viewer | None) -> Audience:
    """The audience of a viewer (None: no one signed in, figures as published)."""
    if viewer is None:
        return Audience.published()
    safe = viewer.always_published or viewer.published_view
    return Audience(safe=safe, teams=viewer.team_scope)


def current() -> Audience:
    """The audience of this script run (the frame sets the viewer first)."""
    return of_viewer(current_viewer())


def resolve(audience: Audience | None) -> Audience:
    return current() if audience is None else audience


def narrow(f: CohortFilter, audience: Audience) -> CohortFilter:
    """The filter figures for `audience` are counted on (see the module's notes)."""
    if audience.safe:
        f = safe_filter(f)
    if audience.teams is not None:
        wanted = f.sen_teams or audience.teams
        allowed = tuple(t for t in wanted if t in audience.teams)
        f = dataclasses.replace(f, sen_teams=allowed or (NO_TEAM,))
    return f


def wider(f: CohortFilter, audience: Audience) -> list[CohortFilter]:
    """The filters a viewer can put beside `f` with one of its conditions left out (a
    caseworker's teams kept), whose small counts hide the zeros of `f`'s figures as published
    (disclosure.parent_filters): otherwise a 0 under `f` would say which of a small group's
    cells are empty. None for an exact audience. `f` is the narrowed filter."""
    if not audience.safe:
        return []
    out = []
    for parent in disclosure.parent_filters(f):
        if audience.teams is not None:
            parent = dataclasses.replace(parent, sen_teams=f.sen_teams)
        if parent != f and parent not in out:
            out.append(parent)
    return out


# The zero rule's tables under the wider filters, worked out beside the figure's own: a figure
# as published under a filter nearly always holds a 0 (a district and a need leave most cells
# empty), and then needs them all. Two threads: DuckDB lets go of Python's lock while a query
# runs, so the page waits for the slower query, not for both one after the other. Only query
# functions run here (no Streamlit call); a table that turns out not to be needed is left in
# the query cache.
_AHEAD = ThreadPoolExecutor(max_workers=2, thread_name_prefix="oos-wider")


class Ahead:
    """`fetch(p)` for each filter `p` in `wider(f, audience)`, started now; calling the
    instance with a filter gives its table (waiting for it), or fetches any other filter then.
    Nothing is started for an exact audience, nor when `likely` is False (a figure that seldom
    holds a 0, such as a total month by month: its wider tables are then fetched only when a
    0 asks for them)."""

    def __init__(
        self, f: CohortFilter, audience: Audience, fetch: Callable, *, likely: bool = True
    ) -> None:
        self._fetch = fetch
        self._started = {
            p: _AHEAD.submit(contextvars.copy_context().run, fetch, p)
            for p in (wider(f, audience) if likely else [])
        }

    def __call__(self, p: CohortFilter):
        started = self._started.get(p)
        return started.result() if started is not None else self._fetch(p)


# A dimension whose categories split a coarser dimension's, which a viewer can see beside it
# (an age band over single ages, an area of need over needs): a 0 in a fine category whose
# coarse category holds 1 to 5 is hidden too, else the zeros around five single children in
# a small coarse cell would pin each of them to 1.
COARSER = {"age": "age_band", "primary_need": "need_area"}


def coarse_category(dimension: str, category):
    """The coarse category holding `category` of a dimension in COARSER (None: none)."""
    if category == vocab.NOT_RECORDED:
        return vocab.NOT_RECORDED
    if dimension == "age":
        try:
            age = int(category)
        except (TypeError, ValueError):
            return None
        return next((label for label, low, high in vocab.AGE_BANDS if low <= age <= high), None)
    return vocab.NEED_AREAS.get(category)


def coarse_counts(
    fine: pd.DataFrame,
    dimension: str,
    column: str = "category",
    others: Sequence[str] = (),
    count: str = "children",
) -> pd.DataFrame:
    """The same table by COARSER[dimension], added up from `fine` (rows named by `column` and
    `others`; `count` of each): every child has one fine category, so a coarse cell is the sum
    of its fine cells, and no second query is needed. A fine category outside every coarse
    one is counted as Not recorded, as the coarse dimension's SQL counts it."""
    coarse = [coarse_category(dimension, v) or vocab.NOT_RECORDED for v in fine[column]]
    totals: dict = {}
    for key, *rest, n in zip(coarse, *(fine[c] for c in others), fine[count], strict=True):
        totals[(key, *rest)] = totals.get((key, *rest), 0) + int(n)
    names = [column, *others]
    frame = pd.DataFrame(list(totals), columns=names) if totals else pd.DataFrame(columns=names)
    return frame.assign(**{count: list(totals.values())})


def coarse_parent(
    fine: pd.DataFrame,
    dimension: str,
    coarse: pd.DataFrame,
    column: str = "category",
    others: Sequence[str] = (),
    count: str = "children",
) -> pd.DataFrame:
    """A `parents` table for `fine` (rows named by `column` and `others`) holding, in each
    fine row, the count of its coarse cell (`coarse`: the same query by COARSER[dimension],
    named by the same columns)."""
    counts = {
        (coarse_key, *rest): n
        for coarse_key, *rest, n in coarse[[column, *others, count]].itertuples(index=False)
    }
    keys = fine[[column, *others]].drop_duplicates()
    values = [
        counts.get((coarse_category(dimension, v), *rest), 0)
        for v, *rest in keys.itertuples(index=False)
    ]
    return keys.assign(**{count: values})


def problems(f: CohortFilter, audience: Audience) -> list[str]:
    """What in `f` the audience's figures do not follow, in words (for a notice)."""
    found = filter_problems(f) if audience.safe else []
    if audience.teams is not None:
        outside = [t for t in f.sen_teams if t not in audience.teams]
        if outside:
            found.append(
                "You see the children of your own SEN teams only ("
                + ", ".join(audience.teams)
                + "); "
                + ", ".join(outside)
                + (" is" if len(outside) == 1 else " are")
                + " left out."
            )
    return found


# --- made safe: disclosure control for a safe audience ----------------------------------------

SURVIVAL_MIN_EPISODES = disclosure.SURVIVAL_MIN_EPISODES
CKEY = "_ckey"


def ckey_of(column: str) -> str:
    return column + CKEY


@dataclass(frozen=True)
class Protected:
    """A table of counts as an audience sees it: the table (counts as text, `c` where hidden,
    when safe), the chart data (hidden values missing) and whether anything is hidden."""

    table: pd.DataFrame
    chart: pd.DataFrame
    hidden: bool


def _without_keys(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in frame.columns if str(c).endswith(CKEY)]
    return frame.drop(columns=keys) if keys else frame


def is_hidden(value) -> bool:
    return isinstance(value, str) and value == SUPPRESSED


def count(n, audience: Audience, ckey=None, *, within_small: bool = False):
    """One count as `audience` sees it: the number, or as published (its cell key needed;
    `within_small`: a 0 inside a group of 1 to 5, shown `c`)."""
    if n is None or not audience.safe:
        return n
    return disclosure.shown_count(int(n), ckey, within_small=within_small)


def _as_text(value) -> str:
    # A column mixing numbers and `c` is stored as text (Arrow needs one type per column).
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return value if isinstance(value, str) else str(int(value))


def long(
    frame: pd.DataFrame,
    audience: Audience,
    counts: Sequence[str] = ("children",),
    shares: Sequence[str] = ("percent",),
    derived: Sequence[str] = (),
    *,
    group_cols: Sequence[str] = (),
    total_known: bool = True,
    within: Mapping[str, str] | None = None,
    parents: Sequence[pd.DataFrame] = (),
) -> Protected:
    """A long table (one row per category, per group such as a period) as `audience` sees it.

    `counts`: count columns, each with its `<count>_ckey`. `shares`: percentages of the first
    count's group total, worked out again from the shown values. `derived`: anything else
    worked out from the counts (rates, intervals, medians, sums), hidden in a row with a hidden
    count (the caller works out from the shown counts what it shows). `total_known`: the rows
    of a group split it (a breakdown), so the group's total is their sum, a cell of its own;
    otherwise (overlapping flags, months) there is no total and no share. `within`: {count:
    the count of the same row it lies within} (flagged children within a district's), so a 0
    inside 1 to 5 is hidden too. `parents`: the same table under each `wider` filter (and a
    `coarse_parent`), where a category of 1 to 5 hides this table's 0 in it.
    """
    frame = frame.reset_index(drop=True)
    if not audience.safe or frame.empty:
        plain = _without_keys(frame)
        return Protected(plain, plain, False)
    present = [s for s in shares if s in frame.columns]
    keys = ["category"] if "category" in frame.columns else [frame.columns[0]]
    done = disclosure.protect_long(
        frame,
        counts={c: ckey_of(c) for c in counts},
        shares=present if total_known else {},
        group_cols=tuple(group_cols),
        total="sum" if total_known else None,
        keys=tuple(keys),
        within=dict(within or {}),
        parents=tuple(parents),
    )
    table, chart = done.table.copy(), done.chart.copy()
    if not total_known:
        for column in present:  # no total: no share of it
            table[column] = pd.array([None] * len(frame), dtype="Float64")
            chart[column] = pd.array([None] * len(frame), dtype="Float64")
    gone = np.zeros(len(frame), dtype=bool)
    for column in counts:
        gone |= chart[column].isna().to_numpy()
        table[column] = [_as_text(v) for v in table[column]]
    for column in derived:
        if column in frame.columns:
            table[column] = frame[column].astype("Float64").mask(gone)
            chart[column] = frame[column].astype("Float64").mask(gone)
    chart["suppressed"] = gone
    return Protected(_without_keys(table), _without_keys(chart), bool(done.hidden))


def matrix(
    cells: pd.DataFrame,
    audience: Audience,
    rows: str = "row_category",
    cols: str = "col_category",
    total_label: str = "Total",
    parents: Sequence[pd.DataFrame] = (),
) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """A cross-tab given long (one row per cell, every row meeting every column, `children`
    with its cell key) as `audience` sees it: (the wide table with a total column and row,
    counts as text when safe; the long chart data, hidden counts missing; anything hidden)."""
    if not audience.safe:
        wide = cells.pivot_table(
            index=rows, columns=cols, values="children", aggfunc="sum", fill_value=0, sort=False
        )
        wide = wide.reindex(
            index=list(dict.fromkeys(cells[rows])), columns=list(dict.fromkeys(cells[cols]))
        ).astype(int)
        wide[total_label] = wide.sum(axis=1)
        wide.loc[total_label] = wide.sum(axis=0)
        table = wide.rename_axis(rows).reset_index()
        table.columns.name = None
        return table, _without_keys(cells), False
    done = disclosure.protect_matrix(
        cells,
        rows,
        cols,
        "children",
        ckey_of("children"),
        total_label=total_label,
        parents=tuple(parents),
    )
    table = done.table.copy()
    for column in table.columns:
        if column != rows:
            table[column] = [_as_text(v) for v in table[column]]
    return table, _without_keys(done.chart), bool(done.hidden)


def order_statistic_shown(n, audience: Audience) -> bool:
    """A median (or any order statistic) of a group of `n` children may be shown."""
    if not audience.safe:
        return True
    return disclosure.order_statistic_shown(n)


def safe_note(hidden: bool, audience: Audience) -> Note | None:
    """The "about" paragraph saying what publication does to the figures (always, when safe:
    every count may carry noise, not only the hidden ones)."""
    if audience.safe:
        return Note("Figures as published", ABOUT_SAFE.removeprefix("Figures as published: "))
    return None


def change(now, before, audience: Audience):
    """A change worked out from shown values: hidden (`c`) when either end is hidden."""
    if now is None or before is None:
        return None
    if is_hidden(now) or is_hidden(before):
        return SUPPRESSED
    return now - before
