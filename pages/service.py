"""Service view: the case flags by district, SEN team and month, so a senior leader can see
whether delays are shrinking, and the INDICATIVE cost of delay in the Ombudsman's terms (terms
of education lost, priced as a range per term, never as one precise figure). Every figure comes
from figures/casework.py.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from figures.casework import cost_of_delay, flag_by, flag_trend, flags_available
from figures.labels import CATEGORICAL, FLAGS
from pages.common import care, state
from pages.common.charts import bar_chart, style, time_axis
from pages.common.figures import show
from pages.common.markup import escape_md
from pages.common.page import page_header

ctx = page_header(
    "Service view",
    "The case flags across the service: where they are, whether they are shrinking, and what "
    "the lost terms of education could cost in remedies.",
)
if not flags_available():
    st.info("This database has no case flags yet. Load the next extract again to add them.")
    st.stop()
f = ctx.filter
flag = state.draw("flag") or "s19_due"
if flag == "out_of_sight":
    care.stop_if_care_shown(("care_status",), f.period)

for dimension in ("district", "sen_team"):
    figure = flag_by(f, dimension, flag)
    chart = bar_chart(
        figure.chart.frame(), dimension, value="flagged", percent="percent", value_name="Children"
    )
    show(figure, chart)

# --- month by month --------------------------------------------------------------------------
trend = flag_trend(f, flag)
data = trend.chart.frame()
fig = go.Figure(
    go.Scatter(
        x=time_axis(data["period"]),
        y=[None if v != v or v is None else v for v in data["flagged"]],
        mode="lines+markers",
        line={"color": CATEGORICAL[0], "width": 2.5},
        name=FLAGS[flag].short,
        hovertemplate="%{x|%B %Y}: %{y:,} children<extra></extra>",
    )
)
style(fig, height=320)
fig.update_xaxes(tickformat="%b %Y", title=None)
fig.update_yaxes(title="Children", rangemode="tozero", tickformat=",d")
show(trend, fig)

# --- cost of delay ---------------------------------------------------------------------------
cost = cost_of_delay(f)
st.subheader("Cost of delay (INDICATIVE)", anchor=False)
st.markdown(escape_md(cost.sentence))
st.caption(escape_md(f"Source of the per-term range: {cost.source}"))
bars = cost.figure.chart.frame()
show(
    cost.figure,
    bar_chart(
        bars, "district", value="terms_without_provision", percent="percent", value_name="Terms"
    ),
)
