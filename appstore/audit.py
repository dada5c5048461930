"""The audit trail: who saw which children's rows, who exported what, who loaded which file.

Kept in the app store (SQLite, WAL, synchronous=FULL) beside the extract database, never inside
it: a monthly publish replaces the extract file, and the trail must outlive it.

- Append-only: triggers refuse UPDATE and DELETE on the table.
- Authenticated: each record holds an HMAC-SHA256, made with a key kept outside the store
  (appstore/audit_key.py), over its own fields and the MAC of the record before it. An edited,
  inserted, deleted or reordered record, a chain recomputed without the key, or an invented
  record appended, no longer checks.
- Anchored: each record's number and MAC are also appended to the anchor file
  (appstore/audit_anchor.py), outside the store and append-only in a deployment, so a store
  cut short, emptied or rewritten (even by someone holding the key) disagrees with it.
- `python -m appstore.audit check` verifies all three and names what is wrong (exit 1).
- Safe with many writers (sessions' threads, the loader's process): each append holds the
  anchor's lock, then one `BEGIN IMMEDIATE` transaction, which takes SQLite's write lock before
  reading the last MAC, so two writers never chain onto the same record and anchor lines come
  in record order.
- `record()` returns only after COMMIT (durable: synchronous=FULL) and after its anchor line
  is written (forced to disk at least every second: appstore/audit_anchor.py).

Records hold pseudonymous child IDs, names and filters: the store is personal data too, and is
git-ignored (*.sqlite), as are the key and the anchor.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import hmac
import json
import sqlite3
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from appstore import audit_anchor, audit_key
from appstore.connection import open_connection, store_path

GENESIS = "0" * 64  # the prev_mac of the first record

# The fields a record's MAC covers, in order (seq and prev_mac included, so a record cannot be
# moved or re-chained without the MAC changing).
FIELDS = (
    "seq",
    "at",
    "actor",
    "role",
    "action",
    "page",
    "detail",
    "children",
    "child_ids",
    "file_name",
)

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS audit (
    seq        INTEGER PRIMARY KEY,   -- 1, 2, 3 ... with no gaps
    at         TEXT NOT NULL,         -- UTC, ISO 8601 with microseconds
    actor      TEXT NOT NULL,         -- e-mail or name of the person (or 'loader: <user>')
    role       TEXT NOT NULL,
    action     TEXT NOT NULL,         -- view, export, load, sign_in, denied
    page       TEXT,
    detail     TEXT NOT NULL,         -- JSON: query, filters, checksum, rows ...
    children   INTEGER,               -- number of children in the rows seen or exported
    child_ids  TEXT,                  -- JSON list (a chronology), else NULL
    file_name  TEXT,                  -- an export's or a load's file name
    prev_mac   TEXT NOT NULL,         -- the MAC of the record before (GENESIS for the first)
    mac        TEXT NOT NULL          -- HMAC-SHA256 with the audit key (appstore/audit_key.py)
)""",
    "CREATE INDEX IF NOT EXISTS audit_actor ON audit (actor)",
    "CREATE INDEX IF NOT EXISTS audit_at ON audit (at)",
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
)

# A store written before records were authenticated keeps its old records, untouched and
# still append-only, in `audit_unkeyed`; the authenticated trail starts again at record 1.
_SET_ASIDE_UNKEYED = (
    "ALTER TABLE audit RENAME TO audit_unkeyed",
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
    "DROP INDEX IF EXISTS audit_actor",
    "DROP INDEX IF EXISTS audit_at",
    "CREATE TRIGGER audit_unkeyed_no_update BEFORE UPDATE ON audit_unkeyed "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER audit_unkeyed_no_delete BEFORE DELETE ON audit_unkeyed "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
)

# Built from the constant FIELDS, never from input.
_INSERT = "INSERT INTO audit ({}) VALUES ({})".format(  # noqa: S608
    ", ".join((*FIELDS, "prev_mac", "mac")), ", ".join("?" * (len(FIELDS) + 2))
)


def record_mac(key: bytes, prev_mac: str, fields: dict) -> str:
    """HMAC-SHA256 over the previous record's MAC and this record's fields (canonical JSON)."""
    payload = json.dumps([prev_mac] + [fields.get(k) for k in FIELDS], ensure_ascii=False)
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


# --- connections ---------------------------------------------------------------------------
# One connection per thread and store path, kept open: opening SQLite and setting WAL on every
# record would cost more than the record itself (the bench's target is under 5 ms a write).
_local = threading.local()


def _connection(path: Path) -> sqlite3.Connection:
    cons = getattr(_local, "cons", None)
    if cons is None:
        cons = _local.cons = {}
    key = str(path)
    con = cons.get(key)
    if con is None:
        con = open_connection(path)
        con.execute("BEGIN IMMEDIATE")
        try:
            # statement by statement: executescript would commit the transaction first
            if "hash" in _columns(con, "audit"):  # written before records were authenticated
                for statement in _SET_ASIDE_UNKEYED:
                    con.execute(statement)
            for statement in SCHEMA:
                con.execute(statement)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        cons[key] = con
    return con


def _columns(con: sqlite3.Connection, table: str) -> set[str]:
    # PRAGMA table_info takes no bound parameters; the table names are constants of this module
    return {row[1] for row in con.execute(f"PRAGMA table_info({table})")}


def close_connections() -> None:
    """Close this thread's connections (tests, and before a store file is moved)."""
    for con in getattr(_local, "cons", {}).values():
        con.close()
    _local.cons = {}


def _path(store) -> Path:
    return Path(store) if store is not None else store_path()


# --- writing -------------------------------------------------------------------------------


def record(
    actor: str,
    role: str,
    action: str,
    *,
    page: str | None = None,
    detail: dict | None = None,
    children: int | None = None,
    child_ids: list[str] | None = None,
    file_name: str | None = None,
    store=None,
) -> int:
    """Append one record and return its seq once it is committed and anchored (durable)."""
    if not actor or not role or not action:
        raise ValueError("an audit record needs an actor, a role and an action")
    fields = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        "actor": str(actor),
        "role": str(role),
        "action": str(action),
        "page": page,
        "detail": json.dumps(detail or {}, sort_keys=True, default=str, ensure_ascii=False),
        "children": None if children is None else int(children),
        "child_ids": None if child_ids is None else json.dumps([str(c) for c in child_ids]),
        "file_name": file_name,
    }
    path = _path(store)
    con = _connection(path)
    with audit_anchor.locked(audit_anchor.anchor_path(path)) as anchor_fd:
        # IMMEDIATE takes the write lock now, so no other writer can append between our
        # reading the last MAC and inserting the record that chains onto it.
        con.execute("BEGIN IMMEDIATE")
        try:
            last = con.execute("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            key = audit_key.key_for_writing(path, store_has_records=last is not None)
            fields["seq"] = (last["seq"] + 1) if last else 1
            prev = last["mac"] if last else GENESIS
            mac = record_mac(key, prev, fields)
            con.execute(_INSERT, [fields[k] for k in FIELDS] + [prev, mac])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        late = _unanchored(con, key, audit_anchor.last_seq(anchor_fd), fields["seq"])
        audit_anchor.append(
            anchor_fd, [*late, (fields["seq"], mac, fields["at"], False)], audit_key.key_id(key)
        )
    return fields["seq"]


def _unanchored(con, key: bytes, anchored: int | None, new_seq: int) -> list[tuple]:
    """Records committed but never anchored (their writer was killed between the two steps),
    to anchor now, marked late. Only records whose MACs check and link are anchored this way:
    a record forged into the store without the key is left out and `check` reports it."""
    if anchored is None or anchored >= new_seq - 1:
        return []
    rows = con.execute(
        "SELECT * FROM audit WHERE seq > ? AND seq < ? ORDER BY seq", (anchored, new_seq)
    ).fetchall()
    prev = con.execute("SELECT mac FROM audit WHERE seq = ?", (anchored,)).fetchone()
    prev_mac, expected, late = (prev["mac"] if prev else GENESIS), anchored + 1, []
    for row in rows:
        fields = {k: row[k] for k in FIELDS}
        if (
            row["seq"] != expected
            or row["prev_mac"] != prev_mac
            or not hmac.compare_digest(record_mac(key, prev_mac, fields), row["mac"])
        ):
            break
        late.append((row["seq"], row["mac"], row["at"], True))
        prev_mac, expected = row["mac"], expected + 1
    return late


def file_checksum(path) -> str:
    """SHA-256 of a file, read in blocks (an extract can be hundreds of megabytes)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_load(
    file_path, kind: str, db_path, *, period=None, loaded=0, quarantined=0, read=0, outcome="loaded"
) -> int:
    """Audit one loader run: who ran it (the operating-system account), the file and its
    checksum, the rows loaded and quarantined, and whether it was published or refused. Kept in
    the store beside the database it loaded."""
    import getpass

    path = Path(file_path)
    return record(
        f"loader: {getpass.getuser()}",
        "loader",
        "load",
        detail={
            "kind": kind,
            "period": period,
            "outcome": outcome,
            "rows_read": read,
            "rows_loaded": loaded,
            "rows_quarantined": quarantined,
            "sha256": file_checksum(path) if path.is_file() else None,
            "database": str(db_path),
        },
        children=None,
        file_name=path.name,
        store=store_path(db_path),
    )


# --- checking ------------------------------------------------------------------------------


@dataclass
class CheckResult:
    """What `check` found: the records read, what is wrong (empty when all is well), and
    notes an auditor should read even when nothing is wrong."""

    store: Path
    records: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    first_bad: int | None = None  # the first record that fails, when one does

    @property
    def ok(self) -> bool:
        return not self.problems


def check(store=None, *, key_file=None, anchor_file=None) -> CheckResult:
    """Verify the trail against its key and its anchor, without changing anything."""
    path = _path(store)
    result = CheckResult(path)
    if not path.exists():
        result.problems.append(f"there is no audit store at {path}")
        return result
    key_path = Path(key_file) if key_file else audit_key.key_path(path)
    anchor_path = Path(anchor_file) if anchor_file else audit_anchor.anchor_path(path)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        _check(con, key_path, anchor_path, result)
    finally:
        con.close()
    return result


def _check(con, key_path: Path, anchor_path: Path, result: CheckResult) -> None:
    columns = _columns(con, "audit")
    if "audit_unkeyed" in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}:
        old = con.execute("SELECT count(*) FROM audit_unkeyed").fetchone()[0]
        result.notes.append(
            f"{old:,} earlier records, written before records were authenticated, are kept "
            "unchanged in table audit_unkeyed (not covered by the key or the anchor)"
        )
    if "hash" in columns:
        result.problems.append(
            "the trail was written before records were authenticated (no MACs); the dashboard "
            "sets it aside (table audit_unkeyed) and starts an authenticated trail when it "
            "next writes a record"
        )
        return
    anchor = audit_anchor.read(anchor_path)
    if not columns:
        store_rows = 0
    else:
        store_rows = con.execute("SELECT count(*) FROM audit").fetchone()[0]
    if store_rows == 0 and anchor is None:
        result.notes.append(f"the trail is empty and nothing is anchored yet ({anchor_path})")
        return
    try:
        key = audit_key.read_key(key_path)
    except audit_key.AuditKeyError as problem:
        result.problems.append(f"cannot check the records: {problem}")
        return
    if anchor is not None and anchor.key_id and anchor.key_id != audit_key.key_id(key):
        result.problems.append(
            f"the key in {key_path} is not the key this trail was written with (the anchor "
            f"names key {anchor.key_id}, this key is {audit_key.key_id(key)}): check with the "
            "trail's own key"
        )
        return
    last_seq, last_at = _walk(con, key, result) if store_rows else (0, None)
    if anchor is None:
        result.problems.append(
            f"there is no anchor at {anchor_path}: the trail's length and head cannot be "
            "verified (were records removed?)"
        )
        return
    _compare_with_anchor(con, anchor, anchor_path, last_seq, last_at, result)
    append_only = audit_anchor.is_append_only(anchor_path)
    if append_only is False:
        result.notes.append(
            f"the anchor {anchor_path} is not marked append-only: in a deployment, "
            f"`chattr +a {anchor_path}` (as root) so the dashboard can add lines but never "
            "rewrite it"
        )
    elif append_only:
        result.notes.append(f"the anchor {anchor_path} is append-only (chattr +a)")


def _walk(con, key: bytes, result: CheckResult) -> tuple[int, str | None]:
    """Check every record's number, link and MAC; (last seq, its time)."""
    expected_prev, expected_seq, last_at = GENESIS, 1, None
    for row in con.execute("SELECT * FROM audit ORDER BY seq"):
        result.records += 1
        fields = {k: row[k] for k in FIELDS}
        problem = None
        if row["seq"] != expected_seq:
            problem = (
                f"record {expected_seq} is missing (deleted)"
                if row["seq"] > expected_seq
                else f"record {row['seq']} appears twice"
            )
        elif row["prev_mac"] != expected_prev:
            problem = (
                f"record {row['seq']} does not link to the record before it (a record was "
                "deleted, inserted or moved)"
            )
        elif not hmac.compare_digest(record_mac(key, row["prev_mac"], fields), row["mac"]):
            problem = (
                f"record {row['seq']}'s MAC does not match its contents: it was edited, "
                "inserted, or its chain recomputed without the audit key"
            )
        if problem and result.first_bad is None:
            result.first_bad = min(expected_seq, row["seq"])
            result.problems.append(problem)
        expected_prev, expected_seq, last_at = row["mac"], row["seq"] + 1, row["at"]
    return expected_seq - 1, last_at


def _compare_with_anchor(con, anchor, anchor_path, last_seq, last_at, result) -> None:
    result.problems.extend(f"{anchor_path}: {p}" for p in anchor.problems)
    if anchor.start not in (None, 1):
        result.problems.append(
            f"the anchor starts at record {anchor.start}: records 1 to {anchor.start - 1} "
            "were never anchored (the anchor file was replaced or moved)"
        )
    previous, late = 0, 0
    for seq, mac, at, was_late in anchor.lines:
        late += was_late
        if seq <= previous:
            result.problems.append(
                f"the anchor goes back from record {previous} to {seq}: the store was restored "
                "or its records were rewritten"
            )
        previous = seq
        if seq > last_seq:
            continue  # reported once below, as the store being shorter
        row = con.execute("SELECT mac FROM audit WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            continue  # a missing record is already reported by the walk
        if row["mac"] != mac:
            result.problems.append(
                f"record {seq} differs from the one anchored at {at}: it was rewritten"
            )
            break
    head = anchor.head
    if head is None:
        if last_seq:
            result.problems.append(
                f"the anchor names no record, but the store holds {last_seq}: they were never "
                "anchored"
            )
        return
    if last_seq == 0:
        result.problems.append(
            f"the store holds no records, but the anchor's head is record {head[0]} "
            f"(written {head[2]}): every record was deleted"
        )
    elif last_seq < head[0]:
        result.problems.append(
            f"the store ends at record {last_seq}, but the anchor's head is record {head[0]} "
            f"(written {head[2]}): records {last_seq + 1} to {head[0]} were removed (a "
            "truncated trail)"
        )
    elif last_seq > head[0]:
        result.problems.append(
            f"records {head[0] + 1} to {last_seq} (the last written {last_at}) are in the "
            "store but not in the anchor: added to the store by something other than the "
            "dashboard, or written just before a crash (the next record anchors those, "
            "marked late)"
        )
    if late:
        result.notes.append(
            f"{late} record(s) were anchored late, by the write after them (their writer was "
            "stopped between committing and anchoring)"
        )


# --- reading -------------------------------------------------------------------------------


def search(
    *,
    actor: str | None = None,
    child_id: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 1000,
    store=None,
) -> list[dict]:
    """Records matching every given criterion, newest first (values bound, never formatted)."""
    path = _path(store)
    if not path.exists():
        return []
    sql = [
        "SELECT seq, at, actor, role, action, page, children, child_ids, file_name, detail",
        "FROM audit WHERE 1=1",
    ]
    params: list = []
    if actor:
        sql.append("AND lower(actor) LIKE ? ESCAPE '\\'")
        params.append("%" + _like(actor.lower()) + "%")
    if child_id:
        # A chronology names its child; a list view names the children in detail's IDs.
        sql.append(
            "AND EXISTS (SELECT 1 FROM json_each(coalesce(child_ids, '[]')) WHERE value = ?)"
        )
        params.append(child_id.strip())
    if date_from:
        sql.append("AND at >= ?")
        params.append(date_from.isoformat())
    if date_to:
        sql.append("AND at < ?")
        params.append((date_to + dt.timedelta(days=1)).isoformat())
    sql.append("ORDER BY seq DESC LIMIT ?")
    params.append(int(limit))
    con = _connection(path)
    return [dict(row) for row in con.execute("\n".join(sql), params)]


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- command line --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m appstore.audit", description="Check or export the audit trail."
    )
    parser.add_argument("--store", help="app store path (default: beside the database)")
    parser.add_argument("--key", help=f"audit key file (default: ${audit_key.KEY_ENV} or beside)")
    parser.add_argument(
        "--anchor", help=f"anchor file (default: ${audit_anchor.ANCHOR_ENV} or beside)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "check", help="verify every record's MAC and the store against the anchor; exit 1 if not"
    )
    export = sub.add_parser("export", help="write every record as CSV to standard output")
    export.add_argument("--limit", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    store = Path(args.store) if args.store else store_path()
    if args.command == "check":
        result = check(store, key_file=args.key, anchor_file=args.anchor)
        for note in result.notes:
            print(f"note: {note}")
        if result.ok:
            print(f"audit trail {store}: {result.records} records, every MAC checks, and the "
                  "store agrees with its anchor")  # fmt: skip
            return 0
        print(f"audit trail {store}: FAILED ({result.records} records read)")
        for problem in result.problems:
            print(f"  - {problem}")
        return 1
    if not store.exists():
        print(f"there is no audit store at {store}", file=sys.stderr)
        return 1
    rows = search(limit=args.limit, store=store)
    writer = csv.writer(sys.stdout)
    if rows:
        writer.writerow(rows[0].keys())
        writer.writerows(r.values() for r in reversed(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
