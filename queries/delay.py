"""The arithmetic of delay: stretches with no casework action, and the INDICATIVE cost of terms
without provision.

Pure functions over values the queries returned (no database, no streamlit), so that the
chronology and the service pages only arrange what these give back.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from core.dates import as_date


@dataclass(frozen=True)
class Gap:
    """A stretch with no casework action: from `start` to `end` (both event or census days)."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def no_action_gaps(
    event_dates, census, *, stall_days: int = 28, out_of_school_since=None
) -> list[Gap]:
    """Stretches of at least `stall_days` days with no casework event, up to the census date.

    They run between consecutive event days, from out_of_school_since (if known) to the first
    event, and from the last event to the census date. Events after the census date are
    ignored, as in the flags. With no events at all, the stretch runs from out_of_school_since.
    """
    census = as_date(census)
    days = sorted({d for d in (as_date(v) for v in event_dates) if d and d <= census})
    start = as_date(out_of_school_since)
    if start is not None and start <= census and (not days or start < days[0]):
        days.insert(0, start)
    points = days + [census]
    return [
        Gap(a, b) for a, b in zip(points, points[1:], strict=False) if (b - a).days >= stall_days
    ]


def longest_gap(gaps: list[Gap]) -> int:
    """Days of the longest stretch with no action (0 when there is none)."""
    return max((gap.days for gap in gaps), default=0)


def _round_sig(value: float, up: bool, figures: int = 2) -> int:
    """`value` rounded to `figures` significant figures, down or up (never a spurious precision)."""
    if value <= 0:
        return 0
    step = 10 ** max(0, math.floor(math.log10(value)) - figures + 1)
    return int((math.ceil if up else math.floor)(value / step) * step)


def cost_range(terms: int, per_term_low: float, per_term_high: float) -> tuple[int, int]:
    """INDICATIVE cost of lost education: terms x the low and high rates, to 2 significant
    figures (the low end rounded down, the high end up): a range, never one figure."""
    return _round_sig(terms * per_term_low, up=False), _round_sig(terms * per_term_high, up=True)
