"""Flags raised and cleared since the previous loaded period: the briefing's "act" figures.

A separate module from `queries/casework.py` (the pages' casework reads) because only the
briefing pack asks this question; it reads the same `case_flags` view with the same filter.
"""

from __future__ import annotations

import pandas as pd

from queries import runner
from queries.aggregates import previous_period
from queries.filters import CohortFilter

# The flags counted, in the order the pack lists them (the case_flags columns).
FLAGS = (
    "out_of_sight",
    "s19_due",
    "repeated_offer",
    "consultation_chain",
    "stalled",
    "annual_review_overdue",
    "import_review_due",
)


def flags_raised_cleared(f: CohortFilter, *, db=None) -> pd.DataFrame:
    """Per flag: held_now, held_before, raised, cleared (0 for flags nobody held), and each
    count's cell key `<count>_ckey` (figures/disclosure.py).

    With no earlier period loaded, held_before, raised and cleared (and their keys) are NA:
    nothing to compare.
    """
    before = previous_period(f.period, db)
    params = {
        **f.params(),
        "period_from": before or f.period,
        "previous_period": before,
    }
    found = runner.run("flags_raised_cleared", params, db=db).set_index("flag")
    frame = found.reindex(list(FLAGS)).fillna(0).astype("int64").reset_index()
    frame = frame.rename(columns={"index": "flag"})
    if before is None:
        for column in ("held_before", "raised", "cleared"):
            for name in (column, f"{column}_ckey"):
                frame[name] = pd.array([pd.NA] * len(frame), dtype="Int64")
    counts = ["held_now", "held_before", "raised", "cleared"]
    return frame[["flag", *counts, *(f"{count}_ckey" for count in counts)]]
