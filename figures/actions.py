"""The action plan as each audience may read it: the Action plan page, the Overview's overdue
notice and the briefing pack.

An action's title and notes are free text typed into the dashboard: they can name a child
("Chase placement for KC100001"), so they are treated as pupil-level. An audience that sees
figures as published (a senior leader, the pack) reads an action by its number, measure and
status, and its title only when its author marked the title safe to publish when writing it
(appstore/actions.py keeps that mark, versioned like the rest). Notes never leave the page.

A measure that is a saved view is worked out again for the period asked (figures/measures.py),
so "when opened" and "now" are shown the same way as every other count the audience sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from appstore import actions
from figures.format import fmt_date, period_label
from figures.measures import measure_figure
from figures.protect import Audience, resolve
from figures.values import Table

WITHHELD = "title not for publication"
CHILD_MEASURE = "a child's record (not in figures as published)"


@dataclass(frozen=True)
class OverdueAction:
    action_id: int
    title: str  # as the audience may read it
    owner: str
    due: str  # '31 December 2026'


def title_as_read(action_id, title: str, safe_to_publish, audience: Audience) -> str:
    """The title, or 'Action 3 (title not for publication)' when the audience sees figures
    as published and the author did not mark the title safe."""
    if audience.safe and not bool(safe_to_publish):
        return f"Action {int(action_id)} ({WITHHELD})"
    return str(title)


def overdue(
    today: dt.date | None = None, *, audience: Audience | None = None, store=None
) -> tuple[OverdueAction, ...]:
    """Open actions past their due date, oldest due first, as the audience may read them."""
    audience = resolve(audience)
    late = actions.overdue(today, store=store)
    return tuple(
        OverdueAction(
            int(r.action_id),
            title_as_read(r.action_id, r.title, r.title_safe, audience),
            str(r.owner),
            fmt_date(r.due_date),
        )
        for r in late.itertuples(index=False)
    )


def _measure_text(kind: str, measure: str, period: str | None, audience: Audience, db) -> str:
    if not period:
        return "–"
    if kind == "child":
        return CHILD_MEASURE if audience.safe else _figure(kind, measure, period, audience, db)
    if kind != "view":
        return "–"
    return _figure(kind, measure, period, audience, db)


def _figure(kind: str, measure: str, period: str, audience: Audience, db) -> str:
    try:
        found = measure_figure(kind, measure, period, audience, db=db)
    except ValueError as problem:
        return f"not readable: {problem}"
    return "–" if found is None else f"{found.text} ({period_label(period)})"


def plan(
    latest: str,
    today: dt.date | None = None,
    *,
    audience: Audience | None = None,
    store=None,
    db=None,
    bookkeeping: bool = False,
) -> Table:
    """The plan, overdue first: action, owner, due date, status, the measure when the action
    was opened and in `latest`, each as the audience may read it; with `bookkeeping` (the
    Action plan page), each action's version and last change too."""
    audience = resolve(audience)
    ordered = actions.plan_for_pack(today, store=store)
    rows = []
    for r in ordered.itertuples(index=False):
        if audience.safe:
            # worked out again at the period it was opened in: the same protection as now
            then = _measure_text(r.measure_kind, r.measure, r.opened_period, audience, db)
        else:
            then = (
                f"{r.opened_text} ({period_label(r.opened_period)})"
                if isinstance(r.opened_text, str) and r.opened_text
                else "–"
            )
        rows.append(
            {
                "ID": int(r.action_id),
                "Action": title_as_read(r.action_id, r.title, r.title_safe, audience),
                "Owner": r.owner,
                "Due": fmt_date(r.due_date),
                "Status": ("OVERDUE, " if r.overdue else "") + r.status,
                "Measure when opened": then,
                "Measure now": _measure_text(r.measure_kind, r.measure, latest, audience, db),
                "Version": int(r.version),
                "Last change": f"{r.change} ({r.changed_by}, "
                f"{str(r.changed_at)[:16].replace('T', ' ')} UTC)",
            }
        )
    columns = ["ID", "Action", "Owner", "Due", "Status", "Measure when opened", "Measure now"]
    bookkept = [*columns, "Version", "Last change"]
    return Table.of(pd.DataFrame(rows, columns=bookkept)[bookkept if bookkeeping else columns])
