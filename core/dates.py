"""Missing values and dates as every layer reads them (the loader's, the queries' and the pages'
results hold None, NaN, pandas' NA/NaT, dates, timestamps or ISO text)."""

from __future__ import annotations

import datetime as dt


def is_missing(value) -> bool:
    """True for None, NaN and pandas' NA and NaT."""
    if value is None or type(value).__name__ == "NAType":  # pd.NA, without importing pandas
        return True
    try:
        return bool(value != value)  # NaN and NaT compare unequal to themselves
    except (TypeError, ValueError):
        return False


def as_date(value) -> dt.date | None:
    """A date from a date, a datetime (pandas' Timestamp is one) or ISO text; None if missing."""
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
