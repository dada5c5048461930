"""What the frame says about a link that asked for something the dashboard does not have.

The filters and page controls check their own URL values (pages/common/state.py); this module
adds the one check only the frame can make (a page that does not exist: Streamlit then shows the
default page without a word) and draws the notices at the top of the page.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import streamlit as st

from pages.common import state as page_state
from pages.common.markup import escape_md
from trust.roles import ROLES


def requested_path(url: str | None, base_path: str = "") -> str:
    """'http://host/app/nosuchpage?x=1' -> 'nosuchpage' (the path after the server's base)."""
    path = unquote(urlsplit(url or "").path).strip("/")
    base = base_path.strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :].strip("/")
    return path


def unknown_page(url: str | None, page, pages: dict) -> None:
    """Note a link to a page that does not exist, or that the viewer's role cannot open
    (Streamlit shows the default page instead)."""
    asked = requested_path(url, str(st.get_option("server.baseUrlPath") or ""))
    known = {p.url_path: p.title for group in pages.values() for p in group}
    if not asked or asked == page.url_path:
        return
    if asked in known:
        # The page exists but is not in this viewer's navigation (trust/access.py): say so,
        # rather than silently showing another page.
        page_state.notice(
            f"This link asked for the {known[asked]} page, which your role cannot open; "
            f"showing {page.title}. Ask the dashboard's safeguarding lead if you need it."
        )
        return
    shown = asked if len(asked) <= 40 else asked[:39] + "…"
    page_state.notice(
        f"This link asked for a page called “{shown}”, which does not exist; showing {page.title}."
    )


def unknown_demo_role(asked: list[str], showing: str) -> None:
    """Note a demo link's role that is not one of the roles (the switcher ignores it)."""
    for value in asked:
        if value not in ROLES.values():
            page_state.notice(
                f"This link asked for the role {page_state.quoted(value)}, which is not one of "
                f"the demo's roles ({', '.join(ROLES.values())}); viewing as {showing}."
            )


def show_notices(slot) -> None:
    """Each notice as a warning box above the page (escaped: a notice quotes the URL)."""
    sentences = page_state.notices()
    if not sentences:
        slot.empty()
        return
    with slot.container():
        for sentence in sentences:
            st.warning(escape_md(sentence), icon=":material/link_off:")
