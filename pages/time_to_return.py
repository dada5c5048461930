"""Time to return to school: how long children stay out, by group (survival analysis).

Tests the review's para 3.4 ("the longer the child experiences a school absence the harder it
will be for children to reintegrate") against the monthly snapshots: curves of time to return
(a monthly life table, queries/survival.py), medians, the number at risk, a test between
groups, the data problems, and the chance of returning by time already out. Every figure
comes from figures/survival.py.
"""

from __future__ import annotations

import streamlit as st

from figures.survival import hazard, problem_rows, time_to_return
from pages.common import care, state
from pages.common.context_charts import hazard_chart, survival_chart
from pages.common.figures import show, show_table
from pages.common.markup import escape_md
from pages.common.page import page_header
from pages.common.pupil_export import pupil_download

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


def problems_note() -> None:
    """The data problems and recent changes, with the children concerned for roles that may
    see pupils (stated even when no curve can be drawn)."""
    if found.problems:
        st.markdown("**Data problems and recent changes.** " + escape_md(found.problems))
        if found.untimed:
            pupil_download(
                "Download the episodes that cannot be timed (CSV)",
                lambda: problem_rows(f),
                f"time_to_return_data_problems_{f.period}.csv",
                key="ttr-problems",
            )


if found.figure is None:
    st.info(found.notice)
    problems_note()
    st.stop()
if found.notice:
    st.caption(escape_md(found.notice))
curves = found.figure.chart.frame()
show(found.figure, survival_chart(curves, list(found.figure.option("groups")), dimension))
problems_note()
st.markdown(
    "**Number at risk** (children followed and still out: first seen by then, and seen out at "
    "or after it, up to the census before the latest) under the chart's times:"
)
show_table(found.at_risk.frame(), key="at-risk")
st.markdown("**Median time to return:** " + escape_md(found.medians))
if found.logrank:
    st.markdown("**Do the groups differ?** " + escape_md(found.logrank))

chance = hazard(f)
show(chance.figure, hazard_chart(chance.figure.chart.frame()))
st.markdown(escape_md(chance.sentence))
