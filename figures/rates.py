"""Rates and over-representation: children out of school per 100 children with an EHC plan.

    overall(f)                        the filtered cohort's rate (a card)
    rates(f, dimension)               rate per 100 by group, with 95% intervals
    ratios(f, dimension)              share of children out / share of plans by group, tested
    rate_trend(f, dimension, start)   the rate month by month

Figures as published are worked out from the counts as shown: a rate is shown children out /
shown children with a plan, its interval from those, a ratio from the shown shares; a group
with a hidden count has none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from figures import protect
from figures.breakdowns import breakdown_parents
from figures.cache import figure_cache
from figures.format import fmt_int, period_label
from figures.frame import frame
from figures.labels import category_label, dimension_label
from figures.protect import Audience, narrow, resolve
from figures.values import Figure, Metric, Table, options
from queries import aggregates
from queries import rates as rate_queries
from queries.dimensions import LAST_CATEGORIES
from queries.filters import CohortFilter
from queries.rate_stats import wilson
from queries.rates import COUNT_COLUMNS, NOT_RECORDED, RATE_DIMENSIONS, caseload_periods

__all__ = ["RATE_DIMENSIONS", "caseload_periods"]

DERIVED = [
    "rate_per_100", "rate_low", "rate_high", "share_out", "share_plans", "ratio", "ratio_low",
    "ratio_high", "p_value", "p_holm",
]  # fmt: skip
NUMERATOR_ONLY = (
    "Filters on placement status, imports and days out narrow the children out of school only "
    "(the caseload has no such columns); every other filter applies to both."
)
DENOMINATOR = (
    "every child in the council's EHC plan caseload extract at the same census date, with the "
    "same filters."
)


@dataclass(frozen=True)
class Rates:
    """One period's rates by a dimension: the rate figure, the ratio figure and its words."""

    loaded: bool  # the period has a caseload (else nothing but the notice)
    notice: str
    overall: Metric | None
    rate: Figure | None
    ratio: Figure | None
    sentences: tuple[str, ...] = ()
    tested: int = 0
    caution: str = ""  # the "many comparisons" caution (markdown)


def _shown_statistics(
    raw: pd.DataFrame, audience: Audience, parents=()
) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """(table data, chart data, anything hidden): counts as shown, and everything worked out
    from them recomputed from the shown counts (None in a row with a hidden count)."""
    if not audience.safe:
        return raw, raw, False
    family = int(raw["family_size"].iloc[0]) if "family_size" in raw and len(raw) else 0
    shown = protect.long(raw, audience, COUNT_COLUMNS, (), parents=parents)
    visible = ~shown.chart[COUNT_COLUMNS].isna().any(axis=1).to_numpy()
    counts = shown.chart.loc[visible, ["category", *COUNT_COLUMNS]].astype(
        {c: "int64" for c in COUNT_COLUMNS}
    )
    derived = rate_queries.statistics(counts) if not counts.empty else counts
    if "p_value" in derived:
        # As published, Bonferroni's adjustment across the page's whole family of groups: it
        # needs only the shown counts and the family's size, and never says more than Holm's
        # (worked out on every child's count, which publishing must not lean on).
        derived["p_holm"] = (derived["p_value"] * max(family, 1)).clip(upper=1.0)
    table, chart = shown.table.copy(), shown.chart.copy()
    for column in [*DERIVED, "excludes_one"]:
        values = pd.Series([None] * len(raw), dtype=object)
        if column in derived:
            values[np.flatnonzero(visible)] = derived[column].tolist()
        if column == "excludes_one":
            chart[column] = values.fillna(False).astype(bool).to_numpy()
        else:
            table[column] = pd.array(values.tolist(), dtype="Float64")
            chart[column] = pd.array(values.tolist(), dtype="Float64")
    chart["family_size"] = family
    return table, chart, shown.hidden


@dataclass(frozen=True)
class Overall:
    """The filtered cohort's rate, from the counts as shown (hidden: no rate at all)."""

    children_out: object
    children_with_plan: object
    rate: float | None
    low: float | None
    high: float | None

    @property
    def hidden(self) -> bool:
        return protect.is_hidden(self.children_out) or protect.is_hidden(self.children_with_plan)


@figure_cache
def overall_values(f: CohortFilter, *, audience: Audience | None = None, db=None) -> Overall | None:
    """The filtered cohort's rate per 100 children with a plan (None: no caseload)."""
    audience = resolve(audience)
    found = rate_queries.overall_rate(narrow(f, audience), db=db)
    if found is None:
        return None
    out = protect.count(int(found["children_out"]), audience, found.get("children_out_ckey"))
    plans = protect.count(
        int(found["children_with_plan"]), audience, found.get("children_with_plan_ckey")
    )
    if protect.is_hidden(out) or protect.is_hidden(plans) or not plans:
        return Overall(out, plans, None, None, None)
    low, high = (found["rate_low"], found["rate_high"])
    if audience.safe:
        low, high = (100 * b for b in wilson(out, plans))
    return Overall(out, plans, 100.0 * out / plans, float(low), float(high))


def overall(f: CohortFilter, *, audience: Audience | None = None, db=None) -> Metric | None:
    """The rate as a card."""
    found = overall_values(f, audience=audience, db=db)
    if found is None:
        return None
    label = "Out of school per 100 children with a plan"
    if found.hidden:
        return Metric(
            "overall_rate",
            label,
            protect.SUPPRESSED,
            protect.SUPPRESSED,
            help=f"Hidden: {protect.SMALL_MAX} or fewer children out of school match these "
            "filters.",
        )
    return Metric(
        "overall_rate",
        label,
        "–" if found.rate is None else f"{found.rate:.1f}",
        found.rate,
        help=f"{fmt_int(found.children_out)} children out of school of "
        f"{fmt_int(found.children_with_plan)} with an EHC plan; 95% interval {found.low:.1f} "
        f"to {found.high:.1f}.",
    )


@figure_cache
def rates(f: CohortFilter, dimension: str, *, audience: Audience | None = None, db=None) -> Rates:
    """The Rates page's two figures for one period, or the notice that there is no caseload."""
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    g = narrow(f, audience)
    with_caseload = caseload_periods(db)
    if f.period not in with_caseload:
        months = ", ".join(period_label(p) for p in list(with_caseload)[-6:])
        return Rates(
            False,
            f"No EHC plan caseload is loaded for {fr.period_name}, so there is no rate for this "
            "month: only counts (see Breakdowns). Load one with `python -m data.load caseload "
            f"FILE --period {f.period}`."
            + (f" Months with a caseload: {months}." if months else ""),
            None,
            None,
            None,
        )
    raw = rate_queries.rates(g, dimension, db=db)
    # the children out are the Breakdowns page's cells: their zeros hidden the same way
    parents = breakdown_parents(
        g, dimension, audience, raw, lambda p, dim: aggregates.breakdown(p, dim, db=db)
    )
    parents = [p.rename(columns={"children": "children_out"}) for p in parents]
    table_data, data, hidden = _shown_statistics(raw, audience, parents)
    label = dimension_label(dimension)
    card = overall(f, audience=audience, db=db)
    shown = data[(data["children_with_plan"].fillna(0) > 0) & data["rate_per_100"].notna()]
    # the title names a real group: Not recorded is a data-quality category, not a finding
    named = shown[shown["category"] != NOT_RECORDED]
    top = named.loc[named["rate_per_100"].astype(float).idxmax()] if not named.empty else None
    unrecorded = shown[shown["category"] == NOT_RECORDED]
    labelled = table_data.assign(
        category=[category_label(dimension, c) for c in table_data["category"]]
    )
    chart = data.assign(
        label=[category_label(dimension, c) for c in data["category"]],
        # Not recorded (and Not an import) are drawn but never tested: the chart marks them so
        tested=~data["category"].isin(LAST_CATEGORIES),
    )
    rate_table = labelled[
        ["category", "children_out", "children_with_plan", "rate_per_100", "rate_low", "rate_high"]
    ].rename(
        columns={
            "category": label, "children_out": "Children out of school",
            "children_with_plan": "Children with a plan", "rate_per_100": "Rate per 100",
            "rate_low": "95% interval from", "rate_high": "95% interval to",
        }
    )  # fmt: skip
    overall_rate = card.number if card is not None and not isinstance(card.number, str) else None
    rate = Figure(
        key=f"rates-{dimension}",
        kind="rate",
        title=rate_title(top, unrecorded, dimension, label)
        if top is not None
        else "No children with a plan match these filters",
        caption=fr.caption(
            f"Children out of school per 100 children with an EHC plan, by {label.lower()}"
        ),
        about=fr.about(
            f"children out of school in each {label.lower()} group divided by the children with "
            "an EHC plan in the same group, times 100. The denominator is "
            + DENOMINATOR
            + " The dashed line is the rate for everyone shown.",
            "The interval is a 95% Wilson score interval: with the same underlying chance of "
            "being out of school, counts this size would give a rate in that range 95 times in "
            "100. Wide intervals mean small groups: read them with care. "
            + NUMERATOR_ONLY
            + " A child out of school who is missing from the caseload still counts in the "
            "numerator (the Data quality page counts them).",
            hidden=hidden,
        ),
        table=Table.of(rate_table),
        chart=Table.of(chart if not shown.empty else chart.iloc[0:0]),
        file_name=f"rates_by_{dimension}_{f.period}.csv",
        dimension=dimension,
        hidden=hidden,
        protected=audience.safe,
        options=options(overall=overall_rate),
    )
    # the words name the adjustment the p-values carry: Holm on every child's count, or, as
    # published, Bonferroni on the counts as shown (_shown_statistics)
    correction = "Bonferroni" if audience.safe else "Holm"
    sentences = rate_queries.overrepresented_sentences(
        data.dropna(subset=["ratio"]), label, correction
    )
    tested = int(data["p_holm"].notna().sum())
    ratio_table = labelled[
        ["category", "children_out", "children_with_plan", "share_out", "share_plans", "ratio",
         "ratio_low", "ratio_high", "p_value", "p_holm"]
    ].rename(
        columns={
            "category": label, "children_out": "Children out of school",
            "children_with_plan": "Children with a plan",
            "share_out": "Share of children out (%)", "share_plans": "Share of plans (%)",
            "ratio": "Ratio", "ratio_low": "95% interval from", "ratio_high": "95% interval to",
            "p_value": "p-value", "p_holm": f"p-value ({correction})",
        }
    )  # fmt: skip
    ratio = Figure(
        key=f"ratio-{dimension}",
        kind="ratio",
        title=ratio_title(len(sentences), tested, data, dimension),
        caption=fr.caption(
            f"Over-representation by {label.lower()}: share of children out ÷ share of plans"
        ),
        about=fr.about(
            "for each group, its share of the children out of school divided by its share of "
            "the children with a plan. 1 means in proportion; 2 means twice its share; 0.5 "
            "half. The denominator is " + DENOMINATOR,
            "The interval is a 95% interval of the ratio (from the Katz interval of the risk "
            "ratio of the group against everyone else with a plan; where a group or everyone "
            "else has no child out, or no child in school, 0.5 is added to each of the four "
            "cells of that 2×2 table, the textbook correction). Filled diamonds mark groups "
            "whose interval excludes 1. Many comparisons: comparing many groups at once, some "
            "intervals will exclude 1 by chance alone (about 1 in 20). The p-values are "
            "therefore also adjusted by the Holm-Bonferroni method across every group of every "
            "breakdown this page offers (in figures as published, by Bonferroni's method on the "
            "counts as shown, which never says more than Holm's), and the words say which "
            "findings still stand after it. Not recorded is shown (an open square) but not tested: "
            "it is a gap in the records, not a group of children. " + NUMERATOR_ONLY,
            hidden=hidden,
        ),
        table=Table.of(ratio_table),
        chart=Table.of(chart if chart["ratio"].notna().any() else chart.iloc[0:0]),
        file_name=f"overrepresentation_by_{dimension}_{f.period}.csv",
        dimension=dimension,
        hidden=hidden,
        protected=audience.safe,
    )
    caution = (
        rate_queries.comparisons_caution(data, "Bonferroni" if audience.safe else "Holm-Bonferroni")
        if len(data)
        else ""
    )
    return Rates(True, "", card, rate, ratio, tuple(sentences), tested, caution)


def rate_title(top, unrecorded: pd.DataFrame, dimension: str, label: str) -> str:
    """The rate chart's title from the bars it draws: the highest recorded group, said to be
    the highest of the groups recorded when a Not recorded bar is drawn, whose rate is then
    given too (a longer bar beside a title naming another group as highest misleads)."""
    name = category_label(dimension, top["category"])
    rate = f"{top['rate_per_100']:.1f} per 100 plans"
    if unrecorded.empty:
        return f"{name} has the highest rate: {rate}"
    other = float(unrecorded["rate_per_100"].iloc[0])
    return f"{name} has the highest rate of the groups recorded: {rate} (Not recorded: {other:.1f})"


def ratio_title(differ: int, tested: int, data: pd.DataFrame, dimension: str) -> str:
    """The ratio chart's title from the intervals it draws: how many of the groups tested
    differ, and any group drawn but not tested (Not recorded) whose interval clears 1."""
    if not tested:
        return "No groups to compare"
    words = f"{differ} of {tested} groups tested differ from their share of plans"
    drawn = data[data["ratio"].notna() & data["category"].isin(LAST_CATEGORIES)]
    clear = drawn[(drawn["ratio_low"] > 1) | (drawn["ratio_high"] < 1)]
    if clear.empty:
        return words
    named = ", ".join(
        f"{category_label(dimension, r.category)} ({float(r.ratio):.1f} times)"
        for r in clear.itertuples(index=False)
    )
    return f"{words}; not tested: {named}"


@figure_cache
def rate_trend(
    f: CohortFilter,
    dimension: str | None,
    start: str,
    *,
    audience: Audience | None = None,
    db=None,
) -> Figure:
    """The rate per 100 plans in every loaded period from `start` to f's period (months with
    no caseload have no rate: a gap, not 0); by `dimension`, the six largest groups drawn."""
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    g = narrow(f, audience)
    raw = rate_queries.rate_trend(g, dimension, start, f.period, db=db)
    missing = raw.loc[~raw["caseload_loaded"], "period"].unique().tolist()
    parents = breakdown_parents(
        g, dimension, audience, raw,
        lambda p, dim: rate_queries.rate_trend(p, dim, start, f.period, db=db),
    )  # fmt: skip
    shown = protect.long(
        raw, audience, COUNT_COLUMNS, (), ["rate_per_100", "rate_low", "rate_high"],
        group_cols=("period",), total_known=dimension is not None, parents=parents,
    )  # fmt: skip
    table_rows, chart = shown.table, shown.chart
    if audience.safe:
        # the rate and its interval from the counts as shown
        for row in chart.index:
            out, plans = chart.at[row, "children_out"], chart.at[row, "children_with_plan"]
            if pd.isna(out) or pd.isna(plans) or not plans or not raw.at[row, "caseload_loaded"]:
                continue
            low, high = wilson(float(out), float(plans))
            values = (100 * float(out) / float(plans), 100 * low, 100 * high)
            for column, value in zip(("rate_per_100", "rate_low", "rate_high"), values,
                                     strict=True):  # fmt: skip
                chart.at[row, column] = value
                table_rows.at[row, column] = value
    note = ""
    if dimension is not None and chart["category"].nunique() > 6:
        largest = (
            raw.groupby("category")["children_out"].sum().sort_values(ascending=False).index[:6]
        )
        chart = chart[chart["category"].isin(largest)]
        table_rows = table_rows[table_rows["category"].isin(largest)]
        note = "The six groups with the most children out of school are drawn."
    chart = chart.assign(label=[category_label(dimension, c) for c in chart["category"]])
    label = dimension_label(dimension) if dimension else "Group"
    table = table_rows.assign(
        category=[category_label(dimension, c) for c in table_rows["category"]],
        period=[period_label(p) for p in table_rows["period"]],
    )[["period", "category", "children_out", "children_with_plan", "rate_per_100", "rate_low",
       "rate_high"]].rename(
        columns={"period": "Period", "category": label,
                 "children_out": "Children out of school",
                 "children_with_plan": "Children with a plan",
                 "rate_per_100": "Rate per 100", "rate_low": "95% interval from",
                 "rate_high": "95% interval to"}
    )  # fmt: skip
    no_caseload = ", ".join(period_label(p) for p in missing)
    return Figure(
        key="rate-trend",
        kind="rate_trend",
        title="Out-of-school rate per 100 children with a plan, month by month",
        caption=fr.caption(
            "Children out of school per 100 children with an EHC plan",
            f"{period_label(start)} to {fr.period_name}",
        ),
        about=fr.about(
            "each month's children out of school divided by that month's children with an EHC "
            "plan, times 100. The denominator is " + DENOMINATOR,
            "The band (whole cohort) is the 95% Wilson interval of each month's rate. "
            + (
                f"No caseload was loaded for {no_caseload}: those months have no rate (a gap "
                "in the line), not a rate of 0. "
                if missing
                else ""
            )
            + NUMERATOR_ONLY,
            hidden=shown.hidden,
        ),
        table=Table.of(table),
        chart=Table.of(chart if chart["rate_per_100"].notna().any() else chart.iloc[0:0]),
        file_name=f"rate_trend_{f.period}.csv",
        dimension=dimension,
        note=note,
        hidden=shown.hidden,
        protected=audience.safe,
        options=options(missing=no_caseload),
    )
