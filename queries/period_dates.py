"""What a loaded period says about itself: the date its case flags are worked out at, and
whether care status was supplied with it.

A period loaded from a bespoke cohort extract is as at its census date with care status
supplied. One loaded from a SEN2 return (data/sen2_return.py) is as at the export's date when
that falls inside the month (the daily view: a child passes a statutory clock on the day), and
without the Standard Safeguarding Dataset its care status is NOT supplied: every child reads
care status None and no child can be "out of sight", so a page showing either must say
`CARE_NOT_SUPPLIED` rather than draw zeros. The one place that answers both questions.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from core.dates import as_date
from queries import runner
from queries.filters import check_period

CARE_NOT_SUPPLIED = "Care status not supplied for this period"
CARE_NOT_SUPPLIED_DETAIL = (
    "This period was loaded from the SEN2 return without the Standard Safeguarding Dataset, so "
    "no child's looked-after, child protection or child in need status is known: care status "
    "and 'out of sight' are not shown, rather than shown as zero. Load the period again with "
    "the SSD (python -m data.load sen2-return DIR --period YYYY-MM --ssd SSD_DIR)."
)


@dataclass(frozen=True)
class PeriodDates:
    period: str
    census_date: dt.date
    as_at_date: dt.date
    care_status_supplied: bool
    source: str

    @property
    def as_at_inside_month(self) -> bool:
        return self.as_at_date != self.census_date


def period_dates(period: str, *, db=None) -> PeriodDates | None:
    """The period's dates and sources (queries/period_dates.sql); None when not loaded."""
    period = check_period(period)
    if not bool(runner.run("period_info_available", db=db)["available"].iloc[0]):
        # a database published before the SEN2 return route: every period is a bespoke one
        rows = runner.run("periods", db=db)
        if period not in set(rows["period"]):
            return None
        year, month = int(period[:4]), int(period[5:])
        census = dt.date(year, month, calendar.monthrange(year, month)[1])
        return PeriodDates(period, census, census, True, "cohort extract")
    data = runner.run("period_dates", {"period": period}, db=db)
    if data.empty:
        return None
    row = data.iloc[0]
    return PeriodDates(
        period,
        as_date(row["census_date"]),
        as_date(row["as_at_date"]),
        bool(row["care_status_supplied"]),
        str(row["source"]),
    )


def periods_without_care_status(*, db=None) -> frozenset[str]:
    """The loaded periods whose care status was not supplied (usually none)."""
    if not bool(runner.run("period_info_available", db=db)["available"].iloc[0]):
        return frozenset()
    return frozenset(runner.run("periods_without_care_status", db=db)["period"])


def care_status_supplied(*periods: str, db=None) -> bool:
    """False when any of `periods` was loaded saying care status was not supplied."""
    return not {check_period(p) for p in periods} & periods_without_care_status(db=db)


def as_at_date(period: str, *, db=None) -> dt.date | None:
    """The date the period's case flags are worked out at (None when not loaded)."""
    dates = period_dates(period, db=db)
    return dates.as_at_date if dates else None


__all__ = [
    "CARE_NOT_SUPPLIED",
    "CARE_NOT_SUPPLIED_DETAIL",
    "PeriodDates",
    "as_at_date",
    "care_status_supplied",
    "period_dates",
    "periods_without_care_status",
]
