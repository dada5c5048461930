"""Start-up work the frame does before any page: the synthetic demonstration database.

On first start with no database named and none at the council's default path, the dashboard
builds the synthetic demonstration database at its own path, `data/demo/demo.duckdb` (with a
progress bar): never at the path real extracts are loaded into (core/paths.py). A database
named by `OOS_DB` or `--db` that does not exist is NOT replaced by demo data: that is a
configuration mistake the user must see.

This lives outside `pages/` because it is the one place the screens start the generator: the
import contracts in `.importlinter` forbid `pages` from importing `data.generate` or the loader.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import streamlit as st

from core import paths

LOG = logging.getLogger(__name__)


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


def build_demo_database_if_missing(path: Path) -> str | None:
    """Build the demo database when `path` is the demo's and holds none; return an error or
    None."""
    if path.exists():
        return None
    if not paths.is_demo_path(path):
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
