"""Time to return to school: Kaplan-Meier curves, medians, log-rank test and the hazard of
return by time already out, from the episodes built in queries/episodes.sql.

The estimators are lifelines' (KaplanMeierFitter with delayed entry, multivariate_logrank_test);
this module only shapes their results for the page and the briefing pack. Times are in days in
the episodes and in months (30.44 days) in the results.

- Kaplan-Meier: "still out of school" by months since the child last received education.
  Delayed entry (left truncation): a child is at risk only from the first census they were
  seen, so children already out when records began do not make early returns look rarer.
  Bands: lifelines' 95% pointwise intervals (Greenwood, exponential form).
- Median time to return: the first time the curve reaches 50%, or "not reached".
- Log-rank: between the groups, on episodes that started inside the loaded months (the test
  has no delayed entry, so long-running episodes first seen at the start are left out of it).
- Hazard of return by time already out: returns divided by child-months at risk in each band
  of time out (delayed entry respected), as the chance of returning within the next month,
  1 - exp(-rate), with an exact Poisson 95% interval for the rate.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.exceptions import StatError
from lifelines.statistics import multivariate_logrank_test
from scipy.stats import chi2

from queries import runner
from queries.dimensions import ALL_SPEC, spec
from queries.filters import CohortFilter
from queries.pupil import run_for_aggregation

DAYS_PER_MONTH = 365.25 / 12
SURVIVAL_DIMENSIONS = [
    "age_band",
    "gender",
    "year_group",
    "primary_need",
    "need_area",
    "district",
    "care_status",
    "placement_status",
    "is_import",
    "sen_team",
]
AT_RISK_MONTHS = [0, 3, 6, 12, 18, 24, 36]
# Returns are known to the month (the first census a child is missing from), so the first band
# is three months wide: a finer one would only show that no return is seen within a month.
HAZARD_BANDS = [
    ("under 3 months", 0, 3),
    ("3 to 6 months", 3, 6),
    ("6 to 12 months", 6, 12),
    ("1 to 2 years", 12, 24),
    ("2 years or more", 24, math.inf),
]
MAX_GROUPS = 6  # more groups than this: the largest six, the rest left out of the chart
ALL_GROUP = "All"

runner.allow_template_values(
    "dimension", [ALL_SPEC.sql, *(spec(d).sql for d in SURVIVAL_DIMENSIONS)]
)


def episodes(f: CohortFilter, dimension: str | None = None, *, db=None) -> pd.DataFrame:
    """One row per episode out of school (columns of queries/episodes.sql; grp is the group)."""
    d = ALL_SPEC if dimension is None else spec(dimension)
    if dimension is not None and dimension not in SURVIVAL_DIMENSIONS:
        raise ValueError(f"no survival split by {dimension!r}")
    params = {**f.params(), "period_from": "0000-01", "period_to": "9999-12"}
    # child-level rows, aggregated here and never shown: through the pupil-level choke point
    return run_for_aggregation("episodes", params, db=db, template={"dimension": d.sql})


@dataclass
class Survival:
    """Everything the time-to-return page and the briefing pack show."""

    groups: list[str]
    curves: pd.DataFrame  # group, months, still_out, lower, upper
    # group, episodes, returned, still_out_censored, median_months, and each count's cell key
    # (episodes_ckey, returned_ckey, still_out_censored_ckey: figures/disclosure.py)
    summary: pd.DataFrame
    at_risk: pd.DataFrame  # group x AT_RISK_MONTHS: children at risk
    no_start_date: int  # episodes left out: no out_of_school_since recorded
    logrank: dict = field(default_factory=dict)  # statistic, df, p_value, episodes, words
    left_out_groups: list[str] = field(default_factory=list)
    # groups with too few children seen early in their episode for a curve
    too_few_groups: list[str] = field(default_factory=list)
    # the cell keys of `at_risk`'s counts, same shape (group, then one column per time)
    at_risk_ckey: pd.DataFrame = field(default_factory=pd.DataFrame)


def _usable(frame: pd.DataFrame) -> pd.DataFrame:
    ok = frame["episode_start"].notna() & (frame["duration_days"] > frame["entry_days"])
    # an episode seen once and ended the next month may have duration == entry + a month;
    # entry must be strictly before the end for the fitter
    return frame[ok]


def kaplan_meier(durations, returned, entry):
    """lifelines' Kaplan-Meier with delayed entry: (curve, median in days).

    curve: days, still_out, lower, upper. Raises lifelines' StatError when, with delayed
    entry, nobody is at risk between two returns (the curve is then undefined).
    """
    kmf = KaplanMeierFitter()
    kmf.fit(durations, event_observed=returned, entry=entry)
    median = float(kmf.median_survival_time_)
    sf = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_
    return pd.DataFrame(
        {
            "days": sf.index.to_numpy(float),
            "still_out": sf.to_numpy(float),
            "lower": ci.iloc[:, 0].to_numpy(float),
            "upper": ci.iloc[:, 1].to_numpy(float),
        }
    ), median


def _at_risk_masks(durations: np.ndarray, entry: np.ndarray, months: list[int]):
    """For each time, which episodes are still out and already seen (the 'number at risk')."""
    return [(entry <= m * DAYS_PER_MONTH) & (durations >= m * DAYS_PER_MONTH) for m in months]


def _ckey(keys: np.ndarray) -> int:
    """The cell key of the episodes whose record keys are `keys` (figures/disclosure.py)."""
    return int(keys.astype("int64").sum()) % 256


# What the estimators need of each episode: no child ID, so nothing that names a child is kept.
# The record key is kept for the cell keys of the counts (a key, not an identifier).
ESTIMATOR_COLUMNS = ["episode_start", "duration_days", "entry_days", "returned", "grp",
                     "started_in_window", "rkey"]  # fmt: skip


@lru_cache(maxsize=2)
def _episodes_for_estimates(f: CohortFilter, dimension: str | None, db, version) -> pd.DataFrame:
    """The episodes' estimator columns, kept for the curves and the hazard of the same filter
    (one query for both: at 100,000 children x 40 months each query takes seconds)."""
    return episodes(f, dimension, db=db)[ESTIMATOR_COLUMNS]


@lru_cache(maxsize=32)
def _survival(f: CohortFilter, dimension: str | None, db, version) -> Survival:
    frame = _episodes_for_estimates(f, dimension, db, version)
    no_start = int(frame["episode_start"].isna().sum())
    usable = _usable(frame)
    sizes = usable.groupby("grp").size().sort_values(ascending=False)
    groups = [str(g) for g in sizes.index[:MAX_GROUPS]]
    left_out = [str(g) for g in sizes.index[MAX_GROUPS:]]
    if dimension is None:
        groups = [ALL_GROUP] if len(usable) else []
    curves, rows, risk, risk_keys, too_few = [], [], [], [], []
    for group in groups:
        part = usable if dimension is None else usable[usable["grp"] == group]
        d = part["duration_days"].to_numpy(float)
        e = part["entry_days"].to_numpy(float)
        r = part["returned"].to_numpy(bool)
        keys = part["rkey"].to_numpy()
        try:
            curve, median = kaplan_meier(d, r, e)
        except StatError:
            # with delayed entry a small group can have nobody at risk between two returns:
            # no curve can be drawn for it, and the page says so rather than guess
            too_few.append(group)
            continue
        curve.insert(0, "group", group)
        curve["months"] = curve["days"] / DAYS_PER_MONTH
        curves.append(curve)
        rows.append(
            {
                "group": group,
                "episodes": len(part),
                "returned": int(r.sum()),
                "still_out_censored": int((~r).sum()),
                "median_months": median / DAYS_PER_MONTH if math.isfinite(median) else None,
                "episodes_ckey": _ckey(keys),
                "returned_ckey": _ckey(keys[r]),
                "still_out_censored_ckey": _ckey(keys[~r]),
            }
        )
        masks = _at_risk_masks(d, e, AT_RISK_MONTHS)
        risk.append([group, *(int(mask.sum()) for mask in masks)])
        risk_keys.append([group, *(_ckey(keys[mask]) for mask in masks)])
    result = Survival(
        groups=groups,
        curves=pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(),
        summary=pd.DataFrame(rows),
        at_risk=pd.DataFrame(risk, columns=["group", *[f"{m} months" for m in AT_RISK_MONTHS]]),
        at_risk_ckey=pd.DataFrame(
            risk_keys, columns=["group", *[f"{m} months" for m in AT_RISK_MONTHS]]
        ),
        no_start_date=no_start,
        left_out_groups=left_out,
        too_few_groups=too_few,
    )
    result.groups = [g for g in groups if g not in too_few]
    groups = result.groups
    if dimension is not None and len(groups) > 1:
        result.logrank = _logrank(usable[usable["grp"].isin(groups)])
    return result


def survival(f: CohortFilter, dimension: str | None = None, *, db=None) -> Survival:
    """Kaplan-Meier by `dimension` (None: everyone), cached per filter and data version."""
    return _survival(f, dimension, None if db is None else str(db), runner.data_version(db))


def _logrank(frame: pd.DataFrame) -> dict:
    new = frame[frame["started_in_window"]]
    if new["grp"].nunique() < 2 or new["returned"].sum() == 0:
        return {"words": "Too few episodes began within the loaded months to compare groups."}
    with warnings.catch_warnings():
        # lifelines 0.30 calls pandas' sum positionally; pandas 3.1 warns about pandas 4
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        test = multivariate_logrank_test(
            new["duration_days"].to_numpy(float),
            new["grp"].astype(str),
            new["returned"].to_numpy(),
        )
    p = float(test.p_value)
    if p < 0.05:
        words = (
            f"The groups' times to return differ by more than chance would explain (log-rank "
            f"test, p = {p:.3f}; {len(new):,} episodes that began within the loaded months)."
        )
    else:
        words = (
            f"The groups' times to return do not differ by more than chance could explain "
            f"(log-rank test, p = {p:.2f}; {len(new):,} episodes that began within the loaded "
            "months)."
        )
    return {
        "statistic": float(test.test_statistic),
        "df": int(test.degrees_of_freedom),
        "p_value": p,
        "episodes": len(new),
        "words": words,
    }


def hazard_by_time_out(f: CohortFilter, *, db=None) -> pd.DataFrame:
    """Returns per child-month at risk by time already out (see module notes).

    Columns band, child_months, returns, rate_per_month, monthly_return, low, high,
    returns_ckey (the returns' cell key: figures/disclosure.py). Cached per
    filter and data version like survival(): the episodes behind it are every child-month of
    every loaded period, too many rows for the query cache (100,000 children x 40 months: 3.5 s
    a run before this cache), and the result is a handful of aggregate rows.
    """
    hazard = _hazard(f, None if db is None else str(db), runner.data_version(db))
    return hazard.copy()  # the cached frame is never handed out to be changed


@lru_cache(maxsize=32)
def _hazard(f: CohortFilter, db, version) -> pd.DataFrame:
    frame = _usable(_episodes_for_estimates(f, None, db, version))
    d = frame["duration_days"].to_numpy(float) / DAYS_PER_MONTH
    e = frame["entry_days"].to_numpy(float) / DAYS_PER_MONTH
    r = frame["returned"].to_numpy(bool)
    keys = frame["rkey"].to_numpy()
    rows = []
    for band, low, high in HAZARD_BANDS:
        exposure = np.clip(np.minimum(d, high) - np.maximum(e, low), 0, None).sum()
        returning = r & (d > low) & (d <= high) & (d > e)
        events = int(np.sum(returning))
        rate = events / exposure if exposure > 0 else math.nan
        lo = chi2.ppf(0.025, 2 * events) / 2 / exposure if exposure > 0 and events else 0.0
        hi = chi2.ppf(0.975, 2 * events + 2) / 2 / exposure if exposure > 0 else math.nan
        rows.append(
            {
                "band": band,
                "child_months": float(exposure),
                "returns": events,
                "rate_per_month": rate,
                "monthly_return": 1 - math.exp(-rate) if exposure > 0 else math.nan,
                "low": 1 - math.exp(-lo) if exposure > 0 else math.nan,
                "high": 1 - math.exp(-hi) if exposure > 0 else math.nan,
                "returns_ckey": _ckey(keys[returning]),
            }
        )
    return pd.DataFrame(rows)


def hazard_sentence(hazard: pd.DataFrame) -> str:
    """Does the chance of returning fall the longer a child is out? In one plain sentence."""
    shown = hazard[hazard["child_months"] >= 20]
    if len(shown) < 2:
        return "Too few children have been followed to say how the chance of return changes."
    first, last = shown.iloc[0], shown.iloc[-1]
    falls = last["high"] < first["low"]
    rises = last["low"] > first["high"]
    verdict = (
        "falls the longer a child is out, as para 3.4 of the review says"
        if falls
        else "rises the longer a child is out"
        if rises
        else "does not clearly change with time out (the intervals overlap)"
    )
    top = shown.loc[shown["monthly_return"].idxmax()]
    bottom = shown.loc[shown["monthly_return"].idxmin()]
    return (
        f"The chance of returning within a month {verdict}: "
        f"{100 * first['monthly_return']:.0f}% for children out {first['band']}, "
        f"{100 * last['monthly_return']:.0f}% for those out {last['band']}. It is highest for "
        f"children out {top['band']} ({100 * top['monthly_return']:.0f}%) and lowest for "
        f"those out {bottom['band']} ({100 * bottom['monthly_return']:.0f}%)."
    )


__all__ = [
    "AT_RISK_MONTHS",
    "DAYS_PER_MONTH",
    "HAZARD_BANDS",
    "SURVIVAL_DIMENSIONS",
    "Survival",
    "episodes",
    "hazard_by_time_out",
    "hazard_sentence",
    "kaplan_meier",
    "survival",
]
