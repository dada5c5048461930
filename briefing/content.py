"""What the briefing pack says: every figure, from the dashboard's own query functions.

`collect(period)` returns a `Pack`: the headline figures with their change on the previous
month and on the same month last year, the three largest movements in words, the Appendix B
breakdowns, the 13-month trend, the district figures for the map, the "act" half (children out
of sight, priority children, flags raised and cleared), the action plan and the methods note.

Small-number suppression (queries/suppression.py, the DfE rule) is applied here, once, to every
count the pack prints: a count of 1 to 5 becomes `c`, a second cell is hidden where a total
would give the first away, and a share or change worked out from a hidden count is hidden too.
Each section keeps the unsuppressed query result in `raw`, which only the tests read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from appstore import actions
from core.dates import is_missing
from figures.format import census_date, fmt_change, fmt_date, fmt_pct, period_label, shift_period
from figures.format import fmt_number as fmt_count
from figures.labels import category_label
from figures.measures import measure_figure
from queries import aggregates, casework
from queries.filters import CohortFilter
from queries.flag_changes import FLAGS as FLAG_COLUMNS
from queries.flag_changes import flags_raised_cleared
from queries.flags import FLAGS
from queries.suppression import SUPPRESSED, THRESHOLD, suppress_long

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
TREND_MONTHS = 13  # the same month last year to now: twelve months of change

# The Appendix B breakdowns, in the review's order: dimension key -> heading.
BREAKDOWNS = {
    "age": "Age",
    "gender": "Gender",
    "year_group": "Year group",
    "primary_need": "Primary need",
    "district": "District",
    "care_status": "Care status",
    "imported_from": "Imports: council the EHC plan came from",
}
# Headline measures that are counts of children (suppressed below the threshold).
COUNT_MEASURES = [m for m in aggregates.HEADLINE_MEASURES if m != "median_days_out"]
# the flags' names, as the dashboard and its exports call them (queries/flags.py)
FLAG_NAMES = {name: FLAGS[name].label for name in FLAG_COLUMNS}


@dataclass
class Section:
    """One figure of the pack: an active title, a caption, a display table, and a chart kind."""

    key: str
    heading: str
    title: str
    caption: str
    table: pd.DataFrame  # as printed: counts as text, 'c' where suppressed
    raw: pd.DataFrame  # the query's result, unsuppressed (for tests; never printed)
    chart: pd.DataFrame | None = None  # what the chart draws (suppressed values left out)
    dimension: str | None = None
    note: str = ""


@dataclass
class Pack:
    period: str
    filter: CohortFilter
    produced_at: dt.datetime
    loaded_at: object
    synthetic: bool
    marking: str
    previous: str | None
    year_ago: str | None
    headlines: pd.DataFrame
    headline_raw: pd.DataFrame
    movements: list[str]
    breakdowns: list[Section]
    trend: Section
    districts: Section
    act: Section
    act_summary: dict
    plan: pd.DataFrame
    methods: list[str] = field(default_factory=list)
    any_suppressed: bool = False
    # issue 11: rates, time to return, England and neighbours (briefing/context.py)
    context_sentences: list[str] = field(default_factory=list)
    context: list[Section] = field(default_factory=list)

    @property
    def period_name(self) -> str:
        return period_label(self.period)

    @property
    def census(self) -> dt.date:
        return census_date(self.period)

    @property
    def source(self) -> str:
        return (
            "Synthetic demonstration data (made-up children)"
            if self.synthetic
            else "Case-management system extract"
        )

    @property
    def title(self) -> str:
        return f"Children with an EHC plan out of school: briefing, {self.period_name}"

    @property
    def filters_text(self) -> str:
        from figures.links import describe

        parts = describe(self.filter)
        return "; ".join(parts) if parts else "All children in the cohort (no filters)"


def _suppressed(value, hidden: bool):
    return SUPPRESSED if hidden else value


def _hide(value) -> bool:
    """A count the pack must not print (1 to THRESHOLD)."""
    if isinstance(value, str) or is_missing(value):
        return False
    return 1 <= float(value) <= THRESHOLD


def _headlines(
    f: CohortFilter, periods: list[str], db
) -> tuple[pd.DataFrame, pd.DataFrame, str | None]:
    """Headline figures now, on the previous month and on the same month last year."""
    now = aggregates.headline(f, db=db).set_index("measure")
    year_ago = shift_period(f.period, -12)
    then = (
        aggregates.headline(f.with_period(year_ago), db=db).set_index("measure")
        if year_ago in periods
        else None
    )
    raw = pd.DataFrame(
        {
            "measure": now.index,
            "label": now["label"],
            "value": now["value"],
            "previous": now["previous"],
            "change": now["change"],
            "year_ago": then["value"].reindex(now.index) if then is not None else pd.NA,
        }
    ).reset_index(drop=True)
    raw["year_change"] = raw["value"] - raw["year_ago"] if then is not None else pd.NA
    totals = raw.set_index("measure").loc["total"]
    rows = []
    for r in raw.itertuples(index=False):
        is_count = r.measure in COUNT_MEASURES
        # A median of a handful of children says too much about them: hidden with the total.
        hide_now = _hide(r.value if is_count else totals["value"])
        hide_prev = _hide(r.previous if is_count else totals["previous"])
        hide_year = _hide(r.year_ago if is_count else totals["year_ago"])
        rows.append(
            {
                "Measure": r.label,
                "Now": fmt_count(_suppressed(r.value, hide_now)),
                "Previous month": fmt_count(_suppressed(r.previous, hide_prev)),
                "Change on the month": fmt_change(
                    r.change
                    if is_missing(r.change)
                    else _suppressed(r.change, hide_now or hide_prev)
                ),
                "Same month last year": fmt_count(_suppressed(r.year_ago, hide_year)),
                "Change on the year": fmt_change(
                    r.year_change
                    if is_missing(r.year_change)
                    else _suppressed(r.year_change, hide_now or hide_year)
                ),
            }
        )
    return pd.DataFrame(rows), raw, year_ago if then is not None else None


def _movement_sentences(f: CohortFilter, db) -> tuple[list[str], pd.DataFrame]:
    moves = aggregates.largest_movements(f, 3, db=db)
    moves = moves[moves["change"] != 0] if not moves.empty else moves
    sentences = []
    for r in moves.itertuples(index=False):
        if _hide(r.previous) or _hide(r.current):
            # A movement to or from a handful of children names too small a group: say only
            # that it moved, with the counts suppressed.
            label = (
                f"{r.category} in {r.district}"
                if r.dimension == "district_placement"
                else f"{aggregates.MOVEMENT_DIMENSIONS[r.dimension]}: {r.category}"
            )
            verb = "rose" if r.change > 0 else "fell"
            before = fmt_count(_suppressed(r.previous, _hide(r.previous)))
            after = fmt_count(_suppressed(r.current, _hide(r.current)))
            sentences.append(f"{label} {verb} (from {before} to {after}; small numbers suppressed)")
        else:
            sentences.append(r.sentence)
    return sentences, moves


def _breakdown(f: CohortFilter, dimension: str, heading: str, period_name: str, db) -> Section:
    raw = aggregates.breakdown(f, dimension, db=db)
    shown = suppress_long(raw, "children", share_cols=["percent"])
    table = pd.DataFrame(
        {
            heading.split(":")[0]: [category_label(dimension, c) for c in raw["category"]],
            "Children": [fmt_count(v) for v in shown["children"]],
            "Share": [
                fmt_pct(SUPPRESSED if s else p)
                for p, s in zip(shown["percent"], shown["suppressed"], strict=True)
            ],
        }
    )
    visible = raw.loc[~shown["suppressed"].to_numpy()]
    chart = raw.assign(
        label=[category_label(dimension, c) for c in raw["category"]],
        suppressed=shown["suppressed"].to_numpy(),
    )
    if visible.empty or visible["children"].sum() == 0:
        title = f"No children to show by {heading.lower()}"
    else:
        top = visible.loc[visible["children"].idxmax()]
        title = (
            f"Largest group: {category_label(dimension, top['category'])} ({top['percent']:.1f}%)"
        )
    caption = (
        f"Children out of school by {heading.split(':')[0].lower()}, {period_name}. "
        "Counts of 1 to 5 are shown as c, with a second cell where a total would reveal them."
    )
    return Section(dimension, heading, title, caption, table, raw, chart, dimension)


def _trend(f: CohortFilter, periods: list[str], db) -> Section:
    index = periods.index(f.period)
    start = periods[max(0, index - TREND_MONTHS + 1)]
    raw = aggregates.trend(f, None, start, f.period, db=db)
    hidden = [_hide(v) for v in raw["children"]]
    table = pd.DataFrame(
        {
            "Month": [period_label(p) for p in raw["period"]],
            "Children": [
                fmt_count(_suppressed(v, h)) for v, h in zip(raw["children"], hidden, strict=True)
            ],
        }
    )
    chart = raw.assign(label=[period_label(p) for p in raw["period"]], suppressed=hidden)
    first, last = raw.iloc[0], raw.iloc[-1]
    change = int(last["children"] - first["children"])
    if len(raw) < 2:
        title = f"Only one month loaded: {period_label(f.period)}"
    elif hidden[0] or hidden[-1]:
        title = "Children out of school over the year (small numbers suppressed)"
    else:
        verb = "rose" if change > 0 else "fell" if change < 0 else "did not change"
        by = f" by {abs(change):,}" if change else ""
        title = f"Children out of school {verb}{by} since {period_label(first['period'])}"
    caption = (
        f"Children out of school at each month's census date, {period_label(start)} to "
        f"{period_label(f.period)}. Months with no extract loaded are left out."
    )
    return Section("trend", "Trend over the year", title, caption, table, raw, chart)


def _act(f: CohortFilter, db) -> tuple[Section, dict]:
    raw = flags_raised_cleared(f, db=db)
    prio = casework.priority_counts(f, db=db)
    rows = []
    for r in raw.itertuples(index=False):
        rows.append(
            {
                "Flag": FLAG_NAMES[r.flag],
                "Children now": fmt_count(_suppressed(r.held_now, _hide(r.held_now))),
                "Raised this month": fmt_count(_suppressed(r.raised, _hide(r.raised))),
                "Cleared this month": fmt_count(_suppressed(r.cleared, _hide(r.cleared))),
            }
        )
    table = pd.DataFrame(rows)
    out_of_sight = int(raw.loc[raw["flag"] == "out_of_sight", "held_now"].iloc[0])
    summary = {
        "out_of_sight": out_of_sight,
        "priority": int(prio["any_priority"]),
        "children": int(prio["children"]),
        "raised": raw["raised"].sum() if raw["raised"].notna().all() else None,
        "cleared": raw["cleared"].sum() if raw["cleared"].notna().all() else None,
        "out_of_sight_shown": fmt_count(_suppressed(out_of_sight, _hide(out_of_sight))),
        "priority_shown": fmt_count(_suppressed(prio["any_priority"], _hide(prio["any_priority"]))),
    }
    caption = (
        "Children holding each case flag at the census date, and flags raised (held now, not "
        "last month) and cleared (held last month, not now, including children who left the "
        "cohort) since the previous month. A child can hold several flags."
    )
    title = (
        f"{summary['out_of_sight_shown']} children out of sight; "
        f"{summary['priority_shown']} meet a priority for return"
    )
    return Section("act", "Acting on the figures", title, caption, table, raw, None), summary


def _plan(periods: list[str], today: dt.date, store, db) -> pd.DataFrame:
    plan = actions.plan_for_pack(today, store=store)
    latest = periods[-1]
    rows = []
    for r in plan.itertuples(index=False):
        now_text = "–"
        if r.measure_kind == "view":
            try:
                fig = measure_figure(r.measure_kind, r.measure, latest, db=db)
                now_text = fmt_count(_suppressed(fig.value, _hide(fig.value)))
            except ValueError:
                now_text = "link not readable"
        elif r.measure_kind == "child":
            now_text = "a child's record (not in the pack)"
        then_text = "–"
        if r.measure_kind == "view" and not is_missing(r.opened_value):
            then_text = fmt_count(_suppressed(r.opened_value, _hide(r.opened_value)))
        elif r.measure_kind == "child":
            then_text = "–"
        rows.append(
            {
                "Action": r.title,
                "Owner": r.owner,
                "Due": fmt_date(r.due_date),
                "Status": ("OVERDUE, " if r.overdue else "") + r.status,
                "Measure when opened": then_text,
                "Measure now": now_text,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["Action", "Owner", "Due", "Status", "Measure when opened", "Measure now"],
    )


def _methods(pack_period: str, synthetic: bool, filters_text: str) -> list[str]:
    census = fmt_date(census_date(pack_period))
    return [
        "Who is counted: children and young people with an EHC plan who are out of school at "
        "the census date, either with no placement or with provision unknown, as in the "
        "Appendix B review. Each monthly extract is a snapshot at its census date, the last "
        f"day of the month; this pack's census date is {census}.",
        "Ages, year groups and days out of school are worked out at the census date. An "
        "import is a child whose EHC plan transferred from another council. Care status is "
        "each child's first of: looked after (CLA), child protection (CP), child in need "
        "(CIN), previously looked after.",
        "Changes compare with the previous loaded month and with the same month a year "
        "earlier, using the same filters. Case flags are worked out from the casework log "
        "at each census date (see the dashboard's Today and Service pages for definitions).",
        "Source: "
        + (
            "synthetic demonstration data: no figure in this pack describes real children."
            if synthetic
            else "the council's case-management system extract, loaded into the dashboard."
        ),
        f"Filters: {filters_text}.",
        "Suppression: counts of 1 to 5 are shown as c, following the DfE's children in need "
        "statistics; where a total would let a hidden count be worked out, a second count is "
        "hidden too. Zeros are true zeros. Shares and changes worked out from a hidden count "
        "are hidden with it.",
    ]


def collect(
    period: str,
    *,
    cohort_filter: CohortFilter | None = None,
    db=None,
    store=None,
    marking: str = DEFAULT_MARKING,
    today: dt.date | None = None,
    produced_at: dt.datetime | None = None,
) -> Pack:
    """Every figure of the pack for `period` (and the dashboard's filters, if given)."""
    f = (cohort_filter or CohortFilter(period=period)).with_period(period)
    info = aggregates.dataset_info(db=db)
    periods = info["periods"]
    if period not in periods:
        loaded = ", ".join(periods[-3:]) or "none"
        raise ValueError(f"period {period} is not loaded (latest loaded: {loaded})")
    history = aggregates.load_history(db=db)
    loaded_at = None
    if not history.empty and "period" in history:
        mine = history[history["period"] == period]
        if not mine.empty and "loaded_at" in mine:
            loaded_at = mine["loaded_at"].max()
    headlines, headline_raw, year_ago = _headlines(f, periods, db)
    movements, _ = _movement_sentences(f, db)
    breakdowns = [
        _breakdown(f, key, heading, period_label(period), db) for key, heading in BREAKDOWNS.items()
    ]
    districts = next(s for s in breakdowns if s.key == "district")
    act, summary = _act(f, db)
    today = today or dt.date.today()
    pack = Pack(
        period=period,
        filter=f,
        produced_at=produced_at or dt.datetime.now().replace(microsecond=0),
        loaded_at=loaded_at,
        synthetic=bool(info["synthetic"]),
        marking=marking,
        previous=aggregates.previous_period(period, db=db),
        year_ago=year_ago,
        headlines=headlines,
        headline_raw=headline_raw,
        movements=movements,
        breakdowns=breakdowns,
        trend=_trend(f, periods, db),
        districts=districts,
        act=act,
        act_summary=summary,
        plan=_plan(periods, today, store, db),
    )
    pack.methods = _methods(period, pack.synthetic, pack.filters_text)
    from briefing.context import collect_context  # it imports Section from here

    pack.context_sentences, pack.context = collect_context(f, db)
    printed = [pack.headlines, pack.trend.table, pack.act.table] + [
        s.table for s in [*breakdowns, *pack.context]
    ]
    pack.any_suppressed = any((t == SUPPRESSED).to_numpy().any() for t in printed)
    return pack
