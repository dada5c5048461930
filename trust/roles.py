"""The role file (`config/roles.toml`): accounts and identity-provider groups to roles.

Deny by default: an account that no grant names has no role and sees nothing but a page saying
whom to ask. When several grants match, the broadest role wins (a safeguarding lead who is
also in a caseworkers' group is a safeguarding lead); a caseworker's SEN teams are the union of
every caseworker grant that matches. `OOS_ROLES` points at another file (tests, deployments).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core.paths import PROJECT_ROOT

DEFAULT_ROLE_FILE = PROJECT_ROOT / "config" / "roles.toml"

SAFEGUARDING_LEAD = "safeguarding_lead"
QA_OFFICER = "qa_officer"
CASEWORKER = "caseworker"
SENIOR_LEADER = "senior_leader"

# Kinds of page (trust/access.py gives each page its kind; a role reaches the kinds it lists).
AGGREGATE = "aggregate"  # counts and charts only, protected in figures as published
EXACT = "exact"  # aggregates that cannot be protected: not for aggregate-only roles
CASEWORK = "casework"  # pupil-level pages caseworkers use for their own teams
PUPIL = "pupil"  # other pupil-level pages
AUDIT = "audit"  # the audit trail
HELP = "help"  # glossary and accessibility statement: no data, open to everyone


@dataclass(frozen=True)
class RoleFacts:
    """What one role may do: every rule about roles reads this table, and nothing else."""

    label: str  # 'QA officer', as a heading or a menu shows it
    noun: str  # 'QA officer', inside a sentence ("viewing as a QA officer")
    plural: str  # 'QA officers'
    sees_pupils: bool  # may read pupil-level rows (lists, chronologies, pupil-level files)
    county_wide: bool  # sees every team's children (False: only their own SEN teams')
    audits: bool  # may read the audit trail
    always_published: bool  # sees figures only as published (protected); cannot switch it off
    page_kinds: frozenset[str]


# Broadest first: the order in which a role wins when several grants match.
ROLE_FACTS: dict[str, RoleFacts] = {
    SAFEGUARDING_LEAD: RoleFacts(
        "Safeguarding lead", "safeguarding lead", "safeguarding leads",
        sees_pupils=True, county_wide=True, audits=True, always_published=False,
        page_kinds=frozenset({AGGREGATE, EXACT, CASEWORK, PUPIL, AUDIT, HELP}),
    ),
    QA_OFFICER: RoleFacts(
        "QA officer", "QA officer", "QA officers",
        sees_pupils=True, county_wide=True, audits=False, always_published=False,
        page_kinds=frozenset({AGGREGATE, EXACT, CASEWORK, PUPIL, HELP}),
    ),
    CASEWORKER: RoleFacts(
        "Caseworker", "caseworker", "caseworkers",
        sees_pupils=True, county_wide=False, audits=False, always_published=False,
        page_kinds=frozenset({CASEWORK, HELP}),
    ),
    SENIOR_LEADER: RoleFacts(
        "Senior leader", "senior leader", "senior leaders",
        sees_pupils=False, county_wide=True, audits=False, always_published=True,
        page_kinds=frozenset({AGGREGATE, HELP}),
    ),
}  # fmt: skip
ROLES = {role: facts.label for role, facts in ROLE_FACTS.items()}
NO_ROLE = RoleFacts("No role", "person with no role", "people with no role", False, False,
                    False, True, frozenset())  # fmt: skip


def facts(role: str | None) -> RoleFacts:
    """The facts of `role`; an unknown role or None has none of the rights (deny by default)."""
    return ROLE_FACTS.get(role, NO_ROLE)


def roles_that(rule) -> str:
    """The roles for which `rule(facts)` holds, in words: 'safeguarding leads and QA officers'."""
    names = [f.plural for f in ROLE_FACTS.values() if rule(f)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class Grant:
    role: str
    accounts: frozenset[str] = frozenset()  # lower-case e-mail addresses
    groups: frozenset[str] = frozenset()  # group IDs or names as the provider emits them
    sen_teams: tuple[str, ...] = ()  # caseworkers only


@dataclass(frozen=True)
class RoleFile:
    grants: tuple[Grant, ...] = ()
    ask: str = "the service's information governance lead"
    demo_caseworker_teams: tuple[str, ...] = ()
    source: str = ""
    problems: tuple[str, ...] = field(default=())


def role_file_path() -> Path:
    override = os.environ.get("OOS_ROLES", "").strip()
    return Path(override) if override else DEFAULT_ROLE_FILE


def parse(data: dict, source: str = "") -> RoleFile:
    """A RoleFile from the TOML's contents; unknown roles and caseworkers without teams are
    refused (kept in `problems`), never guessed."""
    grants, problems = [], []
    for i, item in enumerate(data.get("grant", []), start=1):
        role = item.get("role")
        if role not in ROLES:
            problems.append(f"grant {i}: unknown role {role!r}")
            continue
        teams = tuple(str(t) for t in item.get("sen_teams", []))
        if role == CASEWORKER and not teams:
            problems.append(f"grant {i}: a caseworker grant must list its sen_teams")
            continue
        grants.append(
            Grant(
                role=role,
                accounts=frozenset(str(a).strip().lower() for a in item.get("accounts", [])),
                groups=frozenset(str(g).strip() for g in item.get("groups", [])),
                sen_teams=teams,
            )
        )
    return RoleFile(
        grants=tuple(grants),
        ask=str(data.get("ask", RoleFile.ask)),
        demo_caseworker_teams=tuple(data.get("demo", {}).get("caseworker_sen_teams", [])),
        source=source,
        problems=tuple(problems),
    )


def load(path: Path | None = None) -> RoleFile:
    """Read the role file. A missing or unreadable file grants nothing (deny by default).

    Read again whenever the file changes (its mtime and size), so a granted or removed role
    applies on the person's next click, without restarting the server."""
    path = path or role_file_path()
    try:
        stat = path.stat()
    except OSError:
        return _read(path)
    return _cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _cached(path: str, _mtime_ns: int, _size: int) -> RoleFile:
    """The parsed file, cached per version: the mtime and size are only the cache key."""
    return _read(Path(path))


def _read(path: Path) -> RoleFile:
    try:
        with open(path, "rb") as handle:
            return parse(tomllib.load(handle), str(path))
    except FileNotFoundError:
        return RoleFile(source=str(path), problems=(f"no role file at {path}",))
    except tomllib.TOMLDecodeError as error:
        return RoleFile(
            source=str(path), problems=(f"role file {path} is not valid TOML: {error}",)
        )


def resolve(roles: RoleFile, email: str | None, groups) -> tuple[str | None, tuple[str, ...]]:
    """(role, caseworker SEN teams) for an account, or (None, ()) when no grant names it."""
    email = (email or "").strip().lower()
    groups = {str(g).strip() for g in (groups or [])}
    matched = [g for g in roles.grants if (email and email in g.accounts) or (groups & g.groups)]
    for role in ROLES:  # broadest first
        if any(g.role == role for g in matched):
            teams = ()
            if role == CASEWORKER:
                teams = tuple(
                    dict.fromkeys(t for g in matched if g.role == CASEWORKER for t in g.sen_teams)
                )
            return role, teams
    return None, ()
