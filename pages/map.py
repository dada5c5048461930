"""District map: Kent's twelve districts shaded by the number or share of children."""

from __future__ import annotations

from pages.common import state
from pages.common.district_map import ATTRIBUTION, map_figure
from pages.common.figures import show_figure
from pages.common.format import escape_md, escape_plotly, fmt_int, fmt_pct
from pages.common.page import page_header
from queries.aggregates import breakdown

COUNT, SHARE = "Number of children", "Share of the cohort"

ctx = page_header(
    "District map",
    "Where the children live. Shading by share shows each district's part of the cohort; "
    "it is not a rate per head of population.",
)
f = ctx.filter

measure = state.draw("shade") or COUNT

data = breakdown(f, "district")
by_name = {str(r.category): r for r in data.itertuples()}
shown = "children" if measure == COUNT else "percent"
values = {name: float(getattr(row, shown)) for name, row in by_name.items()}
hover = {
    name: f"<b>{escape_plotly(name)}</b><br>{fmt_int(row.children)} children<br>"
    f"{fmt_pct(row.percent)} of the children shown"
    for name, row in by_name.items()
}
on_map = data[~data["category"].isin(["Out of county", "Not recorded"])]
off_map = data[data["category"].isin(["Out of county", "Not recorded"])]
if on_map.empty:
    title = "No children in Kent's districts with these filters"
else:
    top = on_map.loc[on_map["children"].idxmax()]
    title = f"{top['category']} has the most children out of school ({fmt_pct(top['percent'])})"
table = data.rename(
    columns={"category": "District", "children": "Children", "percent": "Percent of children"}
)
about = ctx.about(
    "children in each Kent district, by the district recorded in the extract. Shading is by "
    + ("the number of children." if measure == COUNT else "each district's share of the cohort.")
    + " Children out of county or with no district recorded are in the table, not on the map.",
    "Shares are of the cohort shown, not rates per head of population: a district with more "
    "children living in it will tend to have more children out of school. "
    + escape_md(ATTRIBUTION),
)
show_figure(
    title,
    ctx.caption(f"Children out of school by district ({measure.lower()})"),
    about,
    map_figure(
        values, hover, "Children" if measure == COUNT else "Share", percent=measure == SHARE
    ),
    table,
    f"children_by_district_{f.period}.csv",
    key="district-map",
    note=escape_md(
        (
            ""
            if off_map.empty
            else "Not on the map: "
            + "; ".join(f"{r.category} {fmt_int(r.children)}" for r in off_map.itertuples())
            + ". "
        )
        + ATTRIBUTION
    ),
)
