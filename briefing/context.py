"""Issue 11's context in the briefing pack: rates, time to return, England and neighbours.

Tables only (no charts), built from queries/context_pack.py, which has already applied the
small-number suppression: a count of 1 to 5 prints as `c`, and a rate, ratio or median worked
out from a hidden count prints as `c` too. Published DfE figures are public and print as
published. The findings in words never rest on a suppressed count.
"""

from __future__ import annotations

import pandas as pd

from briefing.content import Section
from core.dates import is_missing
from figures.format import fmt_number as fmt_count
from figures.labels import category_label
from queries import context_pack, published
from queries.filters import CohortFilter
from queries.suppression import SUPPRESSED


def _number(value, decimals: int = 1, hidden: bool = False) -> str:
    if hidden:
        return SUPPRESSED
    return "–" if is_missing(value) else f"{float(value):,.{decimals}f}"


def _rates(f: CohortFilter, db) -> Section | None:
    raw = context_pack.rates_table(f, "district", db=db)
    if raw.empty:
        return None
    hidden = raw["suppressed"].to_numpy()
    table = pd.DataFrame(
        {
            "District": [category_label("district", c) for c in raw["category"]],
            "Out of school": [fmt_count(v) for v in raw["children_out"]],
            "With an EHC plan": [fmt_count(v) for v in raw["children_with_plan"]],
            "Per 100 with a plan": [
                _number(v, 1, h) for v, h in zip(raw["rate_per_100"], hidden, strict=True)
            ],
            "Ratio to share of plans (95% interval)": [
                SUPPRESSED
                if h
                else "–"
                if is_missing(r)
                else f"{r:.2f} ({_number(lo, 2)} to {_number(hi, 2)})"
                for r, lo, hi, h in zip(
                    raw["ratio"], raw["ratio_low"], raw["ratio_high"], hidden, strict=True
                )
            ],
        }
    )
    return Section(
        "rates",
        "Rates",
        "Children out of school per 100 children with an EHC plan, by district",
        "Denominator: the council's EHC plan caseload at the same census date. Ratio: the "
        "district's share of children out divided by its share of plans (1 = in proportion). "
        "Counts of 1 to 5 are shown as c, with what is worked out from them.",
        table,
        raw,
    )


def _survival(f: CohortFilter, db) -> Section | None:
    raw = context_pack.survival_table(f, None, db=db)
    if raw.empty:
        return None
    table = pd.DataFrame(
        {
            "Group": ["All children" for _ in raw["group"]],
            "Episodes": [fmt_count(v) for v in raw["episodes"]],
            "Returned": [fmt_count(v) for v in raw["returned"]],
            "Still out": [fmt_count(v) for v in raw["still_out_censored"]],
            "Median time to return": [
                SUPPRESSED if h else "not reached" if is_missing(m) else f"{m:.1f} months"
                for m, h in zip(raw["median_months"], raw["suppressed"], strict=True)
            ],
        }
    )
    return Section(
        "time_to_return",
        "Time to return",
        "How long children stay out of school before they return",
        "Episodes out of school built from the monthly snapshots (Kaplan-Meier, lifelines); a "
        "return is the first month a child is no longer in the cohort; children still out are "
        "censored at the latest month.",
        table,
        raw,
    )


def _england(db) -> Section | None:
    raw = context_pack.england_table(db=db)
    if raw.empty:
        return None
    table = pd.DataFrame(
        {
            "Area": raw["area"],
            "EHC plans": [fmt_count(v) for v in raw["plans"]],
            "Not in education or awaiting provision": [
                fmt_count(v) for v in raw["headline_children"]
            ],
            "Per 1,000 plans": [_number(v) for v in raw["headline_per_1000"]],
        }
    )
    return Section(
        "england",
        "England and similar councils",
        published.rank_sentence(db=db),
        f"Published figures, January census. Source: {raw['release'].iloc[0]}. {published.SOURCE}",
        table,
        raw,
    )


def collect_context(f: CohortFilter, db=None) -> tuple[list[str], list[Section]]:
    """The findings in words and the context tables, for Pack.context."""
    sections = [s for s in (_rates(f, db), _survival(f, db), _england(db)) if s is not None]
    return context_pack.context_sentences(f, db=db), sections


__all__ = ["collect_context"]
