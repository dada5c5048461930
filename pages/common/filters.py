"""The sidebar's cohort filters, drawn from the one description in pages/common/state.py.

Every filter widget has a `key` that is also its URL query parameter (Streamlit's
`bind="query-params"`), so a copied link reproduces the view; a filter left at its default
("any") is dropped from the URL. The period is always in the URL (see `_seed_period`), because
a link copied in June must still show June after July is loaded. The widgets' labels, kinds,
defaults and choices come from `state.FILTERS`, which the link builder and the "Filters: ..."
summary read too; a link value that is not one of the choices is pointed out in a notice.

`filter_from_state` turns widget values into a `CohortFilter` without Streamlit, so the mapping
is unit-tested; `render_sidebar` draws the widgets; `current_filter` hands pages the result.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from figures.links import DEFAULTS, CohortFilter, filter_from_values
from pages.common import state as page_state

FILTER_STATE_KEY = "_oos_cohort_filter"


def filter_from_state(state: Mapping, period: str) -> CohortFilter:
    """The CohortFilter described by the sidebar widgets' values (figures/links.py's mapping,
    the same one a saved link is read with)."""
    return filter_from_values(state, period)


def reset_filters() -> None:
    """Button callback: every cohort filter back to 'any' (the period stays)."""
    for key, default in DEFAULTS.items():
        st.session_state[key] = list(default) if isinstance(default, list) else default


def _active(*keys) -> bool:
    """True when any of these filters is set (in the session, or in the URL on first load)."""
    return any(
        k in st.query_params or st.session_state.get(k, DEFAULTS[k]) not in (DEFAULTS[k], None)
        for k in keys
    )


def _seed_period(periods: list[str]) -> None:
    """Make the period picker hold a loaded period, with that period in the URL.

    A link copied in June must still show June after July is loaded, so the URL always carries
    the period, even when nobody has picked one. A bound widget leaves a value set through
    st.session_state out of the URL on the run that creates it; so on a session's first run,
    before the widget exists (and so before the parameter is bound, when st.query_params may
    still set it), the latest period goes into both. A period already in the URL is left to the
    widget, which reads it. (Checked in chromium: tests/browser.)
    """
    value = st.session_state.get("period")
    if value in periods:
        return
    if "period" in st.session_state:  # a period no longer loaded (the database was replaced)
        st.session_state["period"] = periods[-1]
        return
    if st.query_params.get("period") in periods:
        return
    st.query_params["period"] = periods[-1]
    st.session_state["period"] = periods[-1]


def _draw_filter(c: page_state.Control, where, sen_teams: list[str]) -> None:
    """One sidebar filter widget, as the table describes it."""
    options = sen_teams if c.key == "team" else (c.options() if c.options else [])
    labels = [str(c.format(o)) for o in options]
    common = {"key": c.key, "bind": page_state.BIND, "help": c.help}
    if c.kind == "multiselect":
        page_state.check_url(c, labels, None)
        where.multiselect(
            c.label, options, format_func=c.format, placeholder=c.placeholder, **common
        )
    elif c.kind == "choice":
        page_state.check_url(c, labels, "any")
        where.selectbox(c.label, options, **common)
    elif c.kind == "range":
        low, high = c.default
        page_state.check_numbers(c, low, high)
        where.slider(c.label, low, high, value=c.default, **common)
    elif c.kind == "number":
        page_state.check_numbers(c)
        settings = {"min_value": 0, "value": None, "step": 1, "placeholder": c.placeholder}
        try:
            where.number_input(c.label, **settings, **common)
        except OverflowError:
            # Streamlit 1.67 reads a bound number with int(float(text)) and does not catch
            # OverflowError: a link holding `days_to=1e309` would stop every page. Such a value
            # is ignored (the notice above says so); the parameter stays bound to the key, so
            # an unbound twin is drawn. (tests/browser/test_hostile_input.py)
            where.number_input(c.label, key=f"{c.key}_unreadable", help=c.help, **settings)


def render_sidebar(periods: list[str], sen_teams: list[str]) -> CohortFilter:
    """Draw the period picker and every cohort filter in the sidebar; return the filter."""
    newest_first = list(reversed(periods))
    raw_period = st.query_params.get("period") if "period" not in st.session_state else None
    page_state.check_period(raw_period, periods, periods[-1])
    _seed_period(periods)
    p = page_state.PERIOD
    with st.sidebar:
        # Periods are shown as stored (2023-06) so that the URL carries the same stable text.
        period = st.selectbox(
            p.label,
            newest_first,
            index=None,
            key=p.key,
            bind=page_state.BIND,
            placeholder=p.placeholder,
            help=p.help,
        )
        st.caption("These filters apply to every page, and the page's link keeps them.")
        for title, rows in page_state.FILTER_GROUPS:
            keys = [k for row in rows for k in row]
            with st.expander(title, expanded=_active(*keys)):
                for row in rows:
                    places = st.columns(len(row)) if len(row) > 1 else [st]
                    for key, where in zip(row, places, strict=True):
                        _draw_filter(page_state.FILTERS[key], where, sen_teams)
        st.button("Clear filters", on_click=reset_filters, icon=":material/filter_alt_off:")
    values = {key: st.session_state.get(key, default) for key, default in DEFAULTS.items()}
    low, high = values.get("days_from"), values.get("days_to")
    if low is not None and high is not None and low > high:
        page_state.notice(
            f"“Days out from” ({int(low)}) is above “Days out to” ({int(high)}), so no child "
            "can match: swap them in the sidebar.",
            this_run=True,
        )
    cohort_filter = filter_from_state(values, period or periods[-1])
    st.session_state[FILTER_STATE_KEY] = cohort_filter
    return cohort_filter


def current_filter() -> CohortFilter:
    """The filter the sidebar chose in this run (dashboard.py draws the sidebar first)."""
    return st.session_state[FILTER_STATE_KEY]
