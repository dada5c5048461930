"""Overview for senior leaders: the period's headline figures, the year's trend, the movements."""

from __future__ import annotations

import streamlit as st

from figures.breakdowns import trend
from figures.cohort import headlines, movements
from figures.format import period_label
from figures.periods import year_start
from pages.common.briefing_links import overdue_notice, pack_buttons
from pages.common.charts import trend_chart
from pages.common.figures import show
from pages.common.markup import escape_md
from pages.common.page import page_header
from pages.common.parallel import fetch_all

ctx = page_header(
    "Overview",
    "Children with an EHC plan who are out of school: those with **no placement** and those "
    "whose **provision is unknown**, as in the Appendix B review.",
)
f = ctx.filter
pack_buttons(ctx)
overdue_notice()

# "The year" (figures/periods.py): the same month a year ago to now, as Trends and the pack.
start = year_start(f.period)
cards, moved, year = fetch_all(
    lambda: headlines(f),
    lambda: movements(f, 3),
    lambda: trend(f, None, start, f.period),
)

st.subheader(f"Headline figures, {ctx.period_name}", anchor=False)
columns = st.columns(3)
for i, card in enumerate(cards.metrics()):
    with columns[i % 3]:
        st.metric(
            card.label,
            card.value,
            delta=card.delta,
            delta_color="inverse",  # more children out of school is worse
            delta_description=card.delta_note,
            help=card.help,
            border=True,
        )

st.subheader("Largest movements since the previous period", anchor=False)
if moved.previous_period is None:
    st.info(f"Movements need an earlier period; {ctx.period_name} is the first one loaded.")
elif not moved.sentences:
    st.info(
        f"No group changed between {period_label(moved.previous_period)} and {ctx.period_name}"
        + (" that can be shown as published." if moved.left_out else ".")
    )
else:
    st.markdown("\n".join(f"- {escape_md(s)}" for s in moved.sentences))
    st.caption(
        f"Changes in the number of children between {period_label(moved.previous_period)} and "
        f"{ctx.period_name}, by district and placement status and by the other breakdowns, "
        "largest first. Filters apply to both periods."
        + (" A movement from or to a hidden small number is left out." if moved.left_out else "")
    )

data = year.chart.frame()
show(year, trend_chart(data, None, height=300) if not data.empty else None)
