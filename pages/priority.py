"""Priority cases: which of the council's four priorities for a return to education each child
meets (recently out of school, primary age or younger, looked after, previously looked after),
most criteria first, then longest out of school. Thresholds: config/flags.toml [priority.*].
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pages.common import care
from pages.common.categories import SINGLE
from pages.common.charts import style
from pages.common.child_lists import (
    chronology_link,
    detail_panel,
    download_buttons,
    whole_list,
)
from pages.common.figures import show_figure
from pages.common.flag_words import priority_reasons
from pages.common.format import fmt_int
from pages.common.page import page_header
from queries.casework import (
    children_by_priorities_met,
    children_meeting_priorities,
    flags_available,
    priority_counts,
)
from queries.flag_settings import read_flag_settings
from queries.flags import PRIORITIES

PAGE_SIZE = 50
PRIORITY_LABELS = {name: PRIORITIES[name].label for name in PRIORITIES}

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
values = read_flag_settings()
recent_days = values.recent_max_days
last_year = values.primary_last_year_group
max_age = values.primary_max_age
DEFINITIONS = {
    "priority_recent": f"out of school {recent_days} days or fewer (less than a term)",
    "priority_primary": f"early years to Year {last_year} (age {max_age} or under when the year "
    "group is not recorded)",
    "priority_looked_after": "looked after (CLA) now",
    "priority_previously_looked_after": "previously looked after",
}
counts = priority_counts(f)

CARE_PRIORITIES = ("priority_looked_after", "priority_previously_looked_after")
columns = st.columns(4)
for i, (name, label) in enumerate(PRIORITY_LABELS.items()):
    shown = care.NOT_SUPPLIED if name in CARE_PRIORITIES and not ctx.care_supplied else None
    columns[i].metric(label, shown or fmt_int(counts[name]), help=DEFINITIONS[name], border=True)
if not ctx.care_supplied:
    care.notice()

by_met = children_by_priorities_met(f)
met = pd.DataFrame(
    {
        "Criteria met": [f"{n} of 4" for n in by_met["met"]],
        "Children": by_met["children"],
        "Percent": by_met["percent"].fillna(0.0),
    }
)
total = counts["children"]
fig = go.Figure(
    go.Bar(
        x=met["Criteria met"].tolist(),
        y=met["Children"].tolist(),
        marker={"color": SINGLE},
        text=[fmt_int(c) for c in met["Children"]],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{x}: %{y:,} children<extra></extra>",
    )
)
style(fig, height=320)
fig.update_yaxes(title="Children", rangemode="tozero", tickformat=",d")
fig.update_xaxes(title="Priorities met", type="category")
any_priority = counts["any_priority"]
show_figure(
    f"{fmt_int(any_priority)} of {fmt_int(total)} children meet a priority for return",
    ctx.caption("Children by how many of the four priorities for return they meet"),
    ctx.about(
        "children in the snapshot who match the filters, by how many of the council's four "
        "priorities for returns to education they meet: "
        + "; ".join(f"{PRIORITY_LABELS[k].lower()}: {v}" for k, v in DEFINITIONS.items())
        + ".",
        "A child with no 'out of school since' date cannot meet the first priority. The "
        "thresholds are set in config/flags.toml.",
    ),
    fig,
    met,
    f"priority_criteria_met_{f.period}.csv",
    key="priority-met",
)

if any_priority == 0:
    st.info("No child in the filtered cohort meets a priority for return.")
    st.stop()

TICK = {True: "Yes", False: ""}
pages = max(1, math.ceil(any_priority / PAGE_SIZE))
slot = st.container()
page = min(max(1, st.pagination(pages, key="priority_page", bind="query-params")), pages)
rows = children_meeting_priorities(f, page, PAGE_SIZE)


def list_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Priority rows as shown: the priorities met in words, then the facts behind them."""
    return pd.DataFrame(
        {
            "Child ID": rows["child_id"],
            "Chronology": [chronology_link(c, f.period) for c in rows["child_id"]],
            "Priorities met": rows["priority_criteria_met"],
            "Why": ["; ".join(priority_reasons(r, values)) for _, r in rows.iterrows()],
            **{label: rows[name].map(TICK) for name, label in PRIORITY_LABELS.items()},
            "Days out of school": rows["days_out"],
            "Days without provision": rows["days_without_provision"],
            "Year group": rows["year_group"],
            "Care status": rows["care_status"] if ctx.care_supplied else care.NOT_SUPPLIED,
            "District": rows["district"],
            "SEN team": rows["sen_team"],
        }
    )


table = list_table(rows)
first = (page - 1) * PAGE_SIZE + 1
with slot:
    st.subheader("Children in priority order", anchor=False)
    st.caption(
        f"Children {first:,} to {first + len(rows) - 1:,} of {any_priority:,} meeting at least "
        f"one priority, {ctx.period_name}: most priorities first, then longest out of school "
        "(not recorded last)."
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
    detail_panel(table, selection, f.period, "Priorities met")


download_buttons(
    "the whole list",
    lambda: list_table(
        whole_list(lambda n, size: children_meeting_priorities(f, n, size), any_priority)
    ).drop(columns=["Chronology"]),
    f"priority_cases_{f.period}",
    "Priority cases",
    "priority",
)
