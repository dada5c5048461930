"""What everything a figure shows is called, in which order, and in which colour: written once.

- Dimensions and their categories: from the registry (queries/dimensions.py), so a breakdown,
  a filter summary, a file header and the pack all say "Primary need" and "Autistic spectrum
  disorder (ASD)" the same way.
- Columns of a child's row (the explorer's headings, the data quality page's fields).
- Flags, priorities and worklist tiers: queries/flags.py, re-exported for the screens.
- Colours: the Analysis Function's accessible palette (afcharts), one colour per category on
  every page and in the pack; a dimension with more than six categories gets one colour.
"""

from __future__ import annotations

from afcharts.af_colours import get_af_colours

from core import vocab
from queries.dimensions import (
    DIMENSIONS,
    MAP_DISTRICTS,
    NOT_AN_IMPORT,
    SPECS,
    natural_categories,
)
from queries.flags import FLAGS, PRIORITIES, TIERS

__all__ = [
    "DIMENSIONS",
    "FLAGS",
    "MAP_DISTRICTS",
    "NOT_AN_IMPORT",
    "PRIORITIES",
    "TIERS",
]

NOT_RECORDED = vocab.NOT_RECORDED
ALL_CHILDREN = "All children"
NO_CARE_STATUS = "No care status"  # the label of care status "None" (stored as the extract has it)

CATEGORICAL = get_af_colours("categorical")  # #12436D, #28A197, #801650, #F46A25, #3D3D3D, #A285D1
SEQUENTIAL = get_af_colours("sequential")
SINGLE = CATEGORICAL[0]  # dark blue: the one colour of a many-category chart
GREY = "#BFBFBF"  # 'Not recorded' and 'None': present but not a finding

DIMENSION_LABELS = {key: spec.label for key, spec in SPECS.items()}
# Dimensions whose categories have an order (drawn as columns, left to right, youngest first).
ORDINAL = frozenset(key for key, spec in SPECS.items() if spec.ordinal)

# The columns of a child's row, as headed in lists, files and the data quality page.
COLUMN_LABELS: dict[str, str] = {
    "child_id": "Child ID",
    **{key: DIMENSION_LABELS[key] for key in ("age", "year_group", "gender", "primary_need")},
    **{key: DIMENSION_LABELS[key] for key in ("district", "placement_status", "care_status")},
    "is_import": DIMENSION_LABELS["is_import"],
    "imported_from": DIMENSION_LABELS["imported_from"],
    "days_out": "Days out",
    "out_of_school_since": "Out of school since",
    "sen_team": DIMENSION_LABELS["sen_team"],
    "date_of_birth": "Date of birth",
    "ehcp_issued": "EHC plan issued",
    "last_annual_review": "Last annual review",
    "provision_hours": "Provision hours",
}

# Every category of each closed dimension, in natural order: colours are given from these
# full lists, never from the categories a filter happens to leave, so colours stay put.
NATURAL_ORDER: dict[str, list[str]] = {
    key: natural_categories(key) for key, spec in SPECS.items() if spec.categories
}
FIXED_COLOURS: dict[str, dict[str, str]] = {
    key: {category: GREY if slot < 0 else CATEGORICAL[slot] for category, slot in spec.colour_keys}
    for key, spec in SPECS.items()
    if spec.colour_keys
}


def dimension_label(dimension: str | None) -> str:
    """'primary_need' -> 'Primary need'; None (no breakdown) -> 'All children'."""
    if dimension is None or dimension == "all":
        return ALL_CHILDREN
    return DIMENSION_LABELS.get(dimension, dimension.replace("_", " ").capitalize())


def category_label(dimension: str | None, value) -> str:
    """The label people read for a stored category value (need codes get their DfE label)."""
    if value is None or (isinstance(value, float) and value != value):
        return NOT_RECORDED
    if dimension == "primary_need" and value in vocab.NEED_LABELS:
        return f"{vocab.NEED_LABELS[value]} ({value})"
    if dimension == "care_status" and value == "None":
        return NO_CARE_STATUS  # "None" reads as missing (and pandas reads it as blank)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def short_label(dimension: str | None, value) -> str:
    """A category name short enough for a title: long DfE need labels become their code."""
    if dimension == "primary_need" and value in vocab.NEED_LABELS:
        label = vocab.NEED_LABELS[value]
        return label if len(label.split()) <= 3 else str(value)
    if dimension == "care_status" and value == "None":
        return "no care status"
    return category_label(dimension, value)


def colour_map(dimension: str | None, categories=None) -> dict[str, str]:
    """Category value -> colour; the same category has the same colour on every page.

    Keys are the stored values (need codes, district names). Dimensions with open-ended
    categories (SEN team, council of origin) or more than six categories get one colour.
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


def flag_label(flag: str) -> str:
    return FLAGS[flag].label if flag in FLAGS else str(flag)


def tier_label(tier: str) -> str:
    return TIERS[tier].label if tier in TIERS else str(tier)
