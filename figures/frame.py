"""The frame of every figure: the period, the cohort it counts, the source, and how it is said.

`frame(f, audience)` is the page header's figure (how many children match the filters, of how
many in the period) and the context every other figure's caption and "About this figure" note
are written from, so each says the same period, census date, source and filters. For a
caseworker both counts are their teams' (figures/audience.py); in safe mode they are shown as
published. The filters in words come from figures/links.py, after the audience's narrowing, so
a file or a note says the team restriction and any value published figures could not take.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from core.paths import resolve_db_path
from figures import protect
from figures.cache import figure_cache
from figures.care import period_dates
from figures.format import census_date, fmt_date, fmt_datetime, fmt_int, period_label
from figures.links import describe, narrows
from figures.protect import Audience, narrow, problems, resolve
from figures.status import source_words, status
from figures.values import Note, notes
from queries import runner
from queries.filters import CohortFilter
from queries.pupil import NO_TEAM

POPULATION = "Children with an EHC plan out of school (no placement or provision unknown)"


def counted(f: CohortFilter, audience: Audience, *, db=None) -> tuple[int, object]:
    """(the true number of children in the filtered cohort; that number as `audience` sees it).

    The true number never reaches a page: it decides only whether there is anything at all
    to show (a figure of nothing says so instead of drawing an empty chart)."""
    row = runner.run("cohort_count", f.params(), db=db).iloc[0]
    n = int(row["children"])
    # a 0 under a filter whose wider filter (one condition fewer) holds 1 to 5 is hidden too
    within = n == 0 and any(
        protect.disclosure.is_small(runner.run("cohort_count", p.params(), db=db)["children"][0])
        for p in protect.wider(f, audience)
    )
    return n, protect.count(n, audience, row.get(protect.ckey_of("children")), within_small=within)


@dataclass(frozen=True)
class Frame:
    """What every figure of one period, filter and audience is framed by."""

    period: str
    loaded_at: object
    synthetic: bool
    filters: tuple[str, ...]  # the filters as counted, in words (team restriction included)
    narrowed: bool  # the filters restrict the cohort (a caseworker's teams included)
    asked: bool  # the viewer's own filters restrict it (beyond a caseworker's teams)
    count: int | str  # children matching the filters, as shown
    total: int | str  # children in the period (in the audience's teams), as shown
    empty: bool  # no child matches the filters
    cohort_empty: bool  # no child at all in the period (in the audience's teams)
    safe: bool
    teams: tuple[str, ...] | None
    problems: tuple[str, ...] = ()  # filters the figures could not follow, in words
    # the date the period's case flags are worked out at (a SEN2 return inside the month:
    # its own date; else the census date), and whether its care status was supplied
    as_at: dt.date | None = None
    care_supplied: bool = True

    @property
    def period_name(self) -> str:
        return period_label(self.period)

    @property
    def census(self) -> dt.date:
        return census_date(self.period)

    @property
    def source(self) -> str:
        return source_words(self.synthetic)

    @property
    def population(self) -> str:
        """Who a figure counts, for captions: the cohort, narrowed by the filters when set."""
        return f"{POPULATION}, filtered" if self.narrowed else POPULATION

    @property
    def count_text(self) -> str:
        return fmt_int(self.count)

    @property
    def total_text(self) -> str:
        return fmt_int(self.total)

    def caption(self, measure: str, when: str | None = None) -> str:
        """'Children out of school by district, June 2023. <population>. Source: …. Census…'.

        `when` replaces the period's name for figures that span periods ('June 2022 to June
        2023'); the census date is then each period's last day.
        """
        census = (
            "Census date: the last day of each month"
            if when
            else f"Census date {fmt_date(self.census)}"
        )
        return (
            f"{measure}, {when or self.period_name}. {self.population}. "
            f"Source: {self.source}. {census}."
        )

    def about(self, what: str, caveats: str = "", *, hidden: bool = False) -> tuple[Note, ...]:
        """ "About this figure": what is counted, the extract, the census date, the filters,
        the caveats, and what protection did when it hid something."""
        loaded = f", loaded {fmt_datetime(self.loaded_at)}" if self.loaded_at else ""
        audience = Audience(safe=self.safe, teams=self.teams)
        return notes(
            ("What is counted", what),
            ("Extract", f"{self.source.lower()}, reporting period {self.period_name}{loaded}."),
            (
                "Census date",
                f"{fmt_date(self.census)}. Ages, year groups and days out of school are worked "
                "out at this date.",
            ),
            ("Filters", "; ".join(self.filters) + "." if self.narrowed else ""),
            ("Caveats", caveats),
        ) + tuple(n for n in [protect.safe_note(hidden, audience)] if n)


def describe_counted(f: CohortFilter) -> list[str]:
    """The filter as counted, in words; a team nobody holds ('no team of yours') as such."""
    if NO_TEAM in f.sen_teams:
        return [*describe(dataclasses.replace(f, sen_teams=())), "SEN team: none of yours"]
    return describe(f)


@figure_cache
def frame(f: CohortFilter, audience: Audience | None = None, *, db=None, loaded_at=None) -> Frame:
    """The frame of `f` for `audience` (the run's audience when None)."""
    audience = resolve(audience)
    counted_on = narrow(f, audience)
    true_count, shown = counted(counted_on, audience, db=db)
    base = narrow(CohortFilter(period=f.period), audience)
    if counted_on == base:
        true_total, total = true_count, shown
    else:
        true_total, total = counted(base, audience, db=db)
    info = status(resolve_db_path(db))
    dates = period_dates(f.period, db=db)
    return Frame(
        period=f.period,
        loaded_at=loaded_at if loaded_at is not None else info.loaded(f.period),
        synthetic=info.synthetic,
        filters=tuple(describe_counted(counted_on)),
        narrowed=narrows(counted_on),
        asked=counted_on != base,
        count=shown,
        total=total,
        empty=true_count == 0,
        cohort_empty=true_total == 0,
        safe=audience.safe,
        teams=audience.teams,
        problems=tuple(problems(f, audience)),
        as_at=dates.as_at_date if dates else census_date(f.period),
        care_supplied=dates.care_status_supplied if dates else True,
    )
