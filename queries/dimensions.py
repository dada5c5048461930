"""The registry of dimensions: for each, its label, SQL expression over `cohort`, natural
category order, colour keys and the "About this figure" note, defined once.

The queries take the SQL and the order from here; the figures layer (figures/labels.py for
labels and colours, the charts, the words, the breakdown notes, the map) read the same entries,
so a dimension is named, ordered and explained the same way everywhere. Built from
`core/vocab.py` only, so a category is spelled and ordered as the loader writes it. The SQL is
made from code constants (column names and vocabulary words, quoted by `sql_literal`), never
from user input; the runner accepts only these expressions for the `dimension`, `rows` and
`cols` template slots.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import vocab

NOT_RECORDED = vocab.NOT_RECORDED
NOT_AN_IMPORT = "Not an import"
IMPORT = "Import"
ALL = "All"
# Sorted after every other category, whatever the dimension.
LAST_CATEGORIES = [NOT_RECORDED, NOT_AN_IMPORT]


def sql_literal(text: str) -> str:
    """A SQL string literal for a code constant (quotes doubled)."""
    return "'" + str(text).replace("'", "''") + "'"


def _bands(column: str, bands: list[tuple[str, int, int]]) -> str:
    """CASE expression putting `column` into labelled inclusive bands; NULL -> Not recorded.

    A value outside every band also reads Not recorded: the loader already records ages over
    25 and negative days out as not recorded, so nothing else should reach here.
    """
    whens = " ".join(
        f"WHEN {column} BETWEEN {int(low)} AND {int(high)} THEN {sql_literal(label)}"
        for label, low, high in bands
    )
    return f"CASE {whens} ELSE {sql_literal(NOT_RECORDED)} END"


def _mapping(column: str, mapping: dict[str, str]) -> str:
    """CASE expression mapping `column`'s values; anything else -> Not recorded."""
    whens = " ".join(
        f"WHEN {sql_literal(value)} THEN {sql_literal(target)}" for value, target in mapping.items()
    )
    return f"CASE {column} {whens} ELSE {sql_literal(NOT_RECORDED)} END"


def order_expression(column: str, categories: list[str]) -> str:
    """CASE giving each category its position (NULL for others), to sort pupil rows naturally."""
    whens = " ".join(
        f"WHEN {sql_literal(value)} THEN {position}"
        for position, value in enumerate(categories, start=1)
    )
    return f"CASE {column} {whens} END"


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    sql: str  # expression over cohort's columns giving the category (VARCHAR)
    categories: tuple[str, ...]  # natural order
    keep_zero: bool  # list categories with no children (stable chart shape)
    tail: tuple[str, ...] = (NOT_RECORDED,)  # catch-all categories the data may add, last
    # "About this figure": what a breakdown by this dimension counts, and its caveats
    counted: str = ""
    caveats: str = ""
    ordinal: bool = False  # categories have an order (drawn as columns, left to right)
    # category -> slot in the accessible palette, for categories that recur as series on
    # several pages (stacked areas, cross-tabs) and so keep one colour; -1: the grey of
    # "present but not a finding"
    colour_keys: tuple[tuple[str, int], ...] = ()


_AREAS = list(dict.fromkeys(vocab.NEED_AREAS[code] for code in vocab.NEED_CODES))
_AGE_LOW = vocab.AGE_BANDS[0][1]
_AGE_HIGH = vocab.AGE_BANDS[-1][2]

_SPECS = [
    # Ages are listed only to sort them as numbers; a chart of single years shows those found.
    Dimension(
        "age",
        "Age",
        f"coalesce(CAST(age AS VARCHAR), {sql_literal(NOT_RECORDED)})",
        tuple(str(a) for a in range(_AGE_LOW, _AGE_HIGH + 1)),
        False,
        counted="each child's age in whole years at the census date.",
        ordinal=True,
    ),
    Dimension(
        "age_band",
        "Age band",
        _bands("age", vocab.AGE_BANDS),
        tuple(label for label, _, _ in vocab.AGE_BANDS),
        True,
        counted="each child's age band at the census date.",
        ordinal=True,
    ),
    Dimension(
        "gender",
        "Gender",
        "gender",
        tuple(vocab.GENDERS),
        True,
        counted="each child's recorded gender.",
    ),
    Dimension(
        "year_group",
        "Year group",
        "year_group",
        tuple(vocab.YEAR_GROUPS),
        True,
        counted="each child's year group: as recorded, or worked out from the date of birth for "
        "the academic year holding the census date when the extract leaves it blank.",
        ordinal=True,
    ),
    # Needs in the vocabulary's order (communication and interaction first, as the SEND Code of
    # Practice groups them); breakdown(..., by_size=True) sorts them largest first instead.
    Dimension(
        "primary_need",
        "Primary need",
        "primary_need",
        tuple(vocab.NEED_CODES),
        True,
        counted="each child's primary need, using the DfE school census / SEN2 codes and labels.",
    ),
    Dimension(
        "need_area",
        "Broad area of need",
        _mapping("primary_need", vocab.NEED_AREAS),
        tuple(_AREAS),
        True,
        counted="each child's broad area of need (SEND Code of Practice) from the primary need.",
        caveats="Down syndrome, other difficulty and SEN support without assessment sit outside "
        "the four areas and are shown as Other.",
    ),
    Dimension(
        "district",
        "District",
        "district",
        tuple(vocab.DISTRICT_VALUES),
        True,
        counted="the Kent district each child lives in.",
    ),
    # never NULL in the cohort view (the flags default to N; a bad placement is quarantined)
    Dimension(
        "care_status",
        "Care status",
        "care_status",
        tuple(vocab.CARE_STATUSES),
        True,
        (),
        counted="one care status per child: the first that applies of looked after, child "
        "protection, child in need and previously looked after.",
        caveats="A child with several flags is counted once, under the first. Filter on the "
        "flags in the sidebar to count every child with a given flag.",
        colour_keys=(
            ("Looked after (CLA)", 0),
            ("Child protection (CP)", 1),
            ("Child in need (CIN)", 2),
            ("Previously looked after", 3),
            (vocab.NO_CARE_STATUS, -1),
        ),
    ),
    Dimension(
        "placement_status",
        "Placement status",
        "placement_status",
        tuple(vocab.PLACEMENT_STATUSES),
        True,
        (),
        counted="whether each child has no placement or unknown provision.",
        colour_keys=(("No placement", 0), ("Provision unknown", 3)),
    ),
    # Free text in the extract: list what exists, alphabetically, non-imports last.
    Dimension(
        "imported_from",
        "Imported from",
        f"coalesce(imported_from, {sql_literal(NOT_AN_IMPORT)})",
        (),
        False,
        (NOT_AN_IMPORT,),
        counted="imports (children whose EHC plan transferred from another council) by the "
        "council they came from. Only imports are counted, so percentages are shares of the "
        "imports.",
        caveats="Council names are as typed in the extract.",
    ),
    Dimension(
        "days_out_band",
        "Time out of school",
        _bands("days_out", vocab.DAYS_OUT_BANDS),
        tuple(label for label, _, _ in vocab.DAYS_OUT_BANDS),
        True,
        counted="how long each child has been out of school at the census date, in bands; a "
        f"term is taken as {vocab.TERM_DAYS} days.",
        caveats="Children with no 'out of school since' date are shown as Not recorded.",
        ordinal=True,
    ),
    Dimension(
        "sen_team",
        "SEN team",
        "sen_team",
        (),
        False,
        counted="the SEN area team holding each child's case.",
        caveats="Team names are as typed.",
    ),
    Dimension(
        "is_import",
        "Import",
        f"CASE WHEN is_import THEN {sql_literal(IMPORT)} ELSE {sql_literal(NOT_AN_IMPORT)} END",
        (IMPORT, NOT_AN_IMPORT),
        True,
        (),
        counted="whether each child's EHC plan transferred from another council.",
        colour_keys=((IMPORT, 0), (NOT_AN_IMPORT, 3)),
    ),
]

SPECS: dict[str, Dimension] = {spec.key: spec for spec in _SPECS}
DIMENSIONS: dict[str, str] = {spec.key: spec.label for spec in _SPECS}
# Categories of `district` that are places on Kent's map (the rest: out of county, not recorded).
MAP_DISTRICTS: tuple[str, ...] = tuple(vocab.DISTRICT_NAMES)
# The total as a pseudo-dimension (trend with no breakdown).
ALL_SPEC = Dimension("all", "All children", sql_literal(ALL), (ALL,), True, ())


def spec(dimension: str) -> Dimension:
    """The allow-listed dimension `dimension`; ValueError for anything else."""
    if not isinstance(dimension, str) or dimension not in SPECS:
        raise ValueError(
            f"unknown dimension {dimension!r}; choose one of: {', '.join(sorted(SPECS))}"
        )
    return SPECS[dimension]


def natural_categories(dimension: str) -> list[str]:
    """Categories in natural order, with the catch-all categories the data may add at the end.

    For the pages' colour maps and axis orders. imported_from and sen_team are free text: their
    values come from aggregates.filter_options().
    """
    d = spec(dimension)
    return list(d.categories) + [c for c in d.tail if c not in d.categories]
