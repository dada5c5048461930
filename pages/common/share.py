"""A "link to this view" built from the one description of the page state (state.py).

The address bar already holds the filters (the widgets are bound to the URL), but Streamlit
1.67 sometimes drops the query string from the address bar when the user switches page (seen
in chromium: the filters stay applied, the URL loses them). Senior leaders paste links into
briefings, so the sidebar also shows the link built here from the session's own state: the
period, every sidebar filter and every control of the page that is not at its default, each
written the way its bound widget reads it back. Pages do not add anything themselves.

Copying: st.code's copy button uses the browser's clipboard API, which exists only in a secure
context (https or localhost); on a plain-http council address it does nothing. A small static
script (no data in it) copies the link box's text with the older `execCommand("copy")` there,
and selects the text so that Ctrl+C works whatever the browser allows.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

from pages.common import state as page_state
from trust.signin import demo_link_pairs
from trust.viewer import current

# Runs in the page, not in an iframe; it reads the link from the page's own code box, so no
# value from the session is ever written into script or HTML.
COPY_FALLBACK = """
<script>
(() => {
  if (window.__oosCopyFallback) return;
  window.__oosCopyFallback = true;
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-testid="stSidebar"] .st-key-view-link button');
    if (!button) return;
    const pre = button.closest('.st-key-view-link').querySelector('pre');
    if (!pre) return;
    const range = document.createRange();
    range.selectNodeContents(pre.querySelector('code') || pre);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);  // Ctrl+C copies it whatever happens below
    if (window.isSecureContext && navigator.clipboard) return;  // Streamlit's own copy works
    event.stopPropagation();
    try { document.execCommand('copy'); } catch (e) { /* the text stays selected */ }
    button.setAttribute('title', 'Copied (or press Ctrl+C: the link is selected)');
  }, true);
})();
</script>
"""


def start_run(page_path: str = "") -> None:
    """Start a run's record of the page's controls (drawn by the page through state.py)."""
    page_state.start_run(page_path)


def query_pairs(state, period: str, page_path: str = "") -> list[tuple[str, str]]:
    """(parameter, value) pairs: the period, every filter not at "any", the page's choices,
    and on the synthetic demo the role being tried (so the link opens as that role)."""
    return (
        [("period", period)]
        + page_state.filter_pairs(state)
        + page_state.page_pairs(state, page_path)
        + demo_link_pairs(current(), state)
    )


def view_link(base_url: str | None, page_path: str, period: str) -> str:
    """The full link to this page with its period, filters and choices."""
    # st.context.url holds the address the browser asked for (maybe a page that does not
    # exist): keep its origin and the server's base path, then this page's path.
    parts = urlsplit(base_url or "")
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    base_path = str(st.get_option("server.baseUrlPath") or "").strip("/")
    path = "/".join(p for p in (base_path, page_path) if p)
    query = urlencode(query_pairs(st.session_state, period, page_path))
    return f"{origin}/{path}?{query}"


def show_link(slot, page_path: str, period: str) -> None:
    """Write the link into `slot` (a sidebar placeholder), with a copy button (st.code)."""
    with slot.container():
        st.caption("Link to this view (copy it into a briefing or an email):")
        st.code(view_link(st.context.url, page_path, period), language=None, wrap_lines=True)
        st.html(COPY_FALLBACK, unsafe_allow_javascript=True)
