"""Numbers, dates and periods as people read them, for the pages, the pack and the files alike.

Counts get thousands separators, percentages one decimal place, periods their month name, dates
the UK form (31 October 2026). A value that is already text (a protected count shown as `c`)
passes through unchanged, so a table of shown values formats in one call. No markup: the
screens escape text for Markdown (pages/common/markup.py), the pack for HTML.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

from core.dates import is_missing

MINUS = "\u2212"  # a real minus sign reads better than a hyphen in figures
DASH = "–"  # nothing to show (no earlier period, no value)


def fmt_int(value) -> str:
    """1234 -> '1,234'; text (a shown 'c') as it is; missing -> '–'."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return DASH
    return f"{round(float(value)):,}"


def fmt_number(value, decimals: int = 1) -> str:
    """A number with thousands separators, whole numbers without decimals ('107', '120.5')."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return DASH
    value = float(value)
    if math.isclose(value, round(value)):
        return f"{round(value):,}"
    return f"{value:,.{decimals}f}"


def fmt_pct(value) -> str:
    """12.345 (already a percentage) -> '12.3%'; text as it is; missing -> '–'."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return DASH
    return f"{float(value):,.1f}%"


def fmt_change(value) -> str:
    """A signed change: +3, −1,204, 0; text (a hidden change, 'c') as it is."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return DASH
    text = fmt_number(abs(float(value)))
    if float(value) > 0:
        return f"+{text}"
    if float(value) < 0:
        return f"{MINUS}{text}"
    return "0"


def plural(n, one: str, many: str) -> str:
    """'1 child', '2 children', 'c children' (a hidden count is never singular)."""
    return f"{fmt_int(n)} {one if not isinstance(n, str) and n == 1 else many}"


# --- periods and dates ---------------------------------------------------------------------


def census_date(period: str) -> dt.date:
    """The last day of the period's month: '2023-06' -> 30 June 2023."""
    year, month = (int(part) for part in period.split("-"))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_label(period: str | None) -> str:
    """'2023-06' -> 'June 2023'."""
    if not period:
        return DASH
    year, month = (int(part) for part in period.split("-"))
    return f"{calendar.month_name[month]} {year}"


def short_month(period: str) -> str:
    """'2026-10' -> 'Oct 2026' (an axis with room for thirteen of them)."""
    year, month = period.split("-")
    return f"{calendar.month_abbr[int(month)]} {year}"


def shift_period(period: str, months: int) -> str:
    """'2026-10' shifted by -12 months -> '2025-10'."""
    year, month = (int(part) for part in period.split("-"))
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def fmt_date(value) -> str:
    """A date as '30 June 2023'."""
    if is_missing(value):
        return DASH
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"


def fmt_datetime(value) -> str:
    """A timestamp as '27 November 2025 at 14:02'."""
    if is_missing(value):
        return DASH
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return f"{fmt_date(value)} at {value:%H:%M}"


def escape_plotly(text) -> str:
    """Plotly's pseudo-HTML (<b>, <a href>, <br>) escaped in a label taken from the data; used
    by the screens' charts and the pack's alike."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


PLAIN_NUMBERS = frozenset({"January", "Year", "ID", "Version"})


def _percent_column(name: str) -> bool:
    lowered = str(name).lower()
    return "percent" in lowered or "share" in lowered or lowered.endswith("(%)")


def table_text(frame):
    """A table as printed (the pack): every value as text, counts with thousands separators,
    percentages to one decimal place with %, other fractions to one decimal place, missing as
    '–', a shown `c` as it is. The values are the table's own: only their writing changes."""
    out = frame.copy()
    for column in out.columns:
        percent = _percent_column(column)
        names = str(column) in PLAIN_NUMBERS  # years and IDs: no thousands separator
        out[column] = [
            value
            if isinstance(value, str)
            else str(int(value))
            if names and not is_missing(value)
            else DASH
            if is_missing(value)
            else fmt_pct(value)
            if percent
            else fmt_int(value)
            if float(value) == int(value)
            else fmt_number(value)
            for value in out[column].astype(object)
        ]
    return out
