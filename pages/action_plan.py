"""Action plan: what the service said it would do, who owns it, when it is due, and whether the
figures it watches have moved since it was opened.

Stored in the dashboard's own store (appstore/actions.py), not in the extract database, so a
monthly publish never loses it. Every save is a new version; an edit started from a version
someone else has since replaced is refused with a message, never merged silently.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from appstore import actions
from figures.actions import plan as plan_table
from figures.format import fmt_date
from figures.measures import measure_figure
from pages.common.exports import csv_bytes, excel_bytes
from pages.common.figures import show_table
from pages.common.markup import escape_md
from pages.common.page import page_header
from trust.viewer import current as current_viewer

MEASURE_CHOICES = {
    "": "No measure (or work it out)",
    "view": "A saved dashboard view",
    "child": "A child (ID)",
}
IMPORT_KEY = "_oos_plan_import_result"
BASE_KEY = "_oos_action_edit_base"  # action ID -> the version this person's edit started from

ctx = page_header(
    "Action plan",
    "The actions agreed after the review, each with an owner, a due date and a **measure**: "
    "a saved dashboard view (paste its *Link to this view*) or a child's ID. Each action shows "
    "its measure's figure when it was opened and now, so the plan says whether things moved.",
    allow_empty=True,
)
latest = ctx.periods[-1]
today = dt.date.today()
# Who a change is recorded against: the signed-in viewer (e-mail, or the single user's name);
# the OS user only when no viewer is set (a bare run outside the frame).
viewer = current_viewer()
user = viewer.actor if viewer is not None else actions.current_user_name()


def opened_figure(kind: str, measure: str) -> actions.Opened:
    try:
        found = measure_figure(kind, measure, latest)
    except ValueError:
        return actions.Opened()
    if found is None or isinstance(found.value, str):
        return actions.Opened()
    return actions.Opened(found.period, found.value, found.text)


plan = actions.current()
overdue = actions.overdue(today)
if not overdue.empty:
    st.warning(
        f"**{len(overdue)} overdue action{'s' if len(overdue) != 1 else ''}**: open and past "
        "the due date, listed first below.",
        icon=":material/assignment_late:",
    )

st.subheader("The plan", anchor=False)
if plan.empty:
    st.info("No actions yet. Open one below, or import an existing plan from a spreadsheet.")
else:
    table = plan_table(latest, today, bookkeeping=True).frame()
    show_table(table, key="action-plan-table")
    stamp = f"action_plan_{today.isoformat()}"
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        "Download CSV",
        data=csv_bytes(table),
        file_name=f"{stamp}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    right.download_button(
        "Download Excel",
        data=excel_bytes(table, sheet="Action plan"),
        file_name=f"{stamp}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/download:",
    )


def action_fields(prefix: str, now: dict | None = None) -> dict:
    """The editable fields of an action, as widgets inside the current form."""
    now = now or {}
    title = st.text_input("Action", value=now.get("title", ""), key=f"{prefix}-title")
    left, middle, right = st.columns(3)
    owner = left.text_input("Owner", value=now.get("owner", ""), key=f"{prefix}-owner")
    due = middle.date_input(
        "Due date",
        value=dt.date.fromisoformat(now["due_date"]) if now.get("due_date") else None,
        format="DD/MM/YYYY",
        key=f"{prefix}-due",
    )
    status = right.selectbox(
        "Status",
        actions.STATUSES,
        index=actions.STATUSES.index(now.get("status", "not started")),
        key=f"{prefix}-status",
    )
    kinds = list(MEASURE_CHOICES)
    left, right = st.columns([1, 2])
    kind = left.selectbox(
        "Measure",
        kinds,
        index=kinds.index(now.get("measure_kind", "")),
        format_func=MEASURE_CHOICES.get,
        key=f"{prefix}-kind",
    )
    measure = right.text_input(
        "View link or child ID",
        value=now.get("measure", ""),
        key=f"{prefix}-measure",
        help="Copy the link from 'Link to this view' in the sidebar of the page to watch.",
    )
    notes = st.text_area("Notes", value=now.get("notes", ""), key=f"{prefix}-notes")
    title_safe = st.checkbox(
        "The title is safe to publish: it names no child and no child could be identified from it",
        value=bool(now.get("title_safe", False)),
        key=f"{prefix}-safe",
        help="Titles and notes are free text, treated as pupil-level: senior leaders and the "
        "briefing pack see an action's measure and status, and its title only when this is "
        "ticked. Notes are never shown outside this page.",
    )
    return {
        "title": title,
        "owner": owner,
        "due_date": due,
        "status": status,
        "measure_kind": kind,
        "measure": measure,
        "notes": notes,
        "title_safe": title_safe,
    }


with st.expander("Open a new action", expanded=plan.empty):
    # Not clear_on_submit: a refused action keeps what was typed; a saved one clears below.
    with st.form("new-action"):
        values = action_fields("new")
        if st.form_submit_button("Open the action", type="primary"):
            try:
                new_id = actions.create(
                    values,
                    user=user,
                    opened=opened_figure(values["measure_kind"], values["measure"]),
                )
            except actions.ActionError as problem:
                st.error(str(problem))
            else:
                for name in ("title", "owner", "due", "status", "kind", "measure", "notes", "safe"):
                    st.session_state.pop(f"new-{name}", None)
                st.toast(f"Action {new_id} opened.")
                st.rerun()

if not plan.empty:
    st.subheader("Change an action", anchor=False)
    labels = {int(r.action_id): f"{r.action_id}: {r.title}" for r in plan.itertuples()}
    chosen = st.selectbox("Action", list(labels), format_func=labels.get, key="action-chosen")
    bases = st.session_state.setdefault(BASE_KEY, {})
    current_row = plan[plan["action_id"] == chosen].iloc[0].to_dict()
    # The version this person's edit starts from is fixed when they first open the action, so
    # a save after someone else's is seen as stale.
    base = bases.setdefault(chosen, int(current_row["version"]))
    shown = actions.history(chosen).set_index("version").loc[base].to_dict()
    if base != current_row["version"]:
        st.info(
            f"You are editing version {base}; version {current_row['version']} was saved by "
            f"{escape_md(current_row['changed_by'])} since. Reload to see it."
        )
    with st.form(f"edit-{chosen}-{base}"):
        values = action_fields(f"edit-{chosen}-{base}", shown)
        saved = st.form_submit_button("Save a new version", type="primary")
    if saved:
        try:
            version = actions.save(chosen, base, values, user=user)
        except actions.StaleVersion as problem:
            st.error(str(problem))
        except actions.ActionError as problem:
            st.error(str(problem))
        else:
            bases.pop(chosen, None)
            st.toast(f"Saved as version {version}.")  # a toast outlives the rerun
            st.rerun()
    if st.button("Reload the latest version", key=f"reload-{chosen}"):
        bases.pop(chosen, None)
        st.rerun()
    with st.expander("Every version of this action"):
        versions = actions.history(chosen)
        show_table(
            versions[
                ["version", "changed_at", "changed_by", "change", "status", "owner", "due_date"]
            ].rename(
                columns={
                    "version": "Version",
                    "changed_at": "Saved at (UTC)",
                    "changed_by": "By",
                    "change": "What changed",
                    "status": "Status",
                    "owner": "Owner",
                    "due_date": "Due",
                }
            ),
            key=f"history-{chosen}",
        )
        st.caption(
            f"Opened {fmt_date(versions.iloc[0]['changed_at'][:10])}. Versions are never "
            "changed or deleted; an action that is no longer wanted is marked dropped."
        )

with st.expander("Import an existing plan from a spreadsheet"):
    st.markdown(
        "A CSV or Excel file with the columns **title, owner, due date, status, notes** and, "
        "if wanted, **title safe** (yes when the title names no child and may be published; "
        "status, notes and title safe may be empty; dates as YYYY-MM-DD or DD/MM/YYYY). Each "
        "row is accepted or refused with a reason; a row matching an action already in the plan "
        "(same title and owner) is refused, so importing the same file twice adds nothing."
    )
    upload = st.file_uploader("Plan file", type=["csv", "xlsx"], key="plan-upload")
    if upload is not None and st.button("Import the plan", key="plan-import"):
        try:
            result = actions.import_plan(
                actions.read_spreadsheet(upload.getvalue(), upload.name), user=user
            )
        except actions.ActionError as problem:
            st.error(str(problem))
        else:
            st.session_state[IMPORT_KEY] = (len(result.accepted), result.table())
            st.rerun()
    if IMPORT_KEY in st.session_state:
        accepted, outcome = st.session_state[IMPORT_KEY]
        st.success(f"{accepted} row(s) accepted, {len(outcome) - accepted} refused.")
        show_table(outcome, key="plan-import-result")
