"""Cohort explorer for QA officers: the filtered children, sorted and paged, with downloads.

The rows come through the pupil-level choke point (figures/lists.py -> queries/pupil.py); the
count, the page numbers and the files' headers are the figures layer's, counted on the viewer's
own children (a caseworker's teams), so they agree with the rows.
"""

from __future__ import annotations

import streamlit as st

from figures.lists import EXPLORER_COLUMNS, cohort_rows, whole_cohort
from pages.common import state
from pages.common.child_lists import list_caption
from pages.common.exports import export_info
from pages.common.page import page_header
from pages.common.pupil_export import pupil_download

ctx = page_header(
    "Cohort explorer",
    "The children behind the figures, one row each, for checking and follow-up. IDs are the "
    "case-management system's pseudonymous identifiers.",
)
f = ctx.filter
total = ctx.frame.count  # the viewer's children matching the filters (exact on this page)

sort_col, order_col, size_col = st.columns([2, 1, 1])
sort_by = state.draw("sort", sort_col) or "days_out"
descending = state.draw("desc", order_col)
page_size = state.draw("rows_per_page", size_col) or 50

page_slot = st.container()
paging = state.draw_pages("page", total, page_size, max_visible_pages=7)
rows = cohort_rows(f, sort_by, descending, paging.page, page_size).frame()
order_words = f"{'largest' if descending else 'smallest'} first; not recorded last"
with page_slot:
    st.caption(
        f"{list_caption(paging)}, sorted by {EXPLORER_COLUMNS[sort_by].lower()} "
        f"({order_words}). Click a column heading to sort this page only."
    )
    st.dataframe(
        rows,
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
    f"Sorted by {EXPLORER_COLUMNS[sort_by].lower()}, {'largest' if descending else 'smallest'} "
    "first (not recorded last), as on the screen"
)
info = export_info("Children out of school: cohort list", order=order, pupil_level=True)


def export_frame():
    # Runs only when a download button is clicked (deferred), not on every rerun: every child
    # matching the filters, in the screen's order, through the pupil-level choke point.
    return whole_cohort(f, sort_by, descending, total)


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
    f"Downloads hold all {total:,} children matching the filters, in the order shown here, "
    "with a note of the period, filters and source. Handle them as personal data: store them "
    "only where the council's data-protection rules allow. "
    "Each download is recorded in the audit trail."
)
