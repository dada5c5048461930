"""Category labels, natural orders and colours for every breakdown dimension.

One place decides how a category is named and coloured, so "Provision unknown" or "Looked after
(CLA)" has the same colour on every page. Colours come from the Analysis Function's accessible
categorical palette (afcharts). A dimension with more than six categories gets one colour for
all its bars: a rainbow of near-identical hues helps nobody, and the axis labels carry the names.
"""

from __future__ import annotations

from afcharts.af_colours import get_af_colours

from core import vocab

CATEGORICAL = get_af_colours("categorical")  # #12436D, #28A197, #801650, #F46A25, #3D3D3D, #A285D1
SINGLE = CATEGORICAL[0]  # dark blue: the one colour of a many-category chart
GREY = "#BFBFBF"  # 'Not recorded' and 'None': present but not a finding
NOT_RECORDED = vocab.NOT_RECORDED

# Human labels of the dimensions, used when the query layer's DIMENSIONS is not at hand.
DIMENSION_LABELS = {
    "age": "Age",
    "age_band": "Age band",
    "gender": "Gender",
    "year_group": "Year group",
    "primary_need": "Primary need",
    "need_area": "Broad area of need",
    "district": "District",
    "care_status": "Care status",
    "placement_status": "Placement status",
    "imported_from": "Imported from",
    "days_out_band": "Time out of school",
    "sen_team": "SEN team",
    "is_import": "Import",
}

# Dimensions whose categories have an order (drawn as columns left to right, youngest first).
ORDINAL = {"age", "age_band", "year_group", "days_out_band"}

NEED_AREAS = list(dict.fromkeys(area for _, _, area in vocab.NEEDS))

# Every category of each closed dimension, in natural order. Colours are assigned from these
# full lists, never from the categories a filter happens to leave, so colours stay put.
NATURAL_ORDER: dict[str, list[str]] = {
    "age": [str(n) for n in range(0, 26)] + [NOT_RECORDED],
    "age_band": [label for label, _, _ in vocab.AGE_BANDS] + [NOT_RECORDED],
    "gender": vocab.GENDERS + [NOT_RECORDED],
    "year_group": vocab.YEAR_GROUPS + [NOT_RECORDED],
    "primary_need": vocab.NEED_CODES + [NOT_RECORDED],
    "need_area": NEED_AREAS + [NOT_RECORDED],
    "district": vocab.DISTRICT_VALUES + [NOT_RECORDED],
    "care_status": list(vocab.CARE_STATUSES),
    "placement_status": list(vocab.PLACEMENT_STATUSES),
    "days_out_band": [label for label, _, _ in vocab.DAYS_OUT_BANDS] + [NOT_RECORDED],
    "is_import": ["Import", "Not an import"],
}

# Fixed colours where a category recurs across pages as a series (stacked areas, cross-tabs).
FIXED_COLOURS: dict[str, dict[str, str]] = {
    "placement_status": {"No placement": CATEGORICAL[0], "Provision unknown": CATEGORICAL[3]},
    "is_import": {"Import": CATEGORICAL[0], "Not an import": CATEGORICAL[3]},
    "care_status": {
        "Looked after (CLA)": CATEGORICAL[0],
        "Child protection (CP)": CATEGORICAL[1],
        "Child in need (CIN)": CATEGORICAL[2],
        "Previously looked after": CATEGORICAL[3],
        "None": GREY,
    },
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
