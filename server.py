"""The dashboard's server: Streamlit's own, with the guard that keeps pupil files to the
session that made them (trust/media_guard.py).

    streamlit run server.py [--server.port N ...]

`streamlit run` sees the `st.App` below and serves dashboard.py exactly as `streamlit run
dashboard.py` would (same .streamlit/config.toml, flags and secrets), with one middleware in
front: the guard over `/media/`, where Streamlit serves download buttons' files; and at
start-up it begins working out the views pages open on (queries/warm.py). This is how
the dashboard runs anywhere it shows real children (the systemd unit, the README). Started as
`streamlit run dashboard.py` instead, it still works, but offers no file of a real database's
children's rows (pages/common/pupil_export.py).
"""

from __future__ import annotations

import contextlib

import streamlit as st
from starlette.middleware import Middleware

from core.paths import resolve_db_path
from queries import warm
from trust.media_guard import PupilFileGuard


@contextlib.asynccontextmanager
async def warm_at_start(_app):
    """At start-up, work out the views pages open on (queries/warm.py) in the background,
    so the first visitors after a restart find them ready; the server starts at once."""
    warm.start(resolve_db_path())
    yield None


app = st.App("dashboard.py", middleware=[Middleware(PupilFileGuard)], lifespan=warm_at_start)
