"""What the briefing pack says: the dashboard's own figures, as published.

`collect(period)` returns a `Pack` holding figures from the figures layer, made for an audience
that sees figures as published (figures/audience.py: `Audience.published()`): what needs
deciding (figures/decisions.py: act now, out of sight, overdue actions, the largest movements
and the council's thresholds crossed), the headline
figures with their change on the previous month and on the same month last year, the largest
movements in words, the Appendix B breakdowns, "the year" (the same trend as the Overview and
Trends), the district map, the findings in context (rates, time to return, England), the "act"
half (children out of sight, priorities, flags raised and cleared), the action plan (titles
only when their authors marked them safe to publish), the glossary and the methods note.

Nothing here counts, labels, scopes or protects: every section is a `Figure` from the same
function a page calls, so a cell of the pack shows what the same cell shows on the page, in the
page's CSV and in any other pack.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from figures import actions as plan_figures
from figures import protect
from figures.breakdowns import breakdown, trend
from figures.casework import Act, act
from figures.cohort import Headlines, Movements, headlines, movements
from figures.decisions import Deciding, deciding
from figures.england import england
from figures.findings import findings
from figures.format import (
    census_date,
    fmt_change,
    fmt_date,
    fmt_number,
    period_label,
    table_text,
)
from figures.frame import Frame, frame
from figures.glossary import terms
from figures.links import CohortFilter
from figures.periods import loaded, year_start
from figures.protect import Audience
from figures.rates import rates
from figures.survival import time_to_return
from figures.values import Figure
from trust.viewer import current as current_viewer

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"

# The Appendix B breakdowns, in the review's order.
BREAKDOWNS = (
    "age",
    "gender",
    "year_group",
    "primary_need",
    "district",
    "care_status",
    "imported_from",
)


@dataclass(frozen=True)
class Section:
    """One figure of the pack under a heading; the table printed as text."""

    key: str
    heading: str
    figure: Figure
    columns: tuple[str, ...] = ()  # the columns printed (all when empty)
    down: str = ""  # print the table turned on its side, this heading over its first column

    @property
    def title(self) -> str:
        return self.figure.title

    @property
    def caption(self) -> str:
        return self.figure.caption

    @property
    def dimension(self) -> str | None:
        return self.figure.dimension

    @property
    def table(self) -> pd.DataFrame:
        printed = self.figure.table.frame()
        if self.columns:
            printed = printed[list(self.columns)]
        printed = table_text(printed)
        if self.down and not printed.empty:
            # a trend's months as rows: an A4 page has room for 13 rows, not 13 columns
            turned = printed.set_index(printed.columns[0]).T
            printed = turned.rename_axis(self.down).reset_index()
            printed.columns.name = None
        return printed

    @property
    def chart(self) -> pd.DataFrame:
        return self.figure.chart.frame()


@dataclass(frozen=True)
class Pack:
    period: str
    filter: CohortFilter
    frame: Frame
    produced_at: dt.datetime
    marking: str
    headlines: Headlines
    movements: Movements
    breakdowns: tuple[Section, ...]
    trend: Section
    districts: Section
    context_sentences: tuple[str, ...]
    context: tuple[Section, ...]
    act: Act
    plan: pd.DataFrame
    deciding: Deciding
    glossary: tuple[tuple[str, str], ...]
    methods: tuple[str, ...] = field(default=())

    @property
    def period_name(self) -> str:
        return period_label(self.period)

    @property
    def census(self) -> dt.date:
        return census_date(self.period)

    @property
    def loaded_at(self):
        return self.frame.loaded_at

    @property
    def synthetic(self) -> bool:
        return self.frame.synthetic

    @property
    def previous(self) -> str | None:
        return self.headlines.previous_period

    @property
    def year_ago(self) -> str | None:
        return self.headlines.year_ago_period

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
        return (
            "; ".join(self.frame.filters)
            if self.frame.narrowed
            else "All children in the cohort (no filters)"
        )

    @property
    def headline_table(self) -> pd.DataFrame:
        """Measure, now, previous month and the change, same month last year and the change."""
        rows = [
            {
                "Measure": h.label,
                "Now": fmt_number(h.now),
                "Previous month": fmt_number(h.previous),
                "Change on the month": fmt_change(h.change),
                "Same month last year": fmt_number(h.year_ago),
                "Change on the year": fmt_change(h.year_change),
            }
            for h in self.headlines.items
        ]
        return pd.DataFrame(rows)

    @property
    def any_suppressed(self) -> bool:
        figures = [s.figure for s in (*self.breakdowns, self.trend, *self.context)]
        return (
            self.headlines.hidden
            or any(f.hidden for f in figures)
            or self.act.figure.hidden
            or bool(self.movements.left_out)
        )


def _methods(fr: Frame, filters_text: str) -> tuple[str, ...]:
    census = fmt_date(fr.census)
    return (
        "Who is counted: children and young people with an EHC plan who are out of school at "
        "the census date, either with no placement or with provision unknown, as in the "
        "Appendix B review. Each monthly extract is a snapshot at its census date, the last "
        f"day of the month; this pack's census date is {census}.",
        "Ages, year groups and days out of school are worked out at the census date. An "
        "import is a child whose EHC plan transferred from another council. Care status is "
        "each child's first of: looked after (CLA), child protection (CP), child in need "
        "(CIN), previously looked after.",
        "Changes compare with the previous loaded month and with the same month a year "
        'earlier, using the same filters; "the year" is the same month a year ago to now, as '
        "on the dashboard. Case flags are worked out from the casework log at each census "
        "date (see the dashboard's Today and Service pages for definitions).",
        "Source: "
        + (
            "synthetic demonstration data: no figure in this pack describes real children."
            if fr.synthetic
            else "the council's case-management system extract, loaded into the dashboard."
        ),
        f"Filters: {filters_text}." + (" " + " ".join(fr.problems) if fr.problems else ""),
        "Figures as published: " + protect.ABOUT_SAFE + " Medians and other order statistics "
        f"are shown only for groups of at least {protect.MEDIAN_MIN_GROUP} children. These are "
        "the figures a senior leader sees on the dashboard, cell for cell.",
        "Action titles are free text: an action's title is printed only when its author marked "
        "it safe to publish; otherwise the action is listed by its number, measure and status.",
    )


def collect(
    period: str,
    *,
    cohort_filter: CohortFilter | None = None,
    db=None,
    store=None,
    marking: str = DEFAULT_MARKING,
    today: dt.date | None = None,
    produced_at: dt.datetime | None = None,
    thresholds=None,
) -> Pack:
    """Every figure of the pack for `period` (and the dashboard's filters, if given), as
    published (a caseworker's pack would also keep to their teams). `thresholds`: the council's
    (config/briefing_thresholds.toml, checked: a mistake in it refuses the pack) by default."""
    f = (cohort_filter or CohortFilter(period=period)).with_period(period)
    periods = loaded(db)
    if period not in periods:
        shown = ", ".join(periods[-3:]) or "none"
        raise ValueError(f"period {period} is not loaded (latest loaded: {shown})")
    audience = Audience.published().with_teams_of(current_viewer())
    fr = frame(f, audience, db=db)
    sections = tuple(
        Section(dimension, _heading(dimension), breakdown(f, dimension, audience=audience, db=db))
        for dimension in BREAKDOWNS
    )
    districts = next(s for s in sections if s.key == "district")
    year = trend(f, None, year_start(period, db), period, audience=audience, db=db)
    context = []
    found = rates(f, "district", audience=audience, db=db)
    if found.loaded:
        context.append(Section("rates", "Rates", found.rate))
    back = time_to_return(f, None, audience=audience, db=db)
    if back.figure is not None:
        context.append(Section("time_to_return", "Time to return", back.figure))
    published = england(db=db)
    if published is not None:
        context.append(
            Section(
                "england",
                "England and similar councils",
                published.comparison,
                ("Area", "EHC plans", "Both groups (children)", "Both per 1,000 plans"),
            )
        )
    plan = plan_figures.plan(periods[-1], today, audience=audience, store=store, db=db)
    pack = Pack(
        period=period,
        filter=f,
        frame=fr,
        produced_at=produced_at or dt.datetime.now().replace(microsecond=0),
        marking=marking,
        headlines=headlines(f, audience=audience, with_year=True, db=db),
        movements=movements(f, 3, audience=audience, db=db),
        breakdowns=sections,
        trend=Section("trend", "The year", year, down="Month"),
        districts=districts,
        context_sentences=findings(f, audience=audience, db=db),
        context=tuple(context),
        act=act(f, audience=audience, db=db),
        plan=table_text(plan.frame().drop(columns=["ID"])),
        deciding=deciding(
            f, audience=audience, db=db, store=store, today=today, thresholds=thresholds
        ),
        glossary=terms(db),
    )
    return _with_methods(pack)


def _with_methods(pack: Pack) -> Pack:
    from dataclasses import replace

    return replace(pack, methods=_methods(pack.frame, pack.filters_text))


def _heading(dimension: str) -> str:
    from figures.labels import dimension_label

    return dimension_label(dimension)
