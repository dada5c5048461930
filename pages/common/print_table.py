"""The table printed under each chart: a figure's table as plain HTML, for paper only.

On screen a figure's table is a data grid in its "Table" tab, drawn on a canvas: a printout
would carry none of its numbers, and only one of the two tabs. So every figure block
(pages/common/figures.py) also holds this table, hidden on screen (the grid is there, and a
screen reader would otherwise read the numbers twice) and printed under the chart
(pages/common/a11y.py's print rules). Values are written as the grid shows them: counts with
thousands separators, percentages to one decimal place with a % sign, other numbers to at
most three decimal places, blanks for missing values. A table too wide for the printed column
(a trend's months side by side) is printed in parts of whole columns, each part repeating the
table's leading label columns, so no column runs off the paper.

Every cell and heading is escaped here, once (`html.escape`): a category named in an extract
with HTML or Markdown in it prints as typed and makes no element.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import numbers

import pandas as pd

PRINT_CLASS = "oos-print-table"
# Characters of 9-point text a printed line holds across the A4 column (702 px at about
# 6.5 px a character, less cell padding): a part of a wide table stays under this.
LINE_CHARS = 96


def _is_percent(column) -> bool:
    lowered = str(column).lower()
    return "percent" in lowered or lowered.endswith("%") or "share" in lowered


def cell_text(value, *, percent: bool = False) -> str:
    """One value as the screen's grid writes it (pages/common/figures.column_config_for)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d" if stamp == stamp.normalize() else "%Y-%m-%d %H:%M")
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        return str(value)
    if percent:
        return f"{float(value):.1f}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{float(value):,.3f}".rstrip("0").rstrip(".")


def printable(table: pd.DataFrame) -> pd.DataFrame:
    """The table's values as text, as printed."""
    columns = {}
    for column in table.columns:
        percent = _is_percent(column) and pd.api.types.is_numeric_dtype(table[column])
        columns[column] = [cell_text(v, percent=percent) for v in table[column].tolist()]
    return pd.DataFrame(columns, columns=list(table.columns))


def _width(table: pd.DataFrame, text: pd.DataFrame, column) -> int:
    """Characters a column needs: its longest value, or its heading's longest word (headings
    wrap between words), plus room for the cell's padding."""
    words = [len(w) for w in str(column).split()] or [1]
    values = [len(v) for v in text[column].tolist()] or [0]
    return max(max(words), max(values)) + 2


def column_parts(table: pd.DataFrame, text: pd.DataFrame | None = None) -> list[list]:
    """The table's columns in printed parts: each part the leading label columns (the text
    columns before the first number column) and as many further columns, in order, as fit
    LINE_CHARS; one part when the whole table fits."""
    text = printable(table) if text is None else text
    columns = list(table.columns)
    widths = {c: _width(table, text, c) for c in columns}
    if sum(widths.values()) <= LINE_CHARS:
        return [columns]
    labels = []
    for column in columns:
        if pd.api.types.is_numeric_dtype(table[column]):
            break
        labels.append(column)
    if len(labels) == len(columns):
        labels = columns[:1]
    room = max(LINE_CHARS - sum(widths[c] for c in labels), 1)
    parts, current, used = [], [], 0
    for column in columns[len(labels) :]:
        if current and used + widths[column] > room:
            parts.append(labels + current)
            current, used = [], 0
        current.append(column)
        used += widths[column]
    parts.append(labels + current)
    return parts


def print_table_html(table: pd.DataFrame) -> str:
    """The whole table as escaped HTML in a print-only block (numbers right-aligned), in as
    many parts as its width needs."""
    text = printable(table)
    numeric = {c: pd.api.types.is_numeric_dtype(table[c]) for c in table.columns}

    def cell(tag: str, value, is_number: bool) -> str:
        align = ' class="oos-num"' if is_number else ""
        return f"<{tag}{align}>{html.escape(str(value))}</{tag}>"

    tables = []
    for part in column_parts(table, text):
        head = "".join(cell("th", c, numeric[c]) for c in part)
        body = "".join(
            "<tr>"
            + "".join(cell("td", v, numeric[c]) for v, c in zip(row, part, strict=True))
            + "</tr>"
            for row in text[part].itertuples(index=False, name=None)
        )
        tables.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return f'<div class="{PRINT_CLASS}">{"".join(tables)}</div>'
