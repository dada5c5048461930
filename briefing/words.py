"""Dates, numbers and category names as the pack prints them (UK style: 31 October 2026)."""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd

from core import vocab
from queries.suppression import SUPPRESSED

MINUS = "−"  # a true minus sign reads better than a hyphen in a change column


def census_date(period: str) -> dt.date:
    """The last day of the period's month: '2026-10' -> 31 October 2026."""
    year, month = (int(part) for part in period.split("-"))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_label(period: str | None) -> str:
    if not period:
        return "–"
    year, month = (int(part) for part in period.split("-"))
    return f"{calendar.month_name[month]} {year}"


def shift_period(period: str, months: int) -> str:
    """'2026-10' shifted by -12 months -> '2025-10'."""
    year, month = (int(part) for part in period.split("-"))
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def fmt_date(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"


def fmt_datetime(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return f"{fmt_date(value)} at {value:%H:%M}"


def is_missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_count(value) -> str:
    """1234 -> '1,234'; the suppression mark stays 'c'; missing -> '–'."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return "–"
    if float(value) != int(value):
        return f"{float(value):,.1f}"
    return f"{int(value):,}"


def fmt_change(value) -> str:
    """+12, −3, 0; 'c' when hidden with a suppressed count; '–' when there is nothing to compare."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return "–"
    value = float(value)
    text = f"{abs(value):,.1f}" if value != int(value) else f"{abs(int(value)):,}"
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"{MINUS}{text}"
    return "0"


def fmt_pct(value) -> str:
    if isinstance(value, str) or is_missing(value):
        return "c" if value == SUPPRESSED else "–"
    return f"{float(value):.1f}%"


def category_label(dimension: str | None, value) -> str:
    """Need codes get their DfE label, as on the dashboard ('Autistic ... (ASD)')."""
    if is_missing(value):
        return vocab.NOT_RECORDED
    if dimension == "primary_need" and value in vocab.NEED_LABELS:
        return f"{vocab.NEED_LABELS[value]} ({value})"
    return str(value)
