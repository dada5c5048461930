"""Where the app store lives and how to open it safely from many threads and processes.

The file is `oos_app.sqlite` beside the extract database (so a test or a council that points
`OOS_DB` elsewhere gets its own store there), or the path in `OOS_APP_STORE`. Every connection
uses WAL (readers never block the writer, writers from several processes queue on a lock) and
`synchronous=FULL`: a record the page has reported as written survives a crash or a power cut.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from core.paths import resolve_db_path

STORE_NAME = "oos_app.sqlite"
BUSY_TIMEOUT_MS = 10_000  # a writer waits this long for another to finish before giving up


def store_path(db_path: str | os.PathLike | None = None) -> Path:
    """The app store's path: `OOS_APP_STORE`, else beside the extract database."""
    override = os.environ.get("OOS_APP_STORE", "").strip()
    if override:
        return Path(override)
    return resolve_db_path(db_path).resolve().parent / STORE_NAME


@contextlib.contextmanager
def connect(path: str | os.PathLike | None = None) -> Iterator[sqlite3.Connection]:
    """A connection to the app store, closed on exit. Commit explicitly (`with con:`)."""
    con = open_connection(Path(path) if path is not None else store_path())
    try:
        yield con
    finally:
        con.close()


def open_connection(target: Path) -> sqlite3.Connection:
    """A new connection with the store's settings (WAL, synchronous=FULL, busy timeout); the
    caller closes it. Used by `connect` and by the audit trail's per-thread connections."""
    target.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        _use_wal(con)
    except BaseException:
        con.close()
        raise
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA busy_timeout=" + str(int(BUSY_TIMEOUT_MS)))  # a constant, not input
    con.row_factory = sqlite3.Row
    return con


def _use_wal(con: sqlite3.Connection) -> None:
    """Put the file in WAL mode (kept in the file: only its first opening changes it).

    Switching needs the file to itself, and SQLite answers "database is locked" at once, without
    waiting out the busy timeout, to connections that open a new file together and each ask
    to switch (seen: 2 of 240 openings in 30 rounds of 8 threads; an audit record was lost).
    So the mode is read first (a file already in WAL needs no switch) and the switch is tried
    again until the busy timeout has passed.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = con.execute("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() != "wal":
                mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() == "wal":
                return
            problem = f"the store stayed in {mode} mode"
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise
            problem = str(error)
        if time.monotonic() >= deadline:
            raise sqlite3.OperationalError(f"could not put the app store in WAL mode: {problem}")
        time.sleep(0.01)
