"""Time to return as published (figures/survival.py): the chance of return by time already out
is worked out again from the returns as shown, and the page's words say so and agree with it.

The chance of returning within a month of `r` returns over `m` child-months is 1 - exp(-r/m)
with the exact Poisson 95% interval, rate chi2(0.025; 2r)/2m to chi2(0.975; 2r + 2)/2m (the
textbook Garwood interval): written out here with scipy's chi2, not taken from the module. The
returns as shown are whole numbers (expected returns, shared between bands, rounded) with
their cell key's noise; a band whose returns are hidden (1 to 5) has no rate.

The database: 800 simulated spells (constant return rate, mean 110 days) seen at 24
month-end censuses (tests/test_survival_simulation.py's generator), with record keys; small
enough that the rates as shown and the exact ones differ in the sentence's whole percents.
"""

from __future__ import annotations

import math
import re

import duckdb
import pytest
from scipy.stats import chi2

from figures.protect import Audience
from figures.survival import hazard
from queries import runner
from queries.filters import CohortFilter
from tests import test_survival_simulation as simulation
from tests.q_fixture import add_disclosure_keys

F = CohortFilter(period=f"{simulation.CENSUSES[-1]:%Y-%m}")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("survival-published") / "sim.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(simulation, "CHILDREN", 800)
        simulation.simulated_database(path, 1.0, 110.0, seed=19)
    con = duckdb.connect(str(path))
    add_disclosure_keys(con)
    con.close()
    runner.clear_cache()
    return path


def by_hand(returns: int, months: float) -> tuple[float, float, float]:
    """(chance, low, high) in percent, from the returns and child-months as shown."""
    low = chi2.ppf(0.025, 2 * returns) / 2 / months if returns else 0.0
    high = chi2.ppf(0.975, 2 * returns + 2) / 2 / months
    return tuple(100 * -math.expm1(-rate) for rate in (returns / months, low, high))


def test_the_published_chance_of_return_is_worked_out_from_the_returns_as_shown(db):
    published = hazard(F, audience=Audience.published(), db=db)
    table = published.figure.table.frame()
    exact = hazard(F, audience=Audience.exact(), db=db).figure.table.frame()
    rated = 0
    for (_, row), (_, true) in zip(table.iterrows(), exact.iterrows(), strict=True):
        returns = row["Returns (estimated)"]
        if returns == "c":  # 1 to 5 returns: hidden, and no rate worked out from them
            assert math.isnan(row["Return within a month (percent)"])
            continue
        returns = int(returns)
        assert row["Child-months at risk"] == true["Child-months at risk"]  # time, not children
        if returns == 0 or not row["Child-months at risk"] > 0:
            continue
        rated += 1
        chance, low, high = by_hand(returns, float(row["Child-months at risk"]))
        assert row["Return within a month (percent)"] == pytest.approx(chance, rel=1e-9)
        assert row["95% interval from (percent)"] == pytest.approx(low, rel=1e-9)
        assert row["95% interval to (percent)"] == pytest.approx(high, rel=1e-9)
    assert rated >= 4  # bands with enough returns to be shown
    # the exact figures are the life table's model rates, not the Poisson ones: the two routes
    # differ, so the test above would notice the exact rates being published
    differs = [
        (p, e)
        for p, e in zip(
            table["Return within a month (percent)"],
            exact["Return within a month (percent)"],
            strict=True,
        )  # fmt: skip
        if not math.isnan(p) and p != pytest.approx(e, rel=1e-6)
    ]
    assert differs
    # the note says how the published rates were made
    about = " ".join(note.text for note in published.figure.about)
    assert "worked out again from the returns as shown (rounded to whole returns)" in about
    assert "exact Poisson interval" in about


def test_the_published_sentence_quotes_the_rates_as_shown(db):
    published = hazard(F, audience=Audience.published(), db=db)
    table = published.figure.table.frame().set_index("Time already out")
    quoted = re.findall(r"(\d+)% for (?:children|those) out ([^,.]+?)(?:,|\.)", published.sentence)
    quoted += [(p, b) for b, p in re.findall(r"out ([^,.(]+?) \((\d+)%\)", published.sentence)]
    assert len(quoted) == 4, published.sentence
    for percent, band in quoted:
        shown = table.loc[band.strip(), "Return within a month (percent)"]
        assert int(percent) == round(shown), (band, percent, shown)
