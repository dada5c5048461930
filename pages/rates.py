"""Rates and over-representation: children out of school per 100 children with an EHC plan.

Counts alone cannot say whether a group is more likely to be out of school: a district with
more children with plans will have more children out. This page divides by the caseload (every
child with a plan at the same census date) and compares each group's share of the children out
with its share of the plans.
"""

from __future__ import annotations

import streamlit as st

from pages.common import care, state
from pages.common import smallnumbers as small
from pages.common.categories import category_label, dimension_label
from pages.common.context_charts import rate_chart, rate_trend_chart, ratio_chart
from pages.common.context_tables import hide_small
from pages.common.figures import show_figure
from pages.common.format import escape_md, fmt_int, period_label
from pages.common.page import page_header
from queries.rates import (
    COUNT_COLUMNS,
    NOT_RECORDED,
    caseload_periods,
    overall_rate,
    overrepresented_sentences,
    rate_trend,
    rates,
)

DEFAULT = "district"
ALL = "all"
# figures worked out from the two counts: hidden with a hidden count
DERIVED = [
    "rate_per_100", "rate_low", "rate_high", "share_out", "share_plans", "ratio", "ratio_low",
    "ratio_high", "p_value", "p_holm",
]  # fmt: skip

ctx = page_header(
    "Rates and over-representation",
    "Children out of school per 100 children with an EHC plan, and which groups are out of "
    "school more (or less) than their share of plans would suggest.",
)
f = ctx.filter
with_caseload = caseload_periods()

dimension = state.draw("rate_dim") or DEFAULT
label = dimension_label(dimension)
care.stop_if_care_shown((dimension,), f.period)

NUMERATOR_ONLY = (
    "Filters on placement status, imports and days out narrow the children out of school only "
    "(the caseload has no such columns); every other filter applies to both."
)
DENOMINATOR = (
    "**Denominator:** every child in the council's EHC plan caseload extract at the same "
    "census date, with the same filters. "
)

if f.period not in with_caseload:
    st.info(
        f"No EHC plan caseload is loaded for {ctx.period_name}, so there is no rate for this "
        "month: only counts (see Breakdowns). Load one with `python -m data.load caseload FILE "
        f"--period {f.period}`."
        + (
            " Months with a caseload: "
            + ", ".join(period_label(p) for p in list(with_caseload)[-6:])
            + "."
            if with_caseload
            else ""
        )
    )
else:
    overall = overall_rate(f)
    raw = rates(f, dimension)
    # small numbers hidden (senior leaders always): `table_data` prints c, `data` (for the
    # charts, titles and words) has hidden counts and everything worked out from them missing
    table_data, data, hidden = hide_small(raw, COUNT_COLUMNS, DERIVED)
    if hidden:
        data["excludes_one"] = data["excludes_one"] & ~data["suppressed"]
    overall_hidden = small.count_text(overall["children_out"]) == small.SUPPRESSED
    st.metric(
        "Out of school per 100 children with a plan",
        small.SUPPRESSED if overall_hidden else f"{overall['rate_per_100']:.1f}",
        help=(
            "Hidden: fewer than six children out of school match these filters."
            if overall_hidden
            else f"{fmt_int(overall['children_out'])} children out of school of "
            f"{fmt_int(overall['children_with_plan'])} with an EHC plan; 95% interval "
            f"{overall['rate_low']:.1f} to {overall['rate_high']:.1f}."
        ),
    )
    shown = data[(data["children_with_plan"].fillna(0) > 0) & data["rate_per_100"].notna()]
    # the title names a real group: Not recorded is a data-quality category, not a finding
    named = shown[shown["category"] != NOT_RECORDED]
    top = named.loc[named["rate_per_100"].idxmax()] if not named.empty else None
    table = table_data.assign(
        category=[category_label(dimension, c) for c in table_data["category"]]
    )
    rate_table = table[
        ["category", "children_out", "children_with_plan", "rate_per_100", "rate_low",
         "rate_high"]
    ].rename(
        columns={
            "category": label, "children_out": "Children out of school",
            "children_with_plan": "Children with a plan", "rate_per_100": "Rate per 100",
            "rate_low": "95% interval from", "rate_high": "95% interval to",
        }
    )  # fmt: skip
    show_figure(
        (
            f"{category_label(dimension, top['category'])} has the highest rate: "
            f"{top['rate_per_100']:.1f} per 100 plans"
        )
        if top is not None
        else "No children with a plan match these filters",
        ctx.caption(
            f"Children out of school per 100 children with an EHC plan, by {label.lower()}"
        ),
        small.about(
            ctx.about(
                f"children out of school in each {label.lower()} group divided by the children "
                "with an EHC plan in the same group, times 100. "
                + DENOMINATOR
                + "The dashed line is the rate for everyone shown.",
                "**The interval** is a 95% Wilson score interval: with the same underlying chance "
                "of being out of school, counts this size would give a rate in that range 95 times "
                "in 100. Wide intervals mean small groups: read them with care. "
                + NUMERATOR_ONLY
                + " A child out of school who is missing from the caseload still counts in the "
                "numerator (the Data quality page counts them).",
            ),
            hidden,
        ),
        rate_chart(data, dimension, None if overall_hidden else overall["rate_per_100"])
        if not shown.empty
        else None,
        rate_table,
        f"rates_by_{dimension}_{f.period}.csv",
        key=f"rates-{dimension}",
    )

    sentences = overrepresented_sentences(data, label)
    tested = int(raw["p_holm"].notna().sum())
    ratio_table = table[
        ["category", "children_out", "children_with_plan", "share_out", "share_plans", "ratio",
         "ratio_low", "ratio_high", "p_value", "p_holm"]
    ].rename(
        columns={
            "category": label, "children_out": "Children out of school",
            "children_with_plan": "Children with a plan",
            "share_out": "Share of children out (%)", "share_plans": "Share of plans (%)",
            "ratio": "Ratio", "ratio_low": "95% interval from", "ratio_high": "95% interval to",
            "p_value": "p-value", "p_holm": "p-value (Holm)",
        }
    )  # fmt: skip
    show_figure(
        (
            f"{len(sentences)} of {tested} groups differ from their share of plans"
            if tested
            else "No groups to compare"
        ),
        ctx.caption(
            f"Over-representation by {label.lower()}: share of children out ÷ share of plans"
        ),  # fmt: skip
        small.about(
            ctx.about(
                "for each group, its share of the children out of school divided by its share of "
                "the children with a plan. 1 means in proportion; 2 means twice its share; 0.5 "
                "half. " + DENOMINATOR,
                "**The interval** is a 95% interval of the ratio (from the Katz interval of the "
                "risk ratio of the group against everyone else with a plan). Filled diamonds mark "
                "groups whose interval excludes 1. **Many comparisons:** comparing many groups at "
                "once, some intervals will exclude 1 by chance alone (about 1 in 20). The p-values "
                "are therefore also adjusted by the **Holm-Bonferroni** method across the groups "
                "of this breakdown, and the words say which findings still stand after it. Not "
                "recorded is shown but not tested. " + NUMERATOR_ONLY,
            ),
            hidden,
        ),
        ratio_chart(data, dimension) if data["ratio"].notna().any() else None,
        ratio_table,
        f"overrepresentation_by_{dimension}_{f.period}.csv",
        key=f"ratio-{dimension}",
    )
    st.warning(
        "**Many comparisons.** "
        f"{tested} groups are compared at once, so about one in twenty could look different "
        "by chance. Groups are named below when their 95% interval excludes 1; each says "
        "whether it still stands after the Holm-Bonferroni correction.",
        icon=":material/info:",
    )
    if sentences:
        st.markdown("\n".join(f"- {escape_md(s)}" for s in sentences))
    else:
        st.markdown(
            "No group's interval excludes 1: every group is out of school in proportion to "
            "its share of plans, as far as these numbers can tell."
        )

# Trend of the rate, over the loaded periods (months without a caseload are gaps, not 0)
st.divider()
trend_choice = st.segmented_control(
    "Trend of the rate for", [ALL, dimension], default=ALL,
    format_func=lambda d: "All children" if d == ALL else f"each {label.lower()} group",
    key="rate_trend", bind="query-params",
)  # fmt: skip
trend_dimension = None if (trend_choice or ALL) == ALL else dimension
periods = ctx.periods
start = periods[max(0, periods.index(f.period) - 11)]
trend_raw = rate_trend(f, trend_dimension, start, f.period)
missing = trend_raw.loc[~trend_raw["caseload_loaded"], "period"].unique().tolist()
trend_rows, trend, trend_hidden = hide_small(
    trend_raw, COUNT_COLUMNS, ["rate_per_100", "rate_low", "rate_high"], group_cols=["period"]
)
if trend_dimension is not None and trend["category"].nunique() > 6:
    largest = trend.groupby("category")["children_out"].sum().sort_values(ascending=False).index[:6]
    trend = trend[trend["category"].isin(largest)]
    trend_rows = trend_rows[trend_rows["category"].isin(largest)]
    st.caption("The six groups with the most children out of school are drawn.")
trend_table = trend_rows.assign(
    category=[category_label(trend_dimension, c) for c in trend_rows["category"]],
    period=[period_label(p) for p in trend_rows["period"]],
)[["period", "category", "children_out", "children_with_plan", "rate_per_100", "rate_low",
   "rate_high"]].rename(
    columns={"period": "Period", "category": label if trend_dimension else "Group",
             "children_out": "Children out of school", "children_with_plan": "Children with a plan",
             "rate_per_100": "Rate per 100", "rate_low": "95% interval from",
             "rate_high": "95% interval to"}
)  # fmt: skip
show_figure(
    "Out-of-school rate per 100 children with a plan, month by month",
    ctx.caption(
        "Children out of school per 100 children with an EHC plan",
        f"{period_label(start)} to {ctx.period_name}",
    ),
    small.about(
        ctx.about(
            "each month's children out of school divided by that month's children with an EHC "
            "plan, times 100. " + DENOMINATOR,
            "The band (whole cohort) is the 95% Wilson interval of each month's rate. "
            + (
                "No caseload was loaded for "
                + ", ".join(period_label(p) for p in missing)
                + ": those months have no rate (a gap in the line), not a rate of 0. "
                if missing
                else ""
            )
            + NUMERATOR_ONLY,
        ),
        trend_hidden,
    ),
    rate_trend_chart(trend, trend_dimension) if trend["rate_per_100"].notna().any() else None,
    trend_table,
    f"rate_trend_{f.period}.csv",
    key="rate-trend",
)
if missing:
    st.caption(
        escape_md(
            "No caseload loaded (no rate): " + ", ".join(period_label(p) for p in missing) + "."
        )
    )
