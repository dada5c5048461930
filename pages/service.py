"""Service view: the case flags by district, SEN team and month, so a senior leader can see
whether delays are shrinking, and the INDICATIVE cost of delay in the Ombudsman's terms (terms
of education lost, priced as a range per term, never as one precise figure).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pages.common import care, state
from pages.common import smallnumbers as small
from pages.common.categories import CATEGORICAL
from pages.common.charts import bar_chart, style, time_axis
from pages.common.figures import show_figure
from pages.common.flag_words import cost_sentence
from pages.common.format import fmt_int, period_label
from pages.common.page import page_header
from pages.common.words import moved
from queries.aggregates import window_start
from queries.casework import (
    FLAG_DIMENSIONS,
    cost_of_delay,
    flag_by_category,
    flag_by_period,
    flags_available,
    terms_by_district,
)
from queries.flag_settings import read_flag_settings
from queries.flags import FLAGS

TREND_PERIODS = 12
COST_SOURCE = (
    "Local Government and Social Care Ombudsman decisions: about £1,600 a term in Surrey's "
    "5.5-term case; about £6,300 a term in a later Kent section 19 case. The per-term range "
    "is set in config/flags.toml."
)

ctx = page_header(
    "Service view",
    "The case flags across the service: where they are, whether they are shrinking, and what "
    "the lost terms of education could cost in remedies.",
)
if not flags_available():
    st.info("This database has no case flags yet. Load the next extract again to add them.")
    st.stop()
f = ctx.filter
values = read_flag_settings()

flag = state.draw("flag") or "s19_due"
label = FLAGS[flag].label
short_label = FLAGS[flag].short
if flag == "out_of_sight":
    care.stop_if_care_shown(("care_status",), f.period)


def most_title(data: pd.DataFrame, column: str, unit: str, place: str) -> str:
    """'Most in Swale (4 children)', or the tied leaders, or none at all."""
    top = data[column].max() if not data.empty else 0
    if not top:
        return f"None in any {place}"
    leaders = [str(c) for c in data.loc[data[column] == top, "category"]]
    names = leaders[0] if len(leaders) == 1 else ", ".join(leaders[:-1]) + " and " + leaders[-1]
    if len(leaders) > 3:
        names = f"{len(leaders)} {place}s"
    noun = unit[:-1] if top == 1 and unit.endswith("s") else unit
    each = " each" if len(leaders) > 1 else ""
    return f"Most in {names} ({fmt_int(top)} {noun}{each})"


def by_category(dimension: str) -> None:
    data = flag_by_category(f, dimension, flag)
    # Small numbers hidden (when on): flagged children and all children by category, each
    # column's total known; the percentage goes with a hidden flagged count.
    flagged_table, shown, hidden_flagged = small.long(data, "flagged", ["percent"])
    children_table, _, hidden_children = small.long(data, "children", ())
    table = pd.DataFrame(
        {
            FLAG_DIMENSIONS[dimension]: data["category"],
            "Children": children_table["children"],
            short_label: flagged_table["flagged"],
            "Percent of children": flagged_table["percent"],
        }
    )
    visible = shown.dropna(subset=["flagged"])  # a hidden count never leads a title
    title = f"{short_label}: " + (
        most_title(visible, "flagged", "children", FLAG_DIMENSIONS[dimension].lower())
        if not (hidden_flagged and (visible.empty or not visible["flagged"].max()))
        else "Counts are small: those of 1 to 5 are hidden"
    )
    show_figure(
        title,
        ctx.caption(f"Children flagged '{short_label}' by {FLAG_DIMENSIONS[dimension].lower()}"),
        small.about(
            ctx.about(
                f"children in the snapshot who match the filters and are flagged '{label}' at "
                f"the census date, by {FLAG_DIMENSIONS[dimension].lower()}; the percentage is "
                f"of the children in that {FLAG_DIMENSIONS[dimension].lower()}.",
                "Flags are computed from the casework log up to the census date (case_flags view).",
            ),
            hidden_flagged or hidden_children,
        ),
        bar_chart(shown, dimension, value="flagged", percent="percent", value_name="Children"),
        table,
        f"{flag}_by_{dimension}_{f.period}.csv",
        key=f"service-{dimension}",
    )


by_category("district")
by_category("sen_team")

# --- month by month --------------------------------------------------------------------------
start = window_start(f.period, TREND_PERIODS)
trend = flag_by_period(f, start, f.period, flag)
# Small numbers hidden (when on): each month's count stands alone (primary rule only); a
# hidden month's percentage and median go with it, and the line has no point there.
trend_flagged, trend_chart_data, trend_hidden = small.long(
    trend, "flagged", ["percent", "median_days_without_provision"], total_known=False
)
trend_children, _, trend_hidden_children = small.long(trend, "children", (), total_known=False)
trend_table = pd.DataFrame(
    {
        "Period": [period_label(p) for p in trend["period"]],
        "Children": trend_children["children"],
        short_label: trend_flagged["flagged"],
        "Percent of children": trend_flagged["percent"],
        "Median days without provision": trend_flagged["median_days_without_provision"],
    }
)
fig = go.Figure(
    go.Scatter(
        x=time_axis(trend["period"]),
        y=[None if pd.isna(v) else v for v in trend_chart_data["flagged"]],
        mode="lines+markers",
        line={"color": CATEGORICAL[0], "width": 2.5},
        name=short_label,
        hovertemplate="%{x|%B %Y}: %{y:,} children<extra></extra>",
    )
)
style(fig, height=320)
fig.update_xaxes(tickformat="%b %Y", title=None)
fig.update_yaxes(title="Children", rangemode="tozero", tickformat=",d")
if trend_hidden and len(trend) > 1:
    trend_title = f"{short_label}: small monthly counts are hidden"
elif len(trend) > 1:
    change = int(trend["flagged"].iloc[-1]) - int(trend["flagged"].iloc[0])
    trend_title = f"{short_label} {moved(change)} since {period_label(trend['period'].iloc[0])}"
else:
    trend_title = f"{short_label}: only one period loaded"
show_figure(
    trend_title,
    ctx.caption(
        f"Children flagged '{short_label}' each month",
        f"{period_label(start)} to {ctx.period_name}",
    ),
    small.about(
        ctx.about(
            f"children in each monthly snapshot who match the filters and are flagged '{label}' "
            "at that month's census date.",
            "A child flagged for several months is counted in each of them. The table adds the "
            "median days without provision of the children whose days are known.",
        ),
        trend_hidden or trend_hidden_children,
    ),
    fig,
    trend_table,
    f"{flag}_by_month_{start}_to_{f.period}.csv",
    key="service-trend",
)

# --- cost of delay ---------------------------------------------------------------------------
low_rate = values.per_term_low
high_rate = values.per_term_high
cost = cost_of_delay(f, low_rate, high_rate)
st.subheader("Cost of delay (INDICATIVE)", anchor=False)
sentence = cost_sentence(cost, ctx.period_name, values)
if small.count_text(cost["children_with_terms"]) == small.SUPPRESSED:
    # a small number of children is not printed, even in words
    children = fmt_int(cost["children_with_terms"])
    sentence = sentence.replace(f"**{children} children**", f"**{small.SUPPRESSED} children**")
st.markdown(sentence)
st.caption(f"Source of the per-term range: {COST_SOURCE}")
shown = terms_by_district(f, low_rate, high_rate)
cost_children, _, cost_hidden = small.long(shown, "children", ())
cost_with_terms, _, cost_hidden_terms = small.long(shown, "children_with_terms", ())
cost_table = pd.DataFrame(
    {
        "District": shown["category"],
        "Children": cost_children["children"],
        "Children with a term without provision": cost_with_terms["children_with_terms"],
        "Terms without provision": shown["terms_without_provision"],
        "Indicative cost, low (£)": shown["cost_low"],
        "Indicative cost, high (£)": shown["cost_high"],
    }
)
cost_title = "Terms lost: " + most_title(shown, "terms_without_provision", "terms", "district")
show_figure(
    cost_title,
    ctx.caption("Terms without provision by district, with an indicative cost range"),
    small.about(
        ctx.about(
            "school terms (autumn, spring, summer; config/school_terms.csv) in which each child "
            "had no provision for more than half the term, from the casework log and the date "
            "the child left school, up to the census date, added up over the filtered cohort. "
            "The current term counts once more than half of it has passed without provision.",
            f"INDICATIVE. The cost is the terms times £{fmt_int(low_rate)} and times "
            f"£{fmt_int(high_rate)} (config/flags.toml), rounded outwards to two significant "
            f"figures. {COST_SOURCE} Remedies depend on each case; terms before the casework "
            "log began are not counted.",
        ),
        cost_hidden or cost_hidden_terms,
    ),
    bar_chart(
        shown, "district", value="terms_without_provision", percent="percent", value_name="Terms"
    ),
    cost_table,
    f"terms_without_provision_by_district_{f.period}.csv",
    key="service-cost",
)
