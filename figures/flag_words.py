"""The sentences that explain the case flags, the worklist tiers, the priorities and the cost of
delay, written from the figures the queries returned.

Pure: no database, no streamlit (tests/test_flags_words.py tests it with hand-made rows). The
flags' names come from queries/flags.py, their thresholds from the database's settings
(queries/flag_settings.py), so a sentence here never restates a number kept elsewhere. Free
text from the casework log (a provider's name) is tidied onto one line; pages show it as plain
text, never as markup.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence

from core.dates import as_date, is_missing
from figures.format import fmt_int
from queries.flag_settings import FlagSettings
from queries.flags import FLAGS, PRIORITIES


def day_words(value, census: dt.date | None = None) -> str:
    """'3 March' when in the census date's year, else '3 March 2023'."""
    day = as_date(value)
    if day is None:
        return "an unknown date"
    text = f"{day.day} {calendar.month_name[day.month]}"
    return text if census is not None and day.year == census.year else f"{text} {day.year}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _tidy(text) -> str:
    """Free text on one line with single spaces (it is shown as plain text, never markup)."""
    return " ".join(str(text).split())


def term_rule(values: FlagSettings) -> str:
    """When a term counts as a term without provision, in words (config/flags.toml)."""
    share = values.term_share_without_provision
    words = "half" if share == 0.5 else f"{share:.0%}"
    return f"a term counts when the child had no provision for more than {words} of it"


def terms_reason(row: Mapping) -> str | None:
    """The terms without provision as one sentence that cannot contradict the days: the days
    count the current gap only, the terms every gap since the child left school (term_rule
    says when a term counts: the list's column help and the chronology say it)."""
    terms = row.get("terms_without_provision")
    if is_missing(terms) or int(terms) <= 0:
        return None
    n = _count(int(terms), "term", "terms")
    days = row.get("days_without_provision")
    if is_missing(days) or int(days) == 0:
        # the flag's own values: provision started after the last gap began
        return f"{n} without provision in earlier gaps, with provision since"
    return f"{n} without provision, counting every gap since leaving school"


def out_of_sight_reason(row: Mapping) -> str:
    """'out of sight: provision unknown and a child in need' (the care status the flag used;
    the extract's care status when the row carries none of the three)."""
    care = [
        label
        for flag, label in (
            ("cla", "looked after"),
            ("cp", "on a child protection plan"),
            ("cin", "a child in need"),
        )
        if row.get(flag)
    ]
    if not care:
        status = row.get("care_status")
        care = [str(status).lower()] if not is_missing(status) and str(status).strip() else []
    return "out of sight: provision unknown" + (" and " + " and ".join(care) if care else "")


def reasons(row: Mapping) -> list[str]:
    """Why a child is on today's list, in words, most urgent first: one sentence per flag,
    from the values the flag itself used.

    `row` holds the case_flags columns of worklist_children.sql (or
    children_needing_action.sql). Pure: no database, no streamlit.
    """
    census = as_date(row.get("census_date"))
    out = []
    if row.get("out_of_sight"):
        out.append(out_of_sight_reason(row))
    if row.get("s19_due") and not is_missing(row.get("days_without_provision")):
        days = _count(int(row["days_without_provision"]), "day", "days")
        since = row.get("no_provision_since")
        out.append(
            f"no provision for {days}"
            + ("" if is_missing(since) else f", since {day_words(since, census)}")
        )
    terms = terms_reason(row)
    if terms:
        out.append(terms)
    if row.get("repeated_offer"):
        provider = _tidy(row.get("repeat_provider") or "the same provider")
        refusal = (
            "it withdrew"
            if row.get("repeat_refusal_type") == "offer_withdrawn"
            else "the family declined it"
        )
        text = (
            f"offered {provider} again on {day_words(row.get('repeat_offer_date'), census)} "
            f"after {refusal} on {day_words(row.get('repeat_refusal_date'), census)}"
        )
        repeats = row.get("repeated_offers")
        if not is_missing(repeats) and int(repeats) > 1:
            text += f" ({int(repeats)} repeated offers in all)"
        out.append(text)
    if row.get("consultation_chain"):
        n = _count(int(row.get("consultations") or 0), "consultation", "consultations")
        since = row.get("out_of_school_since")
        out.append(
            f"{n} since leaving school on {day_words(since, census)}"
            if not is_missing(since)
            else f"{n} recorded"
        )
    if row.get("stalled"):
        days = row.get("days_since_last_event")
        if is_missing(days):
            out.append("no casework recorded")
        else:
            out.append(f"no action for {_count(int(days), 'day', 'days')}")
    if row.get("annual_review_overdue"):
        out.append(
            f"annual review overdue (due {day_words(row.get('annual_review_due_date'), census)})"
        )
    if row.get("import_review_due"):
        out.append(
            "transferred-in plan not reviewed (due by "
            f"{day_words(row.get('import_review_due_date'), census)})"
        )
    if row.get("records_disagree"):
        out.append(
            "records disagree: placement says provision unknown, but casework shows provision "
            f"started on {day_words(row.get('last_provision_started'), census)} (update the "
            "placement status or the casework log)"
        )
    return out


def flag_explanations(row: Mapping, values: FlagSettings) -> list[dict]:
    """Each flag of one child at one census date: its state, the facts, and the rule.

    `row` holds a case_flags row, `values` the database's thresholds. For the chronology's
    "flags explained" table. Pure: no database, no streamlit.
    """
    census = as_date(row.get("census_date"))

    def number(name):
        value = row.get(name)
        return None if is_missing(value) else int(value)

    days = number("days_without_provision")
    since_last = number("days_since_last_event")
    stall = values.stall_days
    return [
        {
            "flag": "Section 19 provision due",
            "raised": bool(row.get("s19_due")),
            "facts": "no dates to count from"
            if days is None
            else f"{_count(days, 'day', 'days')} without provision"
            + (
                f" since {day_words(row.get('no_provision_since'), census)}"
                if days
                else " (provision started after the last gap began)"
            ),
            "rule": f"{values.s19_days} days or more without provision",
        },
        {
            "flag": "Offered again after a refusal",
            "raised": bool(row.get("repeated_offer")),
            "facts": _count(number("repeated_offers") or 0, "repeated offer", "repeated offers"),
            "rule": "an offer from a provider on a later day than that provider's refusal "
            "(declined or withdrawn); the same day does not count",
        },
        {
            "flag": "Long chain of consultations",
            "raised": bool(row.get("consultation_chain")),
            "facts": _count(number("consultations") or 0, "consultation", "consultations")
            + " since leaving school",
            "rule": f"{values.consultation_chain} or more consultations since leaving school",
        },
        {
            "flag": "No action recorded recently",
            "raised": bool(row.get("stalled")),
            "facts": "no casework recorded"
            if since_last is None
            else f"last event {day_words(row.get('last_event_date'), census)}, "
            f"{_count(since_last, 'day', 'days')} before the census date",
            "rule": f"no casework event in the {stall} days up to the census date",
        },
        {
            "flag": "Annual review overdue",
            "raised": bool(row.get("annual_review_overdue")),
            "facts": "no review or plan date recorded"
            if is_missing(row.get("annual_review_due_date"))
            else f"due {day_words(row.get('annual_review_due_date'), census)}",
            "rule": f"more than {values.annual_review_months} months since the last review "
            "(or the plan's issue)",
        },
        {
            "flag": "Imported plan review due",
            "raised": bool(row.get("import_review_due")),
            "facts": "not an import awaiting review"
            if is_missing(row.get("import_review_due_date"))
            else f"due by {day_words(row.get('import_review_due_date'), census)}",
            "rule": "regulation 15: by the later of "
            f"{values.import_months_from_review} months from the last review and "
            f"{values.import_months_from_transfer} months after the transfer",
        },
        {
            "flag": "Terms without provision",
            "raised": bool((number("terms_without_provision") or 0) > 0),
            "facts": _count(number("terms_without_provision") or 0, "term", "terms"),
            "rule": "terms with no provision for more than "
            f"{values.term_share_without_provision:.0%} of their days; the "
            "current term once that share of the whole term has gone",
        },
        {
            "flag": "Out of sight",
            "raised": bool(row.get("out_of_sight")),
            "facts": f"{row.get('placement_status', 'placement not known')}",
            "rule": "provision unknown and looked after, on a child protection plan or a child "
            "in need",
        },
    ]


def reason_text(row: Mapping) -> str:
    """The reasons as one line: 'no provision for 96 days, since 26 March; no action for 41
    days'."""
    return "; ".join(reasons(row))


def gained_words(row: Mapping, since: str) -> str:
    """'gained a flag since September 2026: Section 19 provision due' (the flags named)."""
    names = row.get("gained_flags")
    # a list (or an array, as pandas hands a DuckDB list over); missing for a child not in
    # the earlier snapshot
    listed_names = not isinstance(names, str) and (
        isinstance(names, Sequence) or hasattr(names, "tolist")
    )
    names = [str(n) for n in names] if listed_names else []
    shorts = [FLAGS[n].short for n in names if n in FLAGS]
    if not shorts:
        return f"gained a flag{since}"
    listed = shorts[0] if len(shorts) == 1 else ", ".join(shorts[:-1]) + " and " + shorts[-1]
    return f"gained {'a flag' if len(shorts) == 1 else f'{len(shorts)} flags'}{since}: {listed}"


def worklist_reason_text(row: Mapping, previous: str | None = None) -> str:
    """Why a child is on Today's worklist: what is new (for the new tier), then the reasons.

    `previous` names the period compared with ('September 2026'); `row` holds a
    worklist_children.sql row.
    """
    since = f" since {previous}" if previous else ""
    parts = []
    if row.get("tier") == "new_this_month":
        if row.get("joined_cohort"):
            parts.append(f"joined the cohort{since}")
        elif row.get("gained_flag"):
            parts.append(gained_words(row, since))
    parts.extend(reasons(row))
    return "; ".join(parts) if parts else "no flag"


def tier_lines(values: FlagSettings, previous: str | None) -> dict[str, str]:
    """One line for each worklist tier saying who is in it (fragments/worklist.sql)."""
    window = _count(values.act_now_within_days, "day", "days")
    return {
        "act_now": "Out of sight, or a statutory clock (section 19 provision, annual review, "
        f"imported plan's review) passed or passing within {window} with no action for "
        f"{values.stall_days} days.",
        "new_this_month": (
            f"Joined the cohort or gained a flag since {previous}, and not in act now."
            if previous
            else "Nobody: no earlier period is loaded to compare with."
        ),
        "watch": "The rest that carry a flag, or whose records disagree.",
    }


def flag_help(values: FlagSettings) -> dict[str, str]:
    """One line for each flag saying when it is raised (the cards' tooltips), from the
    database's thresholds: never a repeat of the flag's label."""
    return {
        "out_of_sight": "Provision unknown, and looked after, on a child protection plan or a "
        "child in need.",
        "s19_due": f"No provision for {values.s19_days} days or more (section 19).",
        "repeated_offer": "A provider offered a place again on a later day than it, or the "
        "family, turned an earlier offer down.",
        "consultation_chain": f"{values.consultation_chain} or more consultations since leaving "
        "school.",
        "stalled": f"No casework event in the {values.stall_days} days up to the census date.",
        "annual_review_overdue": f"More than {values.annual_review_months} months since the last "
        "annual review (or the plan's issue).",
        "import_review_due": "A plan transferred from another council not reviewed by the later "
        f"of {values.import_months_from_review} months from its last review and "
        f"{values.import_months_from_transfer} months after the transfer.",
        "records_disagree": "Placement status 'Provision unknown' while the casework log shows "
        "provision started: one of the two records is out of date.",
    }


# Plain names of the settings, for the "how the flags are worked out" notes.
SETTING_NAMES = {
    "flags.s19_days": "Section 19 provision due after (days without provision)",
    "flags.stall_days": "No recent action after (days without a casework event)",
    "flags.consultation_chain": "Long chain of consultations from (consultations)",
    "flags.annual_review_months": "Annual review due every (months)",
    "flags.import_months_from_review": "Imported plan: review within (months of the last review)",
    "flags.import_months_from_transfer": "Imported plan: or within (months of the transfer)",
    "flags.term_share_without_provision": "A term without provision: more than this share of it",
    "worklist.act_now_within_days": "Act now: a statutory clock passing within (days)",
    "priority.recent_max_days": "Recently out of school: at most (days)",
    "priority.primary_last_year_group": "Primary age: up to Year",
    "priority.primary_max_age": "Primary age when the year group is not recorded: up to (age)",
    "cost.per_term_low": "Cost of a term without provision, low (pounds)",
    "cost.per_term_high": "Cost of a term without provision, high (pounds)",
}


def settings_lines(values: FlagSettings, prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
    """(plain name with its value, reason) for each setting whose name starts with a prefix."""
    out = []
    for name, value, reason in values.rows:
        if name.startswith(prefixes):
            shown = f"{value:.0%}" if name.endswith("share_without_provision") else f"{value:g}"
            out.append((f"{SETTING_NAMES.get(name, name)}: {shown}", reason))
    return out


def priority_reasons(row: Mapping, values: FlagSettings) -> list[str]:
    """Which priorities for return a child meets, in words (a children_meeting_priorities row)."""
    out = []
    if row.get("priority_recent"):
        days = row.get("days_out")
        out.append(
            f"out of school {_count(int(days), 'day', 'days')} (at most {values.recent_max_days})"
            if not is_missing(days)
            else PRIORITIES["priority_recent"].label.lower()
        )
    if row.get("priority_primary"):
        year = row.get("year_group")
        if not is_missing(year) and year != "Not recorded":
            out.append(f"{year}: primary age or younger")
        else:
            age = row.get("age")
            age_text = f"age {int(age)}" if not is_missing(age) else "age unknown"
            out.append(f"{age_text}, year group not recorded: primary age or younger")
    if row.get("priority_looked_after"):
        out.append("looked after")
    if row.get("priority_previously_looked_after"):
        out.append("previously looked after")
    return out


def cost_sentence(cost: Mapping[str, int], period_name: str, values: FlagSettings) -> str:
    """The INDICATIVE cost of delay in one plain sentence (figures only, no extract text);
    `cost` is queries.casework.cost_of_delay's answer, its children as the viewer may see them."""
    terms, children = cost["terms"], cost["children_with_terms"]
    low, high = cost["cost_low"], cost["cost_high"]
    return (
        f"{fmt_int(terms)} terms without provision across {fmt_int(children)} children "
        f"in the filtered cohort at {period_name}. At the Ombudsman's usual remedies of "
        f"£{fmt_int(values.per_term_low)} to £{fmt_int(values.per_term_high)} a term, that is "
        f"between £{fmt_int(low)} and £{fmt_int(high)} (rounded outwards to two significant "
        "figures): an indicative range, not an estimate of what the council will pay."
    )
