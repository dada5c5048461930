"""Category labels, natural orders and colours for every breakdown dimension.

The registry of dimensions (queries/dimensions.py) decides how a dimension and its categories
are named and ordered, and which categories keep a colour of their own; this module turns that
into colours, so "Provision unknown" or "Looked after (CLA)" has the same colour on every page.
Colours come from the Analysis Function's accessible categorical palette (afcharts). A dimension
with more than six categories gets one colour for all its bars: a rainbow of near-identical
hues helps nobody, and the axis labels carry the names.
"""

from __future__ import annotations

from afcharts.af_colours import get_af_colours

from core import vocab
from queries.dimensions import SPECS, natural_categories

CATEGORICAL = get_af_colours("categorical")  # #12436D, #28A197, #801650, #F46A25, #3D3D3D, #A285D1
SINGLE = CATEGORICAL[0]  # dark blue: the one colour of a many-category chart
GREY = "#BFBFBF"  # 'Not recorded' and 'None': present but not a finding
NOT_RECORDED = vocab.NOT_RECORDED

# Labels, orders and colour keys come from the one registry (queries/dimensions.py); this
# module only turns its colour keys into the palette's colours.
DIMENSION_LABELS = {key: spec.label for key, spec in SPECS.items()}

# Dimensions whose categories have an order (drawn as columns left to right, youngest first).
ORDINAL = {key for key, spec in SPECS.items() if spec.ordinal}

# Every category of each closed dimension, in natural order. Colours are assigned from these
# full lists, never from the categories a filter happens to leave, so colours stay put.
NATURAL_ORDER: dict[str, list[str]] = {
    key: natural_categories(key) for key, spec in SPECS.items() if spec.categories
}

# Fixed colours where a category recurs across pages as a series (stacked areas, cross-tabs).
FIXED_COLOURS: dict[str, dict[str, str]] = {
    key: {category: GREY if slot < 0 else CATEGORICAL[slot] for category, slot in spec.colour_keys}
    for key, spec in SPECS.items()
    if spec.colour_keys
}


def dimension_label(dimension: str | None) -> str:
    """'primary_need' -> 'Primary need'."""
    if dimension is None:
        return "All children"
    return DIMENSION_LABELS.get(dimension, dimension.replace("_", " ").capitalize())


def category_label(dimension: str | None, value) -> str:
    """The label people read for a stored category value (need codes get their DfE label)."""
    if value is None or (isinstance(value, float) and value != value):
        return NOT_RECORDED
    if dimension == "primary_need" and value in vocab.NEED_LABELS:
        return f"{vocab.NEED_LABELS[value]} ({value})"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def colour_map(dimension: str | None, categories=None) -> dict[str, str]:
    """Category value -> colour for a dimension; same category, same colour on every page.

    Keys are the stored values (need codes, district names); look labels up with
    `category_label`. Dimensions with open-ended categories (SEN team, council of origin) or more
    than six categories get a single colour.
    """
    if dimension is None:
        return {"All": SINGLE}
    if dimension in FIXED_COLOURS:
        return dict(FIXED_COLOURS[dimension])
    full = NATURAL_ORDER.get(dimension)
    if full is None:
        full = [str(c) for c in (categories or [])]
    named = [c for c in full if c != NOT_RECORDED]
    if len(named) > len(CATEGORICAL):
        colours = {c: SINGLE for c in named}
    else:
        colours = dict(zip(named, CATEGORICAL, strict=False))
    colours[NOT_RECORDED] = GREY
    for c in categories or []:  # anything unforeseen still gets a colour
        colours.setdefault(str(c), SINGLE)
    return colours


def uses_single_colour(dimension: str | None, categories=None) -> bool:
    """True when the dimension's bars are drawn in one colour."""
    colours = {v for k, v in colour_map(dimension, categories).items() if k != NOT_RECORDED}
    return len(colours) <= 1
