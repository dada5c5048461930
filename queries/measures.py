"""An action's measure: the figure a saved dashboard view or a child's record shows.

A view measure is a "Link to this view" URL (page plus filters, as pages/common/share.py writes
it); its figure is the number of children matching the link's filters, at the link's period or
at any other. The URL parameters are read here as the sidebar's bound widgets read them
(pages/common/filters.py; a test checks both agree), because the briefing pack, which may not
import the screens, needs the same figures. A child measure's figure is that child's placement
status and days out of school in the period, or "not in the cohort".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import pandas as pd

from core import vocab
from queries import runner
from queries.filters import PERIOD_PATTERN, CohortFilter
from queries.pupil import run_pupil_query

_LISTS = {
    "district": "districts",
    "need": "needs",
    "team": "sen_teams",
    "year": "year_groups",
    "gender": "genders",
    "care": "care_statuses",
    "placement": "placement_statuses",
}
_YES_NO = {"cin": "cin", "cp": "cp", "cla": "cla", "pla": "previously_looked_after"}
_NEED_CODE = re.compile(r"\(([A-Z]+)\)\s*$")


@dataclass(frozen=True)
class View:
    """A saved dashboard view: the page's path, the link's period (or None) and its filter."""

    page: str
    period: str | None
    params: dict

    def filter_at(self, period: str) -> CohortFilter:
        return CohortFilter(period=period, **self.params)


@dataclass(frozen=True)
class Figure:
    """A measure's figure in one period: a number when there is one, and words; for a count of
    children, its cell key (figures/disclosure.py)."""

    period: str
    value: float | None
    text: str
    ckey: int | None = None


def _need(label: str) -> str:
    """'Autistic spectrum disorder (ASD)' -> 'ASD' (as the need picker writes it)."""
    match = _NEED_CODE.search(label)
    return match.group(1) if match and match.group(1) in vocab.NEED_LABELS else label


def parse_view(link: str) -> View:
    """The page, period and cohort filter a "Link to this view" URL describes.

    Raises ValueError when the text is not a dashboard link (no recognisable query string).
    """
    parsed = urlparse(str(link).strip())
    query = parse_qs(parsed.query, keep_blank_values=False)
    if not parsed.query or not any(key in query for key in ("period", *_LISTS, *_YES_NO)):
        raise ValueError("this is not a dashboard view link: copy one from 'Link to this view'")
    params: dict = {}
    for key, field in _LISTS.items():
        values = query.get(key, [])
        if values:
            params[field] = tuple(_need(v) if key == "need" else v for v in values)
    for key, field in _YES_NO.items():
        value = (query.get(key) or [None])[0]
        if value in ("Yes", "No"):
            params[field] = value == "Yes"
    imports = (query.get("import") or [None])[0]
    if imports in ("Imports only", "Not imports"):
        params["is_import"] = imports == "Imports only"
    ages = query.get("age", [])
    if len(ages) == 2:
        params["age_min"], params["age_max"] = int(ages[0]), int(ages[1])
    for key, field in (("days_from", "days_out_min"), ("days_to", "days_out_max")):
        value = (query.get(key) or [None])[0]
        if value not in (None, ""):
            params[field] = int(value)
    period = (query.get("period") or [None])[0]
    if period is not None and not PERIOD_PATTERN.match(period):
        period = None
    page = parsed.path.strip("/").split("/")[-1] or "overview"
    return View(page=page, period=period, params=params)


def view_figure(link: str, period: str, *, db=None) -> Figure:
    """Children matching the view's filters in `period`."""
    view = parse_view(link)
    row = runner.run("cohort_count", view.filter_at(period).params(), db=db).iloc[0]
    count = int(row["children"])
    text = f"{count:,} {'child' if count == 1 else 'children'}"
    return Figure(period, float(count), text, int(row["children_ckey"]))


def child_figure(child_id: str, period: str, *, db=None) -> Figure:
    """The child's placement status and days out in `period` (value: days out, or None)."""
    rows = run_pupil_query("casework_child_periods", {"child_id": str(child_id).strip()}, db=db)
    rows = rows[rows["period"] == period]
    if rows.empty:
        return Figure(period, None, "not in the cohort (not out of school with an EHC plan)")
    row = rows.iloc[0]
    days = row.get("days_out")
    if days is None or pd.isna(days):
        return Figure(period, None, f"{row['placement_status']}, days out not recorded")
    return Figure(period, float(days), f"{row['placement_status']}, {int(days):,} days out")


def measure_figure(kind: str, measure: str, period: str, *, db=None) -> Figure | None:
    """The figure of an action's measure in `period`; None when the action has no measure."""
    if kind == "view" and measure:
        return view_figure(measure, period, db=db)
    if kind == "child" and measure:
        return child_figure(measure, period, db=db)
    return None
