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
COUNTS = ["episodes", "returned", "still_out_censored"]


@dataclass(frozen=True)
class TimeToReturn:
    """The Time to return page's first figure and what goes with it."""

    figure: Figure | None
    notice: str  # why there is no figure, or which groups have no curve
    at_risk: Table
    medians: str  # 'All children 4.5 months.' (each group's median time to return)
    logrank: str


def median_words(value, hidden: bool = False) -> str:
    if hidden:
        return f"not shown: fewer than {SURVIVAL_MIN_EPISODES} episodes"
    return "not reached" if value is None or is_missing(value) else f"{value:.1f} months"


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
        + " (with nobody followed between two returns, the Kaplan-Meier estimate is undefined). "
        "It will fill in as more months are loaded."
    )
    empty = Table()
    if not result.groups:
        notice = (
            too_few
            if result.too_few_groups
            else "No episodes out of school with a start date match these filters."
        )
        return TimeToReturn(None, notice, empty, "", "")
    summary = result.summary.assign(median_months=result.summary["median_months"].astype("Float64"))
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
        )
    medians = {g: m for g, m in zip(summary["group"], summary["median_months"], strict=True)}
    shown_medians = pd.Series([medians[g] for g in drawn], dtype="Float64")
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
        median=[median_words(medians[g], g in gone) for g in summary["group"]],
    )[["group", *COUNTS, "median"]].rename(
        columns={
            "group": dimension_label(dimension) if dimension else "Group",
            "episodes": "Episodes",
            "returned": "Returned",
            "still_out_censored": "Still out (censored)",
            "median": "Median time to return",
        }
    )
    at_risk = result.at_risk[result.at_risk["group"].isin(drawn)]
    if audience.safe:
        # numbers at risk are not parts of a total: each of 1 to 5 is hidden on its own
        at_risk = at_risk.assign(
            **{
                column: [protect.unkeyed_count(int(v), audience) for v in at_risk[column]]
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
            "episodes out of school built from the monthly snapshots. Start: the child's 'out "
            "of school since' date. A return is the first month the child is no longer in the "
            "cohort (the return date is that month's census date, or the start of the child's "
            "next episode if earlier); a child who comes back later starts a new episode. A "
            "single missing month with the same 'out of school since' date is treated as a gap "
            "in recording, not a return. Censoring: children still out in the latest month are "
            "counted as still out up to then (the curve does not assume they return). Late "
            "entry: a child counts as at risk only from the first census they were seen, so "
            "children already out when the records begin do not distort the early months; "
            "this is why the number at risk can rise at first.",
            "The band is a 95% pointwise confidence interval (Greenwood, exponential form): "
            "the range that would hold the true share still out 95 times in 100 at each time. "
            f"Episodes without a start date are left out ({fmt_int(result.no_start_date)}). "
            + left_out
            + "Kaplan-Meier estimates from the lifelines library."
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
            f"{group_label(g)} {median_words(medians[g], g in gone)}" for g in summary["group"]
        )
        + "."
    )
    notice = too_few if result.too_few_groups else ""
    return TimeToReturn(
        figure, notice, Table.of(at_risk), median_line, result.logrank.get("words", "")
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
            "returns": "Returns",
            "monthly_return": "Return within a month (percent)",
            "low": "95% interval from (percent)",
            "high": "95% interval to (percent)",
        }
    )
    visible = raw[~shown.chart["monthly_return"].isna().to_numpy()] if shown.hidden else raw
    figure = Figure(
        key="hazard",
        kind="hazard",
        title="Does the chance of returning fall the longer a child is out?",
        caption=fr.caption(
            "Chance of returning to education within the next month, by time already out",
            "all loaded months",
        ),
        about=fr.about(
            "for children who have been out a given time, how many return per child-month they "
            "spend out at that stage (returns ÷ child-months at risk), shown as the chance of "
            "returning within the next month. The denominator is the time children spend out "
            "while seen in the snapshots (late entry as in the curve above); a return is the "
            "first month a child is no longer in the cohort.",
            "Returns are known only to the month, so the first band is three months wide. The "
            "interval is an exact (Poisson) 95% interval of the rate. Children still out in the "
            "latest month contribute their time but no return (censoring).",
            hidden=shown.hidden,
        ),
        table=Table.of(table),
        chart=Table.of(shown.chart.dropna(subset=["monthly_return"])),
        file_name=f"return_hazard_{f.period}.csv",
        hidden=shown.hidden,
        protected=audience.safe,
    )
    return Hazard(figure, estimates.hazard_sentence(visible.reset_index(drop=True)))
