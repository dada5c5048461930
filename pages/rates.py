"""Rates and over-representation: children out of school per 100 children with an EHC plan.

Counts alone cannot say whether a group is more likely to be out of school: a district with
more children with plans will have more children out. This page divides by the caseload (every
child with a plan at the same census date) and compares each group's share of the children out
with its share of the plans. Every figure comes from figures/rates.py.
"""

from __future__ import annotations

import streamlit as st

from figures.periods import year_start
from figures.rates import rate_trend, rates
from pages.common import care, state
from pages.common.context_charts import rate_chart, rate_trend_chart, ratio_chart
from pages.common.figures import show
from pages.common.markup import escape_md
from pages.common.page import page_header

ALL = "all"

ctx = page_header(
    "Rates and over-representation",
    "Children out of school per 100 children with an EHC plan, and which groups are out of "
    "school more (or less) than their share of plans would suggest.",
)
f = ctx.filter
dimension = state.draw("rate_dim") or "district"
care.stop_if_care_shown((dimension,), f.period)
found = rates(f, dimension)
if not found.loaded:
    st.info(found.notice)
else:
    card = found.overall
    st.metric(card.label, card.value, help=card.help)
    data = found.rate.chart.frame()
    show(found.rate, rate_chart(data, dimension, found.rate.option("overall")))
    show(found.ratio, ratio_chart(found.ratio.chart.frame(), dimension))
    st.warning(found.caution, icon=":material/info:")
    if found.sentences:
        st.markdown("\n".join(f"- {escape_md(s)}" for s in found.sentences))
    else:
        st.markdown(
            "No group tested has an interval that excludes 1: every group tested is out of "
            "school in proportion to its share of plans, as far as these numbers can tell "
            "(Not recorded is drawn but not tested)."
        )

# Trend of the rate over "the year" (months without a caseload are gaps, not 0)
st.divider()
trend_choice = state.draw("rate_trend", options=[ALL, dimension])
trend = rate_trend(f, None if (trend_choice or ALL) == ALL else dimension, year_start(f.period))
if trend.note:
    st.caption(escape_md(trend.note))
chart = trend.chart.frame()
show(trend, rate_trend_chart(chart, trend.dimension) if not chart.empty else None)
if trend.option("missing"):
    st.caption(escape_md(f"No caseload loaded (no rate): {trend.option('missing')}."))
