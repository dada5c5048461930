"""Shared test fixtures: paths to the hand-worked CSVs and fresh databases in tmp_path."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def test_data() -> Path:
    return TEST_DATA


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path that does not exist yet; loaders create it."""
    return tmp_path / "test.duckdb"


def query(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """Read the database as an analyst would: a read-only connection, closed afterwards."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()
