"""Where the database lives: one rule for every command and for the dashboard.

`--db PATH` beats the `OOS_DB` environment variable, which beats the default
`data/oos.duckdb` inside the project.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "oos.duckdb"


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """Return the database path from the command line, the environment or the default."""
    if cli_value:
        return Path(cli_value)
    env_value = os.environ.get("OOS_DB", "").strip()
    if env_value:
        return Path(env_value)
    return DEFAULT_DB
