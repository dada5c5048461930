"""The action plan: actions kept as versions in the app store, never overwritten or deleted.

Each change to an action writes a new row of `action_versions` (who, when, what changed); the
action's current state is its highest version. Nothing is ever updated or deleted: triggers in
the store refuse both, and "deleting" an action means saving it with the status `dropped`.

Several people may edit at once. A save names the version it started from; if someone else
saved a newer one in between, the save is refused with `StaleVersion` (a message saying who
changed it and when) rather than silently merged. The check and the insert run in one
`BEGIN IMMEDIATE` transaction, so two writers cannot both pass the check.

The measure is either a saved dashboard view (a link: page plus filters) or a child ID. When an
action is opened, the figure the measure showed then is stored with it (`opened_value`,
`opened_text`, `opened_period`), so the plan can say whether things moved since. Working out a
measure's figure needs the query layer, which this module may not import: callers pass it in.

`import_plan` reads an existing plan from a spreadsheet (CSV or Excel: title, owner, due date,
status, notes) and accepts or refuses every row with a reason, as the extract loader does.
"""

from __future__ import annotations

import datetime as dt
import getpass
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from appstore.connection import connect

STATUSES = ["not started", "in progress", "done", "dropped"]
OPEN_STATUSES = ("not started", "in progress")
MEASURE_KINDS = ("", "view", "child")
# Fields a person edits; the rest of a version row is bookkeeping.
FIELDS = ("title", "owner", "due_date", "status", "measure_kind", "measure", "notes", "title_safe")
FIELD_LABELS = {
    "title": "title",
    "title_safe": "title safe to publish",
    "owner": "owner",
    "due_date": "due date",
    "status": "status",
    "measure_kind": "measure type",
    "measure": "measure",
    "notes": "notes",
}
TITLE_MAX = 200
NOTES_MAX = 4000
IMPORT_COLUMNS = ("title", "owner", "due date", "status", "notes", "title safe")

SCHEMA = """
CREATE TABLE IF NOT EXISTS action_versions (
    action_id     INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    title         TEXT NOT NULL,
    owner         TEXT NOT NULL,
    due_date      TEXT NOT NULL,          -- ISO date
    status        TEXT NOT NULL,
    measure_kind  TEXT NOT NULL DEFAULT '',
    measure       TEXT NOT NULL DEFAULT '',
    notes         TEXT NOT NULL DEFAULT '',
    -- 1: the author marked the title safe to publish (no child named or identifiable), so
    -- figures as published (a senior leader, the briefing pack) may show it; 0: they show the
    -- action's measure and status only. Free text is pupil-level until its author says not.
    title_safe    INTEGER NOT NULL DEFAULT 0,
    opened_period TEXT,                   -- the measure's figure when the action was opened
    opened_value  REAL,
    opened_text   TEXT,
    changed_by    TEXT NOT NULL,
    changed_at    TEXT NOT NULL,          -- ISO timestamp, UTC
    change        TEXT NOT NULL,          -- what changed, in words
    PRIMARY KEY (action_id, version)
);
CREATE TRIGGER IF NOT EXISTS action_versions_no_update BEFORE UPDATE ON action_versions
BEGIN SELECT RAISE(ABORT, 'action versions are never changed: save a new version'); END;
CREATE TRIGGER IF NOT EXISTS action_versions_no_delete BEFORE DELETE ON action_versions
BEGIN SELECT RAISE(ABORT, 'action versions are never deleted: mark the action dropped'); END;
"""

CURRENT_SQL = """
SELECT v.* FROM action_versions v
JOIN (SELECT action_id, max(version) AS version FROM action_versions GROUP BY action_id) m
  USING (action_id, version)
ORDER BY v.action_id
"""


def current_user_name() -> str:
    """The fallback name of who made a change: `OOS_USER`, the OS user, else "demo user".

    The action plan page passes the signed-in viewer (trust.viewer: e-mail, or the single
    user's name) to `create`/`save`; this is used only when no viewer is set.
    """
    try:
        return os.environ.get("OOS_USER") or getpass.getuser() or "demo user"
    except Exception:  # noqa: BLE001 - no user database in some containers
        return "demo user"


class ActionError(ValueError):
    """A save that cannot be made (bad values), with a message for people."""


class StaleVersion(ActionError):
    """Someone saved a newer version since this edit started."""


@dataclass(frozen=True)
class Opened:
    """The measure's figure when an action was opened."""

    period: str | None = None
    value: float | None = None
    text: str | None = None


@dataclass
class ImportResult:
    """What happened to each row of an imported plan."""

    accepted: list[dict] = field(default_factory=list)  # row, action_id, title
    refused: list[dict] = field(default_factory=list)  # row, title, reason

    def table(self) -> pd.DataFrame:
        rows = [
            {"row": r["row"], "result": "accepted", "title": r["title"], "reason": ""}
            for r in self.accepted
        ] + [
            {"row": r["row"], "result": "refused", "title": r["title"], "reason": r["reason"]}
            for r in self.refused
        ]
        return pd.DataFrame(rows, columns=["row", "result", "title", "reason"]).sort_values("row")


def ensure_schema(store: str | os.PathLike | None = None) -> None:
    with connect(store) as con:
        con.executescript(SCHEMA)
        # a store made before titles could be marked safe: every older title stays unsafe
        columns = {row[1] for row in con.execute("PRAGMA table_info(action_versions)")}
        if "title_safe" not in columns:
            con.execute(
                "ALTER TABLE action_versions ADD COLUMN title_safe INTEGER NOT NULL DEFAULT 0"
            )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _clean(values: dict) -> dict:
    """Check and normalise the editable fields; raise ActionError naming what is wrong."""
    out = {}
    title = str(values.get("title") or "").strip()
    if not title:
        raise ActionError("An action needs a title.")
    if len(title) > TITLE_MAX:
        raise ActionError(f"The title is longer than {TITLE_MAX} characters.")
    out["title"] = title
    owner = str(values.get("owner") or "").strip()
    if not owner:
        raise ActionError("An action needs an owner.")
    out["owner"] = owner
    due = values.get("due_date")
    if isinstance(due, dt.datetime):
        due = due.date()
    if isinstance(due, str):
        try:
            due = dt.date.fromisoformat(due.strip())
        except ValueError:
            raise ActionError(f"The due date {due!r} is not a date (YYYY-MM-DD).") from None
    if not isinstance(due, dt.date):
        raise ActionError("An action needs a due date.")
    out["due_date"] = due.isoformat()
    status = str(values.get("status") or "not started").strip().lower()
    if status not in STATUSES:
        raise ActionError(f"The status {status!r} is not one of: {', '.join(STATUSES)}.")
    out["status"] = status
    kind = str(values.get("measure_kind") or "").strip().lower()
    measure = str(values.get("measure") or "").strip()
    if measure and not kind:
        # A measure typed without saying what it is: a link is a view, anything else an ID.
        kind = "view" if measure.lower().startswith(("http://", "https://", "/")) else "child"
    if kind not in MEASURE_KINDS:
        raise ActionError(f"The measure type {kind!r} is not a view link or a child ID.")
    if kind and not measure:
        raise ActionError("The measure is empty: paste a view link or a child ID.")
    out["measure_kind"] = kind if measure else ""
    out["measure"] = measure if kind else ""
    notes = str(values.get("notes") or "").strip()
    if len(notes) > NOTES_MAX:
        raise ActionError(f"The notes are longer than {NOTES_MAX} characters.")
    out["notes"] = notes
    out["title_safe"] = 1 if _yes(values.get("title_safe")) else 0
    return out


def _yes(value) -> bool:
    """A checkbox's value, or a spreadsheet's yes/no/true/1 (anything else: no)."""
    if isinstance(value, str):
        return value.strip().lower() in ("y", "yes", "true", "1")
    return bool(value) and value == value  # NaN is not a yes


def _describe_change(before: dict, after: dict) -> str:
    parts = []
    for name in FIELDS:
        if before.get(name) != after.get(name):
            if name in ("notes", "measure", "title"):
                parts.append(f"{FIELD_LABELS[name]} changed")
            elif name == "title_safe":
                parts.append("title marked safe to publish" if after.get(name) else
                             "title no longer marked safe to publish")  # fmt: skip
            else:
                old, new = before.get(name) or "(none)", after.get(name) or "(none)"
                parts.append(f"{FIELD_LABELS[name]} {old} → {new}")
    return "; ".join(parts) or "saved with no change"


def _insert(con, action_id: int, version: int, values: dict, opened: Opened, who, change):
    con.execute(
        "INSERT INTO action_versions (action_id, version, title, owner, due_date, status, "
        "measure_kind, measure, notes, title_safe, opened_period, opened_value, opened_text, "
        "changed_by, changed_at, change) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            action_id,
            version,
            *(values[name] for name in FIELDS),
            opened.period,
            opened.value,
            opened.text,
            who,
            _now(),
            change,
        ),
    )


def create(
    values: dict,
    *,
    user: str | None = None,
    opened: Opened | None = None,
    store: str | os.PathLike | None = None,
    change: str = "opened",
) -> int:
    """Open a new action (version 1); returns its ID."""
    clean = _clean(values)
    ensure_schema(store)
    with connect(store) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            row = con.execute("SELECT coalesce(max(action_id), 0) + 1 FROM action_versions")
            action_id = int(row.fetchone()[0])
            _insert(
                con, action_id, 1, clean, opened or Opened(), user or current_user_name(), change
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return action_id


def save(
    action_id: int,
    based_on_version: int,
    values: dict,
    *,
    user: str | None = None,
    store: str | os.PathLike | None = None,
) -> int:
    """Save a new version of an action edited from `based_on_version`; returns the new version.

    Refused with StaleVersion when a newer version exists (someone else saved first). The
    figure at opening is carried over unchanged: it belongs to the action, not to the edit.
    """
    clean = _clean(values)
    ensure_schema(store)
    with connect(store) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            latest = con.execute(
                "SELECT * FROM action_versions WHERE action_id = ? ORDER BY version DESC LIMIT 1",
                (int(action_id),),
            ).fetchone()
            if latest is None:
                raise ActionError(f"There is no action {action_id}.")
            if latest["version"] != int(based_on_version):
                raise StaleVersion(
                    f"Action {action_id} was changed by {latest['changed_by']} at "
                    f"{latest['changed_at']} (version {latest['version']}) after you opened "
                    f"version {based_on_version}. Your changes were not saved: reload the "
                    "action, then make them again."
                )
            before = {name: latest[name] for name in FIELDS}
            opened = Opened(latest["opened_period"], latest["opened_value"], latest["opened_text"])
            version = latest["version"] + 1
            who = user or current_user_name()
            _insert(
                con, int(action_id), version, clean, opened, who, _describe_change(before, clean)
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return version


def drop(action_id: int, based_on_version: int, *, user=None, store=None) -> int:
    """Mark an action dropped (a new version); the only way an action goes away."""
    now = history(action_id, store=store).iloc[-1].to_dict()
    values = {name: now[name] for name in FIELDS} | {"status": "dropped"}
    return save(action_id, based_on_version, values, user=user, store=store)


def _frame(rows) -> pd.DataFrame:
    columns = [
        "action_id",
        "version",
        *FIELDS,
        "opened_period",
        "opened_value",
        "opened_text",
        "changed_by",
        "changed_at",
        "change",
    ]
    return pd.DataFrame([dict(r) for r in rows], columns=columns)


def current(store: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every action at its latest version (dropped ones included), by action ID."""
    ensure_schema(store)
    with connect(store) as con:
        frame = _frame(con.execute(CURRENT_SQL).fetchall())
    # When each action was opened: its first version's time.
    with connect(store) as con:
        first = dict(
            con.execute("SELECT action_id, changed_at FROM action_versions WHERE version = 1")
        )
    frame["opened_at"] = frame["action_id"].map(first)
    return frame


def history(action_id: int, *, store: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every version of one action, oldest first."""
    ensure_schema(store)
    with connect(store) as con:
        rows = con.execute(
            "SELECT * FROM action_versions WHERE action_id = ? ORDER BY version",
            (int(action_id),),
        ).fetchall()
    return _frame(rows)


def overdue(today: dt.date | None = None, *, store=None) -> pd.DataFrame:
    """Open actions (not started or in progress) whose due date has passed, oldest due first."""
    today = today or dt.date.today()
    frame = current(store)
    late = frame[frame["status"].isin(OPEN_STATUSES) & (frame["due_date"] < today.isoformat())]
    return late.sort_values(["due_date", "action_id"]).reset_index(drop=True)


def plan_for_pack(today: dt.date | None = None, *, store=None) -> pd.DataFrame:
    """Current actions, overdue first (oldest due date first), then open, done, dropped."""
    today = today or dt.date.today()
    frame = current(store)
    if frame.empty:
        frame["overdue"] = pd.Series(dtype=bool)
        return frame
    frame["overdue"] = frame["status"].isin(OPEN_STATUSES) & (frame["due_date"] < today.isoformat())
    rank = frame["status"].map({s: i for i, s in enumerate(STATUSES)})
    # Overdue ones first by due date, whatever their status; then the others by status.
    frame["_rank"] = (~frame["overdue"]).astype(int) * (10 + rank)
    frame = frame.sort_values(["_rank", "due_date", "action_id"]).drop(columns="_rank")
    return frame.reset_index(drop=True)


# --- import from a spreadsheet -----------------------------------------------------------------


def read_spreadsheet(data: bytes, name: str) -> pd.DataFrame:
    """A plan from CSV or Excel bytes, every cell as text (empty cells as '')."""
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
    elif suffix == ".csv":
        frame = pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig")
    else:
        raise ActionError(f"{name}: a plan must be a .csv or .xlsx file.")
    frame.columns = [str(c).strip().lower().replace("_", " ") for c in frame.columns]
    return frame.fillna("")


def _parse_due(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ActionError(f"due date {text!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def import_plan(
    frame: pd.DataFrame, *, user: str | None = None, store: str | os.PathLike | None = None
) -> ImportResult:
    """Open an action for each good row; refuse each bad row with a reason.

    Rows are numbered as a spreadsheet shows them (the header is row 1). A row whose title and
    owner match an action already in the plan (not dropped) is refused as a duplicate, so
    importing the same file twice adds nothing.
    """
    missing = [c for c in ("title", "owner", "due date") if c not in frame.columns]
    if missing:
        raise ActionError(
            "The spreadsheet has no column for: "
            + ", ".join(missing)
            + ". Expected columns: "
            + ", ".join(IMPORT_COLUMNS)
            + "."
        )
    result = ImportResult()
    existing = current(store)
    seen = {
        (t.strip().lower(), o.strip().lower())
        for t, o, s in zip(existing["title"], existing["owner"], existing["status"], strict=True)
        if s != "dropped"
    }
    for number, row in enumerate(frame.to_dict("records"), start=2):
        title = str(row.get("title", "")).strip()
        try:
            if not any(str(v).strip() for v in row.values()):
                raise ActionError("the row is empty")
            status = str(row.get("status", "")).strip().lower() or "not started"
            values = {
                "title": title,
                "owner": row.get("owner", ""),
                "due_date": _parse_due(str(row.get("due date", ""))),
                "status": status,
                "notes": row.get("notes", ""),
                "title_safe": row.get("title safe", ""),
            }
            clean = _clean(values)
            key = (clean["title"].lower(), clean["owner"].lower())
            if key in seen:
                raise ActionError("the plan already holds an action with this title and owner")
            action_id = create(clean, user=user, store=store, change=f"imported (row {number})")
            seen.add(key)
            result.accepted.append({"row": number, "action_id": action_id, "title": title})
        except ActionError as problem:
            reason = str(problem).rstrip(".")
            result.refused.append(
                {"row": number, "title": title, "reason": reason[:1].lower() + reason[1:]}
            )
    return result
