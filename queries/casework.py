"""Casework queries for the today, priority, chronology and service pages, and the small pure
functions that turn a child's flags into words.

The flags themselves are computed in SQL (the `case_flags` view, data/sql/case_flags.sql); this
module only reads them. Pupil-level reads (a list of children, one child's chronology) go through
`queries.pupil.run_pupil_query`, the single choke point for such rows; aggregate reads go
through `queries.runner.run`. Nothing here imports streamlit.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from queries import runner
from queries.dimensions import LAST_CATEGORIES, SPECS, natural_categories
from queries.filters import CohortFilter, check_period
from queries.pupil import MAX_PAGE_SIZE, run_pupil_query

# Dimensions the service view breaks the flags down by: key -> label. Their SQL comes from the
# shared allow-list (queries/dimensions.py).
FLAG_DIMENSIONS = {"district": "District", "sen_team": "SEN team"}
runner.allow_template_values("flag_dimension", [SPECS[key].sql for key in FLAG_DIMENSIONS])

# The flags counted by flags_by_period / flags_by_category: column -> label for people.
FLAG_LABELS = {
    "out_of_sight": "Out of sight (provision unknown and CLA, CP or CIN)",
    "s19_due": "Section 19 provision due",
    "repeated_offer": "Same provider offered again after refusing",
    "consultation_chain": "Long chain of consultations",
    "stalled": "No action recorded recently",
    "annual_review_overdue": "Annual review overdue",
    "import_review_due": "Imported plan review due",
}
PRIORITY_LABELS = {
    "priority_recent": "Out of school less than a term",
    "priority_primary": "Primary age or younger",
    "priority_looked_after": "Looked after",
    "priority_previously_looked_after": "Previously looked after",
}
CHILD_PICKER_LIMIT = 5000

# Defaults used only if a database lacks a setting (the pages read the database's own values).
_FALLBACK_SETTINGS = {
    "flags.s19_days": 21.0,
    "flags.stall_days": 28.0,
    "flags.consultation_chain": 10.0,
    "flags.annual_review_months": 12.0,
    "flags.import_months_from_review": 12.0,
    "flags.import_months_from_transfer": 3.0,
    "flags.term_share_without_provision": 0.5,
    "cost.per_term_low": 900.0,
    "cost.per_term_high": 2400.0,
}


# --- aggregates ------------------------------------------------------------------------------


def flags_available(db=None) -> bool:
    """True when the database holds the case flags (every publish since they exist does)."""
    return bool(runner.run("flags_available", db=db)["available"].iloc[0])


def settings(db=None) -> dict[str, tuple[float, str]]:
    """The thresholds the database's view uses: {'flags.s19_days': (21.0, reason), ...}."""
    frame = runner.run("flags_settings", db=db)
    return {r.name: (float(r.value), r.reason) for r in frame.itertuples(index=False)}


def setting(values: Mapping[str, tuple[float, str]], name: str) -> float:
    """One threshold's value from `settings()`."""
    if name in values:
        return values[name][0]
    return _FALLBACK_SETTINGS[name]


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


def priority_counts(f: CohortFilter, *, db=None) -> dict[str, int]:
    """Children meeting each priority, any priority, and exactly 0-4 of them."""
    frame = runner.run("flags_priority_counts", f.params(), db=db)
    return {k: int(v) for k, v in frame.iloc[0].items()}


# --- pupil-level rows (through the choke point) ----------------------------------------------


def _paging(page: int, page_size: int) -> dict:
    page, page_size = int(page), int(page_size)
    if page < 1:
        raise ValueError("page numbers start at 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
    return {"limit": page_size, "offset": (page - 1) * page_size}


def today_list(f: CohortFilter, page: int = 1, page_size: int = 50, *, db=None) -> pd.DataFrame:
    """One page of the children who need action, most severe first (casework_today.sql)."""
    return run_pupil_query("casework_today", {**f.params(), **_paging(page, page_size)}, db=db)


def priority_list(f: CohortFilter, page: int = 1, page_size: int = 50, *, db=None) -> pd.DataFrame:
    """One page of the children meeting a priority for return, most criteria first."""
    return run_pupil_query("casework_priority", {**f.params(), **_paging(page, page_size)}, db=db)


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


def child_offers(child_id: str, *, db=None) -> pd.DataFrame:
    """The child's offers with their outcomes (casework_child_offers.sql)."""
    return run_pupil_query("casework_child_offers", {"child_id": str(child_id)}, db=db)


# --- words -----------------------------------------------------------------------------------


def _is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(value != value)  # NaN, NaT, pd.NA
    except (TypeError, ValueError):
        return False


def _as_date(value) -> dt.date | None:
    if _is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def day_words(value, census: dt.date | None = None) -> str:
    """'3 March' when in the census date's year, else '3 March 2023'."""
    day = _as_date(value)
    if day is None:
        return "an unknown date"
    text = f"{day.day} {calendar.month_name[day.month]}"
    return text if census is not None and day.year == census.year else f"{text} {day.year}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _tidy(text) -> str:
    """Free text on one line with single spaces (it is shown as plain text, never markup)."""
    return " ".join(str(text).split())


def reasons(row: Mapping) -> list[str]:
    """Why a child is on today's list, in words, most urgent first.

    `row` holds the case_flags columns of casework_today.sql. Pure: no database, no streamlit.
    """
    census = _as_date(row.get("census_date"))
    out = []
    if row.get("out_of_sight"):
        care = [
            label
            for flag, label in (
                ("cla", "looked after"),
                ("cp", "on a child protection plan"),
                ("cin", "a child in need"),
            )
            if row.get(flag)
        ]
        out.append("out of sight: provision unknown and " + " and ".join(care))
    if row.get("s19_due") and not _is_missing(row.get("days_without_provision")):
        out.append(f"no provision for {_count(int(row['days_without_provision']), 'day', 'days')}")
    terms = row.get("terms_without_provision")
    if not _is_missing(terms) and int(terms) > 0:
        out.append(f"{_count(int(terms), 'term', 'terms')} without provision")
    if row.get("repeated_offer"):
        provider = _tidy(row.get("repeat_provider") or "the same provider")
        refusal = (
            "it withdrew"
            if row.get("repeat_refusal_type") == "offer_withdrawn"
            else "the family declined it"
        )
        text = (
            f"offered {provider} again on {day_words(row.get('repeat_offer_date'), census)} "
            f"after {refusal} on {day_words(row.get('repeat_refusal_date'), census)}"
        )
        repeats = row.get("repeated_offers")
        if not _is_missing(repeats) and int(repeats) > 1:
            text += f" ({int(repeats)} repeated offers in all)"
        out.append(text)
    if row.get("consultation_chain"):
        n = _count(int(row.get("consultations") or 0), "consultation", "consultations")
        since = row.get("out_of_school_since")
        out.append(
            f"{n} since leaving school on {day_words(since, census)}"
            if not _is_missing(since)
            else f"{n} recorded"
        )
    if row.get("stalled"):
        days = row.get("days_since_last_event")
        if _is_missing(days):
            out.append("no casework recorded")
        else:
            out.append(f"no action for {_count(int(days), 'day', 'days')}")
    if row.get("annual_review_overdue"):
        out.append(
            f"annual review overdue (due {day_words(row.get('annual_review_due_date'), census)})"
        )
    if row.get("import_review_due"):
        out.append(
            "transferred-in plan not reviewed (due by "
            f"{day_words(row.get('import_review_due_date'), census)})"
        )
    return out


def flag_explanations(row: Mapping, values: Mapping[str, tuple[float, str]]) -> list[dict]:
    """Each flag of one child at one census date: its state, the facts, and the rule.

    `row` holds a case_flags row, `values` the settings (`settings()`). For the chronology's
    "flags explained" table. Pure: no database, no streamlit.
    """
    census = _as_date(row.get("census_date"))

    def number(name):
        value = row.get(name)
        return None if _is_missing(value) else int(value)

    def n(name: str) -> int:
        return int(setting(values, name))

    days = number("days_without_provision")
    since_last = number("days_since_last_event")
    stall = int(setting(values, "flags.stall_days"))
    return [
        {
            "flag": "Section 19 provision due",
            "raised": bool(row.get("s19_due")),
            "facts": "no dates to count from"
            if days is None
            else f"{_count(days, 'day', 'days')} without provision"
            + (
                f" since {day_words(row.get('no_provision_since'), census)}"
                if days
                else " (provision started after the last gap began)"
            ),
            "rule": f"{n('flags.s19_days')} days or more without provision",
        },
        {
            "flag": "Offered again after a refusal",
            "raised": bool(row.get("repeated_offer")),
            "facts": _count(number("repeated_offers") or 0, "repeated offer", "repeated offers"),
            "rule": "an offer from a provider on a later day than that provider's refusal "
            "(declined or withdrawn); the same day does not count",
        },
        {
            "flag": "Long chain of consultations",
            "raised": bool(row.get("consultation_chain")),
            "facts": _count(number("consultations") or 0, "consultation", "consultations")
            + " since leaving school",
            "rule": f"{n('flags.consultation_chain')} or more consultations since leaving school",
        },
        {
            "flag": "No action recorded recently",
            "raised": bool(row.get("stalled")),
            "facts": "no casework recorded"
            if since_last is None
            else f"last event {day_words(row.get('last_event_date'), census)}, "
            f"{_count(since_last, 'day', 'days')} before the census date",
            "rule": f"no casework event in the {stall} days up to the census date",
        },
        {
            "flag": "Annual review overdue",
            "raised": bool(row.get("annual_review_overdue")),
            "facts": "no review or plan date recorded"
            if _is_missing(row.get("annual_review_due_date"))
            else f"due {day_words(row.get('annual_review_due_date'), census)}",
            "rule": f"more than {n('flags.annual_review_months')} months since the last review "
            "(or the plan's issue)",
        },
        {
            "flag": "Imported plan review due",
            "raised": bool(row.get("import_review_due")),
            "facts": "not an import awaiting review"
            if _is_missing(row.get("import_review_due_date"))
            else f"due by {day_words(row.get('import_review_due_date'), census)}",
            "rule": "regulation 15: by the later of "
            f"{n('flags.import_months_from_review')} months from the last review and "
            f"{n('flags.import_months_from_transfer')} months after the transfer",
        },
        {
            "flag": "Terms without provision",
            "raised": bool((number("terms_without_provision") or 0) > 0),
            "facts": _count(number("terms_without_provision") or 0, "term", "terms"),
            "rule": "terms with no provision for more than "
            f"{setting(values, 'flags.term_share_without_provision'):.0%} of their days; the "
            "current term once that share of the whole term has gone",
        },
        {
            "flag": "Out of sight",
            "raised": bool(row.get("out_of_sight")),
            "facts": f"{row.get('placement_status', 'placement not known')}",
            "rule": "provision unknown and looked after, on a child protection plan or a child "
            "in need",
        },
    ]


def reason_text(row: Mapping) -> str:
    """The reasons as one line: 'no provision for 96 days; no action for 41 days'."""
    return "; ".join(reasons(row))


@dataclass(frozen=True)
class Gap:
    """A stretch with no casework action: from `start` to `end` (both event or census days)."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def no_action_gaps(
    event_dates, census, *, stall_days: int = 28, out_of_school_since=None
) -> list[Gap]:
    """Stretches of at least `stall_days` days with no casework event, up to the census date.

    They run between consecutive event days, from out_of_school_since (if known) to the first
    event, and from the last event to the census date. Events after the census date are
    ignored, as in the flags. With no events at all, the stretch runs from out_of_school_since.
    """
    census = _as_date(census)
    days = sorted({d for d in (_as_date(v) for v in event_dates) if d and d <= census})
    start = _as_date(out_of_school_since)
    if start is not None and start <= census and (not days or start < days[0]):
        days.insert(0, start)
    points = days + [census]
    return [
        Gap(a, b) for a, b in zip(points, points[1:], strict=False) if (b - a).days >= stall_days
    ]


def _round_sig(value: float, up: bool, figures: int = 2) -> int:
    """`value` rounded to `figures` significant figures, down or up (never a spurious precision)."""
    if value <= 0:
        return 0
    step = 10 ** max(0, math.floor(math.log10(value)) - figures + 1)
    return int((math.ceil if up else math.floor)(value / step) * step)


def cost_range(terms: int, per_term_low: float, per_term_high: float) -> tuple[int, int]:
    """INDICATIVE cost of lost education: terms x the low and high rates, to 2 significant
    figures (the low end rounded down, the high end up): a range, never one figure."""
    return _round_sig(terms * per_term_low, up=False), _round_sig(terms * per_term_high, up=True)
