"""The cohort's headline figures and its largest movements: the Overview's cards and the pack's
first page, from one function each.

    headlines(f)   every headline measure now, in the previous loaded period and in the same
                   month last year, with the changes worked out from the values shown
    movements(f)   the largest changes since the previous period, in words

Counts are protected for audiences that see figures as published; a median is an order
statistic, shown only for a group of at least MEDIAN_MIN_GROUP children.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.dates import is_missing
from figures import protect
from figures.cache import figure_cache
from figures.care import CARE_MEASURES, NOT_SUPPLIED, care_status_supplied
from figures.format import fmt_number, period_label
from figures.periods import previous, year_ago
from figures.protect import Audience, narrow, resolve
from figures.values import Metric
from figures.words import movement_sentence
from queries import aggregates
from queries.aggregates import HEADLINE_MEASURES, OVER_A_TERM_DAYS
from queries.filters import CohortFilter

MEDIAN = "median_days_out"
HELP = {
    "total": "Every child in the snapshot who matches the filters.",
    "imports": "Children whose EHC plan transferred from another council.",
    "cla": "Children flagged looked after (CLA), whatever their other flags.",
    "cp": "Children flagged as subject to a child protection plan.",
    "cin": "Children flagged as a child in need.",
    MEDIAN: "Half the children have been out of school longer than this. Children with no "
    "'out of school since' date are left out of the median.",
    "over_a_term": f"Out of school for more than {OVER_A_TERM_DAYS} days (about one school "
    "term) at the census date. Children with no 'out of school since' date are not counted.",
}
NOT_SHOWN = "not shown"


@dataclass(frozen=True)
class Headline:
    """One headline measure: its values as shown, and the changes worked out from them."""

    key: str
    label: str
    now: object  # a number, `c` (a protected count), NOT_SHOWN (a median of a small group)
    previous: object  # None: no earlier period loaded
    year_ago: object  # None: the same month last year is not loaded
    change: object  # now - previous from the values shown; `c` when either is hidden
    year_change: object

    @property
    def help(self) -> str:
        return HELP.get(self.key, "")


@dataclass(frozen=True)
class Headlines:
    period: str
    previous_period: str | None
    year_ago_period: str | None
    items: tuple[Headline, ...]
    hidden: bool  # some value is hidden for protection

    def metrics(self) -> tuple[Metric, ...]:
        """The Overview's cards: the value now and its change since the previous period."""
        cards = []
        for h in self.items:
            if h.key in CARE_MEASURES and NOT_SUPPLIED in (h.now, h.previous):
                delta, note = None, "care status not supplied for this period or the one before"
            elif h.previous is None:
                delta, note = None, "no earlier period loaded"
            elif not _number(h.change):
                delta = None
                note = (
                    f"change not shown: fewer than {protect.MEDIAN_MIN_GROUP} children"
                    if NOT_SHOWN in (h.now, h.previous)
                    else "change hidden: a small number"
                )
            else:
                # Plain ASCII sign: st.metric reads a leading "-" as a fall.
                sign = "+" if h.change > 0 else "-" if h.change < 0 else ""
                delta = f"{sign}{fmt_number(abs(h.change))}"
                note = f"since {period_label(self.previous_period)}"
            help_text = h.help
            if h.now == NOT_SHOWN:
                help_text += (
                    f" Not shown: fewer than {protect.MEDIAN_MIN_GROUP} children, and a median "
                    "of so few would describe one of them."
                )
            cards.append(Metric(h.key, h.label, fmt_number(h.now), h.now, delta, note, help_text))
        return tuple(cards)


def _number(value) -> bool:
    return value is not None and not isinstance(value, str) and not is_missing(value)


def _change(now, before):
    if before is None or now is None or NOT_SUPPLIED in (now, before):
        return None
    if not _number(now) or not _number(before):
        return protect.SUPPRESSED
    return now - before


def _values(f: CohortFilter, audience: Audience, db) -> tuple[dict, dict]:
    """({measure: value as shown}, {measure: previous as shown}) for f's period; a care
    status count of a period whose care status was not supplied reads NOT_SUPPLIED."""
    now, before = _shown_values(f, audience, db)
    earlier = previous(f.period, db)
    for measures, period in ((now, f.period), (before, earlier)):
        if period is not None and not care_status_supplied(period, db=db):
            measures.update({m: NOT_SUPPLIED for m in CARE_MEASURES if m in measures})
    return now, before


def is_small(value) -> bool:
    return not is_missing(value) and protect.disclosure.is_small(value)


def _shown_values(f: CohortFilter, audience: Audience, db) -> tuple[dict, dict]:
    frame = aggregates.headline(f, db=db).set_index("measure")
    # a 0 inside a small group is hidden too: the cohort's total, or the same measure under a
    # filter with one condition fewer (protect.wider)
    # (only ever a 0 is hidden so: no query for them when no count is 0)
    counts = frame.drop(index=MEDIAN, errors="ignore")
    columns = [c for c in ("value", "previous") if c in counts.columns]
    zero = any((counts[c] == 0).any() for c in columns)
    # a wider filter's total is read only for a 0 total (two queries fewer otherwise). Not
    # started ahead in threads (protect.Ahead): the Overview's other figures already keep
    # both cores busy beside the headlines, and started ahead they made a senior leader's
    # Overview re-run slower, not faster (6 of 6 fresh processes: README, the fourth run)
    zero_total = any(counts.loc["total", c] == 0 for c in columns)
    wider = [
        aggregates.headline(p, db=db, with_total=zero_total).set_index("measure")
        for p in (protect.wider(f, audience) if zero else [])
    ]
    shown: dict = {"value": {}, "previous": {}}
    for column, out in shown.items():
        if column == "previous" and frame["previous_period"].iloc[0] is None:
            out.update({m: None for m in frame.index})
            continue
        ckeys = frame.get(f"{column}_ckey")
        values = {m: frame.loc[m, column] for m in frame.index}
        for measure, value in values.items():
            if measure == MEDIAN:
                continue
            key = None if ckeys is None else ckeys.get(measure)
            # (read for a 0 only: only a 0 is hidden for the company it keeps)
            within = value == 0 and (
                is_small(frame.loc["total", column])
                or any(is_small(source.loc[measure, column]) for source in wider)
            )
            out[measure] = protect.count(
                None if is_missing(value) else int(value), audience, key, within_small=within
            )
        median = values.get(MEDIAN)
        # the median's group: the children with a days-out value (the query says how many)
        group = "group_children" if column == "value" else "previous_group_children"
        total = frame.loc[MEDIAN, group] if group in frame.columns else values.get("total")
        if is_missing(median):
            out[MEDIAN] = None
        elif protect.order_statistic_shown(total, audience):
            out[MEDIAN] = float(median)
        else:
            out[MEDIAN] = NOT_SHOWN
    return shown["value"], shown["previous"]


@figure_cache
def headlines(
    f: CohortFilter, *, audience: Audience | None = None, with_year: bool = False, db=None
) -> Headlines:
    """The headline measures of `f` for `audience`, with the previous period's (and, with
    `with_year`, the same month last year's) values and changes from the values shown."""
    audience = resolve(audience)
    g = narrow(f, audience)
    now, before = _values(g, audience, db)
    then_period = year_ago(f.period, db) if with_year else None
    then = _values(g.with_period(then_period), audience, db)[0] if then_period else {}
    items = tuple(
        Headline(
            key=measure,
            label=label,
            now=now.get(measure),
            previous=before.get(measure),
            year_ago=then.get(measure) if then_period else None,
            change=_change(now.get(measure), before.get(measure)),
            year_change=_change(now.get(measure), then.get(measure)) if then_period else None,
        )
        for measure, label in HEADLINE_MEASURES.items()
    )
    hidden = any(isinstance(v, str) for h in items for v in (h.now, h.previous, h.year_ago))
    return Headlines(f.period, previous(f.period, db), then_period, items, hidden)


@dataclass(frozen=True)
class Movements:
    period: str
    previous_period: str | None
    sentences: tuple[str, ...]
    left_out: int = 0  # movements not said because an end is hidden


@figure_cache
def movements(
    f: CohortFilter, n: int = 3, *, audience: Audience | None = None, db=None
) -> Movements:
    """The `n` largest changes since the previous loaded period, in words. For an audience
    that sees figures as published, a movement from or to a hidden count is left out."""
    audience = resolve(audience)
    g = narrow(f, audience)
    found = aggregates.largest_movements(g, n, db=db)
    found = found[found["change"] != 0] if not found.empty else found
    sentences, left_out = [], 0
    for _, row in found.iterrows():
        ends = [
            protect.count(int(row[column]), audience, row.get(f"{column}_ckey"))
            for column in ("previous", "current")
        ]
        if any(protect.is_hidden(v) for v in ends):
            left_out += 1
            continue
        shown = {**row.to_dict(), "previous": ends[0], "current": ends[1]}
        shown["change"] = ends[1] - ends[0]
        if shown["change"]:
            sentences.append(movement_sentence(shown))
    return Movements(f.period, previous(f.period, db), tuple(sentences), left_out)
