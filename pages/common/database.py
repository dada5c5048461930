"""Checking the database before any page runs.

The frame (`startup.py`) builds the demonstration database on first start; this module asks the
figures layer what every page needs from whichever database there is (figures/status.py, cached
per database version). A file that cannot be read gives a plain message; the details go to the
server log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

LOG = logging.getLogger(__name__)


@dataclass
class DatabaseStatus:
    """What the frame needs to know about the database before drawing a page."""

    path: Path
    ok: bool
    message: str = ""
    info: dict = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)
    sen_teams: list[str] = field(default_factory=list)
    loaded_at: dict = field(default_factory=dict)  # period -> when its snapshot was loaded


def check_database(path: Path, problem: str | None = None) -> DatabaseStatus:
    """Read what every page needs up front, or carry the frame's start-up problem as a message."""
    if problem:
        return DatabaseStatus(path, ok=False, message=problem)
    try:
        from figures.status import status

        found = status(path)
    except Exception:  # noqa: BLE001 - a broken file must give a message, not a traceback
        LOG.exception("database %s could not be read", path)
        return DatabaseStatus(
            path,
            ok=False,
            message=(
                f"The database at {path} could not be read: it may be damaged, from another "
                "program, or still being written. Reload the extract with `python -m data.load`, "
                "or ask the service's data lead. The server log has details."
            ),
        )
    return DatabaseStatus(
        found.path,
        ok=True,
        info=dict(found.info),
        periods=list(found.periods),
        sen_teams=list(found.sen_teams),
        loaded_at=dict(found.loaded_at),
    )


def what_it_holds(status: DatabaseStatus) -> str:
    """What the gate found in the database, in words: the synthetic and real loads it counted.

    The database is synthetic only when every load in it was made by the demo generator
    (queries/dataset_info.sql); one real load makes it real."""
    info, name = status.info, status.path.name
    made_up, real = info.get("synthetic_loads", 0), info.get("real_loads", 0)
    if made_up and real:
        return (
            f"{name} mixes {_loads(made_up)} of synthetic data with {_loads(real)} of real "
            "extracts (made before mixing was refused), so it is treated as real"
        )
    if made_up:
        return f"all {_loads(made_up)} in {name} were made by the demo generator"
    if real:
        return f"{name} holds {_loads(real)} of real extracts"
    return f"{name} holds no loads yet"


def _loads(n: int) -> str:
    return f"{n:,} load" + ("" if n == 1 else "s")
