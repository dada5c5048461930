"""The gate: who is using the dashboard, and whether they may see anything at all.

Decided once per script run by the frame (dashboard.py), before the sidebar or any page reads
the database. Exactly one of four modes applies, and nothing in the URL or a widget chooses
between them:

- **sign-in**: `[auth]` is in `.streamlit/secrets.toml`. Streamlit's `st.login` (OIDC through
  Authlib) signs the person in; the role file gives their role, from the ID token's stable
  claims and only for the identity provider it names (trust/roles.py `identify`). Not signed
  in: a sign-in page. Signed in with no role: a page saying whom to ask, and nothing else.
- **single-user**: no sign-in configured, and the server was started with
  `OOS_SINGLE_USER="<name>"`: that person, as safeguarding lead, said on every page and audited
  under that name (an analyst on their own machine).
- **demo**: no sign-in configured and the database is the synthetic demo: a "demo: no sign-in"
  marker and a role switcher for trying each role.
- otherwise (a database holding real loads and no sign-in): nothing from the database is
  shown, only how to configure sign-in.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from trust import roles as role_file
from trust.roles import CASEWORKER, ROLES, SAFEGUARDING_LEAD
from trust.viewer import DEMO, SIGN_IN, SINGLE_USER, Viewer

SINGLE_USER_ENV = "OOS_SINGLE_USER"
# The demo role switcher's key, and its URL parameter: on the synthetic demo only, a copied link
# (or a typed URL holding it) reopens the view as the same role. With sign-in configured, or a
# single named user, the parameter is never read: the role comes from the role file.
DEMO_ROLE_KEY = "role"


@dataclass(frozen=True)
class Access:
    """The gate's decision: a viewer with a role, or a page explaining why there is none."""

    viewer: Viewer | None
    blocked_page: Callable[[], None] | None = None
    blocked_title: str = ""


def auth_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section (st.login can work)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file, or one that cannot be read: no sign-in
        return False


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else None


def decide(synthetic: bool, found: str = "") -> Access:
    """The gate's decision for this run (draws the demo role switcher when in demo mode).

    `synthetic`: every load in the database was made by the demo generator; `found`: what the
    gate counted, in words, shown when the database needs sign-in."""
    session = _session_id()
    if auth_configured():
        return _signed_in(session)
    single = os.environ.get(SINGLE_USER_ENV, "").strip()
    if single:
        return Access(Viewer(single, single, SAFEGUARDING_LEAD, SINGLE_USER, session=session))
    if synthetic:
        return Access(_demo_viewer(session))
    return Access(None, lambda: _configure_page(found), "Sign-in needed")


def _signed_in(session: str | None) -> Access:
    user = st.user
    if not user.get("is_logged_in"):
        return Access(None, _sign_in_page, "Sign in")
    roles = role_file.load()
    # the ID token's claims, as Streamlit keeps them in its signed identity cookie
    identity = role_file.identify(roles, dict(user.to_dict()))
    name = user.get("name") if isinstance(user.get("name"), str) else None
    viewer = Viewer(
        identity.actor,
        name or identity.actor,
        identity.role,
        SIGN_IN,
        sen_teams=identity.sen_teams,
        session=session,
    )
    if identity.role is None:
        return Access(viewer, lambda: _no_role_page(viewer, identity, roles.ask), "No access")
    return Access(viewer)


def _demo_viewer(session: str | None) -> Viewer:
    roles = role_file.load()
    role = st.sidebar.selectbox(
        "Demo: try a role",
        list(ROLES),
        format_func=ROLES.get,
        key=DEMO_ROLE_KEY,
        bind="query-params",
        help="Demo database only, with no sign-in configured: see the dashboard as each role "
        "would. On a database holding real loads, the role comes from sign-in and the role file.",
    )
    teams = roles.demo_caseworker_teams if role == CASEWORKER else ()
    account = roles.demo_caseworker_account if role == CASEWORKER else None
    return Viewer(
        f"demo ({ROLES[role]})",
        "Demo user",
        role,
        DEMO,
        sen_teams=teams,
        session=session,
        account=account,
    )


def demo_link_pairs(viewer: Viewer | None, state) -> list[tuple[str, str]]:
    """("role", its label) for a link made on the demo as a role other than the first; else []."""
    if viewer is None or viewer.mode != DEMO:
        return []
    role = state.get(DEMO_ROLE_KEY)
    if role not in ROLES or role == next(iter(ROLES)):
        return []
    return [(DEMO_ROLE_KEY, ROLES[role])]


def show_identity(viewer: Viewer) -> None:
    """Who is using the dashboard, as which role, and the way out: drawn on every page."""
    if viewer.mode == SIGN_IN:
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.caption(
            f"Signed in as **{_md(viewer.name)}** ({_md(viewer.actor)}) · {viewer.role_label}"
        )
        right.button("Sign out", on_click=st.logout, key="_oos_sign_out", icon=":material/logout:")
    elif viewer.mode == SINGLE_USER:
        st.warning(
            f"**Single user: {_md(viewer.name)}** ({viewer.facts.noun}, no sign-in). Started with "
            f"{SINGLE_USER_ENV} on this machine; every pupil-level view and export is audited "
            "under this name.",
            icon=":material/person:",
        )
    else:
        st.warning(
            f"**Demo: no sign-in.** Viewing as a {viewer.facts.noun}"
            + (f" for {', '.join(viewer.sen_teams)}" if viewer.sen_teams else "")
            + ". Change the role in the sidebar.",
            icon=":material/lock_open:",
        )


def _md(text: str) -> str:
    # Names come from the identity provider or the environment: never Markdown or HTML.
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!<>|~$" else c for c in str(text))


def _sign_in_page() -> None:
    st.title("Sign in", anchor=False)
    st.markdown(
        "This dashboard shows special category data about children. Sign in with your council "
        "account to continue."
    )
    st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:")


def _no_role_page(viewer: Viewer, identity: role_file.Identity, ask: str) -> None:
    st.title("No access yet", anchor=False)
    if identity.refused:
        st.markdown(
            f"You are signed in as **{_md(viewer.name)}**, but {_md(identity.refused)}, so the "
            "dashboard shows nothing."
        )
    else:
        st.markdown(
            f"You are signed in as **{_md(viewer.name)}** ({_md(viewer.actor)}), but this "
            "account has no role on the dashboard, so it shows nothing."
        )
    st.markdown(
        f"To ask for access, contact {_md(ask)}, saying which role you need (safeguarding "
        "lead, QA officer, caseworker and for which SEN teams, or senior leader)"
        + (f", quoting your account ID: {_md(identity.subject)}." if identity.subject else ".")
    )
    st.button("Sign out", on_click=st.logout, key="_oos_sign_out", icon=":material/logout:")


def _configure_page(found: str = "") -> None:
    st.title("Sign-in is not configured", anchor=False)
    st.markdown(
        "This database is not the synthetic demo"
        + (f" ({_md(found)})" if found else "")
        + ", so the dashboard shows nothing from it until sign-in is configured:\n\n"
        "1. Register the dashboard with the council's identity provider (Microsoft Entra ID or "
        "any OpenID Connect provider), with the redirect URI "
        "`https://<the dashboard's address>/oauth2callback`.\n"
        "2. Put the client ID, client secret, provider metadata URL, redirect URI and a random "
        "cookie secret under `[auth]` in `.streamlit/secrets.toml` on the server (never in "
        "git).\n"
        "3. Give people roles in `config/roles.toml`.\n\n"
        "The README's *Sign-in and roles* section has the details. An analyst working alone "
        "on their own machine can instead start the server with "
        f'`{SINGLE_USER_ENV}="<your name>"`: every view is then audited under that name.'
    )
