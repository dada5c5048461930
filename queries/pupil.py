"""The choke point for pupil-level rows: every query that returns a child's row runs here.

`run_pupil_query` is the one way such rows leave the database (the runner refuses PUPIL-LEVEL
files without the key this module claims at import). For each call it:

1. checks the viewer (trust.viewer, set by the frame for each script run, or passed in by a
   deferred download): no viewer, or a role that may not see pupils (a senior leader, an account
   with no role), is refused with AccessDenied, and the attempt is audited;
2. keeps a caseworker to their SEN teams: list queries are narrowed to those teams, a single
   child's rows are refused unless the child's latest snapshot is in one of them, and any other
   pupil-level query (the raw quarantine rows) is refused;
3. writes the audit record (who, role, page, query, filters, number of children, their IDs)
   before returning the rows: if the record cannot be written, the rows are not shown.

Sorting is by an allow-listed column (SORT_COLUMNS); categories sort in their natural order
with Not recorded last, and ties break on child_id so pages never overlap.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

import pandas as pd

from appstore import audit
from appstore.connection import store_path
from queries import runner
from queries.dimensions import order_expression, spec
from queries.filters import CohortFilter, check_period
from trust.roles import CASEWORKER
from trust.viewer import Viewer, current

_KEY = runner.claim_pupil_key()

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
# A caseworker's list queries bind this when none of the requested teams is theirs: it is not
# a team name, so the shared filter matches no child.
NO_TEAM = "\x00no team of yours"


class AccessDenied(PermissionError):
    """The viewer's role may not see these pupil-level rows."""


def run_pupil_query(
    name: str,
    params: dict | None = None,
    *,
    db=None,
    template: dict | None = None,
    cache: bool = True,
    viewer: Viewer | None = None,
    action: str = "view",
    file_name: str | None = None,
) -> pd.DataFrame:
    """Run a query that returns pupil-level rows. The ONE way such rows leave the database.

    `viewer` defaults to the script run's viewer; `action` is "view" or "export" (an export
    names its `file_name` and is never cached)."""
    viewer = viewer or current()
    if viewer is not None and viewer.export_file:
        # rows read for a download (pages/common/pupil_export.py): an export of that file
        action, file_name = "export", file_name or viewer.export_file
    if viewer is None or not viewer.sees_pupils:
        if viewer is not None:
            _write(viewer, "denied", name, params, template, db, file_name=file_name)
        raise AccessDenied(
            "Pupil-level rows are not available to "
            + ("a viewer who is not signed in" if viewer is None else viewer.facts.plural)
        )
    params = dict(params or {})
    if viewer.role == CASEWORKER:
        params = _caseworker_scope(viewer, name, params, db)
    frame = runner.run(
        name, params, db=db, template=template, cache=cache and action == "view", pupil_key=_KEY
    )
    _write(viewer, action, name, params, template, db, frame=frame, file_name=file_name)
    return frame


def record_export(
    table: pd.DataFrame,
    file_name: str,
    viewer: Viewer | None = None,
    child_ids: list[str] | None = None,
) -> None:
    """Audit a download of pupil-level rows a page already holds (read through this module
    when it drew them). The children are `child_ids`, else the table's child_id or "Child ID"
    column."""
    viewer = viewer or current()
    if viewer is None or not viewer.sees_pupils:
        raise AccessDenied("Pupil-level downloads are not available to this viewer.")
    named = table.rename(columns={"Child ID": "child_id"})
    if child_ids is not None:
        named = pd.DataFrame({"child_id": list(child_ids)})
    _write(viewer, "export", "(rows shown on the page)", {}, None, None, frame=named,
           file_name=file_name)  # fmt: skip


# PUPIL-LEVEL queries whose rows are only ever aggregated inside the query layer (never shown,
# never downloaded): the survival analysis's episodes (queries/survival.py). They run without a
# viewer or an audit record, because what reaches a page is the aggregate; nothing else may.
AGGREGATED_IN_QUERIES = frozenset({"episodes", "episode_table"})


def run_for_aggregation(
    name: str, params: dict | None = None, *, db=None, template: dict | None = None
) -> pd.DataFrame:
    """Run a PUPIL-LEVEL query listed in AGGREGATED_IN_QUERIES, for a query-layer module that
    turns its rows into aggregates. The caller must not hand these rows to a page."""
    if name not in AGGREGATED_IN_QUERIES:
        raise AccessDenied(f"{name} is not a query aggregated in the query layer")
    return runner.run(name, params, db=db, template=template, pupil_key=_KEY)


def _caseworker_scope(viewer: Viewer, name: str, params: dict, db) -> dict:
    teams = tuple(viewer.sen_teams)
    if "child_id" in params:
        found = runner.run(
            "child_sen_team", {"child_id": str(params["child_id"])}, db=db, pupil_key=_KEY
        )
        team = found["sen_team"].iloc[0] if len(found) else None
        if team not in teams:
            _write(viewer, "denied", name, params, None, db)
            raise AccessDenied("This child is not in your SEN teams' caseload.")
        return params
    if "sen_teams" in params:
        wanted = params["sen_teams"] or teams
        allowed = [t for t in wanted if t in teams]
        return {**params, "sen_teams": allowed or [NO_TEAM]}
    _write(viewer, "denied", name, params, None, db)
    raise AccessDenied("Caseworkers see the children of their own SEN teams only.")


# The last record written for each session, so a page re-run with the same rows (a click on
# another widget) is not recorded twice in a row; bounded, oldest sessions forgotten first.
_last_records: OrderedDict[str, tuple] = OrderedDict()
_last_lock = threading.Lock()
_LAST_MAX = 2000
MAX_IDS_RECORDED = 50_000


def _write(viewer, action, name, params, template, db, *, frame=None, file_name=None) -> None:
    filters = {k: v for k, v in (params or {}).items() if v is not None}
    ids = None
    children = None
    if frame is not None:
        if "child_id" in frame.columns:
            ids = [str(c) for c in dict.fromkeys(frame["child_id"].dropna())]
            children = len(ids)
        elif "child_id" in filters:
            ids, children = [str(filters["child_id"])], 1
        else:
            children = len(frame)
    elif "child_id" in filters:
        ids = [str(filters["child_id"])]
    detail = {"query": name, "filters": filters}
    if template:
        detail["template"] = template
    key = (viewer.actor, viewer.page, action, json.dumps(detail, sort_keys=True, default=str))
    if action == "view" and viewer.session:
        with _last_lock:
            if _last_records.get(viewer.session) == key:
                return
    audit.record(
        viewer.actor,
        viewer.role or "none",
        action,
        page=viewer.page,
        detail=detail,
        children=children,
        child_ids=ids[:MAX_IDS_RECORDED] if ids is not None else None,
        file_name=file_name,
        store=store_path(db),
    )
    if viewer.session:
        with _last_lock:
            _last_records[viewer.session] = key
            _last_records.move_to_end(viewer.session)
            while len(_last_records) > _LAST_MAX:
                _last_records.popitem(last=False)


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


def cohort_export(
    f: CohortFilter, *, db=None, viewer: Viewer | None = None, file_name: str | None = None
) -> pd.DataFrame:
    """Every row of the filtered cohort, by child_id, for a download (audited as an export
    naming `file_name`; not cached). `viewer`: the one captured when the page was drawn."""
    return run_pupil_query(
        "cohort_export", f.params(), db=db, viewer=viewer, action="export", file_name=file_name
    )


def quarantine_rows(
    db=None, limit: int = 100, offset: int = 0, *, period: str | None = None
) -> pd.DataFrame:
    """Quarantined rows with raw values and reason, newest load first (raw values: free text,
    never render as HTML)."""
    if period is not None:
        check_period(period)
    params = {"period": period, "limit": int(limit), "offset": int(offset)}
    return run_pupil_query("quarantine_rows", params, db=db)


def warning_rows(db=None, *, load_id: int | None = None, period: str | None = None) -> pd.DataFrame:
    """The rows behind the load warnings (child ID, column, value as written, reason), of one
    load or every load held (for one period and the casework log). Pupil-level: not for
    caseworkers (no team scope applies) or senior leaders."""
    if period is not None:
        check_period(period)
    params = {"load_id": None if load_id is None else int(load_id), "period": period}
    return run_pupil_query("warning_rows", params, db=db)


def quarantine_count(db=None, *, period: str | None = None) -> int:
    if period is not None:
        check_period(period)
    return int(runner.run("quarantine_count", {"period": period}, db=db)["quarantined"].iloc[0])
