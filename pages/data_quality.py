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
    sources,
    warning_rows,
)
from pages.common.charts import SEQUENTIAL_SCALE, layout
from pages.common.figures import show, show_table
from pages.common.markup import escape_md
from pages.common.page import page_header
from pages.common.pupil_export import pupil_download
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
viewer = current()
# Child IDs and values as written are pupil-level: only for roles that read pupil rows
# county-wide (the choke point refuses the rest); the counts are all other roles get.
sees_rows = viewer is not None and viewer.sees_county_rows
who = roles_that(lambda role: role.sees_pupils and role.county_wide)
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
    if not sees_rows:
        st.info(
            f"The quarantined rows' raw values are pupil-level data: they are shown to {who} only."
        )
    else:
        slot = st.container()
        page = st.pagination(pages, key="quarantine_page") if pages > 1 else 1
        with slot:
            show_table(quarantine_rows(page, QUARANTINE_PAGE).frame(), key="quarantine")
        pupil_download(
            f"Download every quarantined row ({fmt_int(total_quarantined)}, CSV)",
            lambda: quarantine_rows(None, QUARANTINE_PAGE).frame(),
            "quarantined_rows.csv",
            key="quarantine-csv",
        )

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

# --- values loaded as Not recorded, one extract at a time ----------------------------------
st.subheader("Values loaded as Not recorded, by extract", anchor=False)
scope = ctx.period
held = sources(scope)
st.caption(
    (f"{ctx.period_name}'s extracts" if scope else "Every extract loaded")
    + ", the casework log and the assignments, each on its own: fields that were blank or "
    "could not be read were loaded as Not recorded (the child still counts). Columns are "
    "named as the file names them, so they can be put right at source."
    + ("" if sees_rows else f" The children concerned are listed for {who} only.")
)
if not held:
    st.info("No extract has been loaded yet.")
for source in held:
    st.markdown(f"**{escape_md(source.heading)}**")
    st.caption(
        f"File {escape_md(source.file_name)}: {fmt_int(source.rows_read)} rows read, "
        f"{fmt_int(source.rows_loaded)} loaded, {fmt_int(source.rows_quarantined)} quarantined."
        + (
            " Row numbers are the plan's row in the return's activeplans file."
            if source.name.startswith("SEN2") else ""
        )
    )  # fmt: skip
    if source.warnings.empty:
        st.success("No values loaded as Not recorded.")
        continue
    show_table(source.warnings.frame(), key=f"warnings-{source.load_id}")
    if sees_rows:
        st.caption("The rows concerned, with each child's ID and the value as written:")
        show_table(warning_rows(source.load_id).frame(), key=f"warning-rows-{source.load_id}")
        stem = f"not_recorded_{source.kind}_{source.period or 'log'}"
        pupil_download(
            f"Download the rows concerned in {source.file_name} (CSV)",
            lambda load=source.load_id: warning_rows(load).frame(),
            f"{stem}.csv",
            key=f"warning-rows-csv-{source.load_id}",
        )

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
# built in one go from a layout dict (pages/common/charts.py's `layout`): plotly's update_*
# calls each validate the template again (~20 ms a chart)
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
    ),
    layout(
        height=60 + 34 * len(fields),
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"type": "category", "tickangle": -45 if len(periods) > 6 else 0},
    ),
)
show(complete.figure, heat)
