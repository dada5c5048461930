"""The sidebar's cohort filters, bound to the URL, and the CohortFilter they describe.

Every filter widget has a `key` that is also its URL query parameter (Streamlit's
`bind="query-params"`), so a copied link reproduces the view; a filter left at its default
("any") is dropped from the URL. The period is always in the URL (see `_seed_period`), because
a link copied in June must still show June after July is loaded.

`filter_from_state` turns widget values into a `CohortFilter` without Streamlit, so the mapping
is unit-tested; `render_sidebar` draws the widgets; `current_filter` hands pages the result.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from core import vocab
from pages.common.categories import category_label
from queries.filters import CohortFilter

NR = vocab.NOT_RECORDED
AGE_RANGE = (0, 25)
ANY = "Any"
YES_NO = [ANY, "Yes", "No"]
IMPORT_CHOICES = [ANY, "Imports only", "Not imports"]

# Widget key (= URL parameter) -> its default value ("no restriction").
DEFAULTS: dict[str, object] = {
    "district": [],
    "need": [],
    "team": [],
    "age": AGE_RANGE,
    "year": [],
    "gender": [],
    "care": [],
    "cin": ANY,
    "cp": ANY,
    "cla": ANY,
    "pla": ANY,
    "placement": [],
    "import": ANY,
    "days_from": None,
    "days_to": None,
}
FILTER_STATE_KEY = "_oos_cohort_filter"


def need_option_label(code: str) -> str:
    """'ASD' -> 'Autistic spectrum disorder (ASD)' in the need picker (and the URL)."""
    return category_label("primary_need", code)


def _yes_no(value) -> bool | None:
    return {"Yes": True, "No": False}.get(value)


def _tuple(values) -> tuple[str, ...]:
    return tuple(str(v) for v in (values or ()))


def filter_from_state(state: Mapping, period: str) -> CohortFilter:
    """The CohortFilter described by the sidebar widgets' values (keys as in DEFAULTS)."""
    age = tuple(state.get("age") or AGE_RANGE)
    age_min, age_max = (None, None) if age == AGE_RANGE else (int(age[0]), int(age[1]))
    imports = state.get("import", ANY)
    days_from, days_to = state.get("days_from"), state.get("days_to")
    return CohortFilter(
        period=period,
        districts=_tuple(state.get("district")),
        needs=_tuple(state.get("need")),
        age_min=age_min,
        age_max=age_max,
        year_groups=_tuple(state.get("year")),
        genders=_tuple(state.get("gender")),
        care_statuses=_tuple(state.get("care")),
        cin=_yes_no(state.get("cin")),
        cp=_yes_no(state.get("cp")),
        cla=_yes_no(state.get("cla")),
        previously_looked_after=_yes_no(state.get("pla")),
        placement_statuses=_tuple(state.get("placement")),
        is_import={"Imports only": True, "Not imports": False}.get(imports),
        days_out_min=None if days_from is None else int(days_from),
        days_out_max=None if days_to is None else int(days_to),
        sen_teams=_tuple(state.get("team")),
    )


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


def _days_input(column, label: str, key: str, placeholder: str) -> None:
    """A whole-number days filter bound to the URL.

    Streamlit 1.67 reads a bound number from the URL with int(float(text)) and catches
    ValueError but not OverflowError, so a link holding `days_to=1e309` would stop every page
    before it draws. Such a value is ignored: the filter shows empty (unfiltered) on that load.
    (tests/browser/test_hostile_input.py opens every page with hostile parameters.)
    """
    settings = {"min_value": 0, "value": None, "step": 1, "placeholder": placeholder}
    try:
        column.number_input(label, key=key, bind="query-params", **settings)
    except OverflowError:
        # (the parameter cannot be deleted here: Streamlit keeps it bound to the key)
        column.number_input(label, key=f"{key}_unreadable", **settings)


def render_sidebar(periods: list[str], sen_teams: list[str]) -> CohortFilter:
    """Draw the period picker and every cohort filter in the sidebar; return the filter."""
    newest_first = list(reversed(periods))
    _seed_period(periods)
    bind = "query-params"
    with st.sidebar:
        # Periods are shown as stored (2023-06) so that the URL carries the same stable text.
        period = st.selectbox(
            "Reporting period (year-month)",
            newest_first,
            index=None,
            key="period",
            bind=bind,
            placeholder="Latest period",
            help="Figures are counted at the census date: the last day of the month.",
        )
        st.caption("These filters apply to every page, and the page's link keeps them.")
        with st.expander("District, need and team", expanded=_active("district", "need", "team")):
            st.multiselect(
                "District",
                vocab.DISTRICT_VALUES + [NR],
                key="district",
                bind=bind,
                placeholder="All districts",
            )
            st.multiselect(
                "Primary need",
                vocab.NEED_CODES + [NR],
                key="need",
                bind=bind,
                format_func=need_option_label,
                placeholder="All needs",
            )
            st.multiselect("SEN team", sen_teams, key="team", bind=bind, placeholder="All teams")
        with st.expander("Age, year group, gender", expanded=_active("age", "year", "gender")):
            st.slider(
                "Age at census date (years)",
                *AGE_RANGE,
                value=AGE_RANGE,
                key="age",
                bind=bind,
                help="Narrowing the ages leaves out children whose age is not recorded.",
            )
            st.multiselect(
                "Year group",
                vocab.YEAR_GROUPS + [NR],
                key="year",
                bind=bind,
                placeholder="All year groups",
            )
            st.multiselect(
                "Gender",
                vocab.GENDERS + [NR],
                key="gender",
                bind=bind,
                placeholder="All genders",
            )
        with st.expander("Care status", expanded=_active("care", "cin", "cp", "cla", "pla")):
            st.multiselect(
                "Care status (one per child)",
                vocab.CARE_STATUSES,
                key="care",
                bind=bind,
                placeholder="All care statuses",
                help="Each child's first status of: looked after, child protection, "
                "child in need, previously looked after.",
            )
            left, right = st.columns(2)
            left.selectbox("Child in need", YES_NO, key="cin", bind=bind)
            right.selectbox("Child protection", YES_NO, key="cp", bind=bind)
            left.selectbox("Looked after", YES_NO, key="cla", bind=bind)
            right.selectbox("Previously looked after", YES_NO, key="pla", bind=bind)
        with st.expander(
            "Placement, import, days out",
            expanded=_active("placement", "import", "days_from", "days_to"),
        ):
            st.multiselect(
                "Placement status",
                vocab.PLACEMENT_STATUSES,
                key="placement",
                bind=bind,
                placeholder="Both",
            )
            st.selectbox(
                "Import",
                IMPORT_CHOICES,
                key="import",
                bind=bind,
                help="An import's EHC plan transferred from another council.",
            )
            left, right = st.columns(2)
            _days_input(left, "Days out from", "days_from", "0")
            _days_input(right, "Days out to", "days_to", "any")
        st.button("Clear filters", on_click=reset_filters, icon=":material/filter_alt_off:")
    values = {key: st.session_state.get(key, default) for key, default in DEFAULTS.items()}
    cohort_filter = filter_from_state(values, period or periods[-1])
    st.session_state[FILTER_STATE_KEY] = cohort_filter
    return cohort_filter


def current_filter() -> CohortFilter:
    """The filter the sidebar chose in this run (dashboard.py draws the sidebar first)."""
    return st.session_state[FILTER_STATE_KEY]
