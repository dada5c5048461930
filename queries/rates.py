"""Out-of-school rates against all children with an EHC plan, and over-representation.

    caseload_periods()                 periods with a caseload loaded (rates need one)
    rates(f, dimension)                one period: rate per 100 plans and the over-representation
                                       ratio, each with a 95% interval, for every category
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
"""

from __future__ import annotations

import dataclasses

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
    ratio_low, ratio_high (95%), p_value, p_holm (Holm-adjusted across the categories
    tested; Not recorded is not tested), excludes_one (the 95% interval excludes 1).
    Empty when the period has no caseload (check has_caseload first to say so).
    """
    _check(dimension)
    if not has_caseload(f.period, db):
        return pd.DataFrame(columns=["category", *COUNT_COLUMNS, *CKEY_COLUMNS])
    out = aggregates.breakdown(f, dimension, db=db)[["category", "children", "children_ckey"]]
    plans = _plans(f, dimension, f.period, f.period, db)[["category", "plans", "plans_ckey"]]
    frame = out.merge(plans, on="category", how="outer").rename(columns=_RENAMED)
    columns = [*COUNT_COLUMNS, *CKEY_COLUMNS]
    frame[columns] = frame[columns].fillna(0).astype("int64")
    frame = _order(frame, dimension)
    frame = _with_rates(frame)
    total_a, total_n = frame["children_out"].sum(), frame["children_with_plan"].sum()
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
    frame["p_holm"] = np.nan
    frame.loc[tested, "p_holm"] = holm(frame.loc[tested, "p_value"])
    frame["excludes_one"] = (
        tested & ((frame["ratio_low"] > 1) | (frame["ratio_high"] < 1))
    ).astype(bool)
    return frame.reset_index(drop=True)


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


def overrepresented_sentences(frame: pd.DataFrame, label: str) -> list[str]:
    """The groups whose 95% interval excludes 1, in words, most over-represented first."""
    named = frame[frame["excludes_one"]].sort_values("ratio", ascending=False)
    sentences = []
    for row in named.itertuples(index=False):
        more = row.ratio > 1
        holds = row.p_holm < 0.05
        sentences.append(
            f"{label} {row.category}: {row.ratio:.2f} times "
            + (
                "their share of plans (over-represented"
                if more
                else "their share of plans (under-represented"
            )
            + f"; 95% interval {row.ratio_low:.2f} to {row.ratio_high:.2f}). "
            + (
                "Still stands after the Holm correction for the number of groups compared."
                if holds
                else "Does not stand after the Holm correction: it may be chance."
            )
        )
    return sentences


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
