"""England and similar councils: the council against the DfE's published EHC plan figures.

Sets the council's children with plans who are not in education (compulsory school age) or in
"other placement / awaiting provision" against England, the South East and its statistical
neighbours, per 1,000 plans, with the trend since 2019 and the release named.
"""

from __future__ import annotations

import streamlit as st

from figures.format import fmt_int, period_label
from pages.common.context_charts import comparison_bar_chart, comparison_trend_chart
from pages.common.figures import show_figure
from pages.common.markup import escape_md
from pages.common.page import page_header
from queries.filters import CohortFilter
from queries.published import (
    COLLECTION_NOTE,
    COUNCIL,
    HEADLINE,
    HEADLINE_OLD,
    SOURCE,
    comparison,
    council_monthly_vs_published,
    headline_trend,
    plans_per_1000_aged_0_25,
    rank_sentence,
)
from queries.pupil import cohort_count

ctx = page_header(
    "England and similar councils",
    f"How {COUNCIL} compares with England, the South East and its ten statistical neighbours "
    "in the DfE's published EHC plan statistics (January census each year).",
    needs_period=False,
)
table = comparison()
if table.empty:
    st.info("No published figures are loaded. They ship with the dashboard; reload any extract.")
    st.stop()
release = table["release"].iloc[0]
year = plans_per_1000_aged_0_25()["year"]
st.markdown(escape_md(rank_sentence()))
st.caption(escape_md(f"Source: {release}. {SOURCE}"))

per_head = plans_per_1000_aged_0_25()
left, right, third = st.columns(3)
council = table[table["role"] == "Council"].iloc[0]
left.metric(
    f"{COUNCIL}, per 1,000 plans (January {year})",
    f"{council['headline_per_1000']:.1f}",
    help=escape_md(f"{fmt_int(council['headline_children'])} {HEADLINE}, of "
                   f"{fmt_int(council['plans'])} plans."),
)  # fmt: skip
england = table[table["role"] == "England"].iloc[0]
right.metric(f"England, per 1,000 plans (January {year})", f"{england['headline_per_1000']:.1f}")
third.metric(
    f"{COUNCIL} EHC plans per 1,000 aged 0–25",
    f"{per_head['per_1000']:.1f}",
    help=f"{fmt_int(per_head['plans'])} plans (January {year}) per "
    f"{fmt_int(per_head['population_0_25'])} residents aged 0 to 25 (ONS mid-2023 estimates "
    "for the twelve districts).",
)

about_common = (
    f"**Source:** {release}, file caseload.csv (Explore Education Statistics). {SOURCE} "
    "**Statistical neighbours:** the DfE Local Authority Interactive Tool's May 2025 list."
)
shown = table.assign(rank=table["rank"].astype("Int64"))
rename = {
    "area": "Area", "role": "Compared as", "plans": "EHC plans",
    "not_in_education_csa": "Not in education (compulsory school age)",
    "other_placement": "Other placement / awaiting provision",
    "headline_children": "Both groups (children)",
    "not_in_education_per_1000": "Not in education per 1,000 plans",
    "other_placement_per_1000": "Other placement per 1,000 plans",
    "headline_per_1000": "Both per 1,000 plans", "rank": "Rank among council and neighbours",
}  # fmt: skip
show_figure(
    f"{COUNCIL}'s rate is {council['headline_per_1000'] / england['headline_per_1000']:.1f} "
    "times England's",
    escape_md(
        f"Children with an EHC plan not in education (compulsory school age) or in other "
        f"placement / awaiting provision, per 1,000 plans, January {year}. Source: {release}."
    ),
    "**What is counted:** "
    + escape_md(HEADLINE)
    + ", divided by all EHC plans the council maintains, times 1,000. The denominator is the "
    "published number of plans at the January census. " + about_common,
    comparison_bar_chart(table, "headline_per_1000", "area", COUNCIL, "Per 1,000 EHC plans"),
    shown.drop(columns=["release"]).rename(columns=rename),
    f"england_comparison_{year}.csv",
    key="england-bars",
)

trend = headline_trend()
areas = list(dict.fromkeys(trend["area"]))
by_year = trend.pivot_table(index="year", columns="role", values="headline_per_1000")
above = (by_year["Council"] > by_year["England"]).dropna()
first_year = int(by_year.index.min())
show_figure(
    f"{COUNCIL} has been above England every January since {first_year}"
    if above.all()
    else f"{COUNCIL} was above England in {int(above.sum())} of {len(above)} Januaries",
    escape_md(
        "Children with a plan not in education or awaiting provision, per 1,000 plans, "
        f"January 2019 to {year}. Source: {release}."
    ),
    "**What is counted:** from 2023, "
    + escape_md(HEADLINE)
    + "; before 2023, "
    + escape_md(HEADLINE_OLD)
    + ", each per 1,000 plans. **The dotted line marks the 2023 change of collection.** "
    + escape_md(COLLECTION_NOTE)
    + " The neighbours' line is the median of the ten. "
    + about_common,
    comparison_trend_chart(trend, "headline_per_1000", areas),
    trend.assign(headline_per_1000=trend["headline_per_1000"].round(1))[
        ["year", "area", "headline_per_1000", "collection"]
    ].rename(
        columns={
            "year": "January",
            "area": "Area",
            "headline_per_1000": "Per 1,000 plans",
            "collection": "Collection",
        }
    ),  # fmt: skip
    "england_trend.csv",
    key="england-trend",
)
st.subheader("This month's figure beside January's", anchor=False)
if ctx.filter is None:
    st.info("No monthly extract is loaded, so there is no monthly figure to set beside it.")
else:
    latest = ctx.periods[-1]
    monthly = council_monthly_vs_published(latest, cohort_count(CohortFilter(period=latest)))
    a, b = st.columns(2)
    a.metric(
        f"Out of school, {period_label(latest)} ({ctx.source.lower()})",
        fmt_int(monthly["monthly_children_out"]),
    )
    b.metric(
        f"Published, January {monthly['published_year']}",
        fmt_int(monthly["published_children"]),
        help=escape_md(monthly["release"]),
    )
    st.markdown("**Why they differ.** " + escape_md(monthly["note"]))
