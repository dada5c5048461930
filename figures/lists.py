"""The lists of children behind the figures: Today's worklist, the priority cases, the cohort
explorer. Pupil-level rows, read only through queries/pupil.py's choke point (it checks the
role, keeps a caseworker to their teams and writes the audit record), with their page numbers
worked out from the same audience's counts, so "Children 51 to 100 of 356" and the rows agree.

    paging(total, size, asked)       the page to show and what to say about the one asked for
    worklist_rows(f, tier, page)     one page of Today's worklist, with the reasons in words
    priority_rows(f, page)           one page of the children meeting a priority
    cohort_rows(f, sort, desc, page) one page of the filtered cohort
    whole(fetch, rows)               every row of a list, page by page (for a download)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from core.dates import is_missing
from figures.care import NOT_SUPPLIED, care_status_supplied
from figures.flag_words import priority_reasons, worklist_reason_text
from figures.labels import COLUMN_LABELS, PRIORITIES, TIERS
from figures.links import chronology_link
from figures.protect import Audience, narrow, resolve
from figures.values import Table
from queries import casework
from queries.filters import CohortFilter
from queries.flag_settings import read_flag_settings
from queries.pupil import SORT_COLUMNS, cohort_page, record_export

__all__ = ["record_export"]  # audit a download of rows a page already holds

EXPORT_LIMIT = 1000  # the largest page the choke point hands out in one go
# The explorer's columns, in the order shown, with their headings (and the sort control's).
EXPLORER_COLUMNS = {c: COLUMN_LABELS[c] for c in (
    "child_id", "age", "year_group", "gender", "primary_need", "district", "placement_status",
    "care_status", "is_import", "imported_from", "days_out", "out_of_school_since", "sen_team",
)}  # fmt: skip
SORTABLE = [c for c in EXPLORER_COLUMNS if c in SORT_COLUMNS]


@dataclass(frozen=True)
class Paging:
    """Which page of a list to show: 1-based, never past the last, and a sentence when the
    page asked for (a link, an old page number after the filters changed) does not exist."""

    page: int
    pages: int
    first: int  # 1-based number of the page's first row
    last: int  # of its last row (first - 1 when the list is empty)
    total: int
    notice: str = ""


def paging(total: int, size: int, asked) -> Paging:
    pages = max(1, math.ceil(int(total) / int(size)))
    notice = ""
    try:
        wanted = int(asked)
    except (TypeError, ValueError):
        wanted, notice = 1, f"This link asked for page “{asked}”, which is not a page number."
    if wanted < 1:
        wanted, notice = 1, f"This link asked for page {wanted}, which is not a page number."
    if wanted > pages:
        notice = (
            f"This link asked for page {wanted}, but there "
            + ("is only 1 page" if pages == 1 else f"are {pages} pages")
            + f"; showing page {pages}."
        )
        wanted = pages
    first = (wanted - 1) * size + 1
    last = min(int(total), wanted * size)
    return Paging(wanted, pages, first, max(first - 1, last), int(total), notice)


def whole(fetch_page: Callable[[int, int], pd.DataFrame], rows: int) -> pd.DataFrame:
    """Every row of a paged list of `rows` rows: fetch_page(page, size) for each page."""
    pages = max(1, math.ceil(rows / EXPORT_LIMIT))
    return pd.concat([fetch_page(n, EXPORT_LIMIT) for n in range(1, pages + 1)], ignore_index=True)


# --- Today's worklist ------------------------------------------------------------------------


def caseworker_words(name, team) -> str:
    """Who holds the child: the named caseworker, or the team alone ('West: no one named')."""
    if not is_missing(name) and str(name).strip():
        return " ".join(str(name).split())
    return f"{team}: no one named"


def triage_words(row, previous_name: str | None) -> str:
    """Act now's triage in words: new to it since the previous extract, or escalate."""
    if row.get("entered_act_now"):
        return f"New since {previous_name}" if previous_name else "New"
    if row.get("escalate"):
        return "Escalate: act now at two or more extracts"
    return ""


def worklist_table(
    rows: pd.DataFrame,
    period: str,
    previous_name: str | None,
    back: dict | None = None,
) -> pd.DataFrame:
    """Worklist rows as shown: tier, owner, reasons in words, then the facts behind them.
    `back`: the page's own choices (tier, page), carried in each chronology link so that its
    Back link returns to them."""
    return pd.DataFrame(
        {
            "Child ID": rows["child_id"],
            "Tier": [TIERS[t].label for t in rows["tier"]],
            "Triage": [triage_words(r, previous_name) for _, r in rows.iterrows()],
            "Caseworker": [
                caseworker_words(n, t)
                for n, t in zip(rows["caseworker_name"], rows["sen_team"], strict=True)
            ],
            "Chronology": [chronology_link(c, period, back) for c in rows["child_id"]],
            "Why": [worklist_reason_text(r, previous_name) for _, r in rows.iterrows()],
            "Flags": rows["flags_raised"],
            "Days without provision": rows["days_without_provision"],
            "Terms without provision": rows["terms_without_provision"],
            "Last action": rows["last_event_date"],
            "Casework after the census date": rows["events_after_census"],
            "District": rows["district"],
            "SEN team": rows["sen_team"],
            "Placement status": rows["placement_status"],
            **(
                {"Provision started": rows["last_provision_started"]}
                if "last_provision_started" in rows
                else {}
            ),
        }
    )


def worklist_rows(
    f: CohortFilter,
    tier: str | None,
    page: int,
    size: int,
    previous_name: str | None,
    *,
    disagree_only: bool = False,
    caseworker: str | None = None,
    back: dict | None = None,
    audience: Audience | None = None,
    db=None,
) -> Table:
    """One page of the worklist (`tier` None: every tier): act now in working order, the
    others most severe first. `caseworker`: only that caseworker's children (Today's "mine",
    Worklist.caseworker); `back`: the page's choices, carried in the chronology links."""
    g = narrow(f, resolve(audience))
    rows = casework.worklist_children(
        g, tier, page, size, disagree_only=disagree_only, caseworker=caseworker, db=db
    )
    return Table.of(worklist_table(rows, f.period, previous_name, back))


def whole_worklist(
    f: CohortFilter,
    on_list: int,
    previous_name: str | None,
    *,
    caseworker: str | None = None,
    audience=None,
    db=None,
) -> pd.DataFrame:
    """The whole worklist for a download (no chronology links)."""
    g = narrow(f, resolve(audience))
    rows = whole(
        lambda n, size: casework.worklist_children(g, None, n, size, caseworker=caseworker, db=db),
        on_list,
    )
    return worklist_table(rows, f.period, previous_name).drop(columns=["Chronology"])


# --- priority cases --------------------------------------------------------------------------

TICK = {True: "Yes", False: ""}


def priority_table(rows: pd.DataFrame, period: str, db=None) -> pd.DataFrame:
    """Priority rows as shown: the priorities met in words, then the facts behind them."""
    values = read_flag_settings(db)
    care = care_status_supplied(period, db=db)
    return pd.DataFrame(
        {
            "Child ID": rows["child_id"],
            "Chronology": [chronology_link(c, period) for c in rows["child_id"]],
            "Priorities met": rows["priority_criteria_met"],
            "Why": ["; ".join(priority_reasons(r, values)) for _, r in rows.iterrows()],
            **{p.label: rows[name].map(TICK) for name, p in PRIORITIES.items()},
            "Days out of school": rows["days_out"],
            "Days without provision": rows["days_without_provision"],
            "Year group": rows["year_group"],
            "Care status": rows["care_status"] if care else NOT_SUPPLIED,
            "District": rows["district"],
            "SEN team": rows["sen_team"],
        }
    )


def priority_rows(
    f: CohortFilter, page: int, size: int, *, audience: Audience | None = None, db=None
) -> Table:
    g = narrow(f, resolve(audience))
    rows = casework.children_meeting_priorities(g, page, size, db=db)
    return Table.of(priority_table(rows, f.period, db))


def whole_priorities(f: CohortFilter, rows: int, *, audience=None, db=None) -> pd.DataFrame:
    g = narrow(f, resolve(audience))
    found = whole(lambda n, size: casework.children_meeting_priorities(g, n, size, db=db), rows)
    return priority_table(found, f.period, db).drop(columns=["Chronology"])


# --- the cohort explorer ---------------------------------------------------------------------


def people_table(rows: pd.DataFrame, care: bool = True) -> pd.DataFrame:
    """The list's columns with readable headings; Import as Yes/No; care status "Not
    supplied" for a period loaded without it."""
    table = rows[[c for c in EXPLORER_COLUMNS if c in rows.columns]].copy()
    if "is_import" in table:
        table["is_import"] = table["is_import"].map({True: "Yes", False: "No"})
    if "care_status" in table and not care:
        table["care_status"] = NOT_SUPPLIED
    return table.rename(columns=EXPLORER_COLUMNS)


def cohort_rows(
    f: CohortFilter,
    sort_by: str,
    descending: bool,
    page: int,
    size: int,
    *,
    audience: Audience | None = None,
    db=None,
) -> Table:
    g = narrow(f, resolve(audience))
    rows = cohort_page(g, sort_by, descending, page, size, db=db)
    return Table.of(people_table(rows, care_status_supplied(f.period, db=db)))


def whole_cohort(
    f: CohortFilter, sort_by: str, descending: bool, rows: int, *, audience=None, db=None
) -> pd.DataFrame:
    g = narrow(f, resolve(audience))
    found = whole(lambda n, size: cohort_page(g, sort_by, descending, n, size, db=db), rows)
    return people_table(found, care_status_supplied(f.period, db=db))
