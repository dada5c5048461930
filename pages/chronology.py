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

from pages.common import state
from pages.common.categories import CATEGORICAL, GREY, colour_map
from pages.common.charts import style
from pages.common.figures import show_figure, show_table
from pages.common.flag_words import flag_explanations, reasons
from pages.common.format import escape_md, escape_plotly, fmt_date, fmt_int, period_label
from pages.common.page import page_header
from queries.casework import (
    child_events,
    child_ids,
    child_offers,
    child_periods,
    event_counts,
    flags_available,
)
from queries.delay import longest_gap, no_action_gaps
from queries.flag_settings import read_flag_settings
from queries.period_dates import care_status_supplied

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


def event_label(event_type: str) -> str:
    return str(event_type).replace("_", " ").capitalize()


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
values = read_flag_settings()
stall_days = values.stall_days

options = child_ids(f)
child = state.draw("child", options=options, accept_new_options=True)
if not child:
    st.info("Pick a child to see the chronology, or open one from the Today page.")
    st.stop()
child = str(child).strip()


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None (the formatting helpers and plotly expect None, not pd.NA)."""
    return frame.astype(object).where(frame.notna(), None)


periods = plain(child_periods(child))
events = plain(child_events(child))
if periods.empty and events.empty:
    st.warning("No child with this ID is in the database.")
    st.stop()

# The period viewed: the sidebar's, or the child's latest before it when not in that snapshot.
census = ctx.census
shown = periods[periods["period"] <= f.period]
current = shown.iloc[-1] if not shown.empty else None
if current is not None and current["period"] != f.period:
    st.caption(
        f"This child is not in the {ctx.period_name} snapshot; flags are shown at "
        f"{period_label(current['period'])}, the child's latest snapshot before it."
    )
if current is not None:
    census = pd.Timestamp(current["census_date"]).date()

st.subheader(f"Child {escape_md(child)}", anchor=False)
if current is None:
    st.info(f"This child has no snapshot on or before {ctx.period_name}; the casework log follows.")
else:
    why = reasons(current)
    facts = [
        f"{current['placement_status']}",
        f"out of school since {fmt_date(current['out_of_school_since'])}",
        f"{fmt_int(current['days_out'])} days out",
        f"{current['district']}",
        f"SEN team {current['sen_team']}",
        f"care status {current['care_status']}"
        if care_status_supplied(current["period"])
        else "care status not supplied for this period",
    ]
    st.text(" · ".join(facts))
    if why:
        st.markdown(
            f"**Flags at {fmt_date(census)}:**\n"
            + "\n".join(f"- {escape_md(reason)}" for reason in why)
        )
    else:
        st.success(f"No flags at {fmt_date(census)}.")
    with st.expander("Each flag explained"):
        explained = pd.DataFrame(flag_explanations(current, values))
        show_table(
            pd.DataFrame(
                {
                    "Flag": explained["flag"],
                    "Raised": explained["raised"].map({True: "Yes", False: "No"}),
                    "At the census date": explained["facts"],
                    "Rule": explained["rule"],
                }
            ),
            key="flags-explained",
        )

gaps = no_action_gaps(
    events["event_date"],
    census,
    stall_days=stall_days,
    out_of_school_since=None if current is None else current["out_of_school_since"],
)
offers = plain(child_offers(child))
fig = timeline(periods, events, gaps, census, stall_days)
add_offer_links(fig, offers)
log = pd.DataFrame(
    {
        "Date": events["event_date"],
        "Event": [event_label(t) for t in events["event_type"]],
        "Provider": events["provider"],
        "Provision type": events["provision_type"],
        "Hours a week": events["hours_per_week"],
        "Detail": events["detail"],
    }
)
longest = longest_gap(gaps)
title = (
    f"Longest stretch with no action: {longest} days"
    if gaps
    else f"No stretch of {stall_days} days without action"
)
show_figure(
    title,
    escape_md(
        f"Casework events and monthly snapshots of child {child}, to {fmt_date(census)} "
        f"(dashed line: census date). Grey: {stall_days} days or more with no event. "
        f"Source: {ctx.source}."
    ),
    ctx.about(
        "every casework event of this child (whole log, including any after the census "
        "date) and the child's monthly snapshots. Shaded stretches run between events, from "
        f"the day the child left school, or to the census date, when {stall_days} days or "
        "more passed with no event of any kind. Lines join each offer to its outcome.",
        "Events after the census date are drawn but not counted in that period's flags.",
    ),
    fig,
    log,
    f"chronology_{child}.csv",
    key="chronology",
    pupil_ids=[child],
)

left, right = st.columns(2)
with left:
    st.subheader("Offers and what came of them", anchor=False)
    if offers.empty:
        st.caption("No offers recorded.")
    else:
        show_table(
            pd.DataFrame(
                {
                    "Offered": offers["offer_date"],
                    "Provider": offers["provider"],
                    "Type": offers["provision_type"],
                    "Outcome": [
                        event_label(o) if isinstance(o, str) else "None recorded"
                        for o in offers["outcome"]
                    ],
                    "Outcome date": offers["outcome_date"],
                    "Days to outcome": offers["days_to_outcome"],
                    "Offered again after a refusal on": offers["refused_before"],
                }
            ),
            key="offers-table",
        )
with right:
    st.subheader("Consultations", anchor=False)
    counted = event_counts(events)
    all_consultations = counted.get("consultation", 0)
    declined = counted.get("consultation_declined", 0)
    since = None if current is None else int(current["consultations"])
    st.metric(
        "Consultations since leaving school",
        "–" if since is None else fmt_int(since),
        help="Counted from out_of_school_since (all of them when it is not recorded) to the "
        "census date.",
        border=True,
    )
    st.caption(
        f"{fmt_int(all_consultations)} consultations in the whole log; "
        f"{fmt_int(declined)} schools or settings declined."
    )

st.subheader("Snapshots", anchor=False)
show_table(
    pd.DataFrame(
        {
            "Period": [period_label(p) for p in periods["period"]],
            "Placement status": periods["placement_status"],
            "Days out": periods["days_out"],
            "Days without provision": periods["days_without_provision"],
            "Terms without provision": periods["terms_without_provision"],
            "Consultations": periods["consultations"],
            "Flags raised": periods["flags_raised"],
        }
    ),
    key="periods-table",
)

with st.expander("Event details in full (as recorded)"):
    written = events[events["detail"].notna()]
    if written.empty:
        st.caption("No event has a detail recorded.")
    for event in written.itertuples(index=False):
        st.caption(f"{fmt_date(event.event_date)} · {event_label(event.event_type)}")
        st.text(event.detail)
