"""The fourth extract: caseworker assignments (who holds each child's case).

    python -m data.load assignments FILE [--db PATH] [--replace]

The casework log names no worker (docs/extract-spec.md), so the named owner of a child on
Today's worklist comes from a small table the case-management system can export: one row per
child and caseworker, with the date the assignment starts when the system keeps a history. It
is loaded whole, like the casework log (a new file replaces the old one in one transaction),
through the loader's guarantees: every row loaded or quarantined with a reason, a file that
would replace the table with under half of its rows refused unless `--replace`, extra columns'
values never stored, the publish atomic. At a period's census date a child's caseworker is the
assignment with the latest `assigned_from` on or before that date (a blank date: from the
start); queries/fragments/worklist.sql reads it. Without a caseworker a child's owner is its SEN
team (the cohort's `sen_team`).
"""

from __future__ import annotations

from data import extract_reader, store

ASSIGNMENT_COLUMNS = ["child_id", "caseworker", "caseworker_name", "assigned_from"]
ASSIGNMENT_REQUIRED = ["child_id", "caseworker"]

# Registered here rather than written into extract_reader's table, so the reader stays about
# file formats and this module owns the assignments contract.
extract_reader.LAYOUTS["assignments"] = (ASSIGNMENT_COLUMNS, ASSIGNMENT_REQUIRED)


def stage_and_publish(con, *, load_id: int, file_name: str, guard=None) -> None:
    """Stage the file read into `raw` and replace the assignment table with it.

    `guard(held, incoming)` (optional) sees the rows held and the rows about to replace them
    before anything is written, and raises to refuse the load.
    """
    store.run_sql_file(con, "stage_assignments.sql")
    if guard is not None:
        held, incoming = con.execute(
            "SELECT (SELECT count(*) FROM assignment), "
            "(SELECT count(*) FROM staged_assignments WHERE quarantine_reason IS NULL)"
        ).fetchone()
        guard(held, incoming)
    store.run_sql_file(con, "publish_assignments.sql", {"load_id": load_id, "file_name": file_name})
    con.execute("DROP TABLE staged_assignments")


__all__ = ["ASSIGNMENT_COLUMNS", "ASSIGNMENT_REQUIRED", "stage_and_publish"]
