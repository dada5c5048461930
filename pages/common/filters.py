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

from figures.links import (
    BANDS_WORDS,
    DAYS_FROM_CHOICES,
    DAYS_TO_CHOICES,
    DEFAULTS,
    CohortFilter,
    filter_from_values,
    snap_days,
)
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


def _one_or_all(c: page_state.Control) -> None:
    """A link asking a published-only viewer for several values of one filter: say so (the
    widget keeps the first), and trim a session that holds several (a role just switched)."""
    asked = page_state.raw_values(c.key)
    if len(asked) > 1:
        page_state.notice(
            f"This link asked for {len(asked)} values of {c.label.lower()}. Figures as "
            f"published take one {c.label.lower()} or all: showing “{asked[0]}” only."
        )
    held = st.session_state.get(c.key)
    if isinstance(held, list | tuple) and len(held) > 1:
        st.session_state[c.key] = list(held[:1])


def _band_edge(c: page_state.Control, choices: tuple[int, ...]) -> None:
    """A days-out bound between band edges, from a link or a session: moved to the edge of
    its band, and a link asking for it told so."""
    down = c.key == "days_from"
    for value in page_state.raw_values(c.key):
        if page_state.is_whole(value) and int(value) not in choices:
            snapped = snap_days(int(value), choices, down)
            page_state.notice(
                f"This link asked for {c.label.lower()} {int(value)}. Figures as published use "
                "whole bands of days out, so "
                + (f"{snapped} is shown." if snapped is not None else "no upper bound is shown.")
            )
            st.session_state[c.key] = snapped
    held = st.session_state.get(c.key)
    if held is not None and int(held) not in choices:
        st.session_state[c.key] = snap_days(int(held), choices, down)


def _draw_filter(c: page_state.Control, where, sen_teams: list[str], published: bool) -> None:
    """One sidebar filter widget, as the table describes it. For a viewer who sees figures
    only as published: one value or all of a list, days out on band edges (the figures layer
    applies the same rule to every figure: this only offers what it will follow)."""
    options = sen_teams if c.key == "team" else (c.options() if c.options else [])
    labels = [str(c.format(o)) for o in options]
    common = {"key": c.key, "bind": page_state.BIND, "help": c.help}
    if c.kind == "multiselect":
        page_state.check_url(c, labels, None)
        extra = {}
        if published:
            _one_or_all(c)
            extra = {"max_selections": 1}
        where.multiselect(
            c.label, options, format_func=c.format, placeholder=c.placeholder, **common, **extra
        )
    elif c.kind == "choice":
        page_state.check_url(c, labels, "any")
        where.selectbox(c.label, options, **common)
    elif c.kind == "range":
        low, high = c.default
        page_state.check_numbers(c, low, high)
        where.slider(c.label, low, high, value=c.default, **common)
    elif c.kind == "number" and published:
        choices = DAYS_FROM_CHOICES if c.key == "days_from" else DAYS_TO_CHOICES
        _band_edge(c, choices)
        where.selectbox(
            c.label,
            list(choices),
            index=None,
            placeholder=c.placeholder,
            key=c.key,
            bind=page_state.BIND,
            help=f"Figures as published take days out in whole bands: {BANDS_WORDS}.",
        )
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


def render_sidebar(
    periods: list[str], sen_teams: list[str], *, published: bool = False
) -> CohortFilter:
    """Draw the period picker and every cohort filter in the sidebar; return the filter.
    `published`: the viewer sees figures only as published (the filters follow its rule)."""
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
                        _draw_filter(page_state.FILTERS[key], where, sen_teams, published)
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
