"""An action's measure: the figure a saved dashboard view or a child's record shows.

A view measure is a "Link to this view" URL (page plus filters, as pages/common/share.py writes
it); its figure is the number of children matching the link's filters, at the link's period or
at any other, read with the sidebar's own mapping (figures/links.py: `parse_view`), and shown
as the audience may see it (the pack: as published). A child measure's figure is that child's
placement status and days out of school in the period, or "not in the cohort": a pupil-level
read, through queries/pupil.py, so only roles that see pupils get it.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.dates import is_missing
from figures.format import plural
from figures.frame import counted
from figures.links import parse_view
from figures.protect import Audience, narrow, problems, resolve
from queries.pupil import run_pupil_query


@dataclass(frozen=True)
class Measure:
    """A measure's figure in one period: the number as shown (None when there is none; `c`
    when protected) and in words."""

    period: str
    value: float | int | str | None
    text: str


def view_figure(link: str, period: str, audience: Audience | None = None, *, db=None) -> Measure:
    """Children matching the view's filters in `period`, as `audience` may see the count."""
    audience = resolve(audience)
    view = parse_view(link)
    f = view.filter_at(period)
    if audience.safe and problems(f, audience):
        # figures as published could show only another view's count (all districts for two,
        # say): saying so is better than a number that does not measure what the action set
        return Measure(period, None, "not shown as published (the view asks for several "
                       "values of a filter, or days out not in whole bands)")  # fmt: skip
    _, shown = counted(narrow(f, audience), audience, db=db)
    return Measure(period, shown, plural(shown, "child", "children"))


def child_figure(child_id: str, period: str, *, db=None) -> Measure:
    """The child's placement status and days out in `period` (value: days out, or None)."""
    rows = run_pupil_query("casework_child_periods", {"child_id": str(child_id).strip()}, db=db)
    rows = rows[rows["period"] == period]
    if rows.empty:
        return Measure(period, None, "not in the cohort (not out of school with an EHC plan)")
    row = rows.iloc[0]
    days = row.get("days_out")
    if is_missing(days):
        return Measure(period, None, f"{row['placement_status']}, days out not recorded")
    return Measure(period, int(days), f"{row['placement_status']}, {int(days):,} days out")


def measure_figure(
    kind: str, measure: str, period: str, audience: Audience | None = None, *, db=None
) -> Measure | None:
    """The figure of an action's measure in `period`; None when the action has no measure."""
    if kind == "view" and measure:
        return view_figure(measure, period, audience, db=db)
    if kind == "child" and measure:
        return child_figure(measure, period, db=db)
    return None
