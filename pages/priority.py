"""Priority cases: which of the council's four priorities for a return to education each child
meets (recently out of school, primary age or younger, looked after, previously looked after),
most criteria first, then longest out of school. Thresholds: config/flags.toml [priority.*].
Counts and rows from the figures layer (figures/casework.py, figures/lists.py).
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from figures.casework import flags_available, priorities
from figures.format import fmt_int
from figures.labels import SINGLE
from figures.lists import priority_rows, whole_priorities
from pages.common import care, state
from pages.common.charts import style
from pages.common.child_lists import detail_panel, download_buttons, list_caption
from pages.common.figures import show
from pages.common.page import page_header

PAGE_SIZE = 50

ctx = page_header(
    "Priority cases",
    "The council's priorities for returns to education: children **recently out of school**, "
    "**younger children**, children **looked after** and children **previously looked after**. "
    "Children meeting more of them come first.",
)
if not flags_available():
    st.info("This database has no case flags yet. Load the next extract again to add them.")
    st.stop()

f = ctx.filter
found = priorities(f)
for column, card in zip(st.columns(4), found.cards, strict=True):
    column.metric(card.label, card.value, help=card.help, border=True)
if not found.care_supplied:
    care.notice()

met = found.figure.chart.frame()
fig = go.Figure(
    go.Bar(
        x=met["label"].tolist(),
        y=[None if v != v else v for v in met["children"]],
        marker={"color": SINGLE},
        text=[fmt_int(c) for c in found.figure.table.column("Children")],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{x}: %{y:,} children<extra></extra>",
    )
)
style(fig, height=320)
fig.update_yaxes(title="Children", rangemode="tozero", tickformat=",d")
fig.update_xaxes(title="Priorities met", type="category")
show(found.figure, fig)

if found.any_priority == 0:
    st.info("No child in the filtered cohort meets a priority for return.")
    st.stop()

slot = st.container()
paging = state.draw_pages("priority_page", found.any_priority, PAGE_SIZE)
table = priority_rows(f, paging.page, PAGE_SIZE).frame()
with slot:
    st.subheader("Children in priority order", anchor=False)
    st.caption(
        f"{list_caption(paging)} meeting at least one priority, {ctx.period_name}: most "
        "priorities first, then longest out of school (not recorded last)."
    )
    selection = st.dataframe(
        table,
        hide_index=True,
        column_config={
            "Chronology": st.column_config.LinkColumn("Chronology", display_text="Open"),
            "Why": st.column_config.TextColumn("Why", width="large"),
            "Days out of school": st.column_config.NumberColumn(format="localized"),
            "Days without provision": st.column_config.NumberColumn(format="localized"),
        },
        on_select="rerun",
        selection_mode="single-row",
        key="priority-table",
    )
    detail_panel(table, selection, "Priorities met")

download_buttons(
    "the whole list",
    lambda: whole_priorities(f, found.any_priority),
    f"priority_cases_{f.period}",
    "Priority cases",
    "priority",
)
