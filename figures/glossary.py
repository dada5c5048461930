"""The words the dashboard and the briefing pack use, in plain English, in one place: the
Glossary page and the pack's glossary page print the same list.

`terms(db)` adds the definitions that depend on the council's thresholds (act now's window, from
the database's flag settings) to the fixed ones, sorted as a reader looks them up.
"""

from __future__ import annotations

from figures.flag_words import tier_lines
from figures.protect import ABOUT_SAFE, SMALL_MAX
from queries.casework import flags_available
from queries.flag_settings import FlagSettingsMissing, read_flag_settings

TERMS = [
    (
        "EHC plan",
        "Education, health and care plan: a legal document for a child or young "
        "person aged up to 25 with special educational needs, saying what support they must get.",
    ),
    (
        "Out of school",
        "In this dashboard: a child with an EHC plan who has no school or other "
        "placement, or whose provision is not known.",
    ),
    ("No placement", "The child has no school, college or other setting named to attend."),
    (
        "Provision unknown",
        "The child has a placement on record, but the council does not know "
        "whether they are receiving education there.",
    ),
    (
        "Section 19",
        "Section 19 of the Education Act 1996: the council must arrange suitable "
        "full-time education for a child of compulsory school age who would otherwise not "
        "receive it, because of illness, exclusion or otherwise.",
    ),
    (
        "CIN",
        "Child in need: a child assessed by children's social care as needing services "
        "(Children Act 1989, section 17).",
    ),
    ("CP", "Child protection: a child subject to a child protection plan."),
    ("CLA", "Child looked after: a child in the council's care."),
    (
        "Previously looked after",
        "A child who was looked after and left care through adoption, "
        "a special guardianship order or a child arrangements order.",
    ),
    (
        "Care status",
        "One status per child, the first that applies of: looked after, child "
        "protection, child in need, previously looked after.",
    ),
    (
        "Import",
        "A child whose EHC plan was transferred to this council from another council "
        "(for example when the family moved). The council must review an import's plan.",
    ),
    (
        "Primary need",
        "The child's main special educational need, coded as in the DfE school "
        "census and SEN2 return (for example ASD: autistic spectrum disorder).",
    ),
    (
        "SEN support but no specialist assessment (NSA)",
        "A school census code for pupils on SEN "
        "support without a specialist assessment; unexpected for a child with an EHC plan.",
    ),
    ("Annual review", "The yearly review of an EHC plan that the council must hold."),
    (
        "Census date",
        "The date a monthly snapshot describes: the last day of the month. Ages, "
        "year groups and days out of school are worked out at this date.",
    ),
    ("Reporting period", "The month a snapshot describes, written year-month (2026-10)."),
    (
        "Snapshot",
        "The extract of the case-management system for one month, loaded into the dashboard.",
    ),
    (
        "Days out of school",
        "Days from the date the child left school (or placement) to the census date.",
    ),
    ("Term", "A school term (autumn, spring, summer), from the council's term dates."),
    (
        "Consultation",
        "The council asking a school or setting whether it can meet a child's "
        "needs before naming it in the plan.",
    ),
    (
        "Flag",
        "A reason a child may need action, worked out from the snapshot and the casework "
        "log (for example Section 19 provision due); the Today page explains each.",
    ),
    (
        "Out of sight",
        "Provision unknown and looked after, on a child protection plan or a "
        "child in need: the children the service knows least about.",
    ),
    (
        "Cost of delay (indicative)",
        "Terms of education lost, priced at the range of remedies "
        "the Local Government and Social Care Ombudsman has recommended: a range, not an "
        "estimate of what the council will pay.",
    ),
    (
        "Synthetic data",
        "Made-up children used to demonstrate the dashboard; marked wherever it is shown.",
    ),
    ("Not recorded", "The extract left this value blank or it could not be read."),
]

_SAFE = ABOUT_SAFE.removeprefix("Figures as published: ")

# The statistical and publishing words of the pack and the context pages.
TERMS += [
    (
        "c",
        f"A count of 1 to {SMALL_MAX} children, hidden in figures as published so that no "
        "child can be picked out (a true 0 is shown as 0). What would be worked out from it (a "
        "share, a change, a rate) is hidden too and shown as a dash.",
    ),
    (
        "Figures as published",
        _SAFE[:1].upper() + _SAFE[1:],
    ),
    (
        "Censored",
        "A child still out of school when the data end (or last seen out before a month "
        "missing from the records): their time to return is known to be at least as long as "
        "the time seen, not how long it will be. The time-to-return figures count them up to "
        "then rather than leaving them out, which would make returns look quicker.",
    ),
    (
        "95% interval",
        "The range the true value is likely to lie in, given how many children the figure "
        "rests on: if the same figure were worked out again and again from data like these, "
        "95 ranges in 100 would hold it. Two groups whose intervals do not overlap differ by "
        "more than chance.",
    ),
    (
        "Statistical neighbour",
        "One of the councils the DfE's children's services statistical neighbour "
        "benchmarking tool finds most like this one (by population, deprivation and other "
        "measures); comparing with them is fairer than with England as a whole.",
    ),
    (
        "Rate per 100 plans",
        "Children out of school for every 100 children with an EHC plan in the same group, so "
        "groups of different sizes can be compared.",
    ),
    (
        "Ratio to share of plans",
        "A group's share of the children out of school divided by its share of the children "
        "with a plan: above 1, the group is out of school more than its size alone explains.",
    ),
    (
        "Median",
        "The middle value: half the children are above it and half below. Shown only for "
        "groups large enough that it cannot describe one child.",
    ),
    (
        "Time to return",
        "How long children stay out of school before they are back in education, from each "
        "spell out of school; the median is the time by which half have returned.",
    ),
    (
        "Threshold",
        "A level or a rise the council set in config/briefing_thresholds.toml, with its "
        "reason: a figure that crosses one is listed first in the briefing pack, as a decision "
        "for the meeting.",
    ),
    (
        "Previous extract",
        "The month loaded before this one: changes 'since the previous extract' compare the "
        "two, with the same filters.",
    ),
]
ACT_NOW = (
    "Today's first tier: a child out of sight, or whose statutory clock (section 19 "
    "provision, the annual review, an imported plan's review) has passed or is about to."
)


def terms(db=None) -> tuple[tuple[str, str], ...]:
    """(term, meaning) pairs in alphabetical order, act now's from the database's thresholds."""
    act_now = ACT_NOW  # a database published before the flags: the words without numbers
    try:
        if flags_available(db):
            line = tier_lines(read_flag_settings(db), None)["act_now"]
            act_now = "Today's first tier: " + line[:1].lower() + line[1:]
    except FlagSettingsMissing:
        pass
    found = [*TERMS, ("Act now", act_now)]
    return tuple(sorted(found, key=lambda t: t[0].lower()))
