"""Cohort explorer for QA officers: the filtered children, sorted and paged, with downloads."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from pages.common import care, state
from pages.common.child_lists import whole_list
from pages.common.exports import export_info
from pages.common.page import page_header
from pages.common.pupil_export import pupil_download
from pages.common.state import SORT_LABELS
from queries.pupil import cohort_page

# Columns of the list in the order shown, with their headings (the same headings the sort
# control offers). Pseudonymous IDs only.
COLUMNS = SORT_LABELS


def people_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The list's columns with readable headings; Import as Yes/No."""
    table = rows[[c for c in COLUMNS if c in rows.columns]].copy()
    if "is_import" in table:
        table["is_import"] = table["is_import"].map({True: "Yes", False: "No"})
    if "care_status" in table and not ctx.care_supplied:
        table["care_status"] = care.NOT_SUPPLIED
    return table.rename(columns=COLUMNS)


ctx = page_header(
    "Cohort explorer",
    "The children behind the figures, one row each, for checking and follow-up. IDs are the "
    "case-management system's pseudonymous identifiers.",
)
f = ctx.filter

sort_col, order_col, size_col = st.columns([2, 1, 1])
sort_by = state.draw("sort", sort_col) or "days_out"
descending = state.draw("desc", order_col)
page_size = state.draw("rows_per_page", size_col) or 50

pages = max(1, math.ceil(ctx.count / page_size))
page_slot = st.container()
page = state.draw_pages("page", pages, max_visible_pages=7)
rows = cohort_page(f, sort_by, descending, page, page_size)
first = (page - 1) * page_size + 1
last = first + len(rows) - 1
with page_slot:
    st.caption(
        f"Children {first:,} to {last:,} of {ctx.count:,}, sorted by "
        f"{COLUMNS[sort_by].lower()} ({'largest' if descending else 'smallest'} first; not "
        "recorded last). Click a column heading to sort this page only."
    )
    st.dataframe(
        people_table(rows),
        hide_index=True,
        column_config={
            "Age": st.column_config.NumberColumn(format="%d"),
            "Days out": st.column_config.NumberColumn(format="localized"),
            "Out of school since": st.column_config.DateColumn(format="D MMM YYYY"),
            "Primary need": st.column_config.TextColumn(help="DfE primary need code"),
        },
        key="cohort-table",
    )


order = (
    f"Sorted by {COLUMNS[sort_by].lower()}, {'largest' if descending else 'smallest'} first "
    "(not recorded last), as on the screen"
)
info = export_info("Children out of school: cohort list", order=order, pupil_level=True)


def export_frame() -> pd.DataFrame:
    # Runs only when a download button is clicked (deferred), not on every rerun: every child
    # matching the filters, in the screen's order, through the pupil-level choke point.
    return people_table(
        whole_list(lambda n, size: cohort_page(f, sort_by, descending, n, size), ctx.count)
    )


left, right, _ = st.columns([1, 1, 2])
stem = f"cohort_{f.period}"
pupil_download(
    "Download CSV", export_frame, f"{stem}.csv", key="cohort-csv", container=left, info=info
)
pupil_download(
    "Download Excel",
    export_frame,
    f"{stem}.xlsx",
    info=info,
    key="cohort-xlsx",
    container=right,
    icon=":material/table_view:",
)
st.caption(
    f"Downloads hold all {ctx.count:,} children matching the filters, in the order shown here, "
    "with a note of the period, filters and source. Handle them as personal data: store them "
    "only where the council's data-protection rules allow. "
    "Each download is recorded in the audit trail."
)
