"""Today: a worklist in three tiers (act now, new this month, watch), each child with the reasons
in words, a link to the chronology, and the list downloadable as CSV and Excel.

The first page a QA officer opens. The tiers are defined once, in SQL
(queries/fragments/worklist.sql, on the `case_flags` view at the period's census date); the
counts, the reasons and the page numbers come from the figures layer (figures/casework.py,
figures/lists.py), counted on the viewer's own children (a caseworker's teams).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from figures.casework import VIEWS, by_team, flags_available, view_default, worklist
from figures.format import fmt_date, fmt_int
from figures.labels import TIERS
from figures.lists import whole_worklist, worklist_rows
from pages.common import care, state
from pages.common.child_lists import detail_panel, download_buttons, list_caption
from pages.common.figures import show_table
from pages.common.markup import escape_md
from pages.common.page import about_markdown, frame_context, page_header

PAGE_SIZE = 50
# How each tier's list is ordered (queries/worklist_children.sql), said above it.
ORDER = {
    "act_now": "in working order: new to act now since the previous extract first, then out "
    "of sight, then the clock passed longest ago.",
    "new_this_month": "most severe first (out of sight, then the most flags, then the longest "
    "without provision).",
    "watch": "most severe first (out of sight, then the most flags, then the longest without "
    "provision).",
}


def heading() -> str:
    """'Today: flags at 31 October 2026, from data loaded 30 November' (the as-at date: the
    census date, or the date of a SEN2 return loaded inside the month)."""
    frame = frame_context()
    if frame.filter is None:
        return "Today"
    text = f"Today: flags at {fmt_date(frame.as_at or frame.census)}"
    loaded = frame.loaded_at
    if loaded is not None and not pd.isna(loaded):
        day = pd.Timestamp(loaded)
        same_year = day.year == frame.census.year
        text += f", from data loaded {day.day} {day:%B}" + ("" if same_year else f" {day.year}")
    return text


ctx = page_header(
    heading(),
    "The children to work on, in three tiers: **act now**, **new this month** and **watch**. "
    "Pick a child in the list to read every reason in full and open the chronology.",
)
if not flags_available():
    st.info(
        "This database was published before the worklist existed. Load the next extract (or "
        "the casework log) again to add it."
    )
    st.stop()

f = ctx.filter
# Mine (a caseworker's own children) or by team (a lead's meeting): in the URL, as every choice
own = view_default()
# the browser's Back from a chronology reopens Today with the chronology's address, which
# carries the tier, page and view it was opened from (from_tier, from_page, from_view)
back = state.back_to_today()
view = state.draw(
    "today_view", default=own, initial=state.returning_to("today_view", back), required=True
)
view = view if view in VIEWS else own
mine = view == "mine"
today = worklist(f, mine=mine)
if mine:
    st.caption(
        escape_md(
            f"Your children: those the assignments file names you ({today.caseworker}) as "
            "caseworker for. Choose By team for every child of your reach."
        )
    )
else:
    teams = by_team(f)
    st.subheader(escape_md(teams.title), anchor=False)
    st.caption(escape_md(teams.caption))
    st.caption(
        "Of each team's act now: **New** since the previous extract, **Escalate** (in act now "
        "at two or more extracts in a row), **No caseworker** named in the assignments file."
    )
    show_table(teams.table.frame(), key="today-teams-table")
    with st.expander("About these figures"):
        st.markdown(about_markdown(teams.about))
for column, card in zip(st.columns(3), today.tiers, strict=True):
    column.metric(card.label, card.value, border=True)
    column.caption(card.help)
for column, card in zip(st.columns(3), today.triage, strict=True):
    column.metric(card.label, card.value, help=card.help, border=True)
if not ctx.care_supplied:
    care.notice()  # no child can be out of sight: the act-now tier holds statutory clocks only
st.caption(escape_md(today.summary))
if today.on_list == 0:
    if mine:
        st.info(
            escape_md(
                f"No child on the worklist at {ctx.period_name} names you ({today.caseworker}) "
                "as caseworker. Choose By team to see your teams' children."
            )
        )
    else:
        st.success(f"No child in the filtered cohort is on the worklist at {ctx.period_name}.")
    st.stop()

COLUMNS = {
    "Chronology": st.column_config.LinkColumn("Chronology", display_text="Open"),
    "Why": st.column_config.TextColumn("Why", width="large"),
    "Triage": st.column_config.TextColumn(
        "Triage",
        help="Act now only: new to it since the previous extract, or escalate (in act "
        "now at two or more extracts in a row).",
    ),
    "Caseworker": st.column_config.TextColumn(
        "Caseworker", help="The caseworker the assignments file names; otherwise the SEN team."
    ),
    "Days without provision": st.column_config.NumberColumn(
        format="localized", help=today.days_help
    ),
    "Terms without provision": st.column_config.NumberColumn(help=today.terms_help),
    "Last action": st.column_config.DateColumn(format="D MMM YYYY"),
}
tier = state.draw("today_tier", initial=state.returning_to("today_tier", back), required=True)
tier = tier if tier in TIERS else "act_now"
in_tier = today.size(tier)
st.subheader(
    f"{TIERS[tier].label}: {fmt_int(in_tier)} " + ("child" if in_tier == 1 else "children"),
    anchor=False,
)
if in_tier == 0:
    st.info(f"No child in the filtered cohort is in this tier at {ctx.period_name}.")
else:
    slot = st.container()
    paging = state.draw_pages(
        "today_page", in_tier, PAGE_SIZE, initial=state.returning_to("today_page", back)
    )
    table = worklist_rows(
        f, tier, paging.page, PAGE_SIZE, today.previous_name,
        caseworker=today.caseworker,
        # the chronology's Back link returns to this tier, page and view
        back={
            **state.link_values("today"),
            "today_tier": state.url_value("today_tier", tier),
            "today_page": str(paging.page),
        },
    ).frame()  # fmt: skip
    with slot:
        st.caption(list_caption(paging) + ", " + ORDER[tier])
        selection = st.dataframe(
            table,
            hide_index=True,
            column_config=COLUMNS,
            on_select="rerun",
            selection_mode="single-row",
            key="today-table",
        )
        detail_panel(table, selection, "Tier")
        st.caption(escape_md(f"{today.days_help} {today.terms_help}"))

download_buttons(
    "the whole worklist" if not mine else "your worklist",
    lambda: whole_worklist(f, today.on_list, today.previous_name, caseworker=today.caseworker),
    f"worklist_{f.period}",
    "Worklist",
    "today",
)

# --- records that disagree -------------------------------------------------------------------
disagree = today.records_disagree
st.subheader(f"Records that disagree: {fmt_int(disagree)}", anchor=False)
st.caption(escape_md(today.disagree_help + " Update whichever record is wrong."))
if disagree:
    table = worklist_rows(
        f, None, 1, PAGE_SIZE, today.previous_name, disagree_only=True,
        caseworker=today.caseworker,
    ).frame()  # fmt: skip
    st.dataframe(
        table[
            [
                "Child ID",
                "Placement status",
                "Provision started",
                "Chronology",
                "Tier",
                "District",
                "SEN team",
            ]
        ],
        hide_index=True,
        column_config={
            **COLUMNS,
            "Provision started": st.column_config.DateColumn(
                "Provision started (casework)", format="D MMM YYYY"
            ),
        },
        key="today-disagree",
    )
    if disagree > len(table):
        st.caption(
            f"The first {len(table):,} of {disagree:,}; the whole worklist download lists them all."
        )

# --- the flags one by one --------------------------------------------------------------------
with st.expander("The flags, one by one"):
    flag_columns = st.columns(4)
    for i, card in enumerate(today.flags):
        flag_columns[i % 4].metric(card.label, card.value, help=card.help, border=True)

with st.expander("How the tiers and flags are worked out"):
    for name, reason in today.settings:
        st.markdown(f"**{escape_md(name)}**")
        st.caption(escape_md(reason))
    st.caption(
        "Act now in working order: new to act now since the previous extract first, then out "
        "of sight, then the clock passed longest ago. The other tiers: out of sight first, then "
        "the number of flags raised, then days without provision (longest first; unknown "
        "last). The same definitions are in the database's "
        "case_flags view (act_now, records_disagree) for analysts; the tiers compare with the "
        "loaded period before this one."
    )
