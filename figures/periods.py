"""Which periods a figure spans: "the year", the previous period, the same month last year.

"The year" is written once: the same month a year ago to now, 13 monthly points and 12 months
of change, over the loaded periods (fewer when fewer are loaded). The Overview's trend, the
Trends page's default window, the Service and Rates trends and the briefing pack all use it,
so their "change over the year" is one number.
"""

from __future__ import annotations

from figures.format import shift_period
from queries.aggregates import list_periods, previous_period, window_start

YEAR_POINTS = 13  # the same month a year ago to now: twelve months of change


def loaded(db=None) -> list[str]:
    """Loaded reporting periods, oldest first."""
    return list_periods(db)


def year_start(period: str, db=None) -> str:
    """Where "the year" to `period` starts: the same month a year earlier when loaded."""
    return window_start(period, YEAR_POINTS, db)


def previous(period: str, db=None) -> str | None:
    """The loaded period before `period` (not necessarily the month before), or None."""
    return previous_period(period, db)


def year_ago(period: str, db=None) -> str | None:
    """The same month a year before `period`, when it is loaded."""
    then = shift_period(period, -12)
    return then if then in list_periods(db) else None


def year_apart(first: str, last: str) -> bool:
    return shift_period(first, 12) == last
