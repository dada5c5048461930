"""Where the databases live: one rule for reading (the dashboard, the briefing, the query layer)
and one for writing (the loader), so that real and synthetic children never share a file.

- The council's database, holding real extract loads: `data/oos.duckdb` (`DEFAULT_DB`). The
  loader writes there unless `--db PATH` or `OOS_DB` names another file.
- The synthetic demonstration database: `data/demo/demo.duckdb` (`DEMO_DB`), in a folder of
  its own, so its app store (audit trail, action plan: `oos_app.sqlite` beside the database)
  is apart too. The dashboard builds it on first start; the loader never writes real data
  into it (data/provenance.py).
- Reading: `--db PATH`, else `OOS_DB`, else the council's database when there is one, else the
  demo. So following the README in order (start the dashboard on the demo, then load a real
  extract) gives two files: the demo stays made up, the real load goes to its own file, and the
  dashboard then shows the real one, behind sign-in.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "oos.duckdb"
DEMO_DB = PROJECT_ROOT / "data" / "demo" / "demo.duckdb"


def _named(cli_value: str | os.PathLike | None) -> Path | None:
    if cli_value:
        return Path(cli_value)
    env_value = os.environ.get("OOS_DB", "").strip()
    return Path(env_value) if env_value else None


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """The database to read: named (--db, OOS_DB), else the council's, else the demo."""
    named = _named(cli_value)
    if named is not None:
        return named
    return DEFAULT_DB if DEFAULT_DB.exists() else DEMO_DB


def load_target(cli_value: str | os.PathLike | None = None) -> Path:
    """The database a load writes: named (--db, OOS_DB), else the council's. Never the demo
    by default: a real extract loaded with no --db goes to `data/oos.duckdb`."""
    return _named(cli_value) or DEFAULT_DB


def demo_target(cli_value: str | os.PathLike | None = None) -> Path:
    """The database the demo generator builds: named (--db, OOS_DB), else `DEMO_DB`."""
    return _named(cli_value) or DEMO_DB


def is_demo_path(path: str | os.PathLike) -> bool:
    """True for the demo database's own path (which only ever holds synthetic loads)."""
    return Path(path).resolve() == DEMO_DB.resolve()
