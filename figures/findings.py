"""The pack's findings in context, in plain sentences: the rate, the groups out of school more
than their share of plans, how long children stay out, and the council among its neighbours.

Each sentence is written from a figure the audience is shown (figures/rates.py, survival.py,
england.py), so none rests on a hidden count: a rate from hidden counts, a median of a small
group or a group's over-representation worked out from hidden counts is left out.
"""

from __future__ import annotations

from figures.cache import figure_cache
from figures.protect import Audience, resolve
from figures.rates import overall_values, rates
from figures.survival import hazard as hazard_of
from figures.survival import time_to_return
from queries.filters import CohortFilter
from queries.published import rank_sentence


@figure_cache
def findings(
    f: CohortFilter, dimension: str = "district", *, audience: Audience | None = None, db=None
) -> tuple[str, ...]:
    audience = resolve(audience)
    sentences = []
    rate = overall_values(f, audience=audience, db=db)
    if rate is None:
        sentences.append(f"No EHC plan caseload is loaded for {f.period}, so no rate can be given.")
    elif rate.rate is not None:
        sentences.append(
            f"{rate.rate:.1f} in every 100 children with an EHC plan are out of school (95% "
            f"interval {rate.low:.1f} to {rate.high:.1f})."
        )
        sentences += list(rates(f, dimension, audience=audience, db=db).sentences)
    back = time_to_return(f, None, audience=audience, db=db)
    if back.figure is not None:
        first = back.figure.table.frame().iloc[0]
        median = str(first["Median time to return"])
        # the words from the table's own cell: '3.4 months (95% interval 0.1 to 3.7)', 'not
        # reached', 'not shown: ...', 'too few followed to estimate'
        sentences.append(
            f"Half of children out of school are back in education within {median}."
            if median.split(" (")[0].endswith(" months")
            else "Fewer than half of children out of school have returned by the end of the data."
            if median == "not reached"
            else "How long children stay out is not shown: too few episodes."
            if median.startswith("not shown")
            else "How long children stay out cannot be estimated: too few children followed."
        )
        sentences.append(hazard_of(f, audience=audience, db=db).sentence)
    sentences.append(rank_sentence(db=db))
    return tuple(sentences)
