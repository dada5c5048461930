"""The cohort filter: what the sidebar chose, as one hashable value.

`CohortFilter.params()` gives the bound parameters of the shared SQL fragment
(`queries/fragments/cohort_filter.sql`), which every cohort query includes as
`{{cohort_filter}}`. An empty tuple or None means "no restriction". Values are never checked
against the vocabulary here: they are bound parameters, so an unexpected value simply matches
no child.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

# The tuple fields (each binds the fragment parameter of its name), the yes/no/either fields
# and the (low, high) pairs. How each is labelled and written in words and links is the
# figures layer's one table of them (figures/links.py).
_LIST_FIELDS = (
    "districts",
    "needs",
    "year_groups",
    "genders",
    "care_statuses",
    "placement_statuses",
    "sen_teams",
)
_FLAG_FIELDS = ("cin", "cp", "cla", "previously_looked_after", "is_import")
_RANGE_FIELDS = (("age_min", "age_max"), ("days_out_min", "days_out_max"))


def range_words(label: str, low, high) -> str | None:
    """'Days out of school: 30 to 90' / '30 or more' / '90 or less'; None with no bound."""
    if low is not None and high is not None:
        return f"{label}: {low} to {high}"
    if low is not None:
        return f"{label}: {low} or more"
    if high is not None:
        return f"{label}: {high} or less"
    return None


def check_period(period: str) -> str:
    """Return `period` if it is 'YYYY-MM', else raise ValueError."""
    if not isinstance(period, str) or not PERIOD_PATTERN.match(period):
        raise ValueError(f"period {period!r} is not of the form YYYY-MM (for example 2023-06)")
    return period


@dataclass(frozen=True)
class CohortFilter:
    """Filters on every cohort dimension; `period` is required, the rest narrow the cohort."""

    period: str
    districts: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()  # DfE codes, or 'Not recorded'
    age_min: int | None = None
    age_max: int | None = None
    year_groups: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    care_statuses: tuple[str, ...] = ()
    cin: bool | None = None  # None = either
    cp: bool | None = None
    cla: bool | None = None
    previously_looked_after: bool | None = None
    placement_statuses: tuple[str, ...] = ()
    is_import: bool | None = None
    days_out_min: int | None = None
    days_out_max: int | None = None
    sen_teams: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_period(self.period)
        # Accept lists (from widgets) and a lone string, but store tuples so the filter stays
        # hashable and can key caches.
        for name in _LIST_FIELDS:
            value = getattr(self, name)
            if value is None:
                value = ()
            elif isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(str(v) for v in value))
        for name in _FLAG_FIELDS:
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise ValueError(f"{name} must be True, False or None, not {value!r}")
        for low, high in _RANGE_FIELDS:
            for name in (low, high):
                value = getattr(self, name)
                if value is not None:
                    if isinstance(value, bool) or int(value) != value:
                        raise ValueError(f"{name} must be a whole number or None, not {value!r}")
                    object.__setattr__(self, name, int(value))

    def params(self) -> dict:
        """Bound parameters of the shared filter fragment (plus `period` for queries' use)."""
        out = {"period": self.period, "period_from": self.period, "period_to": self.period}
        for name in _LIST_FIELDS:
            value = getattr(self, name)
            out[name] = list(value) if value else None
        for name in _FLAG_FIELDS:
            out[name] = getattr(self, name)
        for low, high in _RANGE_FIELDS:
            out[low] = getattr(self, low)
            out[high] = getattr(self, high)
        return out

    def with_period(self, period: str) -> CohortFilter:
        return dataclasses.replace(self, period=period)
