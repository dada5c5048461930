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

from trust.roles import RoleFacts, facts

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
    # the account the caseworker assignments file names this person by, when it is not the
    # actor (the demo's made-up caseworker); None: the actor (a verified e-mail)
    account: str | None = None

    # Set by the frame for each run: the viewer asked to see figures as published (the sidebar
    # switch) on a page of figures. Roles that always see them so need not set it.
    published_view: bool = False

    @property
    def facts(self) -> RoleFacts:
        """What the viewer's role may do (trust/roles.py: ROLE_FACTS, the one table of them)."""
        return facts(self.role)

    @property
    def role_label(self) -> str:
        return self.facts.label

    @property
    def sees_pupils(self) -> bool:
        return self.facts.sees_pupils

    @property
    def sees_county_rows(self) -> bool:
        """Pupil-level rows of every team (not only a caseworker's own)."""
        return self.facts.sees_pupils and self.facts.county_wide

    @property
    def audits(self) -> bool:
        return self.facts.audits

    @property
    def always_published(self) -> bool:
        return self.facts.always_published

    @property
    def team_scope(self) -> tuple[str, ...] | None:
        """The SEN teams every figure is narrowed to, or None for county-wide roles."""
        return None if self.facts.county_wide else tuple(self.sen_teams)

    @property
    def caseworker_account(self) -> str:
        """Whose children Today's "mine" view lists: the assignments file's account."""
        return self.account or self.actor

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
