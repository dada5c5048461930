"""Data quality: what was loaded when, what was quarantined and why, and what is missing.

Raw values of quarantined rows are extract text: they are shown in tables (plain text), never
as Markdown or HTML. Every figure comes from figures/quality.py.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from figures.format import escape_plotly, fmt_int, fmt_pct, period_label
from figures.quality import (
    completeness,
    load_history,
    missing,
    quarantine_rows,
    quarantined,
    records_disagree,
    warnings,
)
from pages.common.charts import SEQUENTIAL_SCALE, style
from pages.common.figures import show, show_table
from pages.common.page import page_header
from trust.roles import roles_that
from trust.viewer import current

QUARANTINE_PAGE = 100

ctx = page_header(
    "Data quality",
    "What has been loaded, what could not be, and how complete each field is. No child "
    "silently disappears: every row read is loaded or quarantined with a reason.",
    needs_period=False,
    allow_empty=True,
)

# --- load history --------------------------------------------------------------------------
st.subheader("Load history", anchor=False)
history = load_history()
if history.empty:
    st.info("No extract has been loaded yet.")
else:
    st.caption(
        f"{fmt_int(len(history))} loads, newest first. A period loaded again replaces the "
        "earlier load of that period."
    )
    show_table(history.frame(), key="load-history")

# --- quarantine ----------------------------------------------------------------------------
st.subheader("Quarantined rows", anchor=False)
total_quarantined = quarantined()
if total_quarantined == 0:
    st.success("No rows are quarantined: every row read was loaded.")
else:
    pages = max(1, -(-total_quarantined // QUARANTINE_PAGE))
    st.caption(
        f"{fmt_int(total_quarantined)} rows could not be loaded and are not counted in any "
        "figure. Raw values are shown exactly as they were in the file."
    )
    viewer = current()
    if viewer is None or not viewer.sees_county_rows:
        # Raw values name children (IDs, dates of birth): only for roles that see pupil rows
        # county-wide; the count above is all other roles get.
        who = roles_that(lambda role: role.sees_pupils and role.county_wide)
        st.info(
            f"The quarantined rows' raw values are pupil-level data: they are shown to {who} only."
        )
    else:
        slot = st.container()
        page = st.pagination(pages, key="quarantine_page") if pages > 1 else 1
        with slot:
            show_table(quarantine_rows(page, QUARANTINE_PAGE).frame(), key="quarantine")

# --- cohort children missing from the caseload (issue 11) ----------------------------------
st.subheader("Children out of school missing from the EHC plan caseload", anchor=False)
found = missing()
if found is None:
    st.info("No EHC plan caseload is loaded, so this check has nothing to compare.")
elif found[1]:
    st.success("Every child out of school is in the caseload of the same month.")
else:
    st.caption(
        "Children in a month's out-of-school cohort whose child_id is not in that month's "
        "caseload extract. They are still counted in every figure (never dropped); rates treat "
        "them as out of school, so the two extracts should be reconciled."
    )
    show_table(found[0].frame(), key="missing-from-caseload")

# --- warnings by column --------------------------------------------------------------------
st.subheader("Values loaded as Not recorded", anchor=False)
scope = ctx.period
by_column = warnings(scope)
if by_column.empty:
    st.success(
        f"No warnings for {ctx.period_name}." if scope else "No warnings in the loaded data."
    )
else:
    st.caption(
        (f"{ctx.period_name} snapshot" if scope else "All loaded data")
        + ": fields that were blank or could not be read were loaded as Not recorded (the "
        "child still counts)."
    )
    show_table(by_column.frame(), key="warnings")

# --- records that disagree ------------------------------------------------------------------
if ctx.filter is not None:
    disagree = records_disagree(ctx.period)
    if disagree is not None:
        st.subheader(f"Records that disagree: {fmt_int(disagree)}", anchor=False)
        st.caption(
            f"{ctx.period_name}, all children in the snapshot (the filters do not apply): "
            "placement status 'Provision unknown' while the casework log shows provision "
            "started, so one of the two records is out of date. The Today page lists them with "
            "a link to each chronology."
        )

# --- completeness --------------------------------------------------------------------------
complete = completeness()
if complete is None:
    st.stop()
data = complete.figure.chart.frame()
periods, fields = list(complete.periods), list(data["label"])
values = data[list(periods)].to_numpy().tolist()
heat = go.Figure(
    go.Heatmap(
        z=values,
        x=[period_label(p) for p in periods],
        y=[escape_plotly(f) for f in fields],
        colorscale=SEQUENTIAL_SCALE,
        zmin=0,
        text=[[fmt_pct(v) for v in row] for row in values],
        texttemplate="%{text}" if len(periods) <= 12 else None,
        hovertemplate="%{y}, %{x}: %{z:.1f}% not recorded<extra></extra>",
        colorbar={"title": {"text": "% not recorded"}},
        xgap=1,
        ygap=1,
    )
)
style(heat, height=60 + 34 * len(fields))
heat.update_yaxes(autorange="reversed", type="category")
heat.update_xaxes(type="category", tickangle=-45 if len(periods) > 6 else 0)
show(complete.figure, heat)
