"""Data quality: what was loaded when, what was quarantined and why, and what is missing.

Raw values of quarantined rows are extract text: they are shown in tables (plain text), never
as Markdown or HTML.
"""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from figures.format import escape_plotly, fmt_int, fmt_pct, period_label
from pages.common.charts import SEQUENTIAL_SCALE, style
from pages.common.figures import show_figure, show_table
from pages.common.markup import escape_md
from pages.common.page import page_header
from queries.aggregates import load_history, not_recorded_table, warnings_by_field
from queries.casework import flags_available, flags_by_period
from queries.pupil import quarantine_count, quarantine_rows
from queries.rates import missing_from_caseload
from trust.roles import roles_that
from trust.viewer import current

QUARANTINE_PAGE = 100
FIELD_LABELS = {
    "gender": "Gender",
    "date_of_birth": "Date of birth",
    "year_group": "Year group",
    "primary_need": "Primary need",
    "district": "District",
    "out_of_school_since": "Out of school since",
    "sen_team": "SEN team",
    "ehcp_issued": "EHC plan issued",
    "last_annual_review": "Last annual review",
    "provision_hours": "Provision hours",
}


def json_text(value) -> str:
    """A load-log JSON cell ('{"district": 3}') as plain words ('district: 3')."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return ""
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return str(value)
    if isinstance(parsed, dict):
        return "; ".join(
            f"{k}: {v:,}" if isinstance(v, int) else f"{k}: {v}" for k, v in parsed.items()
        )
    if isinstance(parsed, list):
        return ", ".join(str(v) for v in parsed)
    return str(parsed)


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
    shown = pd.DataFrame(
        {
            "Loaded at": history["loaded_at"],
            "Kind": history["kind"].str.capitalize(),
            "File": history["file_name"],
            "Period": [period_label(p) if isinstance(p, str) else "" for p in history["period"]],
            "Rows read": history["rows_read"],
            "Loaded": history["rows_loaded"],
            "Quarantined": history["rows_quarantined"],
            "Warnings": history["warnings"],
            "Warnings by column": [json_text(v) for v in history["warnings_by_column"]],
            "Extra columns ignored": [json_text(v) for v in history["extra_columns"]],
            "Synthetic": history["synthetic"].map({True: "Yes", False: "No"}),
        }
    )
    st.caption(
        f"{fmt_int(len(history))} loads, newest first. A period loaded again replaces the "
        "earlier load of that period."
    )
    show_table(shown, key="load-history")

# --- quarantine ----------------------------------------------------------------------------
st.subheader("Quarantined rows", anchor=False)
total_quarantined = quarantine_count()
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
        st.stop()
    slot = st.container()
    page = st.pagination(pages, key="quarantine_page") if pages > 1 else 1
    rows = quarantine_rows(limit=QUARANTINE_PAGE, offset=(page - 1) * QUARANTINE_PAGE)
    with slot:
        show_table(
            pd.DataFrame(
                {
                    "Load": rows["load_id"],
                    "Kind": rows["kind"],
                    "Period": rows["period"],
                    "File": rows["file_name"],
                    "Row": rows["source_row"],
                    "Child ID": rows["child_id"],
                    "Reason": rows["reason"],
                    "Raw values": rows["raw_values"].astype("string"),
                }
            ),
            key="quarantine",
        )

# --- cohort children missing from the caseload (issue 11) ----------------------------------
st.subheader("Children out of school missing from the EHC plan caseload", anchor=False)
missing = missing_from_caseload()
if missing.empty:
    st.info("No EHC plan caseload is loaded, so this check has nothing to compare.")
elif int(missing["missing_from_caseload"].sum()) == 0:
    st.success("Every child out of school is in the caseload of the same month.")
else:
    st.caption(
        "Children in a month's out-of-school cohort whose child_id is not in that month's "
        "caseload extract. They are still counted in every figure (never dropped); rates treat "
        "them as out of school, so the two extracts should be reconciled."
    )
    show_table(
        missing.assign(period=[period_label(p) for p in missing["period"]]).rename(
            columns={
                "period": "Period",
                "cohort_children": "Children out of school",
                "missing_from_caseload": "Missing from the caseload",
            }
        ),
        key="missing-from-caseload",
    )

# --- warnings by column --------------------------------------------------------------------
st.subheader("Values loaded as Not recorded", anchor=False)
scope = ctx.period
by_column = warnings_by_field(scope)
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
    show_table(
        by_column.rename(columns={"column_name": "Column", "reason": "Reason", "warnings": "Rows"}),
        key="warnings",
    )

# --- records that disagree ------------------------------------------------------------------
if ctx.filter is not None and flags_available():
    # the whole snapshot, like the rest of this page (the filters do not apply here)
    snapshot = type(ctx.filter)(period=ctx.period)
    disagree = int(flags_by_period(snapshot)["records_disagree"].iloc[0])
    st.subheader(f"Records that disagree: {fmt_int(disagree)}", anchor=False)
    st.caption(
        f"{ctx.period_name}, all children in the snapshot (the filters do not apply): "
        "placement status 'Provision unknown' while the casework log shows provision started, "
        "so one of the two records is out of date. The Today page lists them with a link to "
        "each chronology."
    )

# --- completeness --------------------------------------------------------------------------
table = not_recorded_table()
if table.empty:
    st.stop()
fields = [FIELD_LABELS.get(f, f) for f in table["field"]]
periods = [c for c in table.columns if c != "field"]
wide = table.set_index("field")[periods]
heat = go.Figure(
    go.Heatmap(
        z=wide.values,
        x=[period_label(p) for p in periods],
        y=[escape_plotly(f) for f in fields],
        colorscale=SEQUENTIAL_SCALE,
        zmin=0,
        text=[[fmt_pct(v) for v in row] for row in wide.values],
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
latest = wide[periods[-1]]  # the title names the least complete field in the latest period
worst = latest.idxmax()
title = (
    f"{FIELD_LABELS.get(worst, worst)} is least complete: {fmt_pct(latest[worst])} not recorded"
    if latest[worst] > 0
    else "Every field is fully recorded"
)
table = wide.reset_index()
table.columns = ["Field"] + [f"{period_label(p)} (% not recorded)" for p in periods]
table["Field"] = fields
show_figure(
    title,
    escape_md(
        f"Share of children with each field not recorded, {period_label(periods[0])} to "
        f"{period_label(periods[-1])}. All children in each snapshot (the filters do not apply). "
        f"Source: {ctx.source}. Census date: the last day of each month."
    ),
    (
        "**What is counted:** for each loaded period, the percentage of children whose value "
        "in each field is Not recorded or blank (all children in the snapshot; the sidebar "
        "filters do not apply here).\n\n**Caveats:** a blank optional field (for example "
        "provision hours) may be genuinely unknown rather than an error."
    ),
    heat,
    table,
    "not_recorded_share_by_period.csv",
    key="not-recorded",
)
