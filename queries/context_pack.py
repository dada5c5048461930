"""Issue 11's figures for the briefing pack, with small-number suppression applied.

    rates_table(f, dimension)        rates and over-representation, counts of 1-5 shown as `c`
    survival_table(f, dimension)     episodes, returns and median time to return by group
    hazard_table(f)                  chance of return within a month by time already out
    england_table()                  the council against England, region and neighbours
    context_sentences(f)             the findings in plain sentences, none resting on a
                                     suppressed count

Counts are suppressed with queries/suppression.py (DfE rule, secondary suppression within the
breakdown whose total is known); rates, shares and ratios worked out from a suppressed count
are hidden with it. Published DfE figures are already public and are shown as published.
"""

from __future__ import annotations

import pandas as pd

from queries import published, rates, survival
from queries.filters import CohortFilter
from queries.suppression import suppress_long

RATE_DERIVED = [
    "rate_per_100", "rate_low", "rate_high", "share_out", "share_plans", "ratio", "ratio_low",
    "ratio_high", "p_value", "p_holm",
]  # fmt: skip


def rates_table(f: CohortFilter, dimension: str, *, db=None) -> pd.DataFrame:
    """rates.rates() with both counts suppressed; empty when the period has no caseload."""
    frame = rates.rates(f, dimension, db=db)
    if frame.empty:
        return frame
    out = suppress_long(frame, "children_out", share_cols=RATE_DERIVED)
    hidden = out["suppressed"].to_numpy()
    out = suppress_long(out.drop(columns="suppressed"), "children_with_plan",
                        share_cols=RATE_DERIVED)  # fmt: skip
    out["suppressed"] = out["suppressed"].to_numpy() | hidden
    out.loc[out["suppressed"], "excludes_one"] = False
    return out


def survival_table(f: CohortFilter, dimension: str | None = None, *, db=None) -> pd.DataFrame:
    """group, episodes, returned, still_out_censored, median_months (hidden when suppressed)."""
    summary = survival.survival(f, dimension, db=db).summary
    if summary.empty:
        return summary
    out = summary.copy()
    hidden = pd.Series(False, index=out.index)
    for column in ("episodes", "returned", "still_out_censored"):
        done = suppress_long(out, column, total_known=dimension is not None)
        out[column] = done[column]
        hidden |= done["suppressed"]
    out["median_months"] = out["median_months"].astype("Float64").mask(hidden.to_numpy())
    out["suppressed"] = hidden.to_numpy()
    return out


def hazard_table(f: CohortFilter, *, db=None) -> pd.DataFrame:
    """survival.hazard_by_time_out() with the returns suppressed (and their rates with them)."""
    hazard = survival.hazard_by_time_out(f, db=db)
    return suppress_long(
        hazard, "returns", share_cols=["rate_per_month", "monthly_return", "low", "high"],
        total_known=True,
    )  # fmt: skip


def england_table(*, db=None) -> pd.DataFrame:
    """published.comparison() for the latest January (published figures: not suppressed)."""
    return published.comparison(None, db=db)


def context_sentences(f: CohortFilter, dimension: str = "district", *, db=None) -> list[str]:
    """Plain findings for the pack: the rate, over-represented groups (unsuppressed only),
    time to return, the hazard, and the council's rank among its neighbours."""
    sentences = []
    overall = rates.overall_rate(f, db=db)
    if overall is None:
        sentences.append(f"No EHC plan caseload is loaded for {f.period}, so no rate can be given.")
    elif overall["children_out"] > 5:
        sentences.append(
            f"{overall['rate_per_100']:.1f} in every 100 children with an EHC plan are out of "
            f"school (95% interval {overall['rate_low']:.1f} to {overall['rate_high']:.1f})."
        )
        table = rates_table(f, dimension, db=db)
        shown = rates.rates(f, dimension, db=db)
        shown = shown[~table["suppressed"].to_numpy()]
        label = dimension.replace("_", " ").capitalize()
        sentences += rates.overrepresented_sentences(shown, label)
    result = survival.survival(f, None, db=db)
    if not result.summary.empty and int(result.summary["episodes"].iloc[0]) > 5:
        median = result.summary["median_months"].iloc[0]
        sentences.append(
            f"Half of children out of school are back in education within {median:.1f} months."
            if median is not None and median == median
            else "Fewer than half of children out of school have returned by the end of the data."
        )
        sentences.append(survival.hazard_sentence(survival.hazard_by_time_out(f, db=db)))
    sentences.append(published.rank_sentence(db=db))
    return sentences


__all__ = [
    "context_sentences",
    "england_table",
    "hazard_table",
    "rates_table",
    "survival_table",
]
