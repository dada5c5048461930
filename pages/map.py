"""District map: Kent's twelve districts shaded by the number or share of children, or a rate."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from figures.breakdowns import COUNT, PER_PLANS, PER_POP, SHARE, district_map
from figures.format import escape_plotly, fmt_int, fmt_pct
from figures.protect import SUPPRESSED
from pages.common import state
from pages.common.district_map import map_figure
from pages.common.figures import show
from pages.common.page import page_header

ctx = page_header(
    "District map",
    "Where the children live. Shading by share shows each district's part of the cohort; "
    "the two rates divide by the district's children with an EHC plan or by its residents "
    "aged 0 to 25.",
)
figure = district_map(ctx.filter, state.draw("shade") or COUNT)
if figure.option("notice"):
    st.info(figure.option("notice"))
shade = figure.option("shade")
rows = figure.chart.frame()
values = {r.category: float(r.value) for r in rows.itertuples() if pd.notna(r.value)}
unit = shade.lower().removeprefix("rate ")
hover = {
    r.category: f"<b>{escape_plotly(r.label)}</b><br>{SUPPRESSED}: a small number, hidden"
    if pd.isna(r.children)
    else f"<b>{escape_plotly(r.label)}</b><br>{fmt_int(r.children)} children<br>"
    f"{fmt_pct(r.percent)} of the children shown"
    + (
        f"<br>{values[r.category]:.1f} {unit}"
        if shade in (PER_PLANS, PER_POP) and r.category in values
        else ""
    )
    for r in rows.itertuples()
}
legend = {COUNT: "Children", SHARE: "Share", PER_PLANS: "Per 100", PER_POP: "Per 10,000"}[shade]
show(figure, map_figure(values, hover, legend, percent=shade == SHARE))
