"""England and similar councils: the council against the DfE's published EHC plan figures.

Sets the council's children with plans who are not in education (compulsory school age) or in
"other placement / awaiting provision" against England, the South East and its statistical
neighbours, per 1,000 plans, with the trend since 2019 and the release named (figures/england.py).
"""

from __future__ import annotations

import streamlit as st

from figures.england import COUNCIL, england, month_beside_january
from pages.common.context_charts import comparison_bar_chart, comparison_trend_chart
from pages.common.figures import show
from pages.common.markup import escape_md
from pages.common.page import page_header

ctx = page_header(
    "England and similar councils",
    f"How {COUNCIL} compares with England, the South East and its ten statistical neighbours "
    "in the DfE's published EHC plan statistics (January census each year).",
    needs_period=False,
)
found = england()
if found is None:
    st.info("No published figures are loaded. They ship with the dashboard; reload any extract.")
    st.stop()
st.markdown(escape_md(found.rank))
st.caption(escape_md(found.source))
for column, card in zip(st.columns(3), found.cards, strict=True):
    column.metric(card.label, card.value, help=escape_md(card.help) if card.help else None)
show(
    found.comparison,
    comparison_bar_chart(
        found.comparison.chart.frame(), "headline_per_1000", "area", COUNCIL, "Per 1,000 EHC plans"
    ),
)
show(
    found.trend,
    comparison_trend_chart(
        found.trend.chart.frame(), "headline_per_1000", list(found.trend.option("areas"))
    ),
)
st.markdown(escape_md(found.trend_sentence))
st.subheader("This month's figure beside January's", anchor=False)
if ctx.filter is None:
    st.info("No monthly extract is loaded, so there is no monthly figure to set beside it.")
else:
    beside = month_beside_january(ctx.periods[-1], ctx.source)
    a, b = st.columns(2)
    a.metric(beside.monthly.label, beside.monthly.value, help=beside.monthly.help or None)
    b.metric(beside.published.label, beside.published.value, help=escape_md(beside.published.help))
    st.markdown("**Why they differ.** " + escape_md(beside.note))
