"""Real and synthetic loads never share a database.

The dashboard calls a database synthetic only when every load in it was made by the demo
generator (queries/dataset_info.sql); on such a database it runs without sign-in and says the
children are made up. So a real extract must never go into a synthetic database, nor synthetic
data into a real one: either would put real children behind the demo's open door or make-up
into the council's figures. Every load checks, before it changes anything, and is refused
with a message saying where the real extract belongs.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.paths import is_demo_path
from data.store import StoreRefused


class MixRefused(StoreRefused):
    """A load that would mix real and synthetic data in one database."""


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(synthetic loads, real loads) already in the database."""
    return con.execute(
        "SELECT count(*) FILTER (WHERE synthetic), count(*) FILTER (WHERE NOT synthetic) "
        "FROM load_log"
    ).fetchone()


def refuse_mixing(con: duckdb.DuckDBPyConnection, db_path: Path, synthetic: bool) -> None:
    """Refuse a real load into the demo (its path or a synthetic database) and a synthetic load
    into a database holding real loads. Call before the load changes anything."""
    synthetic_loads, real_loads = _counts(con)
    where = (
        "Load real extracts into the council's own database: leave out --db (and OOS_DB) to "
        "use data/oos.duckdb, or give --db PATH of a database holding real loads only."
    )
    if not synthetic and (synthetic_loads or is_demo_path(db_path)):
        raise MixRefused(
            f"The database '{db_path}' is the synthetic demonstration database"
            + (f" ({synthetic_loads:,} loads, all made up)" if synthetic_loads else "")
            + ": a real extract is never loaded into it, because the dashboard shows that "
            f"database without sign-in as made-up children. {where} Nothing in the database "
            "was changed."
        )
    if synthetic and real_loads:
        raise MixRefused(
            f"The database '{db_path}' holds {real_loads:,} loads of real extracts: synthetic "
            "data is never added to it. Build the demonstration data in a file of its own "
            "(python -m data.generate, which uses data/demo/demo.duckdb). Nothing in the "
            "database was changed."
        )
