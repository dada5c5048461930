"""Cross-tab: the cohort by any two dimensions, as a heat map and a table with totals."""

from __future__ import annotations

import streamlit as st

from figures.breakdowns import crosstab
from pages.common import care, state
from pages.common.charts import heatmap
from pages.common.figures import show
from pages.common.page import page_header

ctx = page_header(
    "Cross-tab",
    "Two breakdowns at once, for example primary need by care status, or district by "
    "placement status.",
)
left, right = st.columns(2)
rows = state.draw("rows", left)
cols = state.draw("cols", right)
if rows == cols:
    st.info("Pick two different breakdowns for the rows and the columns.")
    st.stop()
care.stop_if_care_shown((rows, cols), ctx.period)
figure = crosstab(ctx.filter, rows, cols)
show(figure, heatmap(figure.chart.frame(), rows, cols) if not figure.table.empty else None)
