"""A stand-in for figures/disclosure.py until the disclosure helper's module is on main.

The same names as the design's interface (SUPPRESSED, SMALL_MAX, MEDIAN_MIN_GROUP, ABOUT_SAFE,
filter_problems, safe_filter), over the DfE rule the dashboard used so far
(queries/suppression.py: 1 to 5 shown as `c`, a second cell hidden where a total would give the
first away). figures/protect.py and figures/audience.py import from here; when
figures/disclosure.py lands they import from it instead and this file goes.
"""

from __future__ import annotations

import dataclasses

from core import vocab
from queries.filters import CohortFilter
from queries.suppression import SUPPRESSED, THRESHOLD, suppress_long, suppress_matrix

__all__ = ["SUPPRESSED", "suppress_long", "suppress_matrix"]

SMALL_MAX = THRESHOLD
MEDIAN_MIN_GROUP = 10
ABOUT_SAFE = (
    f"counts of 1 to {SMALL_MAX} are shown as {SUPPRESSED}, and where a total would let a "
    "hidden count be worked out, a second count in the same table is hidden too (the DfE's "
    "rule for children in need statistics). True zeros are shown. Percentages, rates and "
    "changes of hidden counts are not shown, and the chart draws no bar or point for them."
)

# --- the filter rule for figures as published (design item 6) ---------------------------------

_MULTI = {
    "districts": "district",
    "needs": "primary need",
    "year_groups": "year group",
    "genders": "gender",
    "care_statuses": "care status",
    "placement_statuses": "placement status",
    "sen_teams": "SEN team",
}
BAND_STARTS = tuple(low for _, low, _ in vocab.DAYS_OUT_BANDS)
BAND_ENDS = tuple(high for _, _, high in vocab.DAYS_OUT_BANDS[:-1])


def _band_start(days: int) -> int:
    return max(s for s in BAND_STARTS if s <= days)


def _band_end(days: int) -> int | None:
    ends = [e for e in BAND_ENDS if e >= days]
    return min(ends) if ends else None


def filter_problems(f: CohortFilter) -> list[str]:
    """What in `f` figures as published cannot take, in words (empty: nothing)."""
    problems = []
    for field, noun in _MULTI.items():
        if len(getattr(f, field)) > 1:
            problems.append(
                f"Figures as published take one {noun} or all, not several; showing all."
            )
    low, high = f.days_out_min, f.days_out_max
    if (low is not None and _band_start(low) != low) or (
        high is not None and _band_end(high) != high
    ):
        problems.append(
            "Figures as published take days out of school in whole bands (from "
            + ", ".join(str(s) for s in BAND_STARTS)
            + "; to "
            + ", ".join(str(e) for e in BAND_ENDS)
            + " or any); the window is widened to the bands it touches."
        )
    return problems


def safe_filter(f: CohortFilter) -> CohortFilter:
    """`f` as figures as published allow: one value or all of each multi-value filter, and
    days out in whole bands (widened to the bands the window touches)."""
    changes = {field: () for field in _MULTI if len(getattr(f, field)) > 1}
    if f.days_out_min is not None:
        changes["days_out_min"] = _band_start(f.days_out_min)
    if f.days_out_max is not None:
        changes["days_out_max"] = _band_end(f.days_out_max)

    return dataclasses.replace(f, **changes) if changes else f
