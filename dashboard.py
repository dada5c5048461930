"""Children with EHC plans out of school: the dashboard's frame.

Run with `streamlit run dashboard.py`. This file sets the page up, makes sure there is a
database (building the synthetic demonstration one on first start), draws the sidebar filters
shared by every page, marks synthetic data, and hands over to the chosen page through
`st.navigation`. Pages hold layout only; every figure comes from the `queries` package.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import streamlit as st

from core.paths import resolve_db_path
from figures.cache import warm_views
from figures.protect import AccessDenied
from pages.common import a11y, link_check, preload, published, share
from pages.common import state as page_state
from pages.common.database import check_database, what_it_holds
from pages.common.filters import render_sidebar
from pages.common.markup import escape_text
from pages.common.page import CONTEXT_KEY, FrameContext, build_context
from startup import build_demo_database_if_missing
from trust import signin
from trust.access import (
    AGGREGATE,
    CASEWORK,
    PUPIL,
    allowed_pages,
    may_open,
    page_kind,
    script_of,
)
from trust.viewer import DEMO, set_current

LOG = logging.getLogger(__name__)

st.set_page_config(
    page_title="Children out of school with an EHC plan",
    # An emoji favicon is drawn in the browser (a data: URL); a ":material/...:" icon would be
    # fetched from fonts.gstatic.com, and nothing may come from the internet. Pages get no
    # icons for the same reason: the active page's icon becomes the favicon.
    page_icon="📊",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = {
    "Briefing": [
        st.Page("pages/overview.py", title="Overview", default=True),
        st.Page("pages/today.py", title="Today"),
        st.Page("pages/priority.py", title="Priority cases"),
        st.Page("pages/action_plan.py", title="Action plan"),
    ],
    "Appendix B": [
        st.Page("pages/breakdowns.py", title="Breakdowns"),
        st.Page("pages/crosstab.py", title="Cross-tab"),
        st.Page("pages/trends.py", title="Trends"),
        st.Page("pages/map.py", title="District map"),
        st.Page("pages/rates.py", title="Rates"),
        st.Page("pages/time_to_return.py", title="Time to return"),
        st.Page("pages/england.py", title="England and similar councils"),
    ],
    "Children": [
        st.Page("pages/explorer.py", title="Cohort explorer"),
        st.Page("pages/chronology.py", title="Chronology"),
        st.Page("pages/service.py", title="Service"),
    ],
    "Data": [
        st.Page("pages/data_quality.py", title="Data quality"),
        st.Page("pages/audit.py", title="Audit trail"),
    ],
    "Help": [
        st.Page("pages/glossary.py", title="Glossary"),
        st.Page("pages/accessibility.py", title="Accessibility statement"),
    ],
}

DEFAULT_SCRIPT = "pages/overview.py"  # the default page, served at "/"


def _home_page(first: st.Page) -> st.Page:
    """The hidden default page of a role that cannot open the Overview: the role's first page
    once more, served at "/", so that page keeps its own path (its links work for everyone)."""
    return st.Page(
        script_of(first), title=first.title, url_path="home", default=True, visibility="hidden"
    )


# The gate (trust/signin.py), before anything reads the database for a page: no viewer from an
# earlier run carries over, and the navigation holds only the pages the viewer's role may open
# (trust/access.py), so a typed URL of any other page falls back to the viewer's first page.
set_current(None)
db_path = resolve_db_path()
status = check_database(db_path, build_demo_database_if_missing(db_path))
# Synthetic only when every load in the database was (queries/dataset_info.sql), and the gate
# says what it found.
found = what_it_holds(status) if status.ok else ""
# the role a demo link asks for, read before the role switcher reads (and drops) an unknown one
asked_roles = page_state.raw_values(signin.DEMO_ROLE_KEY)
access = signin.decide(bool(status.ok and status.info.get("synthetic")), found)
if access.blocked_page is not None:
    gate_page = st.Page(access.blocked_page, title=access.blocked_title, url_path="access")
    st.navigation([gate_page], position="hidden").run()
    st.stop()
viewer = access.viewer
menu = allowed_pages(PAGES, viewer.role)
if not may_open(viewer.role, DEFAULT_SCRIPT):
    # Streamlit serves the default page at "/" and at no path of its own: were the first
    # page the viewer may open (a caseworker's Today) made the default, a shared /today link
    # would find no page. A hidden default page holds "/" and that page keeps its path.
    first = next(p for items in menu.values() for p in items)
    menu = {**menu, next(iter(menu)): [_home_page(first), *next(iter(menu.values()))]}
page = st.navigation(menu, position="top")
# Figures as published (protected) when the viewer asked for them with the sidebar switch, on a
# page of figures; pages listing children show exact counts beside the children they list.
kind = page_kind(script_of(page))
set_current(
    replace(viewer.on_page(page.title), published_view=published.asked() and kind == AGGREGATE)
)
a11y.apply()  # caption contrast, print stylesheet
# Each page its own browser-tab title (WCAG 2.4.2), so tabs and history can be told apart.
st.set_page_config(page_title=f"{page.title} · Children out of school with an EHC plan")
share.start_run(page.url_path)
link_check.unknown_page(st.context.url, page, PAGES)
if viewer.mode == DEMO:
    link_check.unknown_demo_role(asked_roles, viewer.role_label)
# Less empty space above the page title, so a 1280x800 screen shows more figures. Static CSS
# written here, never data.
st.html("<style>[data-testid='stMainBlockContainer'] { padding-top: 4.5rem; }</style>")
signin.show_identity(viewer)
if not status.ok:
    st.error(status.message)
    st.stop()
if status.periods:
    preload.apply()  # the chart library loaded while the page runs on the server
    if st.context.headers.get("User-Agent"):  # a browser's run (not streamlit.testing's)
        warm_views(db_path)  # after a publish or a restart: the views pages open on, worked out

if status.info.get("synthetic"):
    st.warning(
        "**Synthetic demonstration data.** These children are made up: no figure on this "
        f"dashboard describes real children ({escape_text(found)}).",
        icon=":material/science:",
    )
elif status.info.get("synthetic_loads"):
    st.error(
        f"**This database mixes made-up and real children**: {escape_text(found)}. Its "
        "figures combine both. Rebuild it from the real extracts alone (README, *Loading the "
        "council's extracts*).",
        icon=":material/warning:",
    )

context = FrameContext(filter=None, periods=status.periods, info=status.info)
if status.periods:
    try:
        # a caseworker's team filter offers their own teams only (figures keep to them anyway)
        scope = viewer.team_scope
        teams = status.sen_teams if scope is None else [t for t in status.sen_teams if t in scope]
        chosen = render_sidebar(status.periods, teams, published=viewer.always_published)
        context = build_context(status, chosen)
    except Exception:  # noqa: BLE001 - the user gets a message; details go to the log
        LOG.exception("reading the cohort failed")
        st.error("The cohort could not be read from the database. The server log has details.")
        st.stop()
st.session_state[CONTEXT_KEY] = context
# Figures as published: always for senior leaders; a switch, off by default, for other roles.
published.sidebar_switch(viewer)
# Keyed once (st-key-view-link): the copy script in share.py finds the link box by it.
link_slot = st.sidebar.container(key="view-link").empty()
notice_slot = st.empty()


def show_link_and_notices() -> None:
    link_check.show_notices(notice_slot)
    if context.filter is not None:
        share.show_link(link_slot, page.url_path, context.filter.period)


# Drawn before the page (a page that stops early with st.stop() cannot draw anything after
# it), from the choices known so far, and again after the page with the choices it drew.
show_link_and_notices()

if kind in (CASEWORK, PUPIL) and published.asked() and not viewer.always_published:
    st.info(
        "This page lists children, so its counts are exact beside the children it lists. Do "
        "not copy them into a briefing; the pages of figures show them as published.",
        icon=":material/visibility:",
    )
try:
    page.run()
except AccessDenied as refused:
    # The pupil-level choke point refused (and audited) a request the page made, e.g. a
    # caseworker's chronology of a child outside their teams, typed into the URL.
    st.warning(str(refused), icon=":material/lock:")
show_link_and_notices()
