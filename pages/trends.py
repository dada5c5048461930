"""Trends: any breakdown over a window of months (by default "the year": the same month a year
ago to now), as lines or stacked areas, with a table that gives each row's change."""

from __future__ import annotations

import streamlit as st

from figures.breakdowns import trend
from figures.format import period_label
from figures.periods import year_start
from pages.common import care, state
from pages.common.charts import too_many_series, trend_chart
from pages.common.figures import show
from pages.common.page import page_header

ALL = "all"

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
if len(periods) > 1:
    start, end = state.draw("periods", options=periods, default=(year_start(f.period), f.period))
else:
    start = end = periods[0]
    st.caption(f"Only {period_label(start)} is loaded, so the trend has one point.")

care.stop_if_care_shown((choice,), *[p for p in periods if start <= p <= end])
figure = trend(f, dimension, start, end)
data = figure.chart.frame()
if not data.empty and too_many_series(data):
    # Stacked areas mean nothing with one small chart per category: the choice is not offered.
    style = "Lines"
    right.caption(
        "More than six categories: one small chart each, on the same scale, so each can be read."
    )
else:
    with right:
        style = state.draw("style") or "Lines"
show(
    figure,
    trend_chart(data, dimension, stacked=style == "Stacked areas") if not data.empty else None,
)
