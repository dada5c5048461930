"""The link vocabulary: how each cohort filter is named in a URL, written, read and described.

One table (`FILTERS`) says, for every sidebar filter, its URL parameter (which is also the
widget's key), its label, its widget kind, its default ("no restriction"), its choices and how a
choice is written. Everything that turns a filter into words or a link into a filter reads it:

- `filter_from_values(values, period)`: widget values (as the sidebar holds them) -> CohortFilter
- `values_from_query(query)`: a URL's parameters (text) -> widget values, as the bound widgets
  read them; so a saved "Link to this view" (an action's measure, read by the pack too) gives
  the same filter as the sidebar would (`parse_view`);
- `values_of(f)`: a CohortFilter back to widget values;
- `describe(f)` / `describe_values(values)`: the filters in words ("District: Thanet, Swale"),
  for the page header, "About this figure", every file's header and the pack;
- `filter_pairs(values)`: (parameter, value) pairs of a link, in the table's order.

Pure: no Streamlit, no database. The sidebar (pages/common/filters.py) draws these controls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlparse

from core import vocab
from figures.labels import category_label
from queries.filters import PERIOD_PATTERN, CohortFilter, range_words

NR = vocab.NOT_RECORDED
ANY = "Any"
YES_NO = [ANY, "Yes", "No"]
IMPORT_CHOICES = [ANY, "Imports only", "Not imports"]
AGE_RANGE = (0, 25)
DAYS_WORDS = "Days out of school"


@dataclass(frozen=True)
class Control:
    """One choice a user can make, and everything the app needs to know about it."""

    key: str  # widget key = URL query parameter
    label: str  # on screen, in notices and in the "Filters: ..." summary
    kind: str  # select, multiselect, range, number, choice (yes/no/any), pills, segmented,
    # toggle, pages, tabs, window (a select_slider over periods)
    default: object = None
    page: str | None = None  # URL path of the page that draws it; None: the sidebar
    sql: str | None = None  # the CohortFilter field it sets (sidebar filters)
    options: Callable[[], Sequence] | None = None  # static choices (None: given when drawn)
    format: Callable[[object], str] = str  # option -> label on screen and in the URL
    help: str | None = None
    placeholder: str | None = None

    def url_values(self, value) -> list[str]:
        """How the bound widget writes `value` in the URL (repeated for several values)."""
        if value is None:
            return []
        if self.kind == "toggle":
            return ["true" if value else "false"]
        if self.kind in ("range", "number", "pages"):
            items = value if isinstance(value, list | tuple) else [value]
            return [str(int(v)) for v in items]
        items = value if isinstance(value, list | tuple) else [value]
        return [str(self.format(v)) for v in items]

    def read(self, text: str):
        """The option a URL value names (the inverse of `format`), or None when none does."""
        choices = list(self.options()) if self.options else []
        by_text = {str(self.format(o)): o for o in choices} | {str(o): o for o in choices}
        if not choices:  # open choices (SEN teams): the text is the value
            return text
        return by_text.get(text)


def _need_label(code) -> str:
    return category_label("primary_need", code)


# Groups of the sidebar, each an expander; a row of two keys is drawn in two columns.
FILTER_GROUPS: list[tuple[str, list[list[str]]]] = [
    ("District, need and team", [["district"], ["need"], ["team"]]),
    ("Age, year group, gender", [["age"], ["year"], ["gender"]]),
    ("Care status", [["care"], ["cin", "cp"], ["cla", "pla"]]),
    ("Placement, import, days out", [["placement"], ["import"], ["days_from", "days_to"]]),
]

PERIOD = Control(
    "period",
    "Reporting period (year-month)",
    "select",
    help="Figures are counted at the census date: the last day of the month.",
    placeholder="Latest period",
)

FILTERS: dict[str, Control] = {
    c.key: c
    for c in [
        Control(
            "district",
            "District",
            "multiselect",
            [],
            sql="districts",
            options=lambda: vocab.DISTRICT_VALUES + [NR],
            placeholder="All districts",
        ),
        Control(
            "need",
            "Primary need",
            "multiselect",
            [],
            sql="needs",
            options=lambda: vocab.NEED_CODES + [NR],
            format=_need_label,
            placeholder="All needs",
        ),
        Control("team", "SEN team", "multiselect", [], sql="sen_teams", placeholder="All teams"),
        Control(
            "age",
            "Age at census date (years)",
            "range",
            AGE_RANGE,
            sql="age",
            help="Narrowing the ages leaves out children whose age is not recorded.",
        ),
        Control(
            "year",
            "Year group",
            "multiselect",
            [],
            sql="year_groups",
            options=lambda: vocab.YEAR_GROUPS + [NR],
            placeholder="All year groups",
        ),
        Control(
            "gender",
            "Gender",
            "multiselect",
            [],
            sql="genders",
            options=lambda: vocab.GENDERS + [NR],
            placeholder="All genders",
        ),
        Control(
            "care",
            "Care status (one per child)",
            "multiselect",
            [],
            sql="care_statuses",
            options=lambda: list(vocab.CARE_STATUSES),
            placeholder="All care statuses",
            help="Each child's first status of: looked after, child protection, child in "
            "need, previously looked after.",
        ),
        Control("cin", "Child in need", "choice", ANY, sql="cin", options=lambda: YES_NO),
        Control("cp", "Child protection", "choice", ANY, sql="cp", options=lambda: YES_NO),
        Control("cla", "Looked after", "choice", ANY, sql="cla", options=lambda: YES_NO),
        Control(
            "pla",
            "Previously looked after",
            "choice",
            ANY,
            sql="previously_looked_after",
            options=lambda: YES_NO,
        ),
        Control(
            "placement",
            "Placement status",
            "multiselect",
            [],
            sql="placement_statuses",
            options=lambda: list(vocab.PLACEMENT_STATUSES),
            placeholder="Both",
        ),
        Control(
            "import",
            "Import",
            "choice",
            ANY,
            sql="is_import",
            options=lambda: IMPORT_CHOICES,
            help="An import's EHC plan transferred from another council.",
        ),
        Control("days_from", "Days out from", "number", None, sql="days_out_min", placeholder="0"),
        Control("days_to", "Days out to", "number", None, sql="days_out_max", placeholder="any"),
    ]
}
DEFAULTS: dict[str, object] = {key: c.default for key, c in FILTERS.items()}

# Figures as published take days out in whole bands (core.vocab.DAYS_OUT_BANDS): the sidebar of
# a role that sees only such figures offers these "from" and "to" values, nothing between.
DAYS_FROM_CHOICES = tuple(low for _, low, _ in vocab.DAYS_OUT_BANDS)
DAYS_TO_CHOICES = tuple(high for _, _, high in vocab.DAYS_OUT_BANDS[:-1])
BANDS_WORDS = "; ".join(
    f"{label} ({low} to {high})" if i < len(vocab.DAYS_OUT_BANDS) - 1 else f"{label} ({low}+)"
    for i, (label, low, high) in enumerate(vocab.DAYS_OUT_BANDS)
)


def snap_days(value: int, choices: tuple[int, ...], down: bool) -> int | None:
    """A days-out bound moved to the band edge that holds it (None: beyond the last 'to')."""
    if down:
        return max(c for c in choices if c <= value)
    above = [c for c in choices if c >= value]
    return min(above) if above else None


_IMPORTS = {"Imports only": True, "Not imports": False}


def _yes_no(value) -> bool | None:
    return {"Yes": True, "No": False}.get(value)


def _tuple(values) -> tuple[str, ...]:
    return tuple(str(v) for v in (values or ()))


def filter_from_values(values: Mapping, period: str) -> CohortFilter:
    """The CohortFilter the sidebar's widget values describe (keys as in FILTERS)."""
    age = tuple(values.get("age") or AGE_RANGE)
    age_min, age_max = (None, None) if age == AGE_RANGE else (int(age[0]), int(age[1]))
    days_from, days_to = values.get("days_from"), values.get("days_to")
    fields = {
        c.sql: _tuple(values.get(key)) for key, c in FILTERS.items() if c.kind == "multiselect"
    }
    fields |= {
        c.sql: _yes_no(values.get(key))
        for key, c in FILTERS.items()
        if c.kind == "choice" and key != "import"
    }
    return CohortFilter(
        period=period,
        **fields,
        age_min=age_min,
        age_max=age_max,
        is_import=_IMPORTS.get(values.get("import", ANY)),
        days_out_min=None if days_from is None else int(days_from),
        days_out_max=None if days_to is None else int(days_to),
    )


def values_of(f: CohortFilter) -> dict:
    """The widget values that describe `f` (the inverse of `filter_from_values`)."""
    values: dict = {}
    for key, c in FILTERS.items():
        if c.kind == "multiselect":
            values[key] = list(getattr(f, c.sql))
        elif key == "import":
            values[key] = {True: "Imports only", False: "Not imports"}.get(f.is_import, ANY)
        elif c.kind == "choice":
            values[key] = {True: "Yes", False: "No"}.get(getattr(f, c.sql), ANY)
    narrowed = f.age_min is not None or f.age_max is not None
    low = AGE_RANGE[0] if f.age_min is None else f.age_min
    high = AGE_RANGE[1] if f.age_max is None else f.age_max
    values["age"] = (low, high) if narrowed else AGE_RANGE
    values["days_from"], values["days_to"] = f.days_out_min, f.days_out_max
    return values


def values_from_query(query: Mapping[str, Sequence[str]]) -> dict:
    """Widget values from a URL's parameters, read as the bound widgets read them; a value
    that names no choice is left out (the sidebar says so: pages/common/state.py)."""
    values: dict = {}
    for key, c in FILTERS.items():
        texts = [str(t) for t in query.get(key, [])]
        if not texts:
            continue
        if c.kind == "multiselect":
            picked = [c.read(t) for t in texts]
            values[key] = [p for p in picked if p is not None]
        elif c.kind == "choice":
            choice = c.read(texts[0])
            if choice is not None:
                values[key] = choice
        elif c.kind == "range" and len(texts) == 2 and all(_whole(t) for t in texts):
            values[key] = (int(texts[0]), int(texts[1]))
        elif c.kind == "number" and _whole(texts[0]):
            values[key] = int(texts[0])
    return values


def _whole(text: str) -> bool:
    try:
        return int(text) >= 0
    except ValueError:
        return False


def describe_values(values: Mapping) -> list[str]:
    """The filters in words, with the sidebar's own labels ("District: Thanet, Swale")."""
    parts = []
    for key, c in FILTERS.items():
        value = values.get(key, c.default)
        if value is None or value == c.default:
            continue
        if c.kind == "multiselect":
            if value:
                parts.append(f"{c.label}: {', '.join(str(c.format(v)) for v in value)}")
        elif c.kind == "range":
            if tuple(value) != tuple(c.default):
                parts.append(f"{c.label}: {int(value[0])} to {int(value[1])}")
        elif c.kind == "choice":
            parts.append(f"{c.label}: {str(value).lower()}")
    low, high = values.get("days_from"), values.get("days_to")
    days = range_words(
        DAYS_WORDS, None if low is None else int(low), None if high is None else int(high)
    )
    return parts + ([days] if days else [])


def describe(f: CohortFilter) -> list[str]:
    """The filter in words: the one description of a filter (header, notes, files, pack)."""
    return describe_values(values_of(f))


def narrows(f: CohortFilter) -> bool:
    """True when `f` restricts the cohort (anything but its period)."""
    return f != CohortFilter(period=f.period)


def filter_pairs(values: Mapping) -> list[tuple[str, str]]:
    """(parameter, value) for every sidebar filter not at its default, in the table's order."""
    pairs = []
    for key, c in FILTERS.items():
        value = values.get(key, c.default)
        if value is None or value == c.default or (isinstance(value, list | tuple) and not value):
            continue
        if c.kind == "range" and tuple(value) == tuple(c.default):
            continue
        pairs += [(key, v) for v in c.url_values(value)]
    return pairs


# --- a saved "Link to this view" ------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A saved dashboard view: the page's path, the link's period (or None) and its filter."""

    page: str
    period: str | None
    values: tuple[tuple[str, object], ...]

    def filter_at(self, period: str) -> CohortFilter:
        return filter_from_values(dict(self.values), period)


def parse_view(link: str) -> View:
    """The page, period and cohort filter a "Link to this view" URL describes, read exactly as
    the sidebar's bound widgets read it. ValueError when the text is not a dashboard link."""
    parsed = urlparse(str(link).strip())
    query = parse_qs(parsed.query, keep_blank_values=False)
    if not parsed.query or not any(key in query for key in ("period", *FILTERS)):
        raise ValueError("this is not a dashboard view link: copy one from 'Link to this view'")
    period = (query.get("period") or [None])[0]
    if period is not None and not PERIOD_PATTERN.match(period):
        period = None
    page = parsed.path.strip("/").split("/")[-1] or "overview"
    values = values_from_query(query)
    frozen = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in values.items())
    return View(page=page, period=period, values=frozen)


# The page a chronology was opened from, carried in its link so that its Back link returns to
# the same view: (parameter of the chronology link, the Today control it stands for). Names of
# their own: Streamlit drops a page's bound parameters (today_tier) when another page opens.
BACK_PARAMS = {"from_tier": "today_tier", "from_page": "today_page", "from_view": "today_view"}


def chronology_link(child_id: str, period: str, back: Mapping | None = None) -> str:
    """The chronology page for this child and period (a relative link: same server);
    `back`: Today's choices ({"today_tier": "Watch", ...}, as the URL writes them) for its
    Back link."""
    pairs = {"child": child_id, "period": period}
    for param, key in BACK_PARAMS.items():
        value = (back or {}).get(key)
        if value not in (None, ""):
            pairs[param] = str(value)
    return "chronology?" + urlencode(pairs)
