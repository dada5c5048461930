"""Time to return to school: how long children stay out, by group (survival analysis).

Tests the review's para 3.4 ("the longer the child experiences a school absence the harder it
will be for children to reintegrate") against the monthly snapshots: Kaplan-Meier curves of
time to return, medians, the number at risk, a log-rank test, and the chance of returning by
time already out. Every figure comes from figures/survival.py.
"""

from __future__ import annotations

import streamlit as st

from figures.survival import hazard, time_to_return
from pages.common import care, state
from pages.common.context_charts import hazard_chart, survival_chart
from pages.common.figures import show, show_table
from pages.common.markup import escape_md
from pages.common.page import page_header

ALL = "all"

ctx = page_header(
    "Time to return to school",
    "How long children with EHC plans stay out of school before they are back in education, "
    "followed through every monthly snapshot loaded.",
)
f = ctx.filter
choice = state.draw("surv_dim")
dimension = None if (choice or ALL) == ALL else choice
care.stop_if_care_shown((choice,), *ctx.periods)

found = time_to_return(f, dimension)
if found.figure is None:
    st.info(found.notice)
    st.stop()
if found.notice:
    st.caption(escape_md(found.notice))
curves = found.figure.chart.frame()
show(found.figure, survival_chart(curves, list(found.figure.option("groups")), dimension))
st.markdown("**Number at risk** (children still out and already seen) under the chart's times:")
show_table(found.at_risk.frame(), key="at-risk")
st.markdown("**Median time to return:** " + escape_md(found.medians))
if found.logrank:
    st.markdown("**Do the groups differ?** " + escape_md(found.logrank))

chance = hazard(f)
show(chance.figure, hazard_chart(chance.figure.chart.frame()))
st.markdown(escape_md(chance.sentence))
