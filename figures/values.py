"""The values the figures layer hands out: immutable, so one figure is the same wherever it goes.

A page, the briefing pack and a downloaded file receive the same `Figure` for the same filters
and viewer, and none of them can change it on the way: tables are tuples of tuples (`Table`),
every value a frozen dataclass. Text is plain (no Markdown, no HTML): each screen or file
escapes it once for its own markup.

    Table     columns and rows of one table; .frame() gives a new pandas DataFrame each call
    Metric    one number on a card: its label, the value as shown, its change, a help line
    Figure    a chart with its table: title, caption, "about" notes, chart data, file name
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from core.dates import is_missing


def _plain(value):
    """numpy and pandas scalars as plain Python values; every kind of missing as None."""
    if value is None or isinstance(value, str):
        return value
    if is_missing(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


@dataclass(frozen=True)
class Table:
    """A table as shown: column names and rows of plain Python values (None when missing)."""

    columns: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()

    @classmethod
    def of(cls, frame: pd.DataFrame | None) -> Table:
        """The table of `frame`, without its disclosure-control keys (`rkey`, `*_ckey`): they
        never leave the figures layer, whatever a figure function forgot to drop."""
        if frame is None:
            return cls()
        keys = [c for c in frame.columns if str(c) == "rkey" or str(c).endswith("_ckey")]
        if keys:
            frame = frame.drop(columns=keys)
        columns = tuple(str(c) for c in frame.columns)
        rows = tuple(tuple(_plain(v) for v in row) for row in frame.itertuples(index=False))
        return cls(columns, rows)

    def frame(self) -> pd.DataFrame:
        """A new DataFrame of the table (a text column stays text; numbers stay numbers; a
        column with no value at all reads as missing numbers, NaN, as the query gave it)."""
        out = pd.DataFrame(list(self.rows), columns=list(self.columns))
        for column in out.columns[out.isna().all().to_numpy()] if len(out) else []:
            out[column] = out[column].astype("float64")
        return out

    def column(self, name: str) -> tuple:
        i = self.columns.index(name)
        return tuple(row[i] for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class Metric:
    """One number on a card (a headline, a tier, a flag count), as the viewer may see it."""

    key: str
    label: str
    value: str  # as shown: '1,234', 'c' (a protected small count), '–' (nothing)
    number: float | int | str | None = None  # the shown value itself ('c' when hidden)
    delta: str | None = None  # '+3', '-2' (ASCII sign: st.metric reads a leading '-' as a fall)
    delta_note: str = ""  # 'since September 2026', 'no earlier period loaded', 'change hidden…'
    help: str = ""


@dataclass(frozen=True)
class Note:
    """One paragraph of "About this figure": a heading and plain text."""

    heading: str
    text: str


@dataclass(frozen=True)
class Figure:
    """A chart and its table, made safe for the viewer, with everything said about it.

    `chart` holds what the chart draws (a hidden count is None, so nothing is drawn at its
    true size); `table` what the table view, the CSV and the pack print. `kind` names the
    drawing (bar, heatmap, trend, map...), `dimension` the breakdown it is by.
    """

    key: str
    kind: str
    title: str
    caption: str
    about: tuple[Note, ...]
    table: Table
    chart: Table
    file_name: str
    dimension: str | None = None
    note: str = ""  # a line under the chart (a map's attribution)
    hidden: bool = False  # some count shown as `c`, or a figure left out, for protection
    protected: bool = False  # made safe for an aggregate-only audience
    options: tuple[tuple[str, object], ...] = field(default=())  # drawing details

    def option(self, name: str, default=None):
        return dict(self.options).get(name, default)

    @property
    def empty(self) -> bool:
        return self.chart.empty and self.table.empty


def notes(*pairs: tuple[str, str] | None) -> tuple[Note, ...]:
    """Notes from (heading, text) pairs, leaving out None and empty texts."""
    return tuple(Note(h, t) for pair in pairs if pair for h, t in [pair] if t)


def options(**values) -> tuple[tuple[str, object], ...]:
    return tuple(sorted(values.items()))
