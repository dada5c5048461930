"""One set of names for each case flag, priority and worklist tier.

The key of each entry is the column's name in the `case_flags` view (data/sql/case_flags.sql),
in the count queries (fragments/flag_counts.sql) and in the worklist (fragments/worklist.sql);
the figures layer, its words (figures/flag_words.py) and the exports all take their labels from
here, so a flag is called the same thing wherever it appears. Pure constants: no database.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Name:
    """How people read one flag, priority or tier."""

    label: str  # full name, for tables, menus and exports
    short: str  # for a card or a chart title


# The flags counted by flags_by_period / flags_by_category, in the order the pages list them.
FLAGS: dict[str, Name] = {
    "out_of_sight": Name("Out of sight (provision unknown and CLA, CP or CIN)", "Out of sight"),
    "s19_due": Name("Section 19 provision due", "Section 19 provision due"),
    "repeated_offer": Name(
        "Same provider offered again after refusing", "Offered again after refusing"
    ),
    "consultation_chain": Name("Long chain of consultations", "Long consultation chains"),
    "stalled": Name("No action recorded recently", "No recent action"),
    "annual_review_overdue": Name("Annual review overdue", "Annual review overdue"),
    "import_review_due": Name("Imported plan review due", "Imported plan review due"),
    "records_disagree": Name(
        "Records disagree (provision unknown, yet casework shows provision started)",
        "Records disagree",
    ),
}
PRIORITIES: dict[str, Name] = {
    "priority_recent": Name("Out of school less than a term", "Recently out of school"),
    "priority_primary": Name("Primary age or younger", "Primary age or younger"),
    "priority_looked_after": Name("Looked after", "Looked after"),
    "priority_previously_looked_after": Name("Previously looked after", "Previously looked after"),
}

# Today's worklist tiers (fragments/worklist.sql), in their order.
TIERS: dict[str, Name] = {
    "act_now": Name("Act now", "Act now"),
    "new_this_month": Name("New this month", "New this month"),
    "watch": Name("Watch", "Watch"),
}
