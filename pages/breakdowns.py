"""Appendix B breakdowns: the period's cohort by any one dimension, as chart, table and CSV."""

from __future__ import annotations

from figures.breakdowns import breakdown
from pages.common import care, state
from pages.common.charts import bar_chart
from pages.common.figures import show
from pages.common.page import page_header

ctx = page_header(
    "Breakdowns",
    "The Appendix B review's breakdowns for any month: pick what to break the cohort down by.",
)
dimension = state.draw("dim") or "primary_need"
by_size = state.draw("order") == state.SIZE_ORDER[1]
care.stop_if_care_shown((dimension,), ctx.period)
figure = breakdown(ctx.filter, dimension, by_size=by_size)
show(figure, bar_chart(figure.chart.frame(), dimension))
