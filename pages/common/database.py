"""Checking the database before any page runs.

The frame (`startup.py`) builds the demonstration database on first start; this module reads
what every page needs from whichever database there is. A file that cannot be read gives a
plain message; the details go to the server log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

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
        from queries.runner import data_version

        return _read_status(str(path.resolve()), data_version(path))
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


# Keyed on the file's path and version (inode, mtime, size): a newly published extract is a new
# key, so nothing stale is served; bounded, so old versions fall out.
@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def _read_status(path: str, version: tuple) -> DatabaseStatus:
    """What the frame needs on every run that only changes when the database does."""
    from queries.aggregates import dataset_info, filter_options, list_periods, load_history

    info = dataset_info(path) or {}
    periods = list(list_periods(path))
    teams = list(filter_options(path).get("sen_team", []))
    history = load_history(path)
    cohort_loads = history[history["kind"] == "cohort"]
    # Newest first, so the first load seen for a period is the one in use.
    loaded_at = {}
    for period, when in zip(cohort_loads["period"], cohort_loads["loaded_at"], strict=True):
        loaded_at.setdefault(period, when)
    return DatabaseStatus(
        Path(path), ok=True, info=info, periods=periods, sen_teams=teams, loaded_at=loaded_at
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
