"""The case-flag figures: Today's tiers and flags, the priorities for return, the service view.

    worklist(f, mine=...)          Today: the tiers' counts, the worklist's size, the flags;
                                   `mine`: only the children the viewer holds as caseworker
    by_team(f)                     Today for a lead: act now per SEN team, with how many
                                   entered since the previous extract and how many escalate
    view_default(audience)         the view Today opens on: "mine" for a caseworker, "teams"
    priorities(f)                  Priority cases: each priority's count, children by how many
    service(f, flag)               Service: one flag by district and SEN team, month by month,
                                   and the INDICATIVE cost of delay

Every count is counted on the audience's filter: a caseworker's figures hold only their teams'
children, so a tier card and the list under it agree. Protected when published (the Service
page is a page of figures a senior leader reads).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from figures import protect
from figures.breakdowns import breakdown_parents
from figures.cache import figure_cache
from figures.care import CARE_FLAGS, CARE_PRIORITIES, NOT_SUPPLIED, care_status_supplied
from figures.flag_words import cost_sentence, flag_help, settings_lines, term_rule, tier_lines
from figures.format import fmt_date, fmt_int, period_label, plural
from figures.frame import frame
from figures.labels import FLAGS, PRIORITIES, TIERS, category_label, dimension_label
from figures.periods import year_start
from figures.protect import Audience, narrow, resolve
from figures.values import Figure, Metric, Table, options
from figures.words import moved, small_counts_title
from queries import casework
from queries.filters import CohortFilter
from queries.flag_changes import flags_raised_cleared
from queries.flag_settings import read_flag_settings
from trust.viewer import current as current_viewer

__all__ = ["flags_available"]

flags_available = casework.flags_available
COST_SOURCE = (
    "Local Government and Social Care Ombudsman decisions: about £1,600 a term in Surrey's "
    "5.5-term case; about £6,300 a term in a later Kent section 19 case. The per-term range "
    "is set in config/flags.toml."
)


def _shown(counts: dict, name: str, audience: Audience):
    return protect.count(counts[name], audience, counts.get(f"{name}_ckey"))


# Today's two views: a caseworker's own children, or every child of the viewer's reach by team.
VIEWS = {"mine": "Mine", "teams": "By team"}


def view_default(audience: Audience | None = None) -> str:
    """The view Today opens on: a caseworker (a role kept to their teams) works from their own
    children; a lead or a QA officer runs the team meeting from the teams' figures."""
    return "mine" if resolve(audience).teams is not None else "teams"


def my_account() -> str | None:
    """The account the assignments file names the viewer by (None: no one signed in)."""
    viewer = current_viewer()
    return None if viewer is None else viewer.caseworker_account


@dataclass(frozen=True)
class Worklist:
    """Today's figures for the audience."""

    previous_name: str | None
    tiers: tuple[Metric, ...]
    on_list: int  # children on the worklist (the list's length: pupil-level pages only)
    tier_sizes: tuple[tuple[str, int], ...]  # each tier's length, for its page numbers
    records_disagree: int
    summary: str  # 'N of M children are on the worklist at ...; the casework log holds ...'
    flags: tuple[Metric, ...]
    settings: tuple[tuple[str, str], ...]
    disagree_help: str
    # act now's triage: entered since the previous extract, escalate (in act now at two or
    # more extracts in a row), no caseworker named
    triage: tuple[Metric, ...] = ()
    caseworker: str | None = None  # the account whose children these are ("mine"), or None
    # what the list's days and terms count, for their column headings' help
    days_help: str = ""
    terms_help: str = ""

    def size(self, tier: str) -> int:
        return dict(self.tier_sizes)[tier]


def worklist(
    f: CohortFilter, *, mine: bool = False, audience: Audience | None = None, db=None
) -> Worklist:
    """Today's figures; `mine`: only the children the viewer holds as caseworker (their
    account, resolved here, outside the cache, so two caseworkers never share an entry)."""
    account = my_account() if mine else None
    if mine and not account:
        account = NOBODY
    return _worklist(f, account, audience=audience, db=db)


NOBODY = "\x00no account"  # a caseworker value no assignment holds: "mine" of no one


def _triage(counts: dict, audience: Audience, previous_name: str | None) -> tuple[Metric, ...]:
    since = f"since {previous_name}" if previous_name else "(no earlier extract loaded)"
    cards = [
        ("act_now_entered", f"New to act now {since}",
         "In act now at this extract and not at the one before: work on these first."),
        ("act_now_escalate", "Escalate",
         "In act now at this extract and the one before: two or more extracts in a row."),
        ("act_now_unassigned", "Act now, no caseworker named",
         "In act now with only an SEN team as owner: the assignments file names no caseworker."),
    ]  # fmt: skip
    return tuple(
        Metric(key, label, fmt_int(shown := _shown(counts, key, audience)), shown, help=text)
        for key, label, text in cards
    )


@figure_cache
def _worklist(
    f: CohortFilter, caseworker: str | None, *, audience: Audience | None = None, db=None
) -> Worklist:
    audience = resolve(audience)
    g = narrow(f, audience)
    counts = casework.worklist_counts(g, caseworker=caseworker, db=db)
    values = read_flag_settings(db)
    before = counts["previous_period"]
    previous_name = period_label(before) if before else None
    lines = tier_lines(values, previous_name)
    tiers = tuple(
        Metric(
            tier,
            name.label,
            fmt_int(shown := _shown(counts, tier, audience)),
            shown,
            help=lines[tier],
        )  # fmt: skip
        for tier, name in TIERS.items()
    )
    later = counts["events_after_census"]
    fr = frame(f, audience, db=db)
    census = fmt_date(fr.census)
    period_name = period_label(f.period)
    on_list = _shown(counts, "on_list", audience)
    children = _shown(counts, "children", audience)
    summary = (
        f"{fmt_int(on_list)} of {plural(children, 'child', 'children')} "
        f"{'is' if on_list == 1 else 'are'} on the worklist at {period_name}. "
        + (
            f"Flags are worked out at {fmt_date(fr.as_at)}, the date of the SEN2 return loaded "
            f"for {period_name} (statutory clocks pass on the day), and count casework up to "
            "that date only: "
            if fr.as_at and fr.as_at != fr.census
            else f"Flags count casework up to the census date ({census}) only: "
        )
        + (
            f"the casework log holds {plural(later, 'later event', 'later events')} for these "
            f"children (up to {fmt_date(counts['latest_event_date'])}), shown in each child's "
            "row and chronology but not counted in the tiers."
            if later
            else "the casework log holds no later events for these children."
        )
    )
    flag_counts = casework.flags_by_period(g, db=db)
    row = flag_counts.iloc[0] if not flag_counts.empty else pd.Series(dtype="int64")
    helps = flag_help(values)
    cards = [("needs_action", "Any flag", "Children with at least one flag, or out of sight.")]
    cards += [(name, FLAGS[name].short, helps[name]) for name in FLAGS]
    care = care_status_supplied(f.period, db=db)
    flags = tuple(
        Metric(name, label, fmt_int(shown), shown, help=text)
        for name, label, text in cards
        for shown in [
            NOT_SUPPLIED
            if name in CARE_FLAGS and not care
            else protect.count(int(row.get(name, 0) or 0), audience, row.get(f"{name}_ckey"))
        ]
    )
    return Worklist(
        previous_name,
        tiers,
        int(counts["on_list"]),
        tuple((tier, int(counts[tier])) for tier in TIERS),
        int(counts["records_disagree"]),
        summary,
        flags,
        tuple(settings_lines(values, ("flags.", "worklist."))),
        helps["records_disagree"],
        _triage(counts, audience, previous_name),
        caseworker,
        "Days since the child's provision last stopped: the current gap only.",
        "School terms without provision, counting every gap since the child left school "
        f"(not only the current one): {term_rule(values)}.",
    )


@figure_cache
def by_team(f: CohortFilter, *, audience: Audience | None = None, db=None) -> Figure:
    """Today for a lead: per SEN team, act now, how many entered it since the previous extract,
    how many escalate (in act now at two or more extracts in a row), how many in act now have
    no caseworker named, and the other tiers. Teams of the audience's reach only."""
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    data = casework.worklist_by_team(narrow(f, audience), db=db)
    before = casework.worklist_counts(narrow(f, audience), db=db)["previous_period"]
    previous_name = period_label(before) if before else None
    counts = ["act_now", "act_now_entered", "act_now_escalate", "act_now_unassigned",
              "new_this_month", "watch", "on_list", "children"]  # fmt: skip
    # each column is its own count (no team total is the sum of the others); the triage
    # counts lie within act now, so a 0 among 1 to 5 in act now is hidden with them
    shown = protect.long(
        data.rename(columns={"sen_team": "category"}), audience, counts, (),
        total_known=False,
        within={k: "act_now" for k in ("act_now_entered", "act_now_escalate",
                                       "act_now_unassigned")},
    )  # fmt: skip
    since = f"since {previous_name}" if previous_name else "(no earlier extract)"
    table = pd.DataFrame(
        {
            "SEN team": data["sen_team"],
            "Act now": shown.table["act_now"],
            f"New {since}": shown.table["act_now_entered"],
            "Escalate": shown.table["act_now_escalate"],
            "No caseworker": shown.table["act_now_unassigned"],
            "New this month": shown.table["new_this_month"],
            "Watch": shown.table["watch"],
            "On the worklist": shown.table["on_list"],
            "Children": shown.table["children"],
        }
    )
    chart = shown.chart.assign(label=data["sen_team"].astype(str))
    visible = chart.dropna(subset=["act_now"])
    if shown.hidden and (visible.empty or not visible["act_now"].max()):
        title = small_counts_title()
    elif visible.empty or not visible["act_now"].max():
        title = "No child in act now in any team"
    else:
        top = visible["act_now"].max()
        leaders = visible.loc[visible["act_now"] == top, "label"].tolist()
        title = (
            f"Most in act now: {leaders[0]} ({fmt_int(top)})"
            if len(leaders) == 1
            else f"Most in act now: {', '.join(leaders)} ({fmt_int(top)} each)"
        )
    return Figure(
        key="today-teams",
        kind="table",
        title=title,
        caption=fr.caption("Today's worklist by SEN team"),
        about=fr.about(
            "children of the filtered cohort on Today's worklist, by SEN team (the extract's "
            "team; 'Not recorded' when it gave none). Of those in act now: New, in act now at "
            "this extract and not at the previous one; Escalate, in act now at this extract "
            "and at the previous one, so at two or more extracts in a row; No caseworker, the "
            "assignments file names nobody for the child at the as-at date.",
            hidden=shown.hidden,
        ),
        table=Table.of(table),
        chart=Table.of(chart),
        file_name=f"worklist_by_team_{f.period}.csv",
        dimension="sen_team",
        hidden=shown.hidden,
        protected=audience.safe,
    )


# --- priorities for return -------------------------------------------------------------------


@dataclass(frozen=True)
class Priorities:
    cards: tuple[Metric, ...]
    any_priority: int  # the list's length (pupil-level pages only)
    figure: Figure
    care_supplied: bool = True


@figure_cache
def priorities(f: CohortFilter, *, audience: Audience | None = None, db=None) -> Priorities:
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    g = narrow(f, audience)
    values = read_flag_settings(db)
    definitions = {
        "priority_recent": f"out of school {values.recent_max_days} days or fewer (less than "
        "a term)",
        "priority_primary": f"early years to Year {values.primary_last_year_group} (age "
        f"{values.primary_max_age} or under when the year group is not recorded)",
        "priority_looked_after": "looked after (CLA) now",
        "priority_previously_looked_after": "previously looked after",
    }
    counts = casework.priority_counts(g, db=db)
    care = care_status_supplied(f.period, db=db)
    cards = tuple(
        Metric(name, p.label, fmt_int(shown), shown, help=definitions[name])
        for name, p in PRIORITIES.items()
        for shown in [
            _shown(counts, name, audience) if care or name not in CARE_PRIORITIES else NOT_SUPPLIED
        ]
    )
    by_met = casework.children_by_priorities_met(g, db=db)
    shown = protect.long(by_met, audience)
    table = pd.DataFrame(
        {
            "Criteria met": [f"{n} of 4" for n in by_met["met"]],
            "Children": shown.table["children"],
            "Percent": shown.table["percent"].fillna(0.0)
            if not audience.safe
            else shown.table["percent"],
        }
    )
    chart = shown.chart.assign(label=[f"{n} of 4" for n in by_met["met"]])
    any_priority = _shown(counts, "any_priority", audience)
    total = _shown(counts, "children", audience)
    figure = Figure(
        key="priority-met",
        kind="priorities",
        title=f"{fmt_int(any_priority)} of {fmt_int(total)} children meet a priority for return",
        caption=fr.caption("Children by how many of the four priorities for return they meet"),
        about=fr.about(
            "children in the snapshot who match the filters, by how many of the council's four "
            "priorities for returns to education they meet: "
            + "; ".join(f"{PRIORITIES[k].label.lower()}: {v}" for k, v in definitions.items())
            + ".",
            "A child with no 'out of school since' date cannot meet the first priority. The "
            "thresholds are set in config/flags.toml.",
            hidden=shown.hidden,
        ),
        table=Table.of(table),
        chart=Table.of(chart),
        file_name=f"priority_criteria_met_{f.period}.csv",
        hidden=shown.hidden,
        protected=audience.safe,
    )
    return Priorities(cards, int(counts["any_priority"]), figure, care)


# --- the service view ------------------------------------------------------------------------


def _of(chart: pd.DataFrame, part: str, whole: str) -> list:
    """part / whole x 100 from shown values (None when either is hidden or the whole is 0)."""
    return [
        None if pd.isna(p) or pd.isna(w) or not w else 100.0 * float(p) / float(w)
        for p, w in zip(chart[part], chart[whole], strict=True)
    ]


def _most_title(data: pd.DataFrame, column: str, unit: str, place: str) -> str:
    """'Most in Swale (4 children)', or the tied leaders, or none at all."""
    values = data[column].dropna()
    top = values.max() if not values.empty else 0
    if not top:
        return f"None in any {place}"
    leaders = [str(c) for c in data.loc[data[column] == top, "category"]]
    names = leaders[0] if len(leaders) == 1 else ", ".join(leaders[:-1]) + " and " + leaders[-1]
    if len(leaders) > 3:
        names = f"{len(leaders)} {place}s"
    noun = unit[:-1] if top == 1 and unit.endswith("s") else unit
    each = " each" if len(leaders) > 1 else ""
    return f"Most in {names} ({fmt_int(top)} {noun}{each})"


@figure_cache
def flag_by(
    f: CohortFilter, dimension: str, flag: str, *, audience: Audience | None = None, db=None
) -> Figure:
    """One flag by district or SEN team: children, flagged, percent of the category's."""
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    g = narrow(f, audience)
    data = casework.flag_by_category(g, dimension, flag, db=db)
    # the children of each category are the Breakdowns page's cells: zeros hidden alike
    parents = breakdown_parents(
        g, dimension, audience, data,
        lambda p, dim: casework.flag_by_category(p, dim, flag, db=db),
    )  # fmt: skip
    short, label = FLAGS[flag].short, FLAGS[flag].label
    where = dimension_label(dimension)
    # flagged children within the children of each category (a percentage of them)
    # flagged children within the category's children: both counts as shown, the percentage
    # worked out from them
    both = protect.long(data, audience, ["children", "flagged"], (), ["percent"],
                        within={"flagged": "children"}, parents=parents)  # fmt: skip
    flagged = children = both
    if audience.safe:
        both.table["percent"] = both.chart["percent"] = _of(both.chart, "flagged", "children")
    table = pd.DataFrame(
        {
            where: data["category"],
            "Children": children.table["children"],
            short: flagged.table["flagged"],
            "Percent of children": flagged.table["percent"],
        }
    )
    chart = flagged.chart.assign(label=[category_label(dimension, c) for c in data["category"]])
    visible = chart.dropna(subset=["flagged"])
    title = f"{short}: " + (
        _most_title(visible, "flagged", "children", where.lower())
        if not (flagged.hidden and (visible.empty or not visible["flagged"].max()))
        else small_counts_title()
    )
    hidden = flagged.hidden or children.hidden
    return Figure(
        key=f"service-{dimension}",
        kind="flag_bar",
        title=title,
        caption=fr.caption(f"Children flagged '{short}' by {where.lower()}"),
        about=fr.about(
            f"children in the snapshot who match the filters and are flagged '{label}' at the "
            f"census date, by {where.lower()}; the percentage is of the children in that "
            f"{where.lower()}.",
            "Flags are computed from the casework log up to the census date (case_flags view).",
            hidden=hidden,
        ),
        table=Table.of(table),
        chart=Table.of(chart),
        file_name=f"{flag}_by_{dimension}_{f.period}.csv",
        dimension=dimension,
        hidden=hidden,
        protected=audience.safe,
    )


@figure_cache
def flag_trend(f: CohortFilter, flag: str, *, audience: Audience | None = None, db=None) -> Figure:
    """One flag month by month over "the year" (figures/periods.py)."""
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    start = year_start(f.period, db)
    trend = casework.flag_by_period(narrow(f, audience), start, f.period, flag, db=db)
    short, label = FLAGS[flag].short, FLAGS[flag].label
    # each month's count stands alone; its percentage and median go with a hidden count
    both = protect.long(
        trend, audience, ["children", "flagged"], (), ["percent", "median_days_without_provision"],
        total_known=False, within={"flagged": "children"},
    )  # fmt: skip
    flagged = children = both
    medians = both.table["median_days_without_provision"]
    if audience.safe:
        both.table["percent"] = both.chart["percent"] = _of(both.chart, "flagged", "children")
        # an order statistic: only for a month with enough children with days to count
        medians = [
            m if protect.order_statistic_shown(n, audience) else None
            for m, n in zip(medians, trend["with_days_without_provision"], strict=True)
        ]
    table = pd.DataFrame(
        {
            "Period": [period_label(p) for p in trend["period"]],
            "Children": children.table["children"],
            short: flagged.table["flagged"],
            "Percent of children": flagged.table["percent"],
            "Median days without provision": medians,
        }
    )
    values = flagged.chart["flagged"]
    if flagged.hidden and len(trend) > 1:
        title = f"{short}: small monthly counts are hidden"
    elif len(trend) > 1:
        change = int(values.iloc[-1]) - int(values.iloc[0])
        title = f"{short} {moved(change)} since {period_label(trend['period'].iloc[0])}"
    else:
        title = f"{short}: only one period loaded"
    return Figure(
        key="service-trend",
        kind="flag_trend",
        title=title,
        caption=fr.caption(
            f"Children flagged '{short}' each month", f"{period_label(start)} to {fr.period_name}"
        ),
        about=fr.about(
            f"children in each monthly snapshot who match the filters and are flagged '{label}' "
            "at that month's census date.",
            "A child flagged for several months is counted in each of them. The table adds the "
            "median days without provision of the children whose days are known.",
            hidden=flagged.hidden or children.hidden,
        ),
        table=Table.of(table),
        chart=Table.of(flagged.chart.assign(label=short)),
        file_name=f"{flag}_by_month_{start}_to_{f.period}.csv",
        hidden=flagged.hidden or children.hidden,
        protected=audience.safe,
    )


@dataclass(frozen=True)
class CostOfDelay:
    sentence: str  # plain text; the figures in it as the audience may see them
    source: str
    figure: Figure


@figure_cache
def cost_of_delay(f: CohortFilter, *, audience: Audience | None = None, db=None) -> CostOfDelay:
    """The INDICATIVE cost of the filtered cohort's terms without provision, and by district."""
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    g = narrow(f, audience)
    values = read_flag_settings(db)
    low, high = values.per_term_low, values.per_term_high
    cost = casework.cost_of_delay(g, low, high, db=db)
    cost = {
        **cost,
        "children_with_terms": protect.count(cost["children_with_terms"], audience,
                                             cost.get("children_with_terms_ckey")),
    }  # fmt: skip
    shown = casework.terms_by_district(g, low, high, db=db)
    parents = breakdown_parents(
        g, "district", audience, shown,
        lambda p, dim: casework.terms_by_district(p, low, high, db=db),
    )  # fmt: skip
    # terms and their cost belong to the children with terms: hidden with a hidden count
    terms = ["terms_without_provision", "percent", "cost_low", "cost_high"]
    with_terms = protect.long(
        shown, audience, ["children", "children_with_terms"], (), terms,
        within={"children_with_terms": "children"}, parents=parents,
    )  # fmt: skip
    children = with_terms
    table = pd.DataFrame(
        {
            "District": shown["category"],
            "Children": children.table["children"],
            "Children with a term without provision": with_terms.table["children_with_terms"],
            "Terms without provision": with_terms.table["terms_without_provision"],
            "Indicative cost, low (£)": with_terms.table["cost_low"],
            "Indicative cost, high (£)": with_terms.table["cost_high"],
        }
    )
    hidden = children.hidden or with_terms.hidden
    figure = Figure(
        key="service-cost",
        kind="flag_bar",
        title="Terms lost: "
        + _most_title(with_terms.chart, "terms_without_provision", "terms", "district"),
        caption=fr.caption("Terms without provision by district, with an indicative cost range"),
        about=fr.about(
            "school terms (autumn, spring, summer; config/school_terms.csv) in which each child "
            "had no provision for more than half the term, from the casework log and the date "
            "the child left school, up to the census date, added up over the filtered cohort. "
            "The current term counts once more than half of it has passed without provision.",
            f"INDICATIVE. The cost is the terms times £{fmt_int(low)} and times "
            f"£{fmt_int(high)} (config/flags.toml), rounded outwards to two significant figures. "
            f"{COST_SOURCE} Remedies depend on each case; terms before the casework log began "
            "are not counted.",
            hidden=hidden,
        ),
        table=Table.of(table),
        chart=Table.of(with_terms.chart.assign(label=shown["category"].astype(str))),
        file_name=f"terms_without_provision_by_district_{f.period}.csv",
        dimension="district",
        hidden=hidden,
        protected=audience.safe,
        options=options(value="terms_without_provision", value_name="Terms"),
    )
    if protect.is_hidden(cost["children_with_terms"]):
        # the terms of a handful of children, and their cost, would describe them
        sentence = (
            f"The cost of delay is not shown: {protect.SMALL_MAX} or fewer children in the "
            f"filtered cohort had a term without provision at {fr.period_name}."
        )
    else:
        sentence = cost_sentence(cost, fr.period_name, values)
    return CostOfDelay(sentence, COST_SOURCE, figure)


# --- the pack's "acting on the figures" ------------------------------------------------------


@dataclass(frozen=True)
class Act:
    """Flags held, raised and cleared since the previous month, and the two headline counts."""

    figure: Figure
    out_of_sight: object  # children out of sight, as shown
    priority: object  # children meeting a priority for return, as shown


@figure_cache
def act(f: CohortFilter, *, audience: Audience | None = None, db=None) -> Act:
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    g = narrow(f, audience)
    raw = flags_raised_cleared(g, db=db)
    counts = ["held_now", "raised", "cleared"]
    # a child can hold several flags: the rows are not parts of a total
    shown = protect.long(raw.fillna({c: 0 for c in counts}), audience, counts, (),
                         total_known=False)  # fmt: skip
    no_earlier = raw["raised"].isna().to_numpy()
    table = pd.DataFrame(
        {
            "Flag": [FLAGS[flag].label for flag in raw["flag"]],
            "Children now": shown.table["held_now"],
            "Raised this month": [
                None if gone else v for v, gone in zip(shown.table["raised"], no_earlier,
                                                       strict=True)
            ],
            "Cleared this month": [
                None if gone else v for v, gone in zip(shown.table["cleared"], no_earlier,
                                                       strict=True)
            ],
        }
    )  # fmt: skip
    held = dict(zip(raw["flag"], shown.table["held_now"], strict=True))
    out_of_sight = held.get("out_of_sight", 0)
    prio = casework.priority_counts(g, db=db)
    priority = _shown(prio, "any_priority", audience)
    figure = Figure(
        key="act",
        kind="table",
        title=f"{fmt_int(out_of_sight)} children out of sight; {fmt_int(priority)} meet a "
        "priority for return",
        caption="Children holding each case flag at the census date, and flags raised (held "
        "now, not last month) and cleared (held last month, not now, including children who "
        "left the cohort) since the previous month. A child can hold several flags.",
        about=fr.about(
            "children holding each case flag at the census date; raised and cleared compare "
            "with the previous loaded month.",
            hidden=shown.hidden,
        ),
        table=Table.of(table),
        chart=Table(),
        file_name=f"flags_raised_cleared_{f.period}.csv",
        hidden=shown.hidden,
        protected=audience.safe,
    )
    return Act(figure, out_of_sight, priority)
