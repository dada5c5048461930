"""Time to return to school: the Kaplan-Meier figure, its numbers at risk and medians, and the
chance of returning by time already out.

    time_to_return(f, dimension)   curves, median table, numbers at risk, log-rank words
    hazard(f)                      chance of return within a month by time already out

For figures as published, a group's counts (episodes, returns, still out) are protected; its
curve and median are shown only for groups of at least SURVIVAL_MIN_EPISODES episodes (a curve
of a handful of children follows each of them); numbers at risk are protected counts; a rate of
return is hidden with a hidden count of returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.dates import is_missing
from figures import protect
from figures.cache import figure_cache
from figures.format import fmt_int
from figures.frame import frame
from figures.labels import category_label, dimension_label
from figures.protect import Audience, narrow, resolve
from figures.values import Figure, Table, options
from queries import survival as estimates
from queries.filters import CohortFilter
from queries.survival import SURVIVAL_DIMENSIONS

__all__ = ["SURVIVAL_DIMENSIONS"]

SURVIVAL_MIN_EPISODES = protect.SURVIVAL_MIN_EPISODES
COUNTS = ["episodes", "returned", "still_out_censored", "not_seen"]


@dataclass(frozen=True)
class TimeToReturn:
    """The Time to return page's first figure and what goes with it."""

    figure: Figure | None
    notice: str  # why there is no figure, or which groups have no curve
    at_risk: Table
    medians: str  # 'All children 4.5 months.' (each group's median time to return)
    logrank: str
    problems: str = ""  # the data problems and recent changes, in words (counts protected)
    untimed: bool = False  # some episodes cannot be timed (a download of them is offered)


def median_words(value, hidden: bool = False, low=None, high=None, estimated=True) -> str:
    if hidden:
        return f"not shown: fewer than {SURVIVAL_MIN_EPISODES} episodes"
    if not estimated:
        return "too few followed to estimate"
    if value is None or is_missing(value):
        return "not reached"
    has_low = low is not None and not is_missing(low)
    has_high = high is not None and not is_missing(high)
    interval = (
        f" (95% interval {low:.1f} to {high:.1f})"
        if has_low and has_high
        else f" (95% interval from {low:.1f})"
        if has_low
        else ""
    )
    return f"{value:.1f} months{interval}"


@figure_cache
def time_to_return(
    f: CohortFilter, dimension: str | None = None, *, audience: Audience | None = None, db=None
) -> TimeToReturn:
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    result = estimates.survival(narrow(f, audience), dimension, db=db)

    def group_label(group: str) -> str:
        return "All children" if dimension is None else category_label(dimension, group)

    too_few = (
        "Too few children were seen early in their time out of school to draw a curve for "
        + ", ".join(group_label(g) if g != "All" else "all children" for g in result.too_few_groups)
        + " (with nobody followed in their first month out, the curve cannot start). "
        "It will fill in as more months are loaded."
    )
    what, band = estimates.about_sentences()
    # the data problems are stated even when no curve can be drawn
    # as published: each count by its cell key, like every other count (not only 1 to 5
    # hidden: exact counts beside the keyed ones would give hidden ones back by differencing)
    problems = " ".join(
        result.problems.sentences(lambda n, key: fmt_int(protect.count(int(n), audience, key)))
    )
    untimed = bool(result.problems.untimed)
    empty = Table()
    if not result.groups:
        notice = (
            too_few
            if result.too_few_groups
            else "No episodes out of school with a start date match these filters."
        )
        return TimeToReturn(None, notice, empty, "", "", problems, untimed)
    summary = result.summary.astype(
        {c: "Float64" for c in ("median_months", "median_low", "median_high")}
    )
    shown = protect.long(summary, audience, COUNTS, (), total_known=dimension is not None)
    # a curve and its median are drawn only for groups large enough (figures as published)
    gone = {
        g
        for g, n, shown_n in zip(
            summary["group"], summary["episodes"], shown.table["episodes"], strict=True
        )
        if audience.safe and (int(n) < SURVIVAL_MIN_EPISODES or protect.is_hidden(shown_n))
    }
    drawn = [g for g in result.groups if g not in gone]
    if not drawn:
        return TimeToReturn(
            None,
            "Too few children match these filters to show how long they stay out.",
            empty,
            "",
            "",
            problems,
            untimed,
        )
    medians = {g: m for g, m in zip(summary["group"], summary["median_months"], strict=True)}
    estimated = dict(zip(summary["group"], summary["estimated"].astype(bool), strict=True))
    intervals = {
        g: (lo, hi)
        for g, lo, hi in zip(
            summary["group"], summary["median_low"], summary["median_high"], strict=True
        )
    }
    shown_medians = pd.Series([medians[g] for g in drawn if estimated[g]], dtype="Float64")
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
    median_table = shown.table.assign(
        group=[group_label(g) for g in summary["group"]],
        median=[
            median_words(medians[g], g in gone, *intervals[g], estimated[g])
            for g in summary["group"]
        ],
    )[["group", *COUNTS, "median"]].rename(
        columns={
            "group": dimension_label(dimension) if dimension else "Group",
            "episodes": "Episodes",
            "returned": "Returned",
            "still_out_censored": "Still out (censored)",
            "not_seen": "of which not seen this month",
            "median": "Median time to return",
        }
    )
    at_risk = result.at_risk[result.at_risk["group"].isin(drawn)]
    if audience.safe:
        # numbers at risk as published, each by its cell key (not parts of a total): exact
        # numbers beside the keyed counts of the same children, or of other groups and
        # filters, would give a hidden group's number back by differencing
        keys = result.at_risk_ckey.set_index("group").loc[at_risk["group"]]
        at_risk = at_risk.assign(
            **{
                column: [
                    protect.count(int(v), audience, int(k))
                    for v, k in zip(at_risk[column], keys[column], strict=True)
                ]
                for column in at_risk.columns
                if column != "group"
            }
        ).astype({c: str for c in at_risk.columns if c != "group"})
    at_risk = at_risk.assign(group=[group_label(g) for g in at_risk["group"]]).rename(
        columns={"group": dimension_label(dimension) if dimension else "Group"}
    )
    curves = result.curves[result.curves["group"].isin(drawn)]
    curves = curves.assign(label=[group_label(g) for g in curves["group"]])
    left_out = (
        "Groups shown: the six largest; left out: " + ", ".join(result.left_out_groups) + ". "
        if result.left_out_groups
        else ""
    )
    figure = Figure(
        key=f"km-{dimension or 'all'}",
        kind="survival",
        title=title,
        caption=fr.caption(
            "Share of children still out of school by months since they last received education"
            + (f", by {dimension_label(dimension).lower()}" if dimension else ""),
            "all loaded months",
        ),
        about=fr.about(
            what,
            band
            + " "
            + left_out
            + (
                f" Figures as published draw a curve only for a group of at least "
                f"{SURVIVAL_MIN_EPISODES} episodes."
                if audience.safe
                else ""
            ),
            hidden=shown.hidden or bool(gone),
        ),
        table=Table.of(median_table),
        chart=Table.of(curves),
        file_name=f"time_to_return_{dimension or 'all'}_{f.period}.csv",
        dimension=dimension,
        hidden=shown.hidden or bool(gone),
        protected=audience.safe,
        options=options(groups=tuple(drawn)),
    )
    median_line = (
        "; ".join(
            f"{group_label(g)} {median_words(medians[g], g in gone, estimated=estimated[g])}"
            for g in summary["group"]
        )
        + "."
    )
    notice = too_few if result.too_few_groups else ""
    return TimeToReturn(
        figure,
        notice,
        Table.of(at_risk),
        median_line,
        result.logrank.get("words", ""),
        problems,
        untimed,
    )


def _rates_from_shown(shown: protect.Protected) -> protect.Protected:
    """The chance of return worked out again from the returns as shown."""
    table, chart = shown.table.copy(), shown.chart.copy()
    for row in chart.index:
        events = chart.at[row, "returns"]
        if pd.isna(events):
            continue
        for column, value in estimates.return_chance(
            int(events), float(chart.at[row, "child_months"])
        ).items():
            table.at[row, column] = chart.at[row, column] = value
    return protect.Protected(table, chart, shown.hidden)


@dataclass(frozen=True)
class Hazard:
    figure: Figure
    sentence: str


@figure_cache
def hazard(f: CohortFilter, *, audience: Audience | None = None, db=None) -> Hazard:
    """The chance of returning within the next month by time already out, and in words."""
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    raw = estimates.hazard_by_time_out(narrow(f, audience), db=db)
    # returns are expected numbers (shared between bands): whole numbers on screen
    raw = raw.round({"child_months": 1}).assign(returns=raw["returns"].round().astype("int64"))
    rates = ["rate_per_month", "monthly_return", "low", "high"]
    shown = protect.long(raw, audience, ["returns"], (), rates, total_known=False)
    if audience.safe:
        # the chance of return from the returns as shown (child-months are time, not children)
        shown = _rates_from_shown(shown)
    table = shown.table.assign(
        monthly_return=100 * shown.table["monthly_return"],
        low=100 * shown.table["low"],
        high=100 * shown.table["high"],
    )[["band", "child_months", "returns", "monthly_return", "low", "high"]].rename(
        columns={
            "band": "Time already out",
            "child_months": "Child-months at risk",
            "returns": "Returns (estimated)",
            "monthly_return": "Return within a month (percent)",
            "low": "95% interval from (percent)",
            "high": "95% interval to (percent)",
        }
    )
    figure = Figure(
        key="hazard",
        kind="hazard",
        title="Does the chance of returning fall the longer a child is out?",
        caption=fr.caption(
            "Chance of returning to education within the next month, by time already out",
            "all loaded months",
        ),
        about=fr.about(
            estimates.HAZARD_NOTE[0],
            estimates.HAZARD_NOTE[1]
            + (
                " As published, the chance of return is worked out again from the returns as "
                "shown (rounded to whole returns), with an exact Poisson interval."
                if audience.safe
                else ""
            ),
            hidden=shown.hidden,
        ),
        table=Table.of(table),
        chart=Table.of(shown.chart.dropna(subset=["monthly_return"])),
        file_name=f"return_hazard_{f.period}.csv",
        hidden=shown.hidden,
        protected=audience.safe,
    )
    # the words from the values the table shows (as published: worked out from the returns as
    # shown), so the sentence cannot say what its own table does not
    visible = shown.chart.dropna(subset=["monthly_return"]).reset_index(drop=True)
    return Hazard(figure, estimates.hazard_sentence(visible))


def problem_rows(f: CohortFilter, *, audience: Audience | None = None, db=None) -> pd.DataFrame:
    """The episodes that cannot be timed, one row per episode with the child's ID, for the
    page's download: through queries/pupil.py (role checked and audited there), narrowed to a
    caseworker's teams like every figure."""
    return estimates.problem_episodes(narrow(f, resolve(audience)), db=db)
