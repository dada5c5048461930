"""Appendix B breakdowns: the period's cohort by any one dimension, as chart, table and CSV."""

from __future__ import annotations

import dataclasses

from pages.common import state
from pages.common.categories import category_label, dimension_label
from pages.common.charts import bar_chart
from pages.common.figures import show_figure
from pages.common.page import page_header
from pages.common.words import breakdown_title
from queries.aggregates import breakdown

DEFAULT = "primary_need"

# What "About this figure" says each dimension counts, and its caveats.
NOTES = {
    "age": ("each child's age in whole years at the census date.", ""),
    "age_band": ("each child's age band at the census date.", ""),
    "gender": ("each child's recorded gender.", ""),
    "year_group": (
        "each child's year group: as recorded, or worked out from the date of birth for the "
        "academic year holding the census date when the extract leaves it blank.",
        "",
    ),
    "primary_need": (
        "each child's primary need, using the DfE school census / SEN2 codes and labels.",
        "",
    ),
    "need_area": (
        "each child's broad area of need (SEND Code of Practice) from the primary need.",
        "Down syndrome, other difficulty and SEN support without assessment sit outside the "
        "four areas and are shown as Other.",
    ),
    "district": ("the Kent district each child lives in.", ""),
    "care_status": (
        "one care status per child: the first that applies of looked after, child protection, "
        "child in need and previously looked after.",
        "A child with several flags is counted once, under the first. Filter on the flags in "
        "the sidebar to count every child with a given flag.",
    ),
    "placement_status": ("whether each child has no placement or unknown provision.", ""),
    "imported_from": (
        "imports (children whose EHC plan transferred from another council) by the council "
        "they came from. Only imports are counted, so percentages are shares of the imports.",
        "Council names are as typed in the extract.",
    ),
    "days_out_band": (
        "how long each child has been out of school at the census date, in bands; a term is "
        "taken as 97 days.",
        "Children with no 'out of school since' date are shown as Not recorded.",
    ),
    "sen_team": ("the SEN area team holding each child's case.", "Team names are as typed."),
    "is_import": ("whether each child's EHC plan transferred from another council.", ""),
}

ctx = page_header(
    "Breakdowns",
    "The Appendix B review's breakdowns for any month: pick what to break the cohort down by.",
)
f = ctx.filter

dimension = state.draw("dim") or DEFAULT
by_size = state.draw("order") == state.SIZE_ORDER[1]
label = dimension_label(dimension)

# Imports by council count imports only: a "Not an import" bar would dwarf the councils, and
# percentages are more useful as shares of the imports.
shown = dataclasses.replace(f, is_import=True) if dimension == "imported_from" else f
data = breakdown(shown, dimension, by_size=by_size)
table = data.assign(category=[category_label(dimension, c) for c in data["category"]])
table = table.rename(
    columns={"category": label, "children": "Children", "percent": "Percent of children"}
)
counted, caveats = NOTES.get(dimension, ("each child's " + label.lower() + ".", ""))
show_figure(
    breakdown_title(data, dimension),
    ctx.caption(
        "Imports out of school by the council they came from"
        if dimension == "imported_from"
        else f"Children out of school by {label.lower()}"
    ),
    ctx.about(counted + " Percentages are of the children in the figure.", caveats),
    bar_chart(data, dimension) if not data.empty else None,
    table,
    f"children_by_{dimension}_{f.period}.csv",
    key=f"breakdown-{dimension}",
)
