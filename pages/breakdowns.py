"""Appendix B breakdowns: the period's cohort by any one dimension, as chart, table and CSV."""

from __future__ import annotations

import dataclasses

from pages.common import care, state
from pages.common import smallnumbers as small
from pages.common.categories import category_label, dimension_label
from pages.common.charts import bar_chart
from pages.common.figures import show_figure
from pages.common.page import page_header
from pages.common.words import breakdown_title
from queries.aggregates import breakdown
from queries.dimensions import SPECS
from queries.rates import RATE_DIMENSIONS, has_caseload, rates

DEFAULT = "primary_need"

ctx = page_header(
    "Breakdowns",
    "The Appendix B review's breakdowns for any month: pick what to break the cohort down by.",
)
f = ctx.filter

dimension = state.draw("dim") or DEFAULT
by_size = state.draw("order") == state.SIZE_ORDER[1]
label = dimension_label(dimension)
care.stop_if_care_shown((dimension,), f.period)

# Imports by council count imports only: a "Not an import" bar would dwarf the councils, and
# percentages are more useful as shares of the imports.
shown = dataclasses.replace(f, is_import=True) if dimension == "imported_from" else f
data = breakdown(shown, dimension, by_size=by_size)
# Small numbers hidden (senior leaders, or the sidebar switch): the table shows c, the chart
# draws no bar for a hidden count, and the title names only a category it can show.
table_data, data, hidden = small.long(data)
table = table_data.assign(category=[category_label(dimension, c) for c in data["category"]])
# With the period's EHC plan caseload loaded, the rate beside each count (Rates page for more)
with_rates = dimension in RATE_DIMENSIONS and has_caseload(f.period)
if with_rates:
    planned = rates(f, dimension)[["category", "children_with_plan", "rate_per_100"]]
    planned, _, planned_hidden = small.long(planned, "children_with_plan", ())
    hidden = hidden or planned_hidden
    planned["category"] = [category_label(dimension, c) for c in planned["category"]]
    table = table.merge(planned, on="category", how="left")
    if small.suppressing():
        # a rate goes with its count: hidden when either count is
        gone = (table["children"] == small.SUPPRESSED) | (
            table["children_with_plan"] == small.SUPPRESSED
        )
        table["rate_per_100"] = table["rate_per_100"].astype("Float64").mask(gone.to_numpy())
table = table.rename(
    columns={
        "category": label,
        "children": "Children",
        "percent": "Percent of children",
        "children_with_plan": "Children with a plan",
        "rate_per_100": "Out of school per 100 with a plan",
    }
)
counted, caveats = SPECS[dimension].counted, SPECS[dimension].caveats
show_figure(
    breakdown_title(data, dimension),
    ctx.caption(
        "Imports out of school by the council they came from"
        if dimension == "imported_from"
        else f"Children out of school by {label.lower()}"
    ),
    small.about(
        ctx.about(
            counted
            + " Percentages are of the children in the figure."
            + (
                " The table adds each group's children with an EHC plan (the caseload at the "
                "same census date) and the rate per 100 of them; see the Rates page for "
                "intervals."
                if with_rates
                else ""
            ),
            caveats,
        ),
        hidden,
    ),
    bar_chart(data, dimension) if not data.empty else None,
    table,
    f"children_by_{dimension}_{f.period}.csv",
    key=f"breakdown-{dimension}",
)
