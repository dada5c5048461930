"""The viewer of one script run: who they are, their role, and the page they are on.

The frame (dashboard.py) sets it at the start of every run; the pupil-level choke point
(`queries/pupil.py`) reads it to decide and to audit. It is a context variable, so each
session's script thread sees only its own viewer; code that runs in another thread (a
deferred download) captures the viewer when the page is drawn and passes it on.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, replace

from trust.roles import PUPIL_ROLES, ROLES, SAFEGUARDING_LEAD, SENIOR_LEADER

SIGN_IN = "sign-in"  # signed in through the identity provider
SINGLE_USER = "single-user"  # OOS_SINGLE_USER on the analyst's own machine
DEMO = "demo"  # the synthetic demo database with no sign-in configured


@dataclass(frozen=True)
class Viewer:
    actor: str  # what the audit records: e-mail, or the single user's name
    name: str  # what the page shows
    role: str | None
    mode: str = SIGN_IN
    sen_teams: tuple[str, ...] = ()  # a caseworker's teams
    page: str | None = None  # the page being drawn
    session: str | None = None  # the Streamlit session, to avoid repeating audit records
    export_file: str | None = None  # set while rows are read for a download of this file

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, "No role")

    @property
    def sees_pupils(self) -> bool:
        return self.role in PUPIL_ROLES

    @property
    def audits(self) -> bool:
        return self.role == SAFEGUARDING_LEAD

    @property
    def suppression_forced(self) -> bool:
        return self.role == SENIOR_LEADER

    def on_page(self, page: str | None) -> Viewer:
        return replace(self, page=page)


_current: contextvars.ContextVar[Viewer | None] = contextvars.ContextVar("viewer", default=None)


def current() -> Viewer | None:
    return _current.get()


def set_current(viewer: Viewer | None) -> None:
    """Set the viewer for the rest of this run (the frame does this first on every run)."""
    _current.set(viewer)


@contextlib.contextmanager
def acting_as(viewer: Viewer | None) -> Iterator[Viewer | None]:
    """Run a block as `viewer` (tests, benchmarks, deferred downloads)."""
    token = _current.set(viewer)
    try:
        yield viewer
    finally:
        _current.reset(token)
