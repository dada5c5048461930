"""Time to return to school: how long children stay out, by group (survival analysis).

Tests the review's para 3.4 ("the longer the child experiences a school absence the harder it
will be for children to reintegrate") against the monthly snapshots: Kaplan-Meier curves of
time to return, medians, the number at risk, a log-rank test, and the chance of returning by
time already out.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.common import care, state
from pages.common import smallnumbers as small
from pages.common.categories import category_label, dimension_label
from pages.common.context_charts import hazard_chart, survival_chart
from pages.common.context_tables import hide_small
from pages.common.figures import show_figure, show_table
from pages.common.format import escape_md, fmt_int
from pages.common.page import page_header
from queries.survival import (
    hazard_by_time_out,
    hazard_sentence,
    survival,
)

ALL = "all"

ctx = page_header(
    "Time to return to school",
    "How long children with EHC plans stay out of school before they are back in education, "
    "followed through every monthly snapshot loaded.",
)
f = ctx.filter
choice = state.draw("surv_dim")
dimension = None if (choice or ALL) == ALL else choice
care.stop_if_care_shown((choice,), *ctx.periods)

result = survival(f, dimension)
too_few = (
    "Too few children were seen early in their time out of school to draw a curve for "
    + ", ".join("all children" if g == "All" else category_label(dimension, g)
                for g in result.too_few_groups)
    + " (with nobody followed between two returns, the Kaplan-Meier estimate is undefined). "
    "It will fill in as more months are loaded."
)  # fmt: skip
if not result.groups:
    st.info(
        too_few
        if result.too_few_groups
        else "No episodes out of school with a start date match these filters."
    )
    st.stop()
if result.too_few_groups:
    st.caption(escape_md(too_few))


def group_label(group: str) -> str:
    return "All children" if dimension is None else category_label(dimension, group)


def median_words(value, hidden: bool = False) -> str:
    if hidden:
        return small.SUPPRESSED
    return "not reached" if value is None or pd.isna(value) else f"{value:.1f} months"


# Small numbers hidden (senior leaders always): a group with a hidden count keeps its row in
# the table (with c) but gets no curve, median or number at risk on screen.
COUNTS = ["episodes", "returned", "still_out_censored"]
summary_rows, summary, hidden = hide_small(
    result.summary.assign(median_months=result.summary["median_months"].astype("Float64")),
    COUNTS,
    [],
    total_known=dimension is not None,
)
# a curve and median are hidden with the group's episode count (its returns and children
# still out may be hidden on their own without hiding the curve)
gone = set(summary_rows.loc[summary_rows["episodes"] == small.SUPPRESSED, "group"])
shown_medians = summary.loc[~summary["group"].isin(gone), "median_months"]
drawn = [g for g in result.groups if g not in gone]
if not drawn:
    st.info("Too few children match these filters to show how long they stay out.")
    st.stop()
first = result.summary.iloc[0]
title = (
    f"Half of children are back within {first['median_months']:.1f} months"
    if dimension is None and pd.notna(first["median_months"])
    else "Half of children are still out at the end of the data"
    if dimension is None
    else f"Median time to return ranges from {shown_medians.min():.1f} to "
    f"{shown_medians.max():.1f} months"
    if shown_medians.notna().all() and len(shown_medians) > 1
    else "Time to return by group"
)
about = ctx.about(
    "episodes out of school built from the monthly snapshots. **Start:** the child's 'out of "
    "school since' date. **A return** is the first month the child is no longer in the "
    "cohort (the return date is that month's census date, or the start of the child's next "
    "episode if earlier); a child who comes back later starts a new episode. A single missing "
    "month with the same 'out of school since' date is treated as a gap in recording, not a "
    "return. **Censoring:** children still out in the latest month are counted as still out "
    "up to then (the curve does not assume they return). **Late entry:** a child counts as at "
    "risk only from the first census they were seen, so children already out when the records "
    "begin do not distort the early months; this is why the number at risk can rise at first.",
    "**The band** is a 95% pointwise confidence interval (Greenwood, exponential form): "
    "the range that would hold the true share still out 95 times in 100 at each time. "
    f"Episodes without a start date are left out ({fmt_int(result.no_start_date)}). "
    + (
        "Groups shown: the six largest; left out: "
        + escape_md(", ".join(result.left_out_groups))
        + ". "
        if result.left_out_groups
        else ""
    )
    + "Kaplan-Meier estimates from the lifelines library.",
)
about = small.about(about, hidden)
median_table = summary_rows.assign(
    group=[group_label(g) for g in summary_rows["group"]],
    median=[
        median_words(v, g in gone)
        for v, g in zip(summary_rows["median_months"], summary_rows["group"], strict=True)
    ],
)[["group", "episodes", "returned", "still_out_censored", "median"]].rename(
    columns={
        "group": dimension_label(dimension) if dimension else "Group",
        "episodes": "Episodes",
        "returned": "Returned",
        "still_out_censored": "Still out (censored)",
        "median": "Median time to return",
    }
)
show_figure(
    title,
    ctx.caption(
        "Share of children still out of school by months since they last received education"
        + (f", by {dimension_label(dimension).lower()}" if dimension else ""),
        "all loaded months",
    ),
    about,
    survival_chart(result.curves[result.curves["group"].isin(drawn)], drawn, dimension),
    median_table,
    f"time_to_return_{dimension or 'all'}_{f.period}.csv",
    key=f"km-{dimension or 'all'}",
)
st.markdown("**Number at risk** (children still out and already seen) under the chart's times:")
at_risk = result.at_risk[result.at_risk["group"].isin(drawn)]
if small.suppressing():
    # numbers at risk are not parts of a total: each of 1 to 5 is hidden on its own
    at_risk = at_risk.assign(
        **{
            column: [small.count_text(v) for v in at_risk[column]]
            for column in at_risk.columns
            if column != "group"
        }
    ).astype({c: str for c in at_risk.columns if c != "group"})
show_table(
    at_risk.assign(group=[group_label(g) for g in at_risk["group"]]).rename(
        columns={"group": dimension_label(dimension) if dimension else "Group"}
    ),
    key="at-risk",
)
st.markdown(
    "**Median time to return:** "
    + "; ".join(
        f"{escape_md(group_label(r.group))} {median_words(r.median_months, r.group in gone)}"
        for r in summary.itertuples()
    )
    + "."
)
if result.logrank.get("words"):
    st.markdown("**Do the groups differ?** " + escape_md(result.logrank["words"]))

hazard_raw = hazard_by_time_out(f)
RATES = ["rate_per_month", "monthly_return", "low", "high"]
hazard_rows, hazard, hazard_hidden = hide_small(hazard_raw, ["returns"], RATES)
hazard_table = hazard_rows.assign(
    monthly_return=100 * hazard_rows["monthly_return"],
    low=100 * hazard_rows["low"],
    high=100 * hazard_rows["high"],
)[["band", "child_months", "returns", "monthly_return", "low", "high"]].rename(
    columns={
        "band": "Time already out",
        "child_months": "Child-months at risk",
        "returns": "Returns",
        "monthly_return": "Return within a month (percent)",
        "low": "95% interval from (percent)",
        "high": "95% interval to (percent)",
    }
)
show_figure(
    "Does the chance of returning fall the longer a child is out?",
    ctx.caption(
        "Chance of returning to education within the next month, by time already out",
        "all loaded months",
    ),  # fmt: skip
    small.about(
        ctx.about(
            "for children who have been out a given time, how many return per child-month they "
            "spend out at that stage (returns ÷ child-months at risk), shown as the chance of "
            "returning within the next month. The denominator is the time children spend out "
            "while seen in the snapshots (late entry as in the curve above); a return is the "
            "first month a child is no longer in the cohort.",
            "Returns are known only to the month, so the first band is three months wide. "
            "**The interval** is an exact (Poisson) 95% interval of the rate. Children still out "
            "in the latest month contribute their time but no return (censoring).",
        ),
        hazard_hidden,
    ),
    hazard_chart(hazard.dropna(subset=["monthly_return"])),
    hazard_table,
    f"return_hazard_{f.period}.csv",
    key="hazard",
)
shown_bands = hazard_raw[~hazard["suppressed"]] if hazard_hidden else hazard_raw
st.markdown(escape_md(hazard_sentence(shown_bands.reset_index(drop=True))))
