"""Audit trail (safeguarding leads only): who saw which children's rows, who exported what,
who loaded which file. Search by person, child or date; download the matching records as CSV.

The navigation offers this page to safeguarding leads alone (trust/access.py); the page checks
again, so a page list edited by mistake still shows nothing to anyone else. Searching the trail
is itself recorded.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from appstore import audit
from appstore.connection import store_path
from pages.common.exports import csv_bytes
from pages.common.figures import show_table
from pages.common.markup import escape_text
from pages.common.page import ensure_frame
from trust.roles import ROLES, roles_that
from trust.viewer import current

ensure_frame()
viewer = current()
st.title("Audit trail", anchor=False)
if viewer is None or not viewer.audits:
    st.error(f"The audit trail is for {roles_that(lambda role: role.audits)} only.")
    st.stop()

store = store_path()
verified = audit.check(store)
if verified.ok:
    st.caption(
        f"{verified.records:,} records in {store.name}; every record's MAC checks with the "
        "audit key and the store agrees with its anchor."
    )
else:
    st.error(
        "The audit trail does not check: "
        + "; ".join(escape_text(p) for p in verified.problems)
        + ". Report this to the information governance lead: records may have been removed "
        "or altered."
    )

with st.form("audit-search", border=True):
    who_col, child_col, from_col, to_col = st.columns([2, 2, 1, 1])
    who = who_col.text_input("Person (part of a name or e-mail)", key="audit_who")
    child = child_col.text_input("Child ID (exact)", key="audit_child")
    today = dt.datetime.now(dt.UTC).date()
    date_from = from_col.date_input("From", today - dt.timedelta(days=30), key="audit_from")
    date_to = to_col.date_input("To", today, key="audit_to")
    st.form_submit_button("Search", icon=":material/search:")

rows = audit.search(
    actor=who.strip() or None,
    child_id=child.strip() or None,
    date_from=date_from,
    date_to=date_to,
    limit=5000,
    store=store,
)
audit.record(
    viewer.actor,
    viewer.role,
    "audit_search",
    page="Audit trail",
    detail={"person": who, "child": child, "from": str(date_from), "to": str(date_to)},
    children=None,
    store=store,
)
table = pd.DataFrame(
    rows,
    columns=[
        "seq", "at", "actor", "role", "action", "page", "children", "child_ids", "file_name",
        "detail",
    ],
)  # fmt: skip
# the role as people name it ("QA officer"), not the key the store keeps ("qa_officer")
table["role"] = [ROLES.get(role, role) for role in table["role"]]
table = table.rename(
    columns={
        "seq": "Record",
        "at": "When (UTC)",
        "actor": "Person",
        "role": "Role",
        "action": "Action",
        "page": "Page",
        "children": "Children",
        "child_ids": "Child IDs",
        "file_name": "File",
        "detail": "Query and filters",
    }
)
st.caption(
    f"{len(table):,} records match, newest first"
    + (" (the first 5,000 are shown)." if len(table) == 5000 else ".")
)
show_table(table, key="audit-table")
st.download_button(
    "Download CSV",
    data=lambda: csv_bytes(table),
    file_name=f"audit_{date_from}_{date_to}.csv",
    mime="text/csv",
    key="audit-csv",
    on_click="ignore",
    icon=":material/download:",
)
st.caption(
    "Check the whole trail from the server with `python -m appstore.audit check` (README, "
    '"The audit trail"). The trail names children and staff: handle downloads as '
    "OFFICIAL-SENSITIVE."
)
