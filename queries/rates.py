"""Out-of-school rates against all children with an EHC plan, and over-representation.

    caseload_periods()                 periods with a caseload loaded (rates need one)
    rates(f, dimension)                one period: rate per 100 plans and the over-representation
                                       ratio, each with a 95% interval, for every category, and
                                       p-values Holm-adjusted across the page's whole family
    comparison_family(f)               every group the page could test, in all its breakdowns
    comparisons_caution(frame)         the "many comparisons" and "full count" words
    rate_trend(f, dimension, a, b)     rate per 100 plans in every period of a range
    overall_rate(f)                    the filtered cohort's rate in one period
    overrepresented_sentences(frame)   the groups whose interval excludes 1, in words
    missing_from_caseload()            data quality: cohort children not in the caseload

The numerator is the filtered out-of-school cohort (queries/aggregates.py); the denominator is
the caseload of the same period with the same filters, except the placement status, import and
days-out filters, which describe being out of school and narrow the numerator only.
Count columns are named `children_out` and `children_with_plan` so that small-number
suppression can find them; their cell keys are `children_out_ckey` and `children_with_plan_ckey`
(figures/disclosure.py). Statistics are in queries/rate_stats.py.

Many comparisons: the page shows one breakdown at a time but offers all of RATE_DIMENSIONS,
and a reader can look at each in turn. So the family for the Holm-Bonferroni correction is
every group tested in every one of them (same filters and period), not only the breakdown on
screen: switching breakdown cannot turn up a finding that chance alone would explain.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import duckdb
import numpy as np
import pandas as pd

from queries import aggregates, runner
from queries.dimensions import ALL_SPEC, LAST_CATEGORIES, NOT_RECORDED, spec
from queries.filters import CohortFilter, check_period
from queries.rate_stats import holm, share_ratio, wilson

# Dimensions the caseload has too (the Appendix B dimensions and the SEN team): a rate needs
# the same category in both extracts.
RATE_DIMENSIONS = [
    "age_band",
    "age",
    "gender",
    "year_group",
    "primary_need",
    "need_area",
    "district",
    "care_status",
    "sen_team",
]
COUNT_COLUMNS = ["children_out", "children_with_plan"]
CKEY_COLUMNS = [f"{column}_ckey" for column in COUNT_COLUMNS]
_RENAMED = {
    "children": "children_out",
    "children_ckey": "children_out_ckey",
    "plans": "children_with_plan",
    "plans_ckey": "children_with_plan_ckey",
}

runner.allow_template_values("dimension", [spec(d).sql for d in RATE_DIMENSIONS])
# every rate dimension at once, for the family of tests: d0, d1, ... in RATE_DIMENSIONS order
EACH_DIMENSION = {
    "dimension_columns": ", ".join(f"{spec(d).sql} AS d{i}" for i, d in enumerate(RATE_DIMENSIONS)),
    "dimension_names": ", ".join(f"d{i}" for i in range(len(RATE_DIMENSIONS))),
    "dimension_sets": ", ".join(f"(d{i})" for i in range(len(RATE_DIMENSIONS))),
}
for _slot, _value in EACH_DIMENSION.items():
    runner.allow_template_values(_slot, [_value])


def caseload_periods(db=None) -> dict[str, int]:
    """{period: children with a plan} for every period with a caseload loaded."""
    try:
        frame = runner.run("caseload_periods", db=db)
    except duckdb.CatalogException:  # a database built before the caseload existed
        return {}
    return dict(zip(frame["period"], frame["plans"].astype(int), strict=True))


def has_caseload(period: str, db=None) -> bool:
    return check_period(period) in caseload_periods(db)


def _denominator_filter(f: CohortFilter) -> CohortFilter:
    return dataclasses.replace(
        f, placement_statuses=(), is_import=None, days_out_min=None, days_out_max=None
    )


def _plans(f: CohortFilter, dimension: str | None, low: str, high: str, db) -> pd.DataFrame:
    d = ALL_SPEC if dimension is None else spec(dimension)
    params = {**_denominator_filter(f).params(), "period_from": low, "period_to": high}
    return runner.run("caseload_by_category", params, db=db, template={"dimension": d.sql})


def _check(dimension: str | None) -> None:
    if dimension is not None and dimension not in RATE_DIMENSIONS:
        raise ValueError(
            f"no rate by {dimension!r}: the caseload has no such column; choose one of "
            + ", ".join(RATE_DIMENSIONS)
        )


def _with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    a = frame["children_out"].to_numpy(float)
    n = frame["children_with_plan"].to_numpy(float)
    bounds = np.array([wilson(k, m) for k, m in zip(a, n, strict=True)]).reshape(-1, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["rate_per_100"] = np.where(n > 0, 100 * a / n, np.nan)
    frame["rate_low"] = 100 * bounds[:, 0]
    frame["rate_high"] = 100 * bounds[:, 1]
    return frame


def rates(f: CohortFilter, dimension: str, *, db=None) -> pd.DataFrame:
    """One period's rates and over-representation by `dimension`.

    Columns: category, children_out, children_with_plan, children_out_ckey,
    children_with_plan_ckey (the counts' cell keys), rate_per_100, rate_low, rate_high
    (Wilson 95%), share_out, share_plans (percent of the breakdown's totals), ratio,
    ratio_low, ratio_high (95%), p_value, p_holm (Holm-adjusted across every group tested in
    every breakdown the page offers: comparison_family; Not recorded is not tested),
    family_size (how many tests that family holds), excludes_one (the 95% interval
    excludes 1). Empty when the period has no caseload (check has_caseload first to say so).
    """
    _check(dimension)
    frame = _rates(f, dimension, db)
    if frame.empty:
        return frame
    family = comparison_family(f, db=db)
    keys = zip(family["dimension"], family["category"], strict=True)
    adjusted = dict(zip(keys, family["p_holm"], strict=True))
    frame["p_holm"] = [adjusted.get((dimension, c), np.nan) for c in frame["category"]]
    frame["family_size"] = len(family)
    return frame


def plan_counts(f: CohortFilter, dimension: str, *, db=None) -> pd.DataFrame:
    """The two counts of rates() by `dimension` and nothing worked out from them: category,
    children_out, children_with_plan and their cell keys, in natural order (empty when the
    period has no caseload). For a table that shows the counts and works out its own rate
    (the Breakdowns page, the map), without the tests and the family's correction."""
    _check(dimension)
    if not has_caseload(f.period, db):
        return pd.DataFrame(columns=["category", *COUNT_COLUMNS, *CKEY_COLUMNS])
    out = aggregates.breakdown(f, dimension, db=db)[["category", "children", "children_ckey"]]
    plans = _plans(f, dimension, f.period, f.period, db)[["category", "plans", "plans_ckey"]]
    frame = out.merge(plans, on="category", how="outer").rename(columns=_RENAMED)
    columns = [*COUNT_COLUMNS, *CKEY_COLUMNS]
    frame[columns] = frame[columns].fillna(0).astype("int64")
    return _order(frame, dimension).reset_index(drop=True)


def _rates(f: CohortFilter, dimension: str, db) -> pd.DataFrame:
    """rates() without the family's correction."""
    frame = plan_counts(f, dimension, db=db)
    if frame.empty:
        return frame
    return statistics(frame)


def statistics(frame: pd.DataFrame, totals: tuple | None = None) -> pd.DataFrame:
    """The rates, shares, ratios and tests of a breakdown's two counts (`children_out`,
    `children_with_plan`, one row per category): every column rates() adds to its counts.
    `totals` (children out, children with a plan): the breakdown's totals when they are not
    the sum of its rows. Pure; the figures layer calls it on the counts as shown when figures
    are published."""
    frame = _with_rates(frame.reset_index(drop=True).copy())
    if totals is None:
        total_a, total_n = frame["children_out"].sum(), frame["children_with_plan"].sum()
    else:
        total_a, total_n = totals
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["share_out"] = 100 * frame["children_out"] / total_a if total_a else np.nan
        frame["share_plans"] = 100 * frame["children_with_plan"] / total_n if total_n else np.nan
    ratios = pd.DataFrame(
        [
            share_ratio(a, n, total_a, total_n)
            for a, n in zip(frame["children_out"], frame["children_with_plan"], strict=True)
        ],
        index=frame.index,
    )
    frame = pd.concat([frame, ratios], axis=1)
    tested = ~frame["category"].isin(LAST_CATEGORIES)
    frame["excludes_one"] = (
        tested & ((frame["ratio_low"] > 1) | (frame["ratio_high"] < 1))
    ).astype(bool)
    return frame.reset_index(drop=True)


def comparison_family(f: CohortFilter, *, db=None) -> pd.DataFrame:
    """dimension, category, p_value, p_holm: every group with a test in every breakdown the
    Rates page offers (RATE_DIMENSIONS), for this filter and period, Holm-adjusted together.
    Empty when the period has no caseload."""
    version = runner.data_version(db)
    return _family(f, None if db is None else str(db), version).copy()


@lru_cache(maxsize=32)
def _family(f: CohortFilter, db, version) -> pd.DataFrame:
    empty = pd.DataFrame(columns=["dimension", "category", "p_value", "p_holm"])
    if not has_caseload(f.period, db):
        return empty
    # one scan of the cohort and one of the caseload for every breakdown (the same counts as
    # rates() by each dimension, which the tests check)
    out = _each_dimension(runner.run("children_by_each_dimension", f.params(), db=db,
                                     template=EACH_DIMENSION), "children")  # fmt: skip
    params = _denominator_filter(f).params()
    plans = _each_dimension(runner.run("plans_by_each_dimension", params, db=db,
                                       template=EACH_DIMENSION), "plans")  # fmt: skip
    counts = out.merge(plans, on=["dimension", "category"], how="outer").fillna(
        {"children": 0, "plans": 0}
    )
    parts = []
    for dimension, part in counts.groupby("dimension", sort=False):
        total_a, total_n = part["children"].sum(), part["plans"].sum()
        tested = part[~part["category"].isin(LAST_CATEGORIES)]
        p_values = [
            share_ratio(a, n, total_a, total_n)["p_value"]
            for a, n in zip(tested["children"], tested["plans"], strict=True)
        ]
        parts.append(pd.DataFrame({"dimension": dimension, "category": tested["category"],
                                   "p_value": p_values}))  # fmt: skip
    family = pd.concat(parts, ignore_index=True) if parts else empty
    family = family[family["p_value"].notna()].reset_index(drop=True)
    if family.empty:
        return empty
    family = family.sort_values(["dimension", "category"], ignore_index=True)
    family["p_holm"] = holm(family["p_value"])
    return family


def _each_dimension(frame: pd.DataFrame, count: str) -> pd.DataFrame:
    """dimension, category, count from a GROUPING SETS result: row by row, the dimension is
    the one column grouped (its bit of grouping_id is 0; the first column is the highest)."""
    n = len(RATE_DIMENSIONS)
    rows = []
    for i, dimension in enumerate(RATE_DIMENSIONS):
        part = frame[(frame["gid"].to_numpy() >> (n - 1 - i)) & 1 == 0]
        rows.append(pd.DataFrame({"dimension": dimension, "category": part[f"d{i}"],
                                  count: part[count]}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def _order(frame: pd.DataFrame, dimension: str | None) -> pd.DataFrame:
    """Natural category order: listed categories, others alphabetically, Not recorded last."""
    listed = [] if dimension is None else list(spec(dimension).categories)
    position = {c: i for i, c in enumerate(listed)}
    key = frame["category"].map(
        lambda c: (c in LAST_CATEGORIES, position.get(c, len(listed)), str(c))
    )
    return frame.assign(_key=key).sort_values("_key").drop(columns="_key")


def overall_rate(f: CohortFilter, *, db=None) -> dict | None:
    """{children_out, children_with_plan, children_out_ckey, children_with_plan_ckey,
    rate_per_100, rate_low, rate_high}, or None when the period has no caseload."""
    frame = rate_trend(f, None, f.period, f.period, db=db)
    if frame.empty or not frame["caseload_loaded"].iloc[0]:
        return None
    columns = [*COUNT_COLUMNS, *CKEY_COLUMNS, "rate_per_100", "rate_low", "rate_high"]
    return frame.iloc[0][columns].to_dict()


def rate_trend(
    f: CohortFilter, dimension: str | None, period_from: str, period_to: str, *, db=None
) -> pd.DataFrame:
    """Rates in every loaded period of a range, by `dimension` (None: the whole cohort).

    Columns period, category, children_out, children_with_plan, children_out_ckey,
    children_with_plan_ckey (the counts' cell keys), rate_per_100, rate_low, rate_high,
    caseload_loaded (False: no caseload that month, so no rate: NaN, not 0).
    """
    _check(dimension)
    low, high = sorted((check_period(period_from), check_period(period_to)))
    out = aggregates.trend(f, dimension, low, high, db=db)
    out = out[["period", "category", "children", "children_ckey"]]
    loaded = set(caseload_periods(db))
    if loaded & {p for p in out["period"]}:
        plans = _plans(f, dimension, low, high, db)
    else:
        plans = pd.DataFrame(columns=["period", "category", "plans", "plans_ckey"])
    frame = out.merge(plans, on=["period", "category"], how="left").rename(columns=_RENAMED)
    frame["caseload_loaded"] = frame["period"].isin(loaded)
    columns = [*COUNT_COLUMNS, *CKEY_COLUMNS]
    frame[columns] = frame[columns].fillna(0).astype("int64")
    frame = _with_rates(frame)
    no_caseload = ~frame["caseload_loaded"]
    frame.loc[no_caseload, ["rate_per_100", "rate_low", "rate_high"]] = np.nan
    return frame.reset_index(drop=True)


def overrepresented_sentences(
    frame: pd.DataFrame, label: str, correction: str = "Holm"
) -> list[str]:
    """The groups whose 95% interval excludes 1, in words, most over-represented first.
    `correction` names the adjustment in p_holm: "Holm" (exact figures) or "Bonferroni"
    (figures as published, worked out from the counts as shown: figures/rates.py)."""
    named = frame[frame["excludes_one"]].sort_values("ratio", ascending=False)
    sentences = []
    for row in named.itertuples(index=False):
        more = row.ratio > 1
        holds = row.p_holm < 0.05
        family = int(row.family_size)
        sentences.append(
            f"{label} {row.category}: {row.ratio:.2f} times "
            + (
                "their share of plans (over-represented"
                if more
                else "their share of plans (under-represented"
            )
            + f"; 95% interval {row.ratio_low:.2f} to {row.ratio_high:.2f}). "
            + (
                f"Still stands after the {correction} correction for all {family} groups the "
                "page compares."
                if holds
                else f"Does not stand after the {correction} correction for all {family} "
                "groups the page compares: it may be chance."
            )
        )
    return sentences


FULL_COUNT_NOTE = (
    "**A full count, not a sample.** These figures count every child with a plan, so there is "
    "no sampling error in them. The intervals and tests treat the children as if drawn from a "
    "notional wider population (children in the same circumstances in another month or "
    "year), and 'chance' means the variation such a count would show from one such group to "
    "another. A difference that stands is larger than that variation would usually produce; "
    "it does not say why the difference is there."
)


def comparisons_caution(frame: pd.DataFrame, correction: str = "Holm-Bonferroni") -> str:
    """The "many comparisons" caution for one breakdown from rates() (markdown); `correction`
    names the adjustment as in overrepresented_sentences."""
    tested = int((frame["p_value"].notna() & ~frame["category"].isin(LAST_CATEGORIES)).sum())
    family = int(frame["family_size"].iloc[0]) if len(frame) else 0
    return (
        f"**Many comparisons.** This breakdown compares {tested} groups, and the page offers "
        f"{len(RATE_DIMENSIONS)} breakdowns with {family} groups to compare in all, so some "
        "could look different by chance alone (about one in twenty at the 95% level). Groups "
        "are named below when their 95% interval excludes 1; each says whether it still stands "
        f"after the {correction} correction across all {family} groups of every breakdown, "
        "so that looking through the breakdowns in turn cannot turn up a chance finding. "
        + FULL_COUNT_NOTE
    )


def missing_from_caseload(db=None) -> pd.DataFrame:
    """period, cohort_children, missing_from_caseload: cohort children not in the same period's
    caseload (periods with a caseload only), with their cell keys cohort_children_ckey and
    missing_from_caseload_ckey."""
    try:
        return runner.run("cohort_missing_from_caseload", db=db)
    except duckdb.CatalogException:
        return pd.DataFrame(
            columns=[
                "period", "cohort_children", "missing_from_caseload", "cohort_children_ckey",
                "missing_from_caseload_ckey",
            ]
        )  # fmt: skip


__all__ = [
    "CKEY_COLUMNS",
    "COUNT_COLUMNS",
    "FULL_COUNT_NOTE",
    "comparison_family",
    "comparisons_caution",
    "statistics",
    "NOT_RECORDED",
    "RATE_DIMENSIONS",
    "caseload_periods",
    "has_caseload",
    "missing_from_caseload",
    "overall_rate",
    "overrepresented_sentences",
    "rate_trend",
    "rates",
]
