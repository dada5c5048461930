"""Case chronology: one child's snapshots and casework on a timeline, offers joined to their
outcomes, consultations counted, stretches with no action shaded, and the flags explained.

Reachable by URL: chronology?child=<ID>&period=<YYYY-MM>. Free text from the extract (provider
names, event details) is shown as plain text: st.text, st.dataframe and escaped plotly labels,
never as Markdown or HTML.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from figures.casework import flags_available
from figures.chronology import child_ids, chronology, event_label
from figures.format import escape_plotly, fmt_date, fmt_int, period_label
from figures.labels import CATEGORICAL, GREY, colour_map
from pages.common import state
from pages.common.charts import style
from pages.common.figures import show_figure, show_table
from pages.common.markup import escape_md
from pages.common.page import about_markdown, page_header

# Timeline lanes, top to bottom, and the event types drawn in each.
LANES = {
    "Snapshots": [],
    "Consultations": ["consultation", "consultation_declined"],
    "Offers": ["offer", "offer_declined", "offer_withdrawn"],
    "Provision": ["provision_started", "provision_ended"],
    "Plan and reviews": ["plan_amended", "annual_review", "tribunal"],
    "Notes": ["note"],
}
LANE_OF = {t: lane for lane, types in LANES.items() for t in types}
EVENT_STYLE = {  # colour, marker symbol
    "consultation": (CATEGORICAL[0], "circle"),
    "consultation_declined": (CATEGORICAL[3], "x"),
    "offer": (CATEGORICAL[0], "diamond"),
    "offer_declined": (CATEGORICAL[3], "x"),
    "offer_withdrawn": (CATEGORICAL[2], "x"),
    "provision_started": (CATEGORICAL[1], "triangle-up"),
    "provision_ended": (CATEGORICAL[2], "triangle-down"),
    "plan_amended": (CATEGORICAL[4], "square"),
    "annual_review": (CATEGORICAL[4], "star"),
    "tribunal": (CATEGORICAL[4], "hexagon"),
    "note": (GREY, "circle-open"),
}
TEXT_LIMIT = 200  # characters of an event's detail in a hover label


def short(text, limit: int = TEXT_LIMIT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def timeline(periods: pd.DataFrame, events: pd.DataFrame, gaps, census, stall_days: int):
    """The plotly timeline: snapshots and events in lanes, offer -> outcome links, gaps shaded."""
    fig = go.Figure()
    lanes = list(LANES)
    placement_colours = colour_map("placement_status")
    for status, part in periods.groupby("placement_status", sort=False):
        fig.add_trace(
            go.Scatter(
                x=part["census_date"].tolist(),
                y=["Snapshots"] * len(part),
                mode="markers",
                name=f"Snapshot: {escape_plotly(status)}",
                marker={"symbol": "square", "size": 11, "color": placement_colours.get(status)},
                customdata=[
                    [period_label(p), fmt_int(d), fmt_int(w), int(n)]
                    for p, d, w, n in zip(
                        part["period"],
                        part["days_out"],
                        part["days_without_provision"],
                        part["flags_raised"],
                        strict=True,
                    )
                ],
                hovertemplate=(
                    f"%{{customdata[0]}}: {escape_plotly(status)}<br>days out %{{customdata[1]}}"
                    "<br>days without provision %{customdata[2]}<br>flags raised "
                    "%{customdata[3]}<extra></extra>"
                ),
            )
        )
    for event_type, part in events.groupby("event_type", sort=False):
        colour, symbol = EVENT_STYLE.get(event_type, (GREY, "circle"))
        hover = [
            "<br>".join(
                x
                for x in (
                    f"{fmt_date(d)}: {event_label(event_type)}",
                    escape_plotly(short(p, 80)) if isinstance(p, str) else "",
                    escape_plotly(short(t)) if isinstance(t, str) else "",
                )
                if x
            )
            for d, p, t in zip(part["event_date"], part["provider"], part["detail"], strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=part["event_date"].tolist(),
                y=[LANE_OF.get(event_type, "Notes")] * len(part),
                mode="markers",
                name=event_label(event_type),
                marker={"symbol": symbol, "size": 11, "color": colour, "line": {"width": 1}},
                hovertext=hover,
                hoverinfo="text",
            )
        )
    style(fig, height=420, legend=True)
    for gap in gaps:
        fig.add_vrect(
            x0=gap.start,
            x1=gap.end,
            fillcolor=GREY,
            opacity=0.35,
            layer="below",
            line_width=0,
        )
    if census is not None:
        fig.add_vline(x=census, line={"color": CATEGORICAL[4], "dash": "dash", "width": 1})
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=lanes[::-1], title=None)
    fig.update_xaxes(type="date", title=None, tickformat="%b %Y")
    fig.update_layout(legend={"y": -0.25})
    return fig


def add_offer_links(fig: go.Figure, offers: pd.DataFrame) -> None:
    """A thin line from each offer to its outcome (in the outcome's lane)."""
    xs, ys = [], []
    for offer in offers.itertuples(index=False):
        if isinstance(offer.outcome, str):
            xs += [offer.offer_date, offer.outcome_date, None]
            ys += ["Offers", LANE_OF.get(offer.outcome, "Offers"), None]
    if xs:
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": CATEGORICAL[0], "width": 1},
                name="Offer and its outcome",
                hoverinfo="skip",
            )
        )


ctx = page_header(
    "Case chronology",
    "One child's story: every snapshot and every casework event, offers joined to what came "
    "of them, and the stretches with no action shaded.",
)
if not flags_available():
    st.info("This database has no case flags yet. Load the next extract again to add them.")
    st.stop()
f = ctx.filter
back = state.back_to_today()
if back:
    # opened from Today's list: back to the same tier and page (the browser's Back does too)
    where = ", ".join(
        v if k != "today_page" else f"page {v}" for k, v in back.items() if k != "today_view"
    )
    st.page_link(
        "pages/today.py",
        label="Back to Today" + (f" ({where})" if where else ""),
        query_params=back,  # the period goes with the sidebar's own (bound) choice
        icon=":material/arrow_back:",
    )

child = state.draw("child", options=child_ids(f), accept_new_options=True)
if not child:
    st.info("Pick a child to see the chronology, or open one from the Today page.")
    st.stop()
story = chronology(str(child).strip(), f)
if not story.found:
    st.warning("No child with this ID is in the database.")
    st.stop()

if story.note:
    st.caption(escape_md(story.note))
st.subheader(f"Child {escape_md(story.child)}", anchor=False)
if story.facts:
    st.text(story.facts)
    if story.flags:
        st.markdown(
            f"**Flags at {fmt_date(story.census)}:**\n"
            + "\n".join(f"- {escape_md(reason)}" for reason in story.flags)
        )
    else:
        st.success(f"No flags at {fmt_date(story.census)}.")
    with st.expander("Each flag explained"):
        show_table(story.explained.frame(), key="flags-explained")

periods, events = story.periods.frame(), story.events.frame()
fig = timeline(periods, events, list(story.gaps), story.census, story.stall_days)
add_offer_links(fig, story.offers.frame())
show_figure(
    story.title,
    escape_md(story.caption),
    about_markdown(story.about),
    fig,
    story.log.frame(),
    f"chronology_{story.child}.csv",
    key="chronology",
    pupil_ids=[story.child],
)

left, right = st.columns(2)
with left:
    st.subheader("Offers and what came of them", anchor=False)
    if story.offers_shown.empty:
        st.caption("No offers recorded.")
    else:
        show_table(story.offers_shown.frame(), key="offers-table")
with right:
    st.subheader("Consultations", anchor=False)
    st.metric(
        "Consultations since leaving school",
        "–" if story.consultations_since is None else fmt_int(story.consultations_since),
        help="Counted from out_of_school_since (all of them when it is not recorded) to the "
        "census date.",
        border=True,
    )
    st.caption(
        f"{fmt_int(story.consultations_all)} consultations in the whole log; "
        f"{fmt_int(story.consultations_declined)} schools or settings declined."
    )

st.subheader("Snapshots", anchor=False)
show_table(story.snapshots.frame(), key="periods-table")

with st.expander("Event details in full (as recorded)"):
    written = events[events["detail"].notna()] if not events.empty else events
    if written.empty:
        st.caption("No event has a detail recorded.")
    for event in written.itertuples(index=False):
        st.caption(f"{fmt_date(event.event_date)} · {event_label(event.event_type)}")
        st.text(event.detail)
