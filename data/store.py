"""Publish a new database state atomically, with one writer at a time.

The dashboard keeps the database file open read-only, and DuckDB will not let a writer open a
file that a reader holds. So a load never writes the live file: it copies it, changes the copy
in explicit transactions, checkpoints it and moves it over the old one with `os.replace`, which
is atomic on one file system. A reader sees the old file or the new one, never a mix, and a
load that fails leaves the live file untouched. A lock file keeps two loaders from publishing
over each other's work.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent / "sql"


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
def publishing(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a private copy of the database.

    Callers change the copy in explicit transactions (one per file keeps a national-scale
    batch's memory bounded). On a clean exit the copy replaces the live file in one atomic
    step; on any error the copy is thrown away and the live file is exactly as it was, however
    many of the batch's transactions had committed to the copy.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(db_path):
        work = db_path.with_name(f".{db_path.name}.loading-{os.getpid()}")
        _remove(work)
        if db_path.exists():
            shutil.copyfile(db_path, work)
            # changes a DuckDB client left in the write-ahead log belong to the database too
            if Path(f"{db_path}.wal").exists():
                shutil.copyfile(f"{db_path}.wal", f"{work}.wal")
        con = duckdb.connect(str(work))
        try:
            with transaction(con):
                run_sql_file(con, "schema.sql")
            yield con
            con.execute("CHECKPOINT")
            con.close()
            swap_in(work, db_path)
        except BaseException:
            with contextlib.suppress(Exception):
                con.close()
            _remove(work)
            raise


@contextlib.contextmanager
def writer_lock(db_path: Path) -> Iterator[None]:
    """One writer at a time for `db_path` (loads and demo builds alike)."""
    with open(db_path.with_name(db_path.name + ".lock"), "w") as lock:
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
