"""A "link to this view" that always carries the period, the filters and the page's choices.

The address bar already holds the filters (the widgets are bound to the URL), but Streamlit
1.67 sometimes drops the query string from the address bar when the user switches page (seen
in chromium: the filters stay applied, the URL loses them). Senior leaders paste links into
briefings, so the sidebar also shows the link built here from the session's own state, which is
always complete. Values are written the way the bound widgets read them back.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from pages.common.filters import AGE_RANGE, ANY, need_option_label

PAGE_CHOICES_KEY = "_oos_link_page_choices"

# Sidebar filter (= URL parameter) -> how its value is written in the URL.
_LISTS = ["district", "team", "year", "gender", "care", "placement"]
_CHOICES = ["cin", "cp", "cla", "pla", "import"]


def start_run() -> None:
    """Forget the previous run's page choices (each page records its own on every run)."""
    st.session_state[PAGE_CHOICES_KEY] = {}


def remember(key: str, url_value) -> None:
    """Record a page-level choice (e.g. the breakdown shown) for this run's link.

    `url_value` is what the page's bound widget reads from the URL (its option's label).
    """
    st.session_state.setdefault(PAGE_CHOICES_KEY, {})[key] = url_value


def query_pairs(state, period: str) -> list[tuple[str, str]]:
    """(parameter, value) pairs for the period and every filter that is not at "any"."""
    pairs = [("period", period)]
    for key in ("district", "need", *_LISTS[1:]):
        for value in state.get(key) or []:
            pairs.append((key, need_option_label(value) if key == "need" else str(value)))
    age = tuple(state.get("age") or AGE_RANGE)
    if age != AGE_RANGE:
        pairs += [("age", str(age[0])), ("age", str(age[1]))]
    for key in _CHOICES:
        value = state.get(key, ANY)
        if value not in (None, ANY):
            pairs.append((key, str(value)))
    for key in ("days_from", "days_to"):
        if state.get(key) is not None:
            pairs.append((key, str(int(state[key]))))
    for key, value in (state.get(PAGE_CHOICES_KEY) or {}).items():
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, str(item)))
    return pairs


def view_link(base_url: str | None, page_path: str, period: str) -> str:
    """The full link to this page with its period, filters and choices."""
    base = (base_url or "").rstrip("/")
    if page_path and base.endswith(f"/{page_path}"):  # st.context.url may hold the page's path
        base = base[: -len(page_path) - 1]
    path = f"/{page_path}" if page_path else "/"
    return f"{base}{path}?{urlencode(query_pairs(st.session_state, period))}"


def show_link(slot, page_path: str, period: str) -> None:
    """Write the link into `slot` (a sidebar placeholder), with a copy button (st.code)."""
    with slot.container():
        st.caption("Link to this view (copy it into a briefing or an email):")
        st.code(view_link(st.context.url, page_path, period), language=None, wrap_lines=True)
