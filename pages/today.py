"""Today: a worklist in three tiers (act now, new this month, watch), each child with the reasons
in words, a link to the chronology, and the list downloadable as CSV and Excel.

The first page a QA officer opens. The tiers are defined once, in SQL
(queries/fragments/worklist.sql, on the `case_flags` view at the period's census date); the
counts at the top are the tiers, not the flags. The sentences come from
pages/common/flag_words.py (tested), not from here.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from pages.common import care
from pages.common.child_lists import (
    chronology_link,
    detail_panel,
    download_buttons,
    whole_list,
)
from pages.common.flag_words import flag_help, settings_lines, tier_lines, worklist_reason_text
from pages.common.format import escape_md, fmt_date, fmt_int, period_label
from pages.common.page import frame_context, page_header
from queries.casework import flags_available, flags_by_period, worklist_children, worklist_counts
from queries.flag_settings import read_flag_settings
from queries.flags import FLAGS, TIERS

PAGE_SIZE = 50


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
values = read_flag_settings()
counts = worklist_counts(f)
previous = counts["previous_period"]
previous_name = period_label(previous) if previous else None
lines = tier_lines(values, previous_name)

columns = st.columns(3)
for column, (tier, name) in zip(columns, TIERS.items(), strict=True):
    column.metric(name.label, fmt_int(counts[tier]), border=True)
    column.caption(lines[tier])

if not ctx.care_supplied:
    care.notice()  # no child can be out of sight: the act-now tier holds statutory clocks only
later = counts["events_after_census"]
as_at = ctx.as_at or ctx.census
st.caption(
    f"{fmt_int(counts['on_list'])} of {fmt_int(counts['children'])} children are on the "
    f"worklist at {ctx.period_name}. "
    + (
        f"Flags are worked out at {fmt_date(as_at)}, the date of the SEN2 return loaded for "
        f"{ctx.period_name} (statutory clocks pass on the day), and count casework up to that "
        "date only: "
        if as_at != ctx.census
        else f"Flags count casework up to the census date ({fmt_date(ctx.census)}) only: "
    )
    + (
        f"the casework log holds {fmt_int(later)} later "
        + ("event" if later == 1 else "events")
        + " for these children (up to "
        + fmt_date(counts["latest_event_date"])
        + "), shown in each child's row and chronology but not counted in the tiers."
        if later
        else "the casework log holds no later events for these children."
    )
)
if counts["on_list"] == 0:
    st.success(f"No child in the filtered cohort is on the worklist at {ctx.period_name}.")
    st.stop()


def list_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Worklist rows as shown: tier, reasons in words, then the facts behind them."""
    return pd.DataFrame(
        {
            "Child ID": rows["child_id"],
            "Tier": [TIERS[t].label for t in rows["tier"]],
            "Chronology": [chronology_link(c, f.period) for c in rows["child_id"]],
            "Why": [worklist_reason_text(r, previous_name) for _, r in rows.iterrows()],
            "Flags": rows["flags_raised"],
            "Days without provision": rows["days_without_provision"],
            "Terms without provision": rows["terms_without_provision"],
            "Last action": rows["last_event_date"],
            "Casework after the census date": rows["events_after_census"],
            "District": rows["district"],
            "SEN team": rows["sen_team"],
            "Placement status": rows["placement_status"],
        }
    )


COLUMNS = {
    "Chronology": st.column_config.LinkColumn("Chronology", display_text="Open"),
    "Why": st.column_config.TextColumn("Why", width="large"),
    "Days without provision": st.column_config.NumberColumn(format="localized"),
    "Last action": st.column_config.DateColumn(format="D MMM YYYY"),
}


tier = st.segmented_control(
    "Tier shown",
    list(TIERS),
    format_func=lambda t: TIERS[t].label,  # the URL keeps the label: ?today_tier=Watch
    default="act_now",
    required=True,
    key="today_tier",
    bind="query-params",
)
tier = tier if tier in TIERS else "act_now"
in_tier = counts[tier]
st.subheader(
    f"{TIERS[tier].label}: {fmt_int(in_tier)} " + ("child" if in_tier == 1 else "children"),
    anchor=False,
)
if in_tier == 0:
    st.info(f"No child in the filtered cohort is in this tier at {ctx.period_name}.")
else:
    pages = max(1, math.ceil(in_tier / PAGE_SIZE))
    slot = st.container()
    page = min(max(1, st.pagination(pages, key="today_page", bind="query-params")), pages)
    rows = worklist_children(f, tier, page, PAGE_SIZE)
    first = (page - 1) * PAGE_SIZE + 1
    table = list_table(rows)
    with slot:
        st.caption(
            f"Children {first:,} to {first + len(rows) - 1:,} of {in_tier:,}, most severe first "
            "(out of sight, then the most flags, then the longest without provision)."
        )
        selection = st.dataframe(
            table,
            hide_index=True,
            column_config=COLUMNS,
            on_select="rerun",
            selection_mode="single-row",
            key="today-table",
        )
        detail_panel(table, selection, f.period, "Tier")


download_buttons(
    "the whole worklist",
    lambda: list_table(
        whole_list(lambda n, size: worklist_children(f, None, n, size), counts["on_list"])
    ).drop(columns=["Chronology"]),
    f"worklist_{f.period}",
    "Worklist",
    "today",
)

# --- records that disagree -------------------------------------------------------------------
disagree = counts["records_disagree"]
st.subheader(f"Records that disagree: {fmt_int(disagree)}", anchor=False)
st.caption(flag_help(values)["records_disagree"] + " Update whichever record is wrong.")
if disagree:
    rows = worklist_children(f, None, 1, PAGE_SIZE, disagree_only=True)
    table = list_table(rows).assign(**{"Provision started": rows["last_provision_started"]})
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
    if disagree > len(rows):
        st.caption(
            f"The first {len(rows):,} of {disagree:,}; the whole worklist download lists them all."
        )

# --- the flags one by one --------------------------------------------------------------------
with st.expander("The flags, one by one"):
    flag_counts = flags_by_period(f)
    summary = flag_counts.iloc[0] if not flag_counts.empty else pd.Series(dtype="int64")
    helps = flag_help(values)
    flag_columns = st.columns(4)
    shown = [("needs_action", "Any flag", "Children with at least one flag, or out of sight.")]
    shown += [(name, FLAGS[name].short, helps[name]) for name in FLAGS]
    for i, (name, label, help_text) in enumerate(shown):
        value = fmt_int(int(summary.get(name, 0) or 0))
        if name == "out_of_sight" and not ctx.care_supplied:
            value = care.NOT_SUPPLIED
        flag_columns[i % 4].metric(label, value, help=help_text, border=True)

with st.expander("How the tiers and flags are worked out"):
    for name, reason in settings_lines(values, ("flags.", "worklist.")):
        st.markdown(f"**{escape_md(name)}**")
        st.caption(escape_md(reason))
    st.caption(
        "Within a tier: out of sight first, then the number of flags raised, then days without "
        "provision (longest first; unknown last). The same definitions are in the database's "
        "case_flags view (act_now, records_disagree) for analysts; the tiers compare with the "
        "loaded period before this one."
    )
