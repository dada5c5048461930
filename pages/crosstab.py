"""Cross-tab: the cohort by any two dimensions, as a heat map and a table with totals."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.common import state
from pages.common.categories import dimension_label
from pages.common.charts import heatmap, pivot
from pages.common.figures import show_figure
from pages.common.page import page_header
from pages.common.words import crosstab_title
from queries.aggregates import DIMENSIONS, crosstab

ctx = page_header(
    "Cross-tab",
    "Two breakdowns at once, for example primary need by care status, or district by "
    "placement status.",
)
f = ctx.filter
options = list(DIMENSIONS)


def label_of(d: str) -> str:
    return DIMENSIONS.get(d) or dimension_label(d)


left, right = st.columns(2)
rows = state.draw("rows", left)
cols = state.draw("cols", right)
if rows == cols:
    st.info("Pick two different breakdowns for the rows and the columns.")
    st.stop()

data = crosstab(f, rows, cols)
wide = pivot(data, rows, cols) if not data.empty else None
if wide is not None:
    table = wide.copy()
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    table = table.reset_index().rename(columns={"row": label_of(rows)})
    table.columns.name = None
else:
    table = pd.DataFrame()
show_figure(
    crosstab_title(data, rows, cols),
    ctx.caption(f"Children out of school by {label_of(rows).lower()} and {label_of(cols).lower()}"),
    ctx.about(
        f"each child once, in the cell of their {label_of(rows).lower()} (row) and "
        f"{label_of(cols).lower()} (column). The table adds row and column totals.",
        "Care status is one value per child (the first that applies); imports by council "
        "count imports only.",
    ),
    heatmap(data, rows, cols) if wide is not None else None,
    table,
    f"children_by_{rows}_and_{cols}_{f.period}.csv",
    key=f"crosstab-{rows}-{cols}",
)
