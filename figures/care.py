"""Care status "not supplied": a period loaded from the SEN2 return without the Standard
Safeguarding Dataset has no care status (queries/period_dates.py says which periods). Every
child would read None and nobody "out of sight", so a figure of care status, out of sight or a
care priority for such a period says NOT_SUPPLIED rather than 0.
"""

from __future__ import annotations

from queries.period_dates import (
    CARE_NOT_SUPPLIED,
    CARE_NOT_SUPPLIED_DETAIL,
    care_status_supplied,
    period_dates,
)

__all__ = ["CARE_NOT_SUPPLIED", "CARE_NOT_SUPPLIED_DETAIL", "care_status_supplied", "period_dates"]

NOT_SUPPLIED = "Not supplied"
CARE_MEASURES = ("cla", "cp", "cin")  # headline counts that are care statuses
CARE_PRIORITIES = ("priority_looked_after", "priority_previously_looked_after")
CARE_FLAGS = ("out_of_sight",)  # flags that need care status
