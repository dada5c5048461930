"""A "link to this view" built from the one description of the page state (state.py).

The address bar already holds the filters (the widgets are bound to the URL), but Streamlit
1.67 sometimes drops the query string from the address bar when the user switches page (seen
in chromium: the filters stay applied, the URL loses them). Senior leaders paste links into
briefings, so the sidebar also shows the link built here from the session's own state: the
period, every sidebar filter and every control of the page that is not at its default, each
written the way its bound widget reads it back. Pages do not add anything themselves.

The link is shown as text in a `<code>` box with a "Copy link" button (st.html, the text
escaped), not with st.code: st.code's element needs Streamlit's syntax highlighter, a 1.5 MB
chunk of JavaScript that a first visit's browser must fetch and run on every page before the
page's charts are drawn (README, "Speed in chromium"), only to show one line of plain text.

Copying: a small static script (no data in it) copies the box's text with the browser's
clipboard API where it exists (a secure context: https or localhost) and with the older
`execCommand("copy")` on a plain-http council address, and selects the text so that Ctrl+C
works whatever the browser allows.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode, urlsplit

import streamlit as st

from pages.common import state as page_state
from trust.signin import demo_link_pairs
from trust.viewer import current

# Runs in the page, not in an iframe; it reads the link from the page's own code box, so no
# value from the session is ever written into script or HTML.
COPY_SCRIPT = """
<script>
(() => {
  if (window.__oosCopyLink) return;
  window.__oosCopyLink = true;
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-testid="stSidebar"] .st-key-view-link button');
    if (!button) return;
    const code = button.closest('.st-key-view-link').querySelector('code');
    if (!code) return;
    const range = document.createRange();
    range.selectNodeContents(code);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);  // Ctrl+C copies it whatever happens below
    const text = code.textContent.trim();
    if (window.isSecureContext && navigator.clipboard) {
      navigator.clipboard.writeText(text).catch(() => {});
    } else {
      try { document.execCommand('copy'); } catch (e) { /* the text stays selected */ }
    }
    button.setAttribute('title', 'Copied (or press Ctrl+C: the link is selected)');
  }, true);
})();
</script>
"""
# Static style: the long link wraps anywhere, like st.code's wrap_lines did.
LINK_STYLE = (
    "<style>.oos-view-link code { display: block; white-space: pre-wrap; word-break: break-all;"
    " font-size: 0.8rem; padding: 0.5rem 0.75rem; border-radius: 0.5rem;"
    " background: rgba(0, 0, 0, 0.05); }"
    " .oos-view-link button { margin-top: 0.25rem; padding: 0.2rem 0.75rem; font: inherit;"
    " font-size: 0.875rem; border: 1px solid rgba(49, 51, 63, 0.3); border-radius: 0.5rem;"
    " background: #fff; color: inherit; cursor: pointer; }"
    " .oos-view-link button:focus-visible { outline: 2px solid #1f4e9d; }</style>"
)


def link_box(link: str) -> str:
    """The link in a code box with its copy button: the link is escaped, the rest static."""
    return (
        f'{LINK_STYLE}<div class="oos-view-link"><code>{escape(link, quote=True)}</code>'
        '<button type="button" aria-label="Copy link to this view">Copy link</button></div>'
    )


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
    """Write the link into `slot` (a sidebar placeholder), with a copy button."""
    with slot.container():
        st.caption("Link to this view (copy it into a briefing or an email):")
        st.html(link_box(view_link(st.context.url, page_path, period)))
        st.html(COPY_SCRIPT, unsafe_allow_javascript=True)
