"""The choke point for pupil-level rows: every query that returns a child's row runs here.

Roles are coming (a senior leader sees aggregates only, every pupil-level view is audited,
small counts are suppressed): keeping each pupil-level read behind `run_pupil_query` makes that
one change in one place. Pages and other modules must not call `runner.run` for pupil rows.

Sorting is by an allow-listed column (SORT_COLUMNS); categories sort in their natural order
with Not recorded last, and ties break on child_id so pages never overlap.
"""

from __future__ import annotations

import pandas as pd

from queries import runner
from queries.dimensions import order_expression, spec
from queries.filters import CohortFilter, check_period

# Allow-list of sortable columns: key (a column of the list) -> SQL sort expression.
SORT_COLUMNS: dict[str, str] = {
    "child_id": "child_id",
    "age": "age",
    "gender": order_expression("gender", spec("gender").categories),
    "year_group": order_expression("year_group", spec("year_group").categories),
    "primary_need": order_expression("primary_need", spec("primary_need").categories),
    "district": order_expression("district", spec("district").categories),
    "placement_status": order_expression("placement_status", spec("placement_status").categories),
    "care_status": order_expression("care_status", spec("care_status").categories),
    "is_import": "is_import",
    "imported_from": "imported_from",
    "out_of_school_since": "out_of_school_since",
    "days_out": "days_out",
    "sen_team": "nullif(sen_team, 'Not recorded')",
    "ehcp_issued": "ehcp_issued",
    "last_annual_review": "last_annual_review",
    "provision_hours": "provision_hours",
}
_DIRECTIONS = {False: "ASC", True: "DESC"}

runner.allow_template_values("sort_expr", SORT_COLUMNS.values())
runner.allow_template_values("sort_direction", _DIRECTIONS.values())

MAX_PAGE_SIZE = 1000


def run_pupil_query(
    name: str,
    params: dict | None = None,
    *,
    db=None,
    template: dict | None = None,
    cache: bool = True,
) -> pd.DataFrame:
    """Run a query that returns pupil-level rows. The ONE way such rows leave the database."""
    # Later: check the viewer's role and write an audit record here.
    return runner.run(name, params, db=db, template=template, cache=cache)


def cohort_count(f: CohortFilter, *, db=None) -> int:
    """Children in the filtered cohort."""
    return int(runner.run("cohort_count", f.params(), db=db)["children"].iloc[0])


def cohort_page(
    f: CohortFilter,
    sort_by: str = "child_id",
    descending: bool = False,
    page: int = 1,
    page_size: int = 50,
    *,
    db=None,
) -> pd.DataFrame:
    """One page (1-based) of the filtered cohort's rows, sorted by an allow-listed column."""
    if sort_by not in SORT_COLUMNS:
        raise ValueError(
            f"cannot sort by {sort_by!r}; choose one of: {', '.join(sorted(SORT_COLUMNS))}"
        )
    page, page_size = int(page), int(page_size)
    if page < 1:
        raise ValueError("page numbers start at 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
    params = {**f.params(), "limit": page_size, "offset": (page - 1) * page_size}
    template = {"sort_expr": SORT_COLUMNS[sort_by], "sort_direction": _DIRECTIONS[bool(descending)]}
    return run_pupil_query("cohort_rows", params, db=db, template=template)


def cohort_export(f: CohortFilter, *, db=None) -> pd.DataFrame:
    """Every row of the filtered cohort, by child_id (for the CSV download; not cached)."""
    # The export of a large cohort is not worth a cache slot; run it fresh each time.
    return run_pupil_query("cohort_export", f.params(), db=db, cache=False)


def quarantine_rows(
    db=None, limit: int = 100, offset: int = 0, *, period: str | None = None
) -> pd.DataFrame:
    """Quarantined rows with raw values and reason, newest load first (raw values: free text,
    never render as HTML)."""
    if period is not None:
        check_period(period)
    params = {"period": period, "limit": int(limit), "offset": int(offset)}
    return run_pupil_query("quarantine_rows", params, db=db)


def quarantine_count(db=None, *, period: str | None = None) -> int:
    if period is not None:
        check_period(period)
    return int(runner.run("quarantine_count", {"period": period}, db=db)["quarantined"].iloc[0])
