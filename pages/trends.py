"""Trends: any breakdown across a range of periods, as lines or stacked areas, with the table."""

from __future__ import annotations

import streamlit as st

from pages.common import share
from pages.common import smallnumbers as small
from pages.common.categories import category_label, dimension_label
from pages.common.charts import too_many_series, trend_chart
from pages.common.figures import show_figure
from pages.common.format import period_label
from pages.common.page import page_header
from pages.common.words import trend_title
from queries.aggregates import DIMENSIONS, trend, trend_table, window_start

ALL = "all"
DEFAULT_SPAN = 12  # periods shown when the page opens: the last year

ctx = page_header(
    "Trends",
    "How the cohort has changed month by month, in total or by any breakdown.",
)
f = ctx.filter
periods = ctx.periods

options = [ALL] + list(DIMENSIONS)


def label_of(d: str) -> str:
    return "All children" if d == ALL else dimension_label(d)


left, right = st.columns([2, 1])
choice = left.selectbox(
    "Break down by", options, format_func=label_of, key="trend_dim", bind="query-params"
)
style = right.segmented_control(
    "Show as", ["Lines", "Stacked areas"], default="Lines", key="style", bind="query-params"
)
dimension = None if choice == ALL else choice
if choice != ALL:
    share.remember("trend_dim", label_of(choice))
if style and style != "Lines":
    share.remember("style", style)
if len(periods) > 1:
    default = (window_start(f.period, DEFAULT_SPAN), f.period)
    start, end = st.select_slider(
        "Periods",
        periods,
        value=default,
        format_func=period_label,
        key="periods",
        bind="query-params",
    )
    if (start, end) != default:
        share.remember("periods", [period_label(start), period_label(end)])
else:
    start = end = periods[0]
    st.caption(f"Only {period_label(start)} is loaded, so the trend has one point.")

data = trend(f, dimension, start, end)
# Small numbers hidden (when on): within each period the categories add up to its total.
table_data, data, hidden = small.long(data, group_cols=["period"])
span = f"{period_label(start)} to {period_label(end)}"
label = label_of(choice)
wide = trend_table(f, dimension, start, end)
if hidden and not wide.empty:
    # The same table with c where hidden, from the suppressed long table, in the same order.
    text = table_data.pivot(index="period", columns="category", values="children")
    categories = [c for c in wide.columns if c != "period"]
    wide = text.reindex(index=wide["period"], columns=categories).fillna("0").reset_index()
    wide.columns.name = None
if not wide.empty:
    names = {c: category_label(dimension, c) for c in wide.columns if c != "period"}
    if dimension is None:
        names = {"All": "Children"}
    wide = wide.rename(columns=names)
    wide.insert(0, "Period", [period_label(p) for p in wide.pop("period")])
if not data.empty and too_many_series(data):
    st.caption(
        "More than six categories: one small chart each, on the same scale, so each can be read."
    )
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
show_figure(
    title,
    ctx.caption(
        "Children out of school" + ("" if dimension is None else f" by {label.lower()}"), span
    ),
    small.about(
        ctx.about(
            "children in each monthly snapshot who match the filters"
            + ("" if dimension is None else f", by {label.lower()}")
            + ", each counted at its own period's census date.",
            "A child out of school for several months appears in each of those snapshots. The "
            "sidebar's period does not narrow this chart: the period range above does.",
        ),
        hidden,
    ),
    trend_chart(data, dimension, stacked=style == "Stacked areas") if not data.empty else None,
    wide,
    f"children_trend_{'total' if dimension is None else dimension}_{start}_to_{end}.csv",
    key=f"trend-{choice}",
)
