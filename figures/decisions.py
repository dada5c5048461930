"""What needs deciding: the briefing pack's first page, from the figures the rest of the pack
and a senior leader's pages show.

    deciding(f)   act now and out of sight with their change since the previous extract, the
                  headline count, overdue actions, the largest movements, and every council
                  threshold (config/briefing_thresholds.toml) compared with its figure

Nothing is counted here: each value is the one its own figure function returns for the same
filter and audience (figures/casework.py `worklist`: Today's cards, figures/cohort.py `headlines`
and `movements`, figures/actions.py `overdue`), so page 1 cannot disagree with the page a value
comes from. Changes are worked out from the values shown; a hidden one (`c`) hides its change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from figures import protect
from figures.actions import OverdueAction, overdue
from figures.casework import worklist
from figures.cohort import Movements, headlines, movements
from figures.format import fmt_change, fmt_int, period_label
from figures.periods import previous
from figures.protect import Audience, resolve
from figures.thresholds import FIGURES, Crossing, Threshold, check, read_thresholds
from queries.filters import CohortFilter

HEADLINE_FIGURES = ("children_out_of_school", "no_placement", "provision_unknown", "over_a_term")
_HEADLINE_KEY = {"children_out_of_school": "total"}  # threshold figure -> headline measure


@dataclass(frozen=True)
class Row:
    """One figure of page 1 as shown: now, at the previous extract, and the change."""

    key: str
    label: str
    now: object
    previous: object  # None: no earlier extract (or no earlier value, as for actions)
    change: object


@dataclass(frozen=True)
class Deciding:
    period: str
    previous_period: str | None
    rows: tuple[Row, ...]
    overdue: tuple[OverdueAction, ...]
    movements: Movements
    crossings: tuple[Crossing, ...]

    @property
    def crossed(self) -> tuple[Crossing, ...]:
        return tuple(c for c in self.crossings if c.crossed)

    def value(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def table(self) -> pd.DataFrame:
        """Measure, Now, the previous extract, Change: every value as shown."""
        before = period_label(self.previous_period) if self.previous_period else "Previous"
        return pd.DataFrame(
            {
                "Measure": [r.label for r in self.rows],
                "Now": [fmt_int(r.now) for r in self.rows],
                before: [fmt_int(r.previous) if r.previous is not None else "–" for r in self.rows],
                "Change": [
                    fmt_change(r.change) if r.change is not None else "–" for r in self.rows
                ],
            }
        )


def _change(now, before):
    if before is None:
        return None
    if protect.is_hidden(now) or protect.is_hidden(before):
        return protect.SUPPRESSED
    if isinstance(now, str) or isinstance(before, str):
        return None  # e.g. care status not supplied: nothing to compare
    return now - before


def _today(f: CohortFilter, audience: Audience, db) -> tuple:
    """(act now, out of sight) as Today's tier card and flag card show them."""
    found = worklist(f, audience=audience, db=db)
    cards = {m.key: m.number for m in (*found.tiers, *found.flags)}
    return cards["act_now"], cards["out_of_sight"]


def deciding(
    f: CohortFilter,
    *,
    audience: Audience | None = None,
    db=None,
    store=None,
    today: dt.date | None = None,
    thresholds: tuple[Threshold, ...] | None = None,
) -> Deciding:
    """Page 1 of the pack for `f` as `audience` sees it; `thresholds` default to the council's
    file (read and checked now: a mistake in it raises ThresholdsInvalid)."""
    audience = resolve(audience)
    thresholds = read_thresholds() if thresholds is None else thresholds
    before = previous(f.period, db)
    earlier = f.with_period(before) if before else None
    heads = {h.key: h for h in headlines(f, audience=audience, db=db).items}
    act_now, sight = _today(f, audience, db)
    act_before, sight_before = _today(earlier, audience, db) if earlier else (None, None)
    late = overdue(today, audience=audience, store=store)
    rows = [
        Row("act_now", FIGURES["act_now"], act_now, act_before, _change(act_now, act_before)),
        Row("out_of_sight", FIGURES["out_of_sight"], sight, sight_before,
            _change(sight, sight_before)),
    ]  # fmt: skip
    for key in HEADLINE_FIGURES:
        h = heads[_HEADLINE_KEY.get(key, key)]
        rows.append(Row(key, FIGURES[key], h.now, h.previous, _change(h.now, h.previous)))
    rows.append(Row("overdue_actions", FIGURES["overdue_actions"], len(late), None, None))
    by_key = {r.key: r for r in rows}
    name = period_label(before) if before else None
    crossings = tuple(
        check(t, by_key[t.figure].now, by_key[t.figure].previous, name) for t in thresholds
    )
    return Deciding(
        f.period,
        before,
        tuple(rows),
        late,
        movements(f, 3, audience=audience, db=db),
        crossings,
    )
