"""One child's chronology: snapshots, casework, offers and their outcomes, stretches with no
action, and the flags explained. Pupil-level throughout: every row is read through
queries/pupil.py (the role is checked, a caseworker kept to their teams' children, the view
audited), and the free text from the extract (providers, details) stays plain text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from figures.care import care_status_supplied
from figures.flag_words import flag_explanations, reasons
from figures.format import fmt_date, fmt_int, period_label
from figures.frame import frame
from figures.protect import Audience, narrow, resolve
from figures.values import Note, Table
from queries import casework
from queries.delay import Gap, longest_gap, no_action_gaps
from queries.filters import CohortFilter
from queries.flag_settings import read_flag_settings

__all__ = ["Gap"]


def event_label(event_type: str) -> str:
    return str(event_type).replace("_", " ").capitalize()


def child_ids(f: CohortFilter, *, audience: Audience | None = None, db=None) -> list[str]:
    """IDs of the filtered cohort's children in the period, for the picker."""
    return casework.child_ids(narrow(f, resolve(audience)), db=db)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None (the formatting helpers and plotly expect None, not pd.NA)."""
    return frame.astype(object).where(frame.notna(), None)


@dataclass(frozen=True)
class Chronology:
    child: str
    found: bool  # the database holds this child
    note: str  # 'This child is not in the June 2023 snapshot; flags are shown at ...'
    census: dt.date | None  # the census date the flags are worked out at
    facts: str  # 'No placement · out of school since ... · 179 days out · Thanet · ...'
    flags: tuple[str, ...]  # why the child is flagged, in words
    explained: Table  # each flag: raised, the facts, the rule
    periods: Table  # every snapshot (raw, for the timeline)
    events: Table  # the casework log (raw, for the timeline)
    offers: Table  # each offer and its outcome (raw, for the timeline's links)
    gaps: tuple[Gap, ...]
    stall_days: int
    title: str
    caption: str
    about: tuple[Note, ...]
    log: Table  # the casework log as shown
    offers_shown: Table
    snapshots: Table
    consultations_since: int | None
    consultations_all: int
    consultations_declined: int


def chronology(
    child: str, f: CohortFilter, *, audience: Audience | None = None, db=None
) -> Chronology:
    """The chronology of `child` as the viewer may read it (AccessDenied from the choke point
    when they may not), its flags at f's period or the child's latest snapshot before it."""
    fr = frame(f, resolve(audience), db=db)
    values = read_flag_settings(db)
    stall_days = values.stall_days
    periods = _plain(casework.child_periods(child, db=db))
    events = _plain(casework.child_events(child, db=db))
    empty = Table()
    if periods.empty and events.empty:
        return Chronology(child, False, "", None, "", (), empty, empty, empty, empty, (),
                          stall_days, "", "", (), empty, empty, empty, None, 0, 0)  # fmt: skip
    shown = periods[periods["period"] <= f.period]
    current = shown.iloc[-1] if not shown.empty else None
    census = fr.census
    note = ""
    if current is not None and current["period"] != f.period:
        note = (
            f"This child is not in the {period_label(f.period)} snapshot; flags are shown at "
            f"{period_label(current['period'])}, the child's latest snapshot before it."
        )
    if current is not None:
        census = pd.Timestamp(current["census_date"]).date()
    else:
        note = (
            f"This child has no snapshot on or before {period_label(f.period)}; the casework "
            "log follows."
        )
    facts, flags, explained = "", (), empty
    if current is not None:
        facts = " · ".join(
            [
                f"{current['placement_status']}",
                f"out of school since {fmt_date(current['out_of_school_since'])}",
                f"{fmt_int(current['days_out'])} days out",
                f"{current['district']}",
                f"SEN team {current['sen_team']}",
                f"care status {current['care_status']}"
                if care_status_supplied(current["period"], db=db)
                else "care status not supplied for this period",
            ]
        )
        flags = tuple(reasons(current))
        rows = pd.DataFrame(flag_explanations(current, values))
        explained = Table.of(
            pd.DataFrame(
                {
                    "Flag": rows["flag"],
                    "Raised": rows["raised"].map({True: "Yes", False: "No"}),
                    "At the census date": rows["facts"],
                    "Rule": rows["rule"],
                }
            )
        )
    gaps = tuple(
        no_action_gaps(
            events["event_date"],
            census,
            stall_days=stall_days,
            out_of_school_since=None if current is None else current["out_of_school_since"],
        )
    )
    offers = _plain(casework.child_offers(child, db=db))
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
    offers_shown = pd.DataFrame(
        {
            "Offered": offers["offer_date"],
            "Provider": offers["provider"],
            "Type": offers["provision_type"],
            "Outcome": [
                event_label(o) if isinstance(o, str) else "None recorded" for o in offers["outcome"]
            ],
            "Outcome date": offers["outcome_date"],
            "Days to outcome": offers["days_to_outcome"],
            "Offered again after a refusal on": offers["refused_before"],
        }
    )
    snapshots = pd.DataFrame(
        {
            "Period": [period_label(p) for p in periods["period"]],
            "Placement status": periods["placement_status"],
            "Days out": periods["days_out"],
            "Days without provision": periods["days_without_provision"],
            "Terms without provision": periods["terms_without_provision"],
            "Consultations": periods["consultations"],
            "Flags raised": periods["flags_raised"],
        }
    )
    longest = longest_gap(list(gaps))
    counted = casework.event_counts(events)
    return Chronology(
        child=child,
        found=True,
        note=note,
        census=census,
        facts=facts,
        flags=flags,
        explained=explained,
        periods=Table.of(periods),
        events=Table.of(events),
        offers=Table.of(offers),
        gaps=gaps,
        stall_days=stall_days,
        title=f"Longest stretch with no action: {longest} days"
        if gaps
        else f"No stretch of {stall_days} days without action",
        caption=f"Casework events and monthly snapshots of child {child}, to "
        f"{fmt_date(census)} (dashed line: census date). Grey: {stall_days} days or more with "
        f"no event. Source: {fr.source}.",
        about=fr.about(
            "every casework event of this child (whole log, including any after the census "
            "date) and the child's monthly snapshots. Shaded stretches run between events, from "
            f"the day the child left school, or to the census date, when {stall_days} days or "
            "more passed with no event of any kind. Lines join each offer to its outcome.",
            "Events after the census date are drawn but not counted in that period's flags.",
        ),
        log=Table.of(log),
        offers_shown=Table.of(offers_shown),
        snapshots=Table.of(snapshots),
        consultations_since=None if current is None else int(current["consultations"]),
        consultations_all=counted.get("consultation", 0),
        consultations_declined=counted.get("consultation_declined", 0),
    )
