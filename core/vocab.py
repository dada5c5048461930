"""Coded values of the extract contract: the single source for every allow-list.

The loader builds its lookup tables from these lists, the query layer takes its allowed
dimensions from them and the pages take their category order from them, so a category is
spelled, ordered and coloured the same way everywhere.
"""

from __future__ import annotations

import tomllib

from core.paths import PROJECT_ROOT

NOT_RECORDED = "Not recorded"

# DfE school census / SEN2 primary need codes: (code, label, broad area of need).
# Broad areas follow the SEND Code of Practice; DS, OTH and NSA sit outside the four.
NEEDS: list[tuple[str, str, str]] = [
    ("ASD", "Autistic spectrum disorder", "Communication and interaction"),
    ("SLCN", "Speech, language and communication needs", "Communication and interaction"),
    ("SPLD", "Specific learning difficulty", "Cognition and learning"),
    ("MLD", "Moderate learning difficulty", "Cognition and learning"),
    ("SLD", "Severe learning difficulty", "Cognition and learning"),
    ("PMLD", "Profound and multiple learning difficulty", "Cognition and learning"),
    ("SEMH", "Social, emotional and mental health", "Social, emotional and mental health"),
    ("HI", "Hearing impairment", "Sensory and/or physical"),
    ("VI", "Vision impairment", "Sensory and/or physical"),
    ("MSI", "Multi-sensory impairment", "Sensory and/or physical"),
    ("PD", "Physical disability", "Sensory and/or physical"),
    ("DS", "Down syndrome", "Other"),
    ("OTH", "Other difficulty/disability", "Other"),
    ("NSA", "SEN support but no specialist assessment of type of need", "Other"),
]
NEED_CODES = [code for code, _, _ in NEEDS]
NEED_LABELS = {code: label for code, label, _ in NEEDS}
NEED_AREAS = {code: area for code, _, area in NEEDS}
# Other spellings the contract accepts besides each code and its label.
NEED_ALIASES = {"visual impairment": "VI", "autism": "ASD"}

# Kent's twelve districts with their ONS codes (E07000105 to E07000116).
DISTRICTS: list[tuple[str, str]] = [
    ("Ashford", "E07000105"),
    ("Canterbury", "E07000106"),
    ("Dartford", "E07000107"),
    ("Dover", "E07000108"),
    ("Gravesham", "E07000109"),
    ("Maidstone", "E07000110"),
    ("Sevenoaks", "E07000111"),
    ("Folkestone and Hythe", "E07000112"),
    ("Swale", "E07000113"),
    ("Thanet", "E07000114"),
    ("Tonbridge and Malling", "E07000115"),
    ("Tunbridge Wells", "E07000116"),
]
DISTRICT_NAMES = sorted(name for name, _ in DISTRICTS)
OUT_OF_COUNTY = "Out of county"
DISTRICT_VALUES = DISTRICT_NAMES + [OUT_OF_COUNTY]
# Shepway was renamed Folkestone and Hythe in 2018; old systems still export it.
DISTRICT_ALIASES = {"shepway": "Folkestone and Hythe"}

GENDERS = ["Female", "Male", "Other"]
GENDER_ALIASES = {
    "f": "Female",
    "female": "Female",
    "m": "Male",
    "male": "Male",
    "other": "Other",
    "non-binary": "Other",
    "non binary": "Other",
    "nonbinary": "Other",
    "not known": NOT_RECORDED,
}

PLACEMENT_STATUSES = ["No placement", "Provision unknown"]

# Natural order of year groups, youngest first.
YEAR_GROUPS = ["Early years", "N1", "N2", "R"] + [f"Year {n}" for n in range(1, 15)] + ["Post-19"]

# One care status per child for charts: the first of these that applies. A child with none
# is "No care status": never "None", which pandas (and so many a council analyst's script)
# reads back from a CSV as a blank.
NO_CARE_STATUS = "No care status"
CARE_STATUSES = [
    "Looked after (CLA)",
    "Child protection (CP)",
    "Child in need (CIN)",
    "Previously looked after",
    NO_CARE_STATUS,
]

TRUE_WORDS = ["y", "yes", "true", "1"]
FALSE_WORDS = ["n", "no", "false", "0"]

EVENT_TYPES = [
    "consultation",
    "consultation_declined",
    "offer",
    "offer_declined",
    "offer_withdrawn",
    "provision_started",
    "provision_ended",
    "plan_amended",
    "annual_review",
    "tribunal",
    "note",
]
PROVISION_TYPES = ["School place", "Tuition", "Alternative provision", "EOTAS package", "Other"]

# Bands used by the breakdowns; (label, lowest value, highest value) inclusive.
AGE_BANDS = [
    ("Under 5", 0, 4),
    ("5 to 10", 5, 10),
    ("11 to 15", 11, 15),
    ("16 to 18", 16, 18),
    ("19 to 25", 19, 25),
]


def _term_days() -> int:
    """Days in a school term, as config/flags.toml writes it once: priority.recent_max_days
    ('less than a term'). The bands below and the priority agree because both read it."""
    with open(PROJECT_ROOT / "config" / "flags.toml", "rb") as handle:
        return int(tomllib.load(handle)["priority"]["recent_max_days"]["value"])


TERM_DAYS = _term_days()  # 97
# Term k ends on day k x (TERM_DAYS + 1) - 1 (days 0 to 97, 98 to 195, 196 to 293).
DAYS_OUT_BANDS = [
    ("Under 4 weeks", 0, 27),
    ("4 weeks to 1 term", 28, TERM_DAYS),
    ("1 to 2 terms", TERM_DAYS + 1, 2 * (TERM_DAYS + 1) - 1),
    ("2 to 3 terms", 2 * (TERM_DAYS + 1), 3 * (TERM_DAYS + 1) - 1),
    ("Over 3 terms", 3 * (TERM_DAYS + 1), 100000),
]
