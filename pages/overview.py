"""Overview for senior leaders: the period's headline figures, the trend, the big movements."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.common import care
from pages.common import smallnumbers as small
from pages.common.briefing_links import overdue_notice, pack_buttons
from pages.common.charts import trend_chart
from pages.common.figures import show_figure
from pages.common.format import escape_md, fmt_int, fmt_number, period_label
from pages.common.page import page_header
from pages.common.parallel import fetch_all
from pages.common.words import movement_sentence, trend_title
from queries.aggregates import (
    OVER_A_TERM_DAYS,
    headline,
    largest_movements,
    trend,
    window_start,
)
from queries.period_dates import care_status_supplied

TREND_PERIODS = 12  # the small trend shows the last year

ctx = page_header(
    "Overview",
    "Children with an EHC plan who are out of school: those with **no placement** and those "
    "whose **provision is unknown**, as in the Appendix B review.",
)
f = ctx.filter
pack_buttons(ctx)
overdue_notice()

# What each headline measure is called on the page, in the order shown, and whether it is a
# count (formatted as a whole number) or a median.
HEADLINES = [
    ("total", "Children out of school"),
    ("no_placement", "No placement"),
    ("provision_unknown", "Provision unknown"),
    ("imports", "Imports"),
    ("cla", "Looked after (CLA)"),
    ("cp", "Child protection (CP)"),
    ("cin", "Child in need (CIN)"),
    ("median_days_out", "Median days out of school"),
    ("over_a_term", "Out for more than a term"),
]
HELP = {
    "total": "Every child in the snapshot who matches the filters.",
    "imports": "Children whose EHC plan transferred from another council.",
    "cla": "Children flagged looked after (CLA), whatever their other flags.",
    "cp": "Children flagged as subject to a child protection plan.",
    "cin": "Children flagged as a child in need.",
    "median_days_out": "Half the children have been out of school longer than this. Children "
    "with no 'out of school since' date are left out of the median.",
    "over_a_term": f"Out of school for more than {OVER_A_TERM_DAYS} days (about one school "
    "term) at the census date. Children with no 'out of school since' date are not counted.",
}

start = window_start(f.period, TREND_PERIODS)
figures, movements, data = fetch_all(
    lambda: headline(f),
    lambda: largest_movements(f, 3),
    lambda: trend(f, None, start, f.period),
)
previous = figures["previous_period"].iloc[0] if not figures.empty else None
figures = figures.set_index("measure")
# Small numbers hidden (when on): counts of 1 to 5 read c and their change is not shown; no
# placement and provision unknown add up to the total, so one hidden gives a second away.
hide_counts = small.suppressing()
hidden = {"value": set(), "previous": set()}  # measures whose count is hidden, now and before
if hide_counts:
    for column, measures in hidden.items():
        for measure in ("total", "imports", "cla", "cp", "cin", "over_a_term"):
            if measure in figures.index:
                value = figures.loc[measure, column]
                if value == value and value is not None and 1 <= value <= small.THRESHOLD:
                    measures.add(measure)
        parts = [m for m in ("no_placement", "provision_unknown") if m in figures.index]
        counts = pd.DataFrame({"children": [figures.loc[m, column] for m in parts]}).fillna(0)
        mask = small.suppression_mask(counts, rows_have_totals=False, columns_have_totals=True)
        measures |= {m for m, h in zip(parts, mask["children"], strict=True) if h}

st.subheader(f"Headline figures, {ctx.period_name}", anchor=False)
columns = st.columns(3)
for i, (measure, label) in enumerate(HEADLINES):
    row = figures.loc[measure] if measure in figures.index else None
    value = None if row is None else row["value"]
    change = None if row is None else row["change"]
    is_median = measure == "median_days_out"
    shown = fmt_number(value) if is_median else fmt_int(value)
    if measure in hidden["value"]:
        shown = small.SUPPRESSED
    # care status not supplied (a SEN2 return without the SSD): no count, and no change
    care_gap = measure in ("cla", "cp", "cin") and not care_status_supplied(
        *[p for p in (f.period, previous) if p]
    )
    if care_gap and not ctx.care_supplied:
        shown = care.NOT_SUPPLIED
    if measure in hidden["value"] | hidden["previous"]:
        delta, note = None, "change hidden: a small number"
    elif care_gap:
        delta, note = None, "care status not supplied for this period or the one before"
    elif change is None or change != change:  # no previous period (NULL/NaN)
        delta, note = None, "no earlier period loaded"
    else:
        # Plain ASCII sign: st.metric reads a leading "-" as a fall.
        delta = f"{'+' if change > 0 else '-' if change < 0 else ''}{fmt_number(abs(change))}"
        note = f"since {period_label(previous)}"
    with columns[i % 3]:
        st.metric(
            label,
            shown,
            delta=delta,
            delta_color="inverse",  # more children out of school is worse
            delta_description=note,
            help=HELP.get(measure),
            border=True,
        )

st.subheader("Largest movements since the previous period", anchor=False)
if previous is None:
    st.info(f"Movements need an earlier period; {ctx.period_name} is the first one loaded.")
else:
    moving = movements[movements["change"] != 0] if not movements.empty else movements
    if hide_counts and not moving.empty:
        # A movement from or to a small number would print it: such movements are left out.
        moving = moving[
            (moving["previous"] > small.THRESHOLD) & (moving["current"] > small.THRESHOLD)
        ]
    if moving.empty:
        st.info(f"No group changed between {period_label(previous)} and {ctx.period_name}.")
    else:
        st.markdown("\n".join(f"- {escape_md(movement_sentence(r))}" for _, r in moving.iterrows()))
        st.caption(
            f"Changes in the number of children between {period_label(previous)} and "
            f"{ctx.period_name}, by district and placement status and by the other "
            "breakdowns, largest first. Filters apply to both periods."
        )

table_data, data, trend_hidden = small.long(data, group_cols=["period"], total_known=False)
table = table_data.assign(Period=[period_label(p) for p in table_data["period"]])
table = table[["Period", "children"]].rename(columns={"children": "Children"})
title_data = data.dropna(subset=["children"])
show_figure(
    trend_title(title_data, None)
    if not title_data.empty
    else "Counts are small: those of 1 to 5 are hidden",
    ctx.caption("Children out of school", f"{period_label(start)} to {ctx.period_name}"),
    small.about(
        ctx.about(
            "children in each monthly snapshot who match the filters, counted at each period's "
            "census date (the last day of the month).",
            "A child out of school for several months is counted in every one of those "
            "snapshots. Filters on age, year group and days out are applied at each period's "
            "own census date.",
        ),
        trend_hidden,
    ),
    trend_chart(data, None, height=300),
    table,
    f"children_out_of_school_trend_{start}_to_{f.period}.csv",
    key="overview-trend",
)
