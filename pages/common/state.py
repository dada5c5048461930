"""One description of the page state: every choice that goes into the URL, in one table.

Each `Control` names a widget key (which is also its URL parameter), what it is called on
screen, its widget kind, its default, the `CohortFilter` field it sets (sidebar filters) and how
its value is written in the URL. The sidebar draws its filters from this table, pages draw
their own controls with `draw`, the URL binding is Streamlit's `bind="query-params"` on those
same keys, the "Filters: ..." summary reads the labels here, and "Link to this view"
(pages/common/share.py) writes every control of the page from the session's values, so no page
has to remember to add its choices to the link.

A link that asks for something that does not exist (a period not loaded, an option that is not
offered, a page number past the end) is not silently changed: `check_url` compares the raw URL
with the choices before the widget reads it (Streamlit drops an invalid value without a word)
and `notice` records a sentence that the frame shows at the top of the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from figures.breakdowns import SHADES
from figures.casework import VIEWS as TODAY_VIEWS
from figures.format import period_label
from figures.labels import DIMENSIONS, FLAGS, TIERS, dimension_label, flag_label, tier_label
from figures.links import (
    AGE_RANGE,
    ANY,
    BACK_PARAMS,
    FILTER_GROUPS,
    FILTERS,
    PERIOD,
    Control,
    describe_values,
    filter_pairs,
)
from figures.lists import EXPLORER_COLUMNS, SORTABLE, Paging, paging
from figures.rates import RATE_DIMENSIONS
from figures.survival import SURVIVAL_DIMENSIONS

__all__ = ["AGE_RANGE", "ANY", "FILTER_GROUPS", "FILTERS", "PERIOD", "describe", "filter_pairs"]
describe = describe_values  # the sidebar's values in words (figures/links.py)

BIND = "query-params"

NOTICES_KEY = "_oos_link_notices"  # sentences about the link, shown by the frame
RUN_NOTICES_KEY = "_oos_run_notices"  # sentences about this run's choices only
DRAWN_KEY = "_oos_drawn_controls"  # page controls drawn in this run -> their default
PREVIOUS_DRAWN_KEY = "_oos_drawn_before"  # the same, from the page's previous run
PAGE_KEY = "_oos_page_path"


def _dimensions() -> list[str]:
    return list(DIMENSIONS)


def _dimension_name(d) -> str:
    return "All children" if d == "all" else (DIMENSIONS.get(d) or dimension_label(d))


def _survival_name(d) -> str:
    return "All children (no split)" if d == "all" else dimension_label(d)


SIZE_ORDER = ["Natural order", "Largest first"]


# --- each page's own controls ----------------------------------------------------------------
PAGE_CONTROLS: dict[str, Control] = {
    c.key: c
    for c in [
        Control(
            "dim",
            "Break down by",
            "pills",
            "primary_need",
            page="breakdowns",
            options=_dimensions,
            format=_dimension_name,
        ),
        Control(
            "order",
            "Order",
            "segmented",
            SIZE_ORDER[0],
            page="breakdowns",
            options=lambda: SIZE_ORDER,
            help="Natural order keeps categories in their usual sequence (year groups, need "
            "codes); largest first sorts the bars by size. Not recorded stays last.",
        ),
        Control(
            "rows",
            "Rows",
            "select",
            "primary_need",
            page="crosstab",
            options=_dimensions,
            format=_dimension_name,
        ),
        Control(
            "cols",
            "Columns",
            "select",
            "care_status",
            page="crosstab",
            options=_dimensions,
            format=_dimension_name,
        ),
        Control(
            "trend_dim",
            "Break down by",
            "select",
            "all",
            page="trends",
            options=lambda: ["all", *_dimensions()],
            format=_dimension_name,
        ),
        Control(
            "style",
            "Show as",
            "segmented",
            "Lines",
            page="trends",
            options=lambda: ["Lines", "Stacked areas"],
        ),
        Control("periods", "Periods", "window", None, page="trends", format=period_label),
        Control(
            "shade",
            "Shade by",
            "segmented",
            SHADES[0],
            page="map",
            options=lambda: list(SHADES),
        ),
        Control(
            "sort",
            "Sort by",
            "select",
            "days_out",
            page="explorer",
            options=lambda: list(SORTABLE),
            format=lambda c: EXPLORER_COLUMNS.get(c, str(c)),
        ),
        Control("desc", "Largest first", "toggle", True, page="explorer"),
        Control(
            "rows_per_page",
            "Rows per page",
            "select",
            50,
            page="explorer",
            options=lambda: [25, 50, 100, 250],
        ),
        Control("page", "Page", "pages", 1, page="explorer"),
        Control(
            "child",
            "Child (pseudonymous ID)",
            "select",
            None,
            page="chronology",
            placeholder="Type or pick an ID",
            help="Children in the filtered cohort of the period chosen in the sidebar; any "
            "other ID can be typed.",
        ),
        Control(
            "flag",
            "Flag",
            "select",
            "s19_due",
            page="service",
            options=lambda: list(FLAGS),
            format=flag_label,
            help="The flag the charts below count (the link keeps the choice).",
        ),
        Control(
            "rate_dim",
            "Break down by",
            "select",
            "district",
            page="rates",
            options=lambda: list(RATE_DIMENSIONS),
            format=dimension_label,
        ),
        Control(
            "rate_trend",
            "Trend of the rate for",
            "segmented",
            "all",
            page="rates",
            format=lambda d: (
                "All children" if d == "all" else f"each {dimension_label(d).lower()} group"
            ),
        ),
        Control(
            "surv_dim",
            "Compare by",
            "select",
            "all",
            page="time_to_return",
            options=lambda: ["all", *SURVIVAL_DIMENSIONS],
            format=_survival_name,
        ),
        Control(
            "today_view",
            "View",
            "segmented",
            "teams",  # drawn with the viewer's own default (figures.casework.view_default)
            page="today",
            options=lambda: list(TODAY_VIEWS),
            format=lambda v: TODAY_VIEWS.get(v, str(v)),
            help="Mine: the children the assignments file names you as caseworker for. By "
            "team: every team's act-now figures, and the whole list.",
        ),
        Control(
            "today_tier",
            "Tier shown",
            "segmented",
            "act_now",
            page="today",
            options=lambda: list(TIERS),
            format=tier_label,
        ),
        Control("today_page", "Page", "pages", 1, page="today"),
        Control("priority_page", "Page", "pages", 1, page="priority"),
    ]
}
TAB_PREFIX = "tab-"  # a figure's Chart/Table tabs: key "tab-<figure key>", default "Chart"
TAB_LABELS = ["Chart", "Table"]


# --- the run's notices -----------------------------------------------------------------------
def start_run(page_path: str) -> None:
    """Start a run: forget the controls drawn last time; keep notices while the page stays."""
    same_page = st.session_state.get(PAGE_KEY) == page_path
    if not same_page:
        st.session_state[NOTICES_KEY] = []
    # Until the page draws its controls again, the link uses what it drew last time.
    st.session_state[PREVIOUS_DRAWN_KEY] = st.session_state.get(DRAWN_KEY, {}) if same_page else {}
    st.session_state[PAGE_KEY] = page_path
    st.session_state[DRAWN_KEY] = {}
    st.session_state[RUN_NOTICES_KEY] = []


def notice(sentence: str, *, this_run: bool = False) -> None:
    """Record a sentence about the link, shown at the top of the page.

    A link's unknown value is read once (Streamlit then drops it from the URL), so its notice
    stays while the user is on that page; `this_run` notices (a "from" above a "to") are
    about the current choices and go once those change.
    """
    key = RUN_NOTICES_KEY if this_run else NOTICES_KEY
    notices = st.session_state.setdefault(key, [])
    if sentence not in notices:
        notices.append(sentence)


def notices() -> list[str]:
    return list(st.session_state.get(NOTICES_KEY) or []) + list(
        st.session_state.get(RUN_NOTICES_KEY) or []
    )


def raw_values(key: str) -> list[str]:
    """What the address bar holds for `key` before any widget has read (and cleaned) it."""
    try:
        return list(st.query_params.get_all(key))
    except Exception:  # noqa: BLE001 - no query string outside a browser session
        return []


def quoted(value: str, limit: int = 40) -> str:
    value = " ".join(str(value).split())
    return "“" + (value if len(value) <= limit else value[: limit - 1] + "…") + "”"


def check_url(control: Control, valid: Sequence[str], showing: str | None) -> None:
    """Note every URL value of `control` that is not one of `valid` (the labels offered).

    `showing` names what is shown instead; None: the value is simply left out (a list).
    """
    bad = [v for v in raw_values(control.key) if v not in valid]
    for value in bad:
        instead = f"showing {showing}" if showing else "it is left out"
        notice(
            f"This link asked for {control.label.lower()} {quoted(value)}, which is not one of "
            f"the choices here; {instead}."
        )


def is_whole(value: str, low: int = 0, high: int | None = None) -> bool:
    try:
        number = int(value)
    except ValueError:
        return False
    return number >= low and (high is None or number <= high)


def check_numbers(control: Control, low: int = 0, high: int | None = None) -> None:
    for value in raw_values(control.key):
        if not is_whole(value, low, high):
            limits = f"a whole number from {low}" + (f" to {high}" if high is not None else "")
            notice(
                f"This link asked for {control.label.lower()} {quoted(value)}, which is not "
                f"{limits}; that filter is left off."
            )


def check_period(raw: str | None, periods: Sequence[str], showing: str) -> None:
    """'This link asked for January 2099, which is not loaded; showing October 2026.'"""
    if raw is None or raw in periods:
        return
    try:
        asked = period_label(raw)
    except (ValueError, IndexError):
        asked = quoted(raw)
    notice(f"This link asked for {asked}, which is not loaded; showing {period_label(showing)}.")


# --- drawing a page's control from the table -------------------------------------------------
def control(key: str) -> Control:
    return PAGE_CONTROLS[key] if key in PAGE_CONTROLS else FILTERS[key]


def draw(
    key: str, where=None, *, options: Sequence | None = None, default=None, initial=None, **extra
):
    """Draw the page control `key` as the table describes it, bound to the URL; its value.

    `options` and `default` are for controls whose choices depend on the data (the periods,
    the children, the number of pages). `initial`: the value to open on when the URL gives
    none (a chronology's Back: `back_to_today`), while the link still compares with `default`.
    Unknown URL values are reported with `notice`.
    """
    c = control(key)
    where = where or st
    choices = list(options if options is not None else (c.options() if c.options else []))
    default = c.default if default is None else default
    st.session_state.setdefault(DRAWN_KEY, {})[key] = default
    default = default if initial is None or initial not in choices else initial
    labels = [str(c.format(o)) for o in choices]
    if isinstance(default, tuple):
        showing = " to ".join(str(c.format(d)) for d in default)
    else:
        showing = str(c.format(default)) if default is not None else "no choice"
    common = {"key": key, "bind": BIND, "help": c.help, **extra}
    if c.kind == "select":
        if c.key != "child":  # any child ID may be typed
            check_url(c, labels, showing)
        index = choices.index(default) if default in choices else None
        return where.selectbox(
            c.label,
            choices,
            index=index,
            format_func=c.format,
            placeholder=c.placeholder,
            **common,
        )
    if c.kind == "pills":
        check_url(c, labels, showing)
        return where.pills(c.label, choices, default=default, format_func=c.format, **common)
    if c.kind == "segmented":
        check_url(c, labels, showing)
        return where.segmented_control(
            c.label, choices, default=default, format_func=c.format, **common
        )
    if c.kind == "toggle":
        check_url(c, ["true", "false", "True", "False"], showing)
        return where.toggle(c.label, value=bool(default), **common)
    if c.kind == "window":
        check_url(c, labels, showing)
        return where.select_slider(c.label, choices, value=default, format_func=c.format, **common)
    raise ValueError(f"draw() does not draw {c.kind} controls")


def draw_pages(
    key: str, total: int, size: int, where=None, *, initial: int | None = None, **extra
) -> Paging:
    """A bound page-number control over a list of `total` rows, `size` a page; the page to
    show (figures/lists.py's Paging). A page past the end (a link, or a page number kept from
    before the filters changed) shows the last page, and a link asking for it is told so."""
    c = control(key)
    where = where or st
    st.session_state.setdefault(DRAWN_KEY, {})[key] = 1
    pages = paging(total, size, 1).pages
    for value in raw_values(key):
        if not is_whole(value, 1):
            notice(f"This link asked for page {quoted(value)}, which is not a page number.")
        elif int(value) > pages:
            notice(paging(total, size, int(value)).notice)
            # the widget would drop a page it does not have and show page 1: show the last
            st.session_state[c.key] = pages
    if int(st.session_state.get(c.key) or 1) > pages:
        st.session_state[c.key] = pages
    start = min(max(1, int(initial or 1)), pages)  # the page to open on when the URL has none
    chosen = where.pagination(pages, default=start, key=c.key, bind=BIND, **extra)
    return paging(total, size, min(max(1, int(chosen or 1)), pages))


def tab_key(figure_key: str) -> str:
    key = TAB_PREFIX + figure_key
    st.session_state.setdefault(DRAWN_KEY, {})[key] = TAB_LABELS[0]
    for value in raw_values(key):
        if value not in TAB_LABELS:
            notice(f"This link asked for a view {quoted(value)}; showing the chart.")
    return key


# --- the link's parameters -------------------------------------------------------------------
def page_pairs(state: Mapping, page_path: str) -> list[tuple[str, str]]:
    """(parameter, value) for the page's own controls that differ from their defaults."""
    drawn = state.get(DRAWN_KEY) or state.get(PREVIOUS_DRAWN_KEY) or {}
    pairs = []
    for key, c in PAGE_CONTROLS.items():
        if c.page != (page_path or "overview") or key not in state:
            continue
        if key not in drawn:  # not on screen in this run
            continue
        default = drawn.get(key, c.default)
        value = state.get(key)
        if value is None or _same(value, default):
            continue
        pairs += [(key, v) for v in c.url_values(value)]
    for key, default in drawn.items():
        if key.startswith(TAB_PREFIX) and state.get(key) not in (None, default):
            pairs.append((key, str(state[key])))
    return pairs


def link_values(page_path: str) -> dict[str, str]:
    """The page's own choices as its link writes them ({"today_tier": "Watch", ...}), for a
    link that must bring the viewer back to this view (a chronology's Back link)."""
    return dict(page_pairs(st.session_state, page_path))


def url_value(key: str, value) -> str:
    """How the URL writes `value` of control `key` ("act_now" -> "Act now")."""
    return control(key).url_values(value)[0]


def back_to_today() -> dict[str, str]:
    """Today's choices a chronology link carried (figures/links.py BACK_PARAMS), as Today's
    own parameters ({"today_tier": "Watch", "today_page": "2"}); a value Today would not
    understand is left out and the link is told so."""
    back: dict[str, str] = {}
    for param, key in BACK_PARAMS.items():
        for value in raw_values(param)[:1]:
            c = control(key)
            if c.kind == "pages":
                ok = is_whole(value, 1)
            else:
                ok = value in [str(c.format(o)) for o in c.options()]
            if ok:
                back[key] = value
            else:
                notice(
                    f"This link asked to go back to Today's {c.label.lower()} {quoted(value)}, "
                    "which is not one of its choices; Back leaves it out."
                )
    return back


def returning_to(key: str, back: Mapping[str, str]):
    """The option of Today's control `key` a chronology's Back carried (None: none)."""
    value = back.get(key)
    if value is None:
        return None
    c = control(key)
    if c.kind == "pages":
        return int(value)
    return next((o for o in c.options() if str(c.format(o)) == value), None)


def _same(a, b) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return list(a) == list(b)
    return a == b
