"""Trends: any breakdown over a window of months (by default the last 13: the same month a year
ago to now), as lines or stacked areas, with a table that gives each row's change."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.common import care, state
from pages.common import smallnumbers as small
from pages.common.categories import category_label
from pages.common.charts import too_many_series, trend_chart
from pages.common.figures import show_figure
from pages.common.format import period_label
from pages.common.page import page_header
from pages.common.words import trend_title
from queries.aggregates import trend, trend_table, window_start

ALL = "all"
# The same month a year ago to now: 13 monthly points, 12 months of change (year on year).
DEFAULT_SPAN = 13


def year_apart(first: str, last: str) -> bool:
    y1, m1 = (int(x) for x in first.split("-"))
    y2, m2 = (int(x) for x in last.split("-"))
    return (y2 * 12 + m2) - (y1 * 12 + m1) == 12


def change_table(f, dimension: str | None, start: str, end: str) -> pd.DataFrame:
    """One row per category, one column per month (the query layer's trend table turned on its
    side), then the change from the window's first month to its last."""
    wide = trend_table(f, dimension, start, end)
    if wide.empty:
        return wide
    months = [str(p) for p in wide.pop("period")]
    table = wide.T
    table.columns = [period_label(p) for p in months]
    first, last = months[0], months[-1]
    name = (
        "Year-on-year change" if year_apart(first, last) else f"Change since {period_label(first)}"
    )
    before, after = table.iloc[:, 0], table.iloc[:, -1]
    table[name] = after - before
    table[f"{name} (%)"] = [
        round(100.0 * (a - b) / b, 1) if b else None for a, b in zip(after, before, strict=True)
    ]
    label = "Breakdown" if dimension is None else "Category"
    names = [
        "Children out of school" if dimension is None else category_label(dimension, c)
        for c in table.index
    ]
    table.insert(0, label, names)
    return table.reset_index(drop=True)


def hidden_table(table_data, dimension, f, start: str, end: str) -> pd.DataFrame:
    """Small numbers hidden: one row per month, c where hidden, and no change column."""
    wide = trend_table(f, dimension, start, end)
    text = table_data.pivot(index="period", columns="category", values="children")
    categories = [c for c in wide.columns if c != "period"]
    wide = text.reindex(index=wide["period"], columns=categories).fillna("0").reset_index()
    wide.columns.name = None
    names = {c: category_label(dimension, c) for c in wide.columns if c != "period"}
    if dimension is None:
        names = {"All": "Children"}
    wide = wide.rename(columns=names)
    wide.insert(0, "Period", [period_label(p) for p in wide.pop("period")])
    return wide


ctx = page_header(
    "Trends",
    "How the cohort has changed month by month, in total or by any breakdown. The window "
    "opens on the last 13 months: the same month a year ago to now.",
)
f = ctx.filter
periods = ctx.periods

left, right = st.columns([2, 1])
choice = state.draw("trend_dim", left) or ALL
dimension = None if choice == ALL else choice
label = state.control("trend_dim").format(choice)
if len(periods) > 1:
    default = (window_start(f.period, DEFAULT_SPAN), f.period)
    start, end = state.draw("periods", options=periods, default=default)
else:
    start = end = periods[0]
    st.caption(f"Only {period_label(start)} is loaded, so the trend has one point.")

care.stop_if_care_shown((choice,), *[p for p in periods if start <= p <= end])
data = trend(f, dimension, start, end)
# Small numbers hidden (when on): within each period the categories add up to its total.
table_data, data, hidden = small.long(data, group_cols=["period"])
many = not data.empty and too_many_series(data)
if many:
    # Stacked areas mean nothing with one small chart per category: the choice is not offered.
    style = "Lines"
    right.caption(
        "More than six categories: one small chart each, on the same scale, so each can be read."
    )
else:
    with right:
        style = state.draw("style") or "Lines"

title_data = data
if hidden:
    # The title speaks only of categories with no hidden count (a change from a hidden count
    # would give it away).
    title_data = data[~data["category"].isin(set(data.loc[data["suppressed"], "category"]))]
title = (
    trend_title(title_data, dimension)
    if not (hidden and title_data.empty)
    else "Counts are small: those of 1 to 5 are hidden"
)
if not title_data.empty and year_apart(start, end):
    title = title.replace(f"since {period_label(start)}", f"in the year to {period_label(end)}")
span = f"{period_label(start)} to {period_label(end)}"
if data.empty:
    table = pd.DataFrame()
elif hidden:
    table = hidden_table(table_data, dimension, f, start, end)
else:
    table = change_table(f, dimension, start, end)
show_figure(
    title,
    ctx.caption(
        "Children out of school" + ("" if dimension is None else f" by {label.lower()}"), span
    ),
    small.about(
        ctx.about(
            "children in each monthly snapshot who match the filters"
            + ("" if dimension is None else f", by {label.lower()}")
            + ", each counted at its own period's census date. The table's last columns give "
            "the change from the first month of the window to the last (left out when small "
            "numbers are hidden: a change would give a hidden count away).",
            "A child out of school for several months appears in each of those snapshots. The "
            "sidebar's period does not narrow this chart: the period range above does.",
        ),
        hidden,
    ),
    trend_chart(data, dimension, stacked=style == "Stacked areas") if not data.empty else None,
    table,
    f"children_trend_{'total' if dimension is None else dimension}_{start}_to_{end}.csv",
    key=f"trend-{choice}",
)
