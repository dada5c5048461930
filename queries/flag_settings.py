"""The case-flag thresholds as the database holds them, as one typed, frozen object.

config/flags.toml is the only place the numbers are written; the loader copies them into the
database's `flag_settings` table (data/flag_settings.py), where the `case_flags` view reads
them. The pages read the SAME table through `read_flag_settings()`, so a page's words ("21
days or more") always match the flags the view computed. There is no copy of the numbers in
code: a database that lacks one raises `FlagSettingsMissing`, and the pages ask for a reload.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from queries import runner


class FlagSettingsMissing(LookupError):
    """The database's flag_settings table lacks a setting (published by an older version)."""


@dataclass(frozen=True)
class FlagSettings:
    """Every threshold the flags, the worklist tiers, the priorities and the cost range use.

    Each field is a config name without its section (flags.s19_days -> s19_days; the mapping
    is CONFIG_NAMES); `rows` keeps every setting with its reason, for the pages' "how it is
    worked out" notes.
    """

    s19_days: int
    stall_days: int
    consultation_chain: int
    annual_review_months: int
    import_months_from_review: int
    import_months_from_transfer: int
    term_share_without_provision: float
    act_now_within_days: int
    recent_max_days: int
    primary_last_year_group: int
    primary_max_age: int
    per_term_low: float
    per_term_high: float
    # (config name, value, reason) of every row of flag_settings, in name order
    rows: tuple[tuple[str, float, str], ...] = ()


# field -> its name in config/flags.toml and the flag_settings table
CONFIG_NAMES = {
    "s19_days": "flags.s19_days",
    "stall_days": "flags.stall_days",
    "consultation_chain": "flags.consultation_chain",
    "annual_review_months": "flags.annual_review_months",
    "import_months_from_review": "flags.import_months_from_review",
    "import_months_from_transfer": "flags.import_months_from_transfer",
    "term_share_without_provision": "flags.term_share_without_provision",
    "act_now_within_days": "worklist.act_now_within_days",
    "recent_max_days": "priority.recent_max_days",
    "primary_last_year_group": "priority.primary_last_year_group",
    "primary_max_age": "priority.primary_max_age",
    "per_term_low": "cost.per_term_low",
    "per_term_high": "cost.per_term_high",
}


def read_flag_settings(db=None) -> FlagSettings:
    """The database's thresholds (flags_settings.sql); FlagSettingsMissing if one is absent."""
    frame = runner.run("flags_settings", db=db)
    values = {r.name: (float(r.value), str(r.reason)) for r in frame.itertuples(index=False)}
    missing = [name for name in CONFIG_NAMES.values() if name not in values]
    if missing:
        raise FlagSettingsMissing(
            "The database's flag settings lack " + ", ".join(missing) + ": it was published by "
            "an earlier version. Load the next extract (or the casework log) again."
        )
    kinds = {f.name: f.type for f in fields(FlagSettings)}
    typed = {
        field: (int if kinds[field] == "int" else float)(values[name][0])
        for field, name in CONFIG_NAMES.items()
    }
    rows = tuple((name, value, reason) for name, (value, reason) in sorted(values.items()))
    return FlagSettings(**typed, rows=rows)
