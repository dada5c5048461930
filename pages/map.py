"""District map: Kent's twelve districts shaded by the number or share of children."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from figures.format import escape_plotly, fmt_int, fmt_pct
from pages.common import smallnumbers as small
from pages.common import state
from pages.common.district_map import ATTRIBUTION, map_figure
from pages.common.figures import show_figure
from pages.common.markup import escape_md
from pages.common.page import page_header
from queries.aggregates import breakdown
from queries.dimensions import MAP_DISTRICTS
from queries.published import district_population
from queries.rates import has_caseload, rates

COUNT, SHARE = "Number of children", "Share of the cohort"
# Rates (issue 11): against children with a plan (needs the period's caseload), and against
# residents aged 0-25 (ONS mid-2023, shipped in data/reference/sen2/)
PER_PLANS, PER_POP = "Rate per 100 children with a plan", "Rate per 10,000 aged 0–25"

ctx = page_header(
    "District map",
    "Where the children live. Shading by share shows each district's part of the cohort; "
    "the two rates divide by the district's children with an EHC plan or by its residents "
    "aged 0 to 25.",
)
f = ctx.filter

caseload_loaded = has_caseload(f.period)
measure = state.draw("shade") or COUNT
if measure == PER_PLANS and not caseload_loaded:
    st.info(
        f"No EHC plan caseload is loaded for {ctx.period_name}, so there is no rate per "
        "child with a plan this month: the map shows the number of children instead."
    )
    measure = COUNT

data = breakdown(f, "district")
if measure == PER_PLANS:
    planned = rates(f, "district")[["category", "children_with_plan", "rate_per_100"]]
    data = data.merge(planned, on="category", how="left")
elif measure == PER_POP:
    population = district_population().rename(columns={"district": "category"})
    data = data.merge(population, on="category", how="left")
    data["rate_per_10000_aged_0_25"] = 10000 * data["children"] / data["age_0_25"]
# Small numbers hidden (when on): a hidden district is left unshaded and reads c, and its
# share and rates are hidden with it.
table_data, data, hidden = small.long(
    data, share_cols=("percent", "rate_per_100", "rate_per_10000_aged_0_25")
)
by_name = {str(r.category): r for r in data.itertuples()}
shown = {
    COUNT: "children",
    SHARE: "percent",
    PER_PLANS: "rate_per_100",
    PER_POP: "rate_per_10000_aged_0_25",
}[measure]
values = {
    name: float(getattr(row, shown))
    for name, row in by_name.items()
    if pd.notna(getattr(row, shown))  # no denominator, or hidden: not shaded
}
hover = {
    name: f"<b>{escape_plotly(name)}</b><br>{small.SUPPRESSED}: a small number, hidden"
    if pd.isna(row.children)
    else f"<b>{escape_plotly(name)}</b><br>{fmt_int(row.children)} children<br>"
    f"{fmt_pct(row.percent)} of the children shown"
    + (
        f"<br>{values[name]:.1f} {measure.lower().removeprefix('rate ')}"
        if measure in (PER_PLANS, PER_POP) and name in values
        else ""
    )
    for name, row in by_name.items()
}
on_map = data[data["category"].isin(MAP_DISTRICTS)].dropna(subset=["children"])
off_map = table_data[~table_data["category"].isin(MAP_DISTRICTS)]
if on_map.empty:
    title = "No children in Kent's districts with these filters"
elif measure in (PER_PLANS, PER_POP) and on_map[shown].notna().any():
    top = on_map.loc[on_map[shown].idxmax()]
    unit = "per 100 with a plan" if measure == PER_PLANS else "per 10,000 aged 0–25"
    title = f"{top['category']} has the highest rate: {top[shown]:.1f} {unit}"
else:
    top = on_map.loc[on_map["children"].idxmax()]
    title = f"{top['category']} has the most children out of school ({fmt_pct(top['percent'])})"
table = table_data.rename(
    columns={
        "category": "District",
        "children": "Children",
        "percent": "Percent of children",
        "children_with_plan": "Children with a plan",
        "rate_per_100": "Rate per 100 children with a plan",
        "age_0_25": "Residents aged 0-25 (ONS mid-2023)",
        "rate_per_10000_aged_0_25": "Rate per 10,000 aged 0-25",
    }
)
about = ctx.about(
    "children in each Kent district, by the district recorded in the extract. Shading is by "
    + {
        COUNT: "the number of children.",
        SHARE: "each district's share of the cohort.",
        PER_PLANS: "children out of school per 100 children with an EHC plan living in the "
        "district (denominator: the council's caseload extract at the same census date, same "
        "filters except placement, import and days out).",
        PER_POP: "children out of school per 10,000 residents aged 0 to 25 (denominator: ONS "
        "mid-2023 population estimates, shipped with the dashboard; check against the newest "
        "ONS estimates).",
    }[measure]
    + " Children out of county or with no district recorded are in the table, not on the map.",
    "Shares are of the cohort shown, not rates per head of population: a district with more "
    "children living in it will tend to have more children out of school. "
    + escape_md(ATTRIBUTION),
)
about = small.about(about, hidden)
show_figure(
    title,
    ctx.caption(f"Children out of school by district ({measure.lower()})"),
    about,
    map_figure(
        values,
        hover,
        {COUNT: "Children", SHARE: "Share", PER_PLANS: "Per 100", PER_POP: "Per 10,000"}[measure],
        percent=measure == SHARE,
    ),
    table,
    f"children_by_district_{f.period}.csv",
    key="district-map",
    note=escape_md(
        (
            ""
            if off_map.empty
            else "Not on the map: "
            + "; ".join(f"{r.category} {small.fmt_count(r.children)}" for r in off_map.itertuples())
            + ". "
        )
        + ATTRIBUTION
    ),
)
