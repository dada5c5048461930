"""Finding, creating and checking the database before any page runs.

On first start with no database at the default path, the dashboard builds the synthetic
demonstration database (with a progress bar). A database named by `OOS_DB` or `--db` that does
not exist is NOT replaced by demo data: that is a configuration mistake the user must see. A
file that cannot be read gives a plain message; the details go to the server log.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from data.paths import DEFAULT_DB, resolve_db_path

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


@st.cache_resource(show_spinner=False)
def _build_lock() -> threading.Lock:
    """One lock per server process: two first visitors must not both build the demo."""
    return threading.Lock()


def _progress_callback(bar):
    """Adapt the generator's progress reports (a fraction and/or a message) to st.progress."""

    def report(*args, **kwargs):
        fraction = next((a for a in args if isinstance(a, int | float)), None)
        message = next((a for a in args if isinstance(a, str)), kwargs.get("message", ""))
        if fraction is None:
            fraction = kwargs.get("fraction", 0.0)
        fraction = min(max(float(fraction), 0.0), 1.0)
        bar.progress(fraction, text=f"Building the demonstration database… {message}".strip())

    return report


def ensure_demo_database(path: Path) -> str | None:
    """Build the demo database when the default path holds none; return an error or None."""
    if path.exists():
        return None
    if path.resolve() != DEFAULT_DB.resolve():
        return (
            f"No database found at {path} (set by OOS_DB or --db). Check the path, or load an "
            "extract there with `python -m data.load cohort FILE --period YYYY-MM`."
        )
    with _build_lock():
        if path.exists():  # another session built it while this one waited
            return None
        try:
            from data.generate import build_demo_database
        except ImportError:
            LOG.exception("demo generator unavailable")
            return "No database yet, and the demonstration data generator is not available."
        bar = st.progress(0.0, text="Building the demonstration database…")
        try:
            build_demo_database(path, progress=_progress_callback(bar))
        except Exception:  # noqa: BLE001 - any failure becomes a message, the log keeps details
            LOG.exception("building the demo database failed")
            return "The demonstration database could not be built. The server log has details."
        finally:
            bar.empty()
    return None


def check_database() -> DatabaseStatus:
    """Create the demo database if needed, then read what every page needs up front."""
    path = resolve_db_path()
    problem = ensure_demo_database(path)
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
