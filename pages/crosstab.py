"""Cross-tab: the cohort by any two dimensions, as a heat map and a table with totals."""

from __future__ import annotations

import streamlit as st

from pages.common import care, state
from pages.common import smallnumbers as small
from pages.common.categories import category_label, dimension_label
from pages.common.charts import heatmap
from pages.common.figures import show_figure
from pages.common.page import page_header
from pages.common.words import crosstab_title
from queries.aggregates import DIMENSIONS, TOTAL, crosstab, crosstab_table

ctx = page_header(
    "Cross-tab",
    "Two breakdowns at once, for example primary need by care status, or district by "
    "placement status.",
)
f = ctx.filter
options = list(DIMENSIONS)


def label_of(d: str) -> str:
    return dimension_label(d)


left, right = st.columns(2)
rows = state.draw("rows", left)
cols = state.draw("cols", right)
if rows == cols:
    st.info("Pick two different breakdowns for the rows and the columns.")
    st.stop()
care.stop_if_care_shown((rows, cols), f.period)

data = crosstab(f, rows, cols)
wide = crosstab_table(f, rows, cols)
hidden, suppressed = None, False
if not wide.empty:
    # Small numbers hidden when on: the counts without their totals go through the DfE rule
    # (a second cell per row or column too), which writes the totals back, c where needed.
    counts = wide.set_index("row_category").drop(index=TOTAL, columns=TOTAL)
    suppressed_wide, hidden, suppressed = small.matrix(counts, total_label=TOTAL)
    if hidden is not None:
        wide = suppressed_wide.rename_axis("row_category").reset_index()
        hidden.index = [category_label(rows, v) for v in hidden.index]
        hidden.columns = [category_label(cols, c) for c in hidden.columns]
    table = wide.assign(
        row_category=[
            TOTAL if v == TOTAL else category_label(rows, v) for v in wide["row_category"]
        ]
    )
    table = table.rename(
        columns={"row_category": label_of(rows)}
        | {c: category_label(cols, c) for c in wide.columns if c not in ("row_category", TOTAL)}
    )
else:
    table = wide
title = crosstab_title(data, rows, cols)
if suppressed and data["children"].max() <= small.THRESHOLD:
    title = "Every group is small: counts of 1 to 5 are hidden"
show_figure(
    title,
    ctx.caption(f"Children out of school by {label_of(rows).lower()} and {label_of(cols).lower()}"),
    small.about(
        ctx.about(
            f"each child once, in the cell of their {label_of(rows).lower()} (row) and "
            f"{label_of(cols).lower()} (column). The table adds row and column totals.",
            "Care status is one value per child (the first that applies); imports by council "
            "count imports only.",
        ),
        suppressed,
    ),
    heatmap(data, rows, cols, hidden) if not wide.empty else None,
    table,
    f"children_by_{rows}_and_{cols}_{f.period}.csv",
    key=f"crosstab-{rows}-{cols}",
)
