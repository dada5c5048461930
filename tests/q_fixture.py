"""Fixture databases for the query-layer tests (tests/test_queries_*.py).

Built straight from hand-written CSVs in tests/data/q_*.csv whose derived columns (age, year
group, care status, days out) were worked out by hand: these tests test the queries, not the
loader, so they do not go through data/load.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SCHEMA = ROOT / "data" / "sql" / "schema.sql"
DISCLOSURE_KEY = ROOT / "data" / "sql" / "disclosure_key.sql"
# The fixtures' disclosure-control secret: fixed, so that record keys can be worked out by
# hand (tests/test_disclosure_sql.py); a real database gets a random one at its first publish.
TEST_SECRET = "0123456789abcdef" * 4

TABLES = {
    "snapshot": DATA / "q_snapshot.csv",
    "load_log": DATA / "q_load_log.csv",
    "load_warnings": DATA / "q_load_warnings.csv",
    "quarantine": DATA / "q_quarantine.csv",
}


def build_fixture_db(path: Path, *, change_sql: str | None = None, tables=TABLES) -> Path:
    """Create a database at `path` from the q_*.csv files, then run `change_sql` if given."""
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        for table, csv_path in tables.items():
            # all_varchar: the INSERT casts each value to the table's column type
            con.execute(
                f"INSERT INTO {table} BY NAME "
                "SELECT * FROM read_csv($file, header = true, all_varchar = true)",
                {"file": str(csv_path)},
            )
        add_disclosure_keys(con)
        if change_sql:
            con.execute(change_sql)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def publish(new_db: Path, live_db: Path) -> None:
    """Publish a new database file over the live one the way the loader does (os.replace)."""
    os.replace(new_db, live_db)


def add_disclosure_keys(con: duckdb.DuckDBPyConnection, secret: str = TEST_SECRET) -> None:
    """Give a fixture database built without the loader its secret and record keys, as every
    publish does (data/sql/disclosure_key.sql)."""
    for statement in DISCLOSURE_KEY.read_text(encoding="utf-8").split(";\n"):
        body = "\n".join(
            line for line in statement.splitlines() if not line.strip().startswith("--")
        )
        if body.strip():
            con.execute(body, {"secret": secret} if "$secret" in body else {})
