"""The role file (`config/roles.toml`): accounts and identity-provider groups to roles.

Deny by default: an account that no grant names has no role and sees nothing but a page saying
whom to ask. When several grants match, the broadest role wins (a safeguarding lead who is
also in a caseworkers' group is a safeguarding lead); a caseworker's SEN teams are the union of
every caseworker grant that matches. `OOS_ROLES` points at another file (tests, deployments).

Identity comes from stable claims of the ID token, and only from the identity provider the
file names (`[identity] issuer`, compared with the token's `iss`; a file naming none grants
nothing):

- `subjects`: the account's permanent ID, the claim `[identity] subject_claim` names (`sub`,
  or `oid` for Microsoft Entra ID: the account's object ID, the same in every app of the
  tenant), which the provider never reuses or lets a user change;
- `accounts`: an e-mail address, matched only when the token says `email_verified` is true
  (an e-mail a user can set or that the provider did not check proves nothing);
- `groups`: the `groups` claim (for Entra ID, the groups' object IDs).

Every value is compared exactly as the provider sends it: a claim with spaces around it, or
in another case, is a different value and matches nothing (it never widens access).
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


SUBJECT_CLAIMS = ("sub", "oid")


@dataclass(frozen=True)
class Grant:
    role: str
    subjects: frozenset[str] = frozenset()  # permanent account IDs (sub or oid)
    accounts: frozenset[str] = frozenset()  # e-mail addresses, as the provider sends them
    groups: frozenset[str] = frozenset()  # group IDs or names as the provider emits them
    sen_teams: tuple[str, ...] = ()  # caseworkers only


@dataclass(frozen=True)
class RoleFile:
    grants: tuple[Grant, ...] = ()
    ask: str = "the service's information governance lead"
    demo_caseworker_teams: tuple[str, ...] = ()
    # the demo caseworker's account in the demo's assignments file (Today's "mine" view)
    demo_caseworker_account: str | None = None
    issuer: str | None = None  # the only identity provider whose tokens are accepted
    subject_claim: str = "sub"
    source: str = ""
    problems: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Identity:
    """Who a signed-in account is, from the claims that can be trusted, and its role."""

    role: str | None
    sen_teams: tuple[str, ...]
    actor: str  # what the audit records: the verified e-mail, else the permanent ID
    subject: str | None  # the permanent ID (shown on the no-role page, to be granted)
    refused: str = ""  # why the claims could not be used at all (wrong issuer ...)


def role_file_path() -> Path:
    override = os.environ.get("OOS_ROLES", "").strip()
    return Path(override) if override else DEFAULT_ROLE_FILE


def parse(data: dict, source: str = "") -> RoleFile:
    """A RoleFile from the TOML's contents; unknown roles and caseworkers without teams are
    refused (kept in `problems`), never guessed."""
    grants, problems = [], []
    identity = data.get("identity", {})
    issuer = str(identity.get("issuer", "")).strip() or None
    if issuer is None:
        problems.append("[identity] names no issuer: no signed-in account gets a role")
    subject_claim = str(identity.get("subject_claim", "sub")).strip()
    if subject_claim not in SUBJECT_CLAIMS:
        problems.append(f"[identity] subject_claim {subject_claim!r} is not sub or oid")
        subject_claim = "sub"
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
                subjects=frozenset(str(a).strip() for a in item.get("subjects", [])),
                accounts=frozenset(str(a).strip() for a in item.get("accounts", [])),
                groups=frozenset(str(g).strip() for g in item.get("groups", [])),
                sen_teams=teams,
            )
        )
    return RoleFile(
        grants=tuple(grants),
        ask=str(data.get("ask", RoleFile.ask)),
        demo_caseworker_teams=tuple(data.get("demo", {}).get("caseworker_sen_teams", [])),
        demo_caseworker_account=str(data.get("demo", {}).get("caseworker_account", "")).strip()
        or None,
        issuer=issuer,
        subject_claim=subject_claim,
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


def _exact(value) -> str | None:
    """A claim usable as an identifier: a non-empty string with nothing around it, and no
    control or space character inside it; anything else is None (it matches nothing)."""
    if not isinstance(value, str) or not value or value != value.strip():
        return None
    if any(c.isspace() or not c.isprintable() for c in value):
        return None
    return value


def _verified(claims) -> bool:
    # JSON true (or the string "true", which some providers send); never "True", 1 or "yes"
    return claims.get("email_verified") is True or claims.get("email_verified") == "true"


def identify(roles: RoleFile, claims) -> Identity:
    """The role (and a caseworker's teams) the role file gives the account these ID-token
    claims describe: matched on the permanent ID, on a verified e-mail or on groups, and only
    for tokens from the configured issuer."""
    subject = _exact(claims.get(roles.subject_claim))
    email = _exact(claims.get("email")) if _verified(claims) else None
    actor = email or (f"{roles.subject_claim}:{subject}" if subject else "unidentified account")
    if roles.issuer is None or claims.get("iss") != roles.issuer:
        why = (
            "the role file names no identity provider ([identity] issuer)"
            if roles.issuer is None
            else "the sign-in came from an identity provider the role file does not name"
        )
        return Identity(None, (), actor, subject, refused=why)
    raw_groups = claims.get("groups") or []
    if isinstance(raw_groups, str):
        raw_groups = [raw_groups]
    groups = {g for g in (_exact(g) for g in raw_groups) if g}
    matched = [
        g
        for g in roles.grants
        if (subject and subject in g.subjects)
        or (email and email in g.accounts)
        or groups & g.groups
    ]
    for role in ROLES:  # broadest first
        if any(g.role == role for g in matched):
            teams = ()
            if role == CASEWORKER:
                teams = tuple(
                    dict.fromkeys(t for g in matched if g.role == CASEWORKER for t in g.sen_teams)
                )
            return Identity(role, teams, actor, subject)
    return Identity(None, (), actor, subject)
