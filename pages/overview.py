"""Overview for senior leaders: the period's headline figures, the trend, the big movements."""

from __future__ import annotations

import streamlit as st

from pages.common.briefing_links import overdue_notice, pack_buttons
from pages.common.charts import trend_chart
from pages.common.figures import show_figure
from pages.common.format import escape_md, fmt_int, fmt_number, period_label
from pages.common.page import page_header
from pages.common.parallel import fetch_all
from pages.common.words import movement_sentence, trend_title
from queries.aggregates import OVER_A_TERM_DAYS, headline, largest_movements, trend

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

index = ctx.periods.index(f.period)
start = ctx.periods[max(0, index - TREND_PERIODS + 1)]
figures, movements, data = fetch_all(
    lambda: headline(f),
    lambda: largest_movements(f, 3),
    lambda: trend(f, None, start, f.period),
)
previous = figures["previous_period"].iloc[0] if not figures.empty else None
figures = figures.set_index("measure")

st.subheader(f"Headline figures, {ctx.period_name}", anchor=False)
columns = st.columns(3)
for i, (measure, label) in enumerate(HEADLINES):
    row = figures.loc[measure] if measure in figures.index else None
    value = None if row is None else row["value"]
    change = None if row is None else row["change"]
    is_median = measure == "median_days_out"
    shown = fmt_number(value) if is_median else fmt_int(value)
    if change is None or change != change:  # no previous period (NULL/NaN)
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
    if moving.empty:
        st.info(f"No group changed between {period_label(previous)} and {ctx.period_name}.")
    else:
        st.markdown("\n".join(f"- {escape_md(movement_sentence(r))}" for _, r in moving.iterrows()))
        st.caption(
            f"Changes in the number of children between {period_label(previous)} and "
            f"{ctx.period_name}, by district and placement status and by the other "
            "breakdowns, largest first. Filters apply to both periods."
        )

table = data.assign(Period=[period_label(p) for p in data["period"]])[["Period", "children"]]
table = table.rename(columns={"children": "Children"})
show_figure(
    trend_title(data, None),
    ctx.caption("Children out of school", f"{period_label(start)} to {ctx.period_name}"),
    ctx.about(
        "children in each monthly snapshot who match the filters, counted at each period's "
        "census date (the last day of the month).",
        "A child out of school for several months is counted in every one of those snapshots. "
        "Filters on age, year group and days out are applied at each period's own census date.",
    ),
    trend_chart(data, None, height=300),
    table,
    f"children_out_of_school_trend_{start}_to_{f.period}.csv",
    key="overview-trend",
)
