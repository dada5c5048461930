"""The audit trail: who saw which children's rows, who exported what, who loaded which file.

Kept in the app store (SQLite, WAL, synchronous=FULL) beside the extract database, never inside
it: a monthly publish replaces the extract file, and the trail must outlive it.

- Append-only: triggers refuse UPDATE and DELETE on the table.
- Tamper-evident: each record stores the SHA-256 of the record before it (`prev_hash`) and its
  own hash over that and every field, so an edit, a deletion or an insertion breaks the chain;
  `python -m appstore.audit check` walks it and reports the first broken link.
- Safe with many writers (sessions' threads, the loader's process): each append is one
  `BEGIN IMMEDIATE` transaction, which takes SQLite's write lock before reading the last hash,
  so two writers can never chain onto the same record.
- `record()` returns only after COMMIT, and synchronous=FULL makes the commit durable: a record
  reported as written survives the process being killed.

Records hold pseudonymous child IDs, names and filters: the store is personal data too, and is
git-ignored (*.sqlite).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import sqlite3
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from appstore.connection import open_connection, store_path

GENESIS = "0" * 64  # the prev_hash of the first record

# The fields a record's hash covers, in order (seq and prev_hash included, so a record cannot be
# moved or re-chained without the hash changing).
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

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
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
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_actor ON audit (actor);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""


# Built from the constant FIELDS, never from input.
_INSERT = "INSERT INTO audit ({}) VALUES ({})".format(  # noqa: S608
    ", ".join((*FIELDS, "prev_hash", "hash")), ", ".join("?" * (len(FIELDS) + 2))
)


@dataclass(frozen=True)
class Broken:
    """The first broken link: the record's seq and what is wrong with it."""

    seq: int
    problem: str


def record_hash(prev_hash: str, fields: dict) -> str:
    """SHA-256 over the previous hash and the record's fields (canonical JSON)."""
    payload = json.dumps([prev_hash] + [fields.get(k) for k in FIELDS], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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
        con.executescript(SCHEMA)
        cons[key] = con
    return con


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
    """Append one record and return its seq once it is committed (durable)."""
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
    con = _connection(_path(store))
    # IMMEDIATE takes the write lock now, so no other writer can append between our reading
    # the last hash and inserting the record that chains onto it.
    con.execute("BEGIN IMMEDIATE")
    try:
        last = con.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        fields["seq"] = (last["seq"] + 1) if last else 1
        prev = last["hash"] if last else GENESIS
        values = [fields[k] for k in FIELDS] + [prev, record_hash(prev, fields)]
        con.execute(_INSERT, values)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return fields["seq"]


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


# --- reading -------------------------------------------------------------------------------


def check(store=None) -> tuple[int, Broken | None]:
    """Walk the chain: (records checked, the first broken link or None)."""
    path = _path(store)
    if not path.exists():
        return 0, None
    con = _connection(path)
    expected_prev, expected_seq, n = GENESIS, 1, 0
    for row in con.execute("SELECT * FROM audit ORDER BY seq"):
        n += 1
        fields = {k: row[k] for k in FIELDS}
        if row["seq"] != expected_seq:
            return n, Broken(expected_seq, f"record {expected_seq} is missing")
        if row["prev_hash"] != expected_prev:
            return n, Broken(row["seq"], "its link to the record before does not match")
        if record_hash(row["prev_hash"], fields) != row["hash"]:
            return n, Broken(row["seq"], "its contents do not match its hash (edited)")
        expected_prev, expected_seq = row["hash"], expected_seq + 1
    return n, None


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
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="verify the hash chain; exit 1 at the first broken link")
    export = sub.add_parser("export", help="write every record as CSV to standard output")
    export.add_argument("--limit", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    store = Path(args.store) if args.store else store_path()
    if args.command == "check":
        n, broken = check(store)
        if broken is None:
            print(f"audit trail {store}: {n} records, chain intact")
            return 0
        print(f"audit trail {store}: BROKEN at record {broken.seq}: {broken.problem}")
        return 1
    rows = search(limit=args.limit, store=store)
    writer = csv.writer(sys.stdout)
    if rows:
        writer.writerow(rows[0].keys())
        writer.writerows(r.values() for r in reversed(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
