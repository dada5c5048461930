"""Publish a new database state atomically, with one writer at a time.

The dashboard keeps the database file open read-only, and DuckDB will not let a writer open a
file that a reader holds. So a load never writes the live file: it copies it, changes the copy
in explicit transactions, checkpoints it and moves it over the old one with `os.replace`, which
is atomic on one file system. A reader sees the old file or the new one, never a mix, and a
load that fails leaves the live file untouched. A lock file keeps two loaders from publishing
over each other's work.

Faults leave nothing behind: the working copy (a full copy of the children's data) is removed
when the load fails or is stopped by SIGTERM, SIGHUP or SIGINT, and a copy left by a load that
could not clean up (kill -9, power cut) is removed by the next load, which holds the writer lock
and so knows no other load is using it. Free space is checked before the copy is made, and a
full disk, a read-only folder, a `--db` that names a folder or a file that is not a DuckDB
database are refused with a message saying what to do (`StoreRefused`), never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent / "sql"

# Room kept free beyond the working copy and the new rows, so the disk is never filled to the
# last byte by a load (other programs, and the database's own write-ahead log, need some).
FREE_SPACE_MARGIN = 64 * 1024 * 1024
# The first bytes of every DuckDB database file: 8 bytes of checksum, then the magic "DUCK".
DUCKDB_MAGIC_OFFSET, DUCKDB_MAGIC = 8, b"DUCK"
_STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class StoreRefused(Exception):
    """The database cannot be written; the message says what is wrong and what to do."""


class Interrupted(BaseException):
    """A signal stopped the load; raised so that the working copy is cleaned up."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _refuse(problem: str, action: str) -> StoreRefused:
    return StoreRefused(f"{problem} {action} Nothing in the database was changed.")


def _no_space(folder: Path) -> StoreRefused:
    return _refuse(
        f"The disk holding '{folder}' is full, so the load could not finish.",
        "Free some space on that disk (or load into a database on another disk with --db) "
        "and run the load again.",
    )


def _read_only(folder: Path) -> StoreRefused:
    return _refuse(
        f"The folder '{folder}' cannot be written (it is read-only or you lack permission).",
        "Load into a folder you can write to (--db PATH), or ask for write access.",
    )


def check_database_path(db_path: Path) -> None:
    """Refuse a `--db` that is a folder or a file that is not a DuckDB database."""
    if db_path.is_dir():
        raise _refuse(
            f"The database path '{db_path}' is a folder, not a database file.",
            "Give the path of a database file, for example --db data/oos.duckdb.",
        )
    if db_path.exists() and db_path.stat().st_size > 0:
        with open(db_path, "rb") as handle:
            head = handle.read(DUCKDB_MAGIC_OFFSET + len(DUCKDB_MAGIC))
        if head[DUCKDB_MAGIC_OFFSET:] != DUCKDB_MAGIC:
            raise _refuse(
                f"The file '{db_path}' is not a DuckDB database.",
                "Check the --db path (or OOS_DB): it must name this dashboard's database "
                "file, or a file that does not exist yet.",
            )


def check_free_space(db_path: Path, extra_bytes: int = 0) -> None:
    """Refuse before copying when the disk cannot hold the working copy and the new rows."""
    needed = extra_bytes + FREE_SPACE_MARGIN
    for existing in (db_path, Path(f"{db_path}.wal")):
        if existing.exists():
            needed += existing.stat().st_size
    free = shutil.disk_usage(db_path.parent).free
    if free < needed:
        raise _refuse(
            f"There is not enough free space beside '{db_path.name}' in '{db_path.parent}': "
            f"the load needs about {needed / 1e6:,.0f} MB (a working copy of the database and "
            f"the new rows) and {free / 1e6:,.0f} MB are free.",
            "Free some space on that disk, or load into a database on another disk with --db.",
        )


def working_copy_name(db_path: Path) -> str:
    return f".{db_path.name}.loading-{os.getpid()}"


def remove_stale_copies(db_path: Path) -> list[str]:
    """Remove working copies left by loads that could not clean up; call with the lock held."""
    removed = []
    for stale in db_path.parent.glob(f".{db_path.name}.loading-*"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
            if not stale.name.endswith(".wal"):
                removed.append(stale.name)
    return removed


@contextlib.contextmanager
def _signals_stop_the_load() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception (SIGINT already is one) while a load runs.

    The default action of those signals ends the process at once, leaving the working copy
    behind; as an exception they unwind through `publishing`, which removes it. Only the main
    thread may set signal handlers, so elsewhere (a test's thread) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, _frame):
        raise Interrupted(signum)

    previous = {number: signal.signal(number, stop) for number in _STOPPING_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _as_refusal(error: BaseException, folder: Path) -> StoreRefused | None:
    """A disk fault as a message to act on, or None for anything else."""
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return _no_space(folder)
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return _read_only(folder)
    if isinstance(error, duckdb.Error):
        text = str(error).lower()
        if "no space left" in text or "disk quota" in text:
            return _no_space(folder)
        if "read-only file system" in text or "permission denied" in text:
            return _read_only(folder)
    return None


def run_script(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> None:
    """Run a file of `;`-separated statements, binding to each only the parameters it names."""
    params = params or {}
    for statement in sql.split(";\n"):
        body = "\n".join(
            line for line in statement.splitlines() if not line.strip().startswith("--")
        ).strip()
        if not body:
            continue
        used = {name: value for name, value in params.items() if f"${name}" in body}
        con.execute(body, used)


def run_sql_file(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> None:
    run_script(con, (SQL_DIR / name).read_text(encoding="utf-8"), params)


def _remove(path: Path) -> None:
    for candidate in (path, Path(f"{path}.wal")):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One explicit transaction: DuckDB would otherwise commit each statement on its own."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextlib.contextmanager
def publishing(
    db_path: Path, *, extra_bytes: int = 0, notes: list[str] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a private copy of the database.

    Callers change the copy in explicit transactions (one per file keeps a national-scale
    batch's memory bounded). On a clean exit the copy replaces the live file in one atomic
    step; on any error or stopping signal the copy is thrown away and the live file is exactly
    as it was, however many of the batch's transactions had committed to the copy.
    `extra_bytes` is what the new data may add (checked against free space with the copy);
    `notes` receives what the load should tell its user (stale copies removed).
    """
    db_path = Path(db_path)
    check_database_path(db_path)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise (_as_refusal(error, db_path.parent) or error) from None
    with writer_lock(db_path), _signals_stop_the_load():
        removed = remove_stale_copies(db_path)
        if removed and notes is not None:
            notes.append(
                f"removed {len(removed)} working cop{'y' if len(removed) == 1 else 'ies'} "
                "left beside the database by an earlier load that was stopped"
            )
        check_free_space(db_path, extra_bytes)
        work = db_path.with_name(working_copy_name(db_path))
        con = None
        try:
            if db_path.exists():
                shutil.copyfile(db_path, work)
                # changes a DuckDB client left in the write-ahead log belong to the database too
                if Path(f"{db_path}.wal").exists():
                    shutil.copyfile(f"{db_path}.wal", f"{work}.wal")
            con = duckdb.connect(str(work))
            with transaction(con):
                run_sql_file(con, "schema.sql")
                # the disclosure-control secret: made by the first publish, then carried
                run_sql_file(con, "disclosure_key.sql", {"secret": secrets.token_hex(32)})
            yield con
            con.execute("CHECKPOINT")
            con.close()
            swap_in(work, db_path)
        except BaseException as error:
            if con is not None:
                with contextlib.suppress(Exception):
                    con.close()
            _remove(work)
            refusal = _as_refusal(error, db_path.parent)
            if refusal is not None:
                raise refusal from None
            raise


@contextlib.contextmanager
def writer_lock(db_path: Path) -> Iterator[None]:
    """One writer at a time for `db_path` (loads and demo builds alike)."""
    try:
        lock = open(db_path.with_name(db_path.name + ".lock"), "w")  # noqa: SIM115
    except OSError as error:
        raise (_as_refusal(error, db_path.parent) or error) from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def swap_in(new_file: Path, db_path: Path) -> None:
    """Make a finished, checkpointed database file the live one in one atomic step.

    Call with the writer lock held.
    """
    with open(new_file, "rb") as handle:
        os.fsync(handle.fileno())
    # an old write-ahead log left beside the new file would be replayed onto it
    with contextlib.suppress(FileNotFoundError):
        Path(f"{db_path}.wal").unlink()
    os.replace(new_file, db_path)


def create_empty(db_path: Path) -> None:
    """Publish a database holding the schema and no rows (a first start with no extract)."""
    with publishing(db_path):
        pass
