"""The case-flag queries: counts for the Today, Priority and Service pages, the worklist and the
lists of children, and one child's casework for the chronology.

The flags themselves are computed in SQL (the `case_flags` view, data/sql/case_flags.sql); this
module only reads them. Their names are in queries/flags.py, their thresholds in
queries/flag_settings.py (read from the database), the sentences that explain them in
figures/flag_words.py. Pupil-level reads (a list of children, one child's chronology) go
through `queries.pupil.run_pupil_query`, the single choke point for such rows; aggregate reads
go through `queries.runner.run`. Nothing here imports streamlit.
"""

from __future__ import annotations

import pandas as pd

from core.dates import as_date
from queries import runner
from queries.aggregates import previous_period
from queries.delay import cost_range
from queries.dimensions import LAST_CATEGORIES, SPECS, natural_categories
from queries.filters import CohortFilter, check_period
from queries.flags import FLAGS, TIERS
from queries.pupil import MAX_PAGE_SIZE, run_pupil_query

# Dimensions the service view breaks the flags down by: key -> label. Their SQL comes from the
# shared allow-list (queries/dimensions.py).
FLAG_DIMENSIONS = {key: SPECS[key].label for key in ("district", "sen_team")}
runner.allow_template_values("flag_dimension", [SPECS[key].sql for key in FLAG_DIMENSIONS])

CHILD_PICKER_LIMIT = 5000


# --- aggregates ------------------------------------------------------------------------------


def flags_available(db=None) -> bool:
    """True when the database holds the case flags (every publish since they exist does)."""
    return bool(runner.run("flags_available", db=db)["available"].iloc[0])


def flags_by_period(
    f: CohortFilter, period_from: str | None = None, period_to: str | None = None, *, db=None
) -> pd.DataFrame:
    """Flag counts of the filtered cohort per period, from period_from to period_to (default:
    the filter's period only). Columns: see queries/flags_by_period.sql."""
    period_from = check_period(period_from or f.period)
    period_to = check_period(period_to or f.period)
    params = {**f.params(), "period_from": period_from, "period_to": period_to}
    return runner.run("flags_by_period", params, db=db)


def flags_by_category(f: CohortFilter, dimension: str, *, db=None) -> pd.DataFrame:
    """Flag counts of the filtered cohort by district or SEN team, in natural order."""
    if dimension not in FLAG_DIMENSIONS:
        raise ValueError(f"cannot break the flags down by {dimension!r}")
    spec = SPECS[dimension]
    params = {
        **f.params(),
        "categories": natural_categories(dimension) if spec.categories else [],
        "keep_zero": spec.keep_zero,
        "last_categories": LAST_CATEGORIES,
    }
    return runner.run("flags_by_category", params, db=db, template={"flag_dimension": spec.sql})


def _share(part: pd.Series, whole) -> list[float]:
    """part / whole as a percentage (0-100); 0 where the whole is 0."""
    wholes = whole if isinstance(whole, pd.Series) else pd.Series([whole] * len(part))
    return [
        100.0 * float(p) / float(w) if w else 0.0
        for p, w in zip(part, wholes.tolist(), strict=True)
    ]


def _check_flag(flag: str) -> str:
    if flag not in FLAGS:
        raise ValueError(f"unknown flag {flag!r}; choose one of: {', '.join(FLAGS)}")
    return flag


def _one_flag(data: pd.DataFrame, key: str, flag: str, *extra: str) -> pd.DataFrame:
    """`key`, children, flagged (the `flag` column), percent of the children, `extra`, and the
    two counts' cell keys children_ckey and flagged_ckey (figures/disclosure.py)."""
    flagged = data[_check_flag(flag)]
    return pd.DataFrame(
        {
            key: data[key],
            "children": data["children"],
            "flagged": flagged,
            "percent": _share(flagged, data["children"]),
            **{column: data[column] for column in extra},
            "children_ckey": data["children_ckey"],
            "flagged_ckey": data[f"{flag}_ckey"],
        }
    )


def flag_by_category(f: CohortFilter, dimension: str, flag: str, *, db=None) -> pd.DataFrame:
    """One flag by district or SEN team: category, children, flagged, percent (of the
    category's children), in natural order."""
    return _one_flag(flags_by_category(f, dimension, db=db), "category", flag)


def flag_by_period(
    f: CohortFilter, period_from: str, period_to: str, flag: str, *, db=None
) -> pd.DataFrame:
    """One flag month by month: period, children, flagged, percent (of the month's children),
    median_days_without_provision, with_days_without_provision (the median's group), and the
    cell keys children_ckey, flagged_ckey."""
    data = flags_by_period(f, period_from, period_to, db=db)
    return _one_flag(
        data, "period", flag, "median_days_without_provision", "with_days_without_provision"
    )


def cost_of_delay(
    f: CohortFilter, per_term_low: float, per_term_high: float, *, db=None
) -> dict[str, int]:
    """The filtered cohort's terms without provision at the period (terms,
    children_with_terms and its cell key children_with_terms_ckey) and their INDICATIVE cost
    range (cost_low, cost_high)."""
    now = flags_by_period(f, db=db).iloc[0]
    terms = int(now["terms_without_provision"])
    low, high = cost_range(terms, per_term_low, per_term_high)
    return {
        "terms": terms,
        "children_with_terms": int(now["children_with_terms"]),
        "children_with_terms_ckey": int(now["children_with_terms_ckey"]),
        "cost_low": low,
        "cost_high": high,
    }


def terms_by_district(
    f: CohortFilter, per_term_low: float, per_term_high: float, *, db=None
) -> pd.DataFrame:
    """Terms without provision by district (districts with children only): category,
    children, children_with_terms, terms_without_provision, percent (of all the terms), the
    INDICATIVE cost range cost_low, cost_high (queries/delay.py's rounding) and the cell keys
    children_ckey, children_with_terms_ckey."""
    data = flags_by_category(f, "district", db=db)
    data = data[data["children"] > 0].reset_index(drop=True)
    terms = data["terms_without_provision"]
    costs = [cost_range(int(t), per_term_low, per_term_high) for t in terms]
    return pd.DataFrame(
        {
            "category": data["category"],
            "children": data["children"],
            "children_with_terms": data["children_with_terms"],
            "terms_without_provision": terms,
            "percent": _share(terms, int(terms.sum())),
            "cost_low": [low for low, _ in costs],
            "cost_high": [high for _, high in costs],
            "children_ckey": data["children_ckey"],
            "children_with_terms_ckey": data["children_with_terms_ckey"],
        }
    )


def priority_counts(f: CohortFilter, *, db=None) -> dict[str, int]:
    """Children in the cohort, meeting each priority, and meeting any (each with its cell key,
    `<count>_ckey`)."""
    frame = runner.run("flags_priority_counts", f.params(), db=db)
    return {k: int(v) for k, v in frame.iloc[0].items()}


def children_by_priorities_met(f: CohortFilter, *, db=None) -> pd.DataFrame:
    """Children meeting exactly 0 to 4 priorities: met, children, children_ckey, percent (of
    the cohort)."""
    return runner.run("children_by_priorities_met", f.params(), db=db)


def _worklist_params(f: CohortFilter, db, caseworker: str | None = None) -> dict:
    if caseworker is not None and not str(caseworker).strip():
        raise ValueError("a caseworker is named by a non-blank account or name")
    return {
        **f.params(),
        "previous_period": previous_period(f.period, db),
        "caseworker": None if caseworker is None else str(caseworker).strip(),
    }


def worklist_counts(f: CohortFilter, *, caseworker: str | None = None, db=None) -> dict:
    """Today's tier counts (act_now, new_this_month, watch, on_list, joined_cohort, gained_flag,
    act_now_entered, act_now_escalate, act_now_unassigned, records_disagree, children,
    events_after_census: int; each count of children with its cell key `<count>_ckey`),
    latest_event_date (date or None) and previous_period, the period compared with
    (worklist_tier_counts.sql). `caseworker`: only the children that caseworker holds
    (compared without case), for their own view."""
    params = _worklist_params(f, db, caseworker)
    row = runner.run("worklist_tier_counts", params, db=db).iloc[0]
    out = {k: int(v) for k, v in row.items() if k != "latest_event_date"}
    out["latest_event_date"] = as_date(row["latest_event_date"])
    out["previous_period"] = params["previous_period"]
    return out


def worklist_by_team(f: CohortFilter, *, db=None) -> pd.DataFrame:
    """Today's worklist by SEN team (worklist_by_team.sql): sen_team, children, act_now,
    act_now_entered (since the previous extract), act_now_escalate (in act now at this and the
    previous extract), act_now_unassigned (no caseworker named), new_this_month, watch,
    on_list; teams in name order, 'Not recorded' last."""
    return runner.run("worklist_by_team", _worklist_params(f, db), db=db)


# --- pupil-level rows (through the choke point) ----------------------------------------------


def _paging(page: int, page_size: int) -> dict:
    page, page_size = int(page), int(page_size)
    if page < 1:
        raise ValueError("page numbers start at 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
    return {"limit": page_size, "offset": (page - 1) * page_size}


def worklist_children(
    f: CohortFilter,
    tier: str | None = None,
    page: int = 1,
    page_size: int = 50,
    *,
    disagree_only: bool = False,
    caseworker: str | None = None,
    db=None,
) -> pd.DataFrame:
    """One page of Today's worklist: the children of `tier` (None: every tier, tier by tier);
    act now in working order (entered since the previous extract, out of sight, the clock
    passed longest ago), the other tiers most severe first. `disagree_only` keeps the children
    whose records disagree; `caseworker` the children that caseworker holds. Each row names
    its owner: sen_team, and caseworker / caseworker_name where one is assigned."""
    if tier is not None and tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; choose one of: {', '.join(TIERS)}")
    params = {
        **_worklist_params(f, db, caseworker),
        **_paging(page, page_size),
        "tier": tier,
        "disagree_only": bool(disagree_only),
    }
    return run_pupil_query("worklist_children", params, db=db)


def children_needing_action(
    f: CohortFilter, page: int = 1, page_size: int = 50, *, db=None
) -> pd.DataFrame:
    """One page of the children with a flag or out of sight, most severe first, whatever their
    worklist tier (children_needing_action.sql)."""
    params = {**f.params(), **_paging(page, page_size)}
    return run_pupil_query("children_needing_action", params, db=db)


def children_meeting_priorities(
    f: CohortFilter, page: int = 1, page_size: int = 50, *, db=None
) -> pd.DataFrame:
    """One page of the children meeting a priority for return, most criteria first."""
    params = {**f.params(), **_paging(page, page_size)}
    return run_pupil_query("children_meeting_priorities", params, db=db)


def child_ids(f: CohortFilter, *, limit: int = CHILD_PICKER_LIMIT, db=None) -> list[str]:
    """IDs of the filtered cohort's children in the period, for the chronology's picker."""
    frame = run_pupil_query("casework_child_ids", {**f.params(), "limit": int(limit)}, db=db)
    return frame["child_id"].tolist()


def child_periods(child_id: str, *, db=None) -> pd.DataFrame:
    """The child's snapshots with each period's case flags, oldest first."""
    return run_pupil_query("casework_child_periods", {"child_id": str(child_id)}, db=db)


def child_events(child_id: str, *, db=None) -> pd.DataFrame:
    """The child's casework log, oldest first (detail and provider are free text)."""
    return run_pupil_query("casework_child_events", {"child_id": str(child_id)}, db=db)


def event_counts(events: pd.DataFrame) -> dict[str, int]:
    """How many events of each type a child's log (child_events' answer) holds: {type: n}."""
    if events.empty:
        return {}
    return {str(k): int(v) for k, v in events["event_type"].value_counts().items()}


def child_offers(child_id: str, *, db=None) -> pd.DataFrame:
    """The child's offers with their outcomes (casework_child_offers.sql)."""
    return run_pupil_query("casework_child_offers", {"child_id": str(child_id)}, db=db)
