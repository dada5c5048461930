"""Sentences for active titles and briefings, written from figures the queries returned.

An active title states a chart's main message in ten words or fewer ("Thanet has the most
children out of school (18.2%)"); a briefing sentence states a movement ("Provision unknown
rose by 14 in Thanet"). Category names from the data are escaped by the caller's renderer.
"""

from __future__ import annotations

import pandas as pd

from core import vocab
from core.dates import is_missing
from figures.disclosure import SMALL_MAX
from figures.format import fmt_int, fmt_number, fmt_pct, period_label
from figures.labels import dimension_label, short_label


def small_counts_title(every: bool = False) -> str:
    """The title of a figure whose counts are all hidden as small."""
    if every:
        return f"Every group is small: counts of 1 to {SMALL_MAX} are hidden"
    return f"Counts are small: those of 1 to {SMALL_MAX} are hidden"


def moved(change, unit: str = "") -> str:
    """14 -> 'rose by 14'; -3 -> 'fell by 3'; 0 -> 'did not change'."""
    if is_missing(change) or change == 0:
        return "did not change"
    verb = "rose" if change > 0 else "fell"
    return f"{verb} by {fmt_number(abs(change))}{unit}"


def breakdown_title(data: pd.DataFrame, dimension: str) -> str:
    """The main message of a breakdown: its largest category and that category's share."""
    if data.empty or data["children"].sum() == 0:
        return f"No children to show by {dimension_label(dimension).lower()}"
    top = data.loc[data["children"].idxmax()]
    name, pct = short_label(dimension, top["category"]), fmt_pct(top["percent"])
    templates = {
        "district": "{name} has the most children out of school ({pct})",
        "primary_need": "{name} is the most common primary need ({pct})",
        "need_area": "{name} is the most common area of need ({pct})",
        "age": "Children aged {name} are the largest age group ({pct})",
        "age_band": "Children aged {name} are the largest group ({pct})",
        "year_group": "{name} is the largest year group ({pct})",
        "gender": "{name} is the largest group ({pct})",
        "care_status": "{name} is the most common care status ({pct})",
        "placement_status": "{name} is the larger group ({pct})",
        "imported_from": "Most imports came from {name} ({pct})",
        "days_out_band": "Most often out of school: {name} ({pct})",
        "sen_team": "{name} holds the most cases ({pct})",
        "is_import": "{name} is the larger group ({pct})",
    }
    if dimension == "care_status" and top["category"] == vocab.NO_CARE_STATUS:
        return f"Most children have no care status ({pct})"
    template = templates.get(dimension, "{name} is the largest group ({pct})")
    return template.format(name=name, pct=pct)


def trend_title(data: pd.DataFrame, dimension: str | None) -> str:
    """The main message of a trend: the total's change, or the category that moved most."""
    if data.empty:
        return "No children in these periods"
    periods = sorted(data["period"].unique())
    first, last = periods[0], periods[-1]
    if len(periods) == 1:
        return f"Only one period chosen: {period_label(first)}"
    # category -> children in the first and last period (a plain loop: pivot_table costs ~20 ms)
    start, end = {}, {}
    for period, category, children in zip(
        data["period"], data["category"], data["children"], strict=True
    ):
        if period == first:
            start[category] = start.get(category, 0) + int(children)
        elif period == last:
            end[category] = end.get(category, 0) + int(children)
    categories = list(dict.fromkeys(data["category"]))
    change = pd.Series({c: end.get(c, 0) - start.get(c, 0) for c in categories})
    since = f"since {period_label(first)}"
    if dimension is None or len(change) == 1:
        return f"Children out of school {moved(int(change.iloc[0]))} {since}"
    biggest = change.abs().idxmax()
    if change[biggest] == 0:
        return f"No {dimension_label(dimension).lower()} changed {since}"
    name = short_label(dimension, biggest)
    if dimension == "care_status" and biggest == vocab.NO_CARE_STATUS:
        name = "Children with no care status"
    # a title starts with a capital, whatever the category's name ("no care status")
    name = name[:1].upper() + name[1:]
    return f"{name} {moved(int(change[biggest]))}, the largest change, {since}"


def crosstab_title(data: pd.DataFrame, rows: str, cols: str) -> str:
    """The main message of a cross-tab: its largest cell."""
    if data.empty or data["children"].sum() == 0:
        return "No children to cross-tabulate"
    top = data.loc[data["children"].idxmax()]
    row = short_label(rows, top["row_category"])
    row = row[:1].upper() + row[1:]
    col = short_label(cols, top["col_category"])
    return f"Largest group: {row} and {col} ({fmt_int(top['children'])})"


MOVEMENT_SUBJECTS = {
    "placement_status": "Children with {name}",
    "primary_need": "Children with {name} as primary need",
    "year_group": "Children in {name}",
    "care_status": "Children with care status {name}",
    "days_out_band": "Children out of school for {name}",
}


def movement_sentence(row) -> str:
    """One row of largest_movements as a briefing sentence.

    'Provision unknown rose by 14 in Thanet (from 30 to 44)' for a placement status within a
    district ('district_placement'); 'Children out of school rose by 9 in Swale (…)' for a
    district; 'Children in Year 10 fell by 4 (…)' for the other dimensions.
    """
    dimension, category = row.get("dimension"), row.get("category")
    change = row.get("change")
    tail = f" (from {fmt_int(row.get('previous'))} to {fmt_int(row.get('current'))})"
    if dimension == "district_placement":
        return f"{category} {moved(change)} in {row.get('district')}{tail}"
    if dimension == "district":
        return f"Children out of school {moved(change)} in {category}{tail}"
    name = short_label(dimension, category)
    if dimension == "placement_status":
        name = name.lower()  # "Children with no placement", "… with provision unknown"
    if dimension == "days_out_band":
        name = name[0].lower() + name[1:] if name != "Not recorded" else "an unrecorded time"
    if dimension == "care_status" and category == vocab.NO_CARE_STATUS:
        return f"Children with no care status {moved(change)}{tail}"
    subject = MOVEMENT_SUBJECTS.get(dimension, dimension_label(dimension) + " {name}")
    return f"{subject.format(name=name)} {moved(change)}{tail}"
