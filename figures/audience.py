"""Who a figure is for: worked out once, here, for every figure function.

An `Audience` says two things:

- **safe**: figures as published (protected, figures/protect.py) or exact. Safe for roles that
  see aggregates only (always: a role fact, trust/roles.py), for the briefing pack and its
  files (always), and for anyone who turned the sidebar switch on (the frame marks the viewer);
  exact otherwise. No viewer at all (a command-line pack, a test) is safe: deny by default.
- **teams**: a caseworker's SEN teams. Every figure of a caseworker counts only the children of
  those teams, whatever the filters ask (`narrow`), so a count never disagrees with the list
  beside it. None for roles that see the whole county.

`narrow(f, audience)` is the filter a figure is actually counted on: in safe mode first made
acceptable for figures as published (one value or all of a multi-value filter, whole days-out
bands: `safe_filter`), then kept to the audience's teams.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from figures.disclosure import filter_problems, safe_filter
from queries.filters import CohortFilter
from queries.pupil import NO_TEAM, AccessDenied
from trust.viewer import Viewer
from trust.viewer import current as current_viewer

__all__ = ["AccessDenied"]  # the choke point's refusal, for the frame to show


@dataclass(frozen=True)
class Audience:
    """Who a figure is made for (see the module's notes)."""

    safe: bool = True
    teams: tuple[str, ...] | None = None

    @classmethod
    def exact(cls) -> Audience:
        """Exact counts, the whole county (tests, and roles that see pupils)."""
        return cls(safe=False, teams=None)

    @classmethod
    def published(cls) -> Audience:
        """Figures as published, the whole county: the briefing pack and its files."""
        return cls(safe=True, teams=None)

    def with_teams_of(self, viewer: Viewer | None) -> Audience:
        return dataclasses.replace(self, teams=viewer.team_scope if viewer else None)


def of_viewer(viewer: Viewer | None) -> Audience:
    """The audience of a viewer (None: no one signed in, figures as published)."""
    if viewer is None:
        return Audience.published()
    safe = viewer.always_published or viewer.published_view
    return Audience(safe=safe, teams=viewer.team_scope)


def current() -> Audience:
    """The audience of this script run (the frame sets the viewer first)."""
    return of_viewer(current_viewer())


def resolve(audience: Audience | None) -> Audience:
    return current() if audience is None else audience


def narrow(f: CohortFilter, audience: Audience) -> CohortFilter:
    """The filter figures for `audience` are counted on (see the module's notes)."""
    if audience.safe:
        f = safe_filter(f)
    if audience.teams is not None:
        wanted = f.sen_teams or audience.teams
        allowed = tuple(t for t in wanted if t in audience.teams)
        f = dataclasses.replace(f, sen_teams=allowed or (NO_TEAM,))
    return f


def problems(f: CohortFilter, audience: Audience) -> list[str]:
    """What in `f` the audience's figures do not follow, in words (for a notice)."""
    found = filter_problems(f) if audience.safe else []
    if audience.teams is not None:
        outside = [t for t in f.sen_teams if t not in audience.teams]
        if outside:
            found.append(
                "You see the children of your own SEN teams only ("
                + ", ".join(audience.teams)
                + "); "
                + ", ".join(outside)
                + (" is" if len(outside) == 1 else " are")
                + " left out."
            )
    return found
