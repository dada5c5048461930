"""Attacks on figures as published, as a viewer who sees aggregates only (a senior leader).

The viewer knows the method and the shipped perturbation table, not the secret; they try to
recover a true count of 1 to 5 from what the figures show (tests/disclosure_attack.py):

(a) complements of every filter: the total minus every other value's count; and filters of
    two values (the differencing of overlapping subsets), which the role cannot ask for;
(b) margins: integer programming over each cross-tab with its row, column and grand totals
    (the one-way breakdowns and the headline are those totals), unfiltered and under filters;
(c) medians: none shown for a group of under 10 children;
(d) windows: days out and ages only on whole bands, so two windows a day apart are one figure;
(e) the same children reached by different figures show one value (what lets the pack and the
    pages agree).

These run against the query layer and figures/disclosure.py, doing what the figures layer does
for a figure as published (`published_*` below). Demo data (1,500 children a month, two months)
with a fixed secret, so that every run attacks the same figures. Expected: 0 true counts of 1
to 5 recovered; the naive differencing hit rate is printed (run with -s to see it).
"""

from __future__ import annotations

import dataclasses
import itertools
import re

import duckdb
import pytest

from core import vocab
from figures import disclosure as d
from queries import aggregates, casework, runner
from queries.dimensions import DIMENSIONS
from queries.filters import CohortFilter
from tests.disclosure_attack import line_interval, naive_estimate, pinned_cells

PERIOD = "2026-10"
SECRET = "attack-suite-fixed-secret-".ljust(64, "0")
LIST_FIELDS = {
    "districts": "district",
    "needs": "primary_need",
    "year_groups": "year_group",
    "genders": "gender",
    "care_statuses": "care_status",
    "placement_statuses": "placement_status",
    "sen_teams": "sen_team",
}
FLAG_FIELDS = ("cin", "cp", "cla", "previously_looked_after", "is_import")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from data import generate

    path = generate.build_demo_database(
        tmp_path_factory.mktemp("attacks") / "demo.duckdb", children=1500, periods=2, end=PERIOD
    )
    con = duckdb.connect(str(path))
    try:  # the same secret on every run (a real database makes its own at its first publish)
        con.execute("UPDATE disclosure_key SET secret = $s", {"s": SECRET})
        con.execute("UPDATE snapshot SET rkey = record_key(child_id)")
        con.execute("UPDATE caseload_snapshot SET rkey = record_key(child_id)")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    runner.clear_cache()
    yield path
    runner.close_all()


# --- what the figures layer shows (safe mode), simulated on the query layer -----------------


def published_total(f: CohortFilter, db):
    """The headline count as published: the filter made safe, its cell protected."""
    f = d.safe_filter(f)
    n, k = aggregates.cohort_cell(f, db=db)
    parents = [aggregates.cohort_cell(p, db=db)[0] for p in d.parent_filters(f)]
    return d.shown_count(n, k, within_small=any(d.is_small(p) for p in parents))


def published_crosstab(f: CohortFilter, rows: str, cols: str, db):
    """(cells, protected table, parents' protected tables) of a cross-tab as published."""
    f = d.safe_filter(f)
    cells = aggregates.crosstab(f, rows, cols, db=db)
    parent_cells = [aggregates.crosstab(p, rows, cols, db=db) for p in d.parent_filters(f)]
    table = d.protect_matrix(cells, parents=parent_cells).table
    parent_tables = [d.protect_matrix(p).table for p in parent_cells]
    return cells, table, parent_tables


def published_median(f: CohortFilter, db):
    """The headline median of days out as published: a number, or the words saying why not."""
    row = aggregates.headline(d.safe_filter(f), db=db).set_index("measure").loc["median_days_out"]
    return row["value"] if d.order_statistic_shown(row["group_children"]) else d.ABOUT_MEDIAN


def _values(db) -> dict[str, list[str]]:
    options = aggregates.filter_options(db=db)
    return {field: options[dimension] for field, dimension in LIST_FIELDS.items()}


# --- (a) complements of every filter --------------------------------------------------------


def test_complements_of_every_filter_recover_nothing(demo):
    everyone = published_total(CohortFilter(PERIOD), demo)
    recovered, hidden, naive_hits, naive_tries = [], 0, 0, 0
    filters = [(field, values) for field, values in _values(demo).items()]
    filters += [(flag, [True, False]) for flag in FLAG_FIELDS]
    for field, values in filters:
        shown = {
            v: published_total(
                CohortFilter(PERIOD, **{field: (v,) if field in LIST_FIELDS else v}), demo
            )  # fmt: skip
            for v in values
        }
        for v, value in shown.items():
            if value != d.SUPPRESSED:
                continue
            hidden += 1
            true = aggregates.cohort_cell(
                CohortFilter(PERIOD, **{field: (v,) if field in LIST_FIELDS else v}), db=demo
            )[0]
            others = [shown[w] for w in values if w != v]
            low, high = line_interval(everyone, others)
            low, high = max(low, 1), min(high, d.SMALL_MAX)  # what `c` adds
            if low == high and 1 <= true <= d.SMALL_MAX:
                recovered.append((field, v, true))
            guess = naive_estimate(everyone, others)
            if guess is not None:
                naive_tries += 1
                naive_hits += guess == true
    print(
        f"\n(a) complements: {hidden} hidden filter values; naive differencing (total minus the "
        f"rest, read as true) right for {naive_hits} of {naive_tries}"
    )
    assert hidden > 0  # the attack had something to attack
    assert recovered == []


def test_two_values_of_a_filter_are_refused_for_the_published_figures(demo):
    values = _values(demo)
    for field, options in values.items():
        for pair in itertools.combinations(options[:4], 2):
            f = CohortFilter(PERIOD, **{field: pair})
            assert getattr(d.safe_filter(f), field) == ()
            assert d.filter_problems(f)  # the page says so
            # (Dover, {HI} + S) - (Dover, S): every S gives the all-values figure, so nothing
            assert published_total(f, demo) == published_total(CohortFilter(PERIOD), demo)


# --- (b) margins ------------------------------------------------------------------------------


def _naive(cells, table) -> tuple[int, int]:
    """(right, tried): each row or column of a cross-tab with one hidden cell, its total minus
    the other cells as shown, read as if true, against the hidden cell's true count."""
    shown = table.set_index("row_category")
    truth = cells.set_index(["row_category", "col_category"])["children"]
    row_names = [r for r in shown.index if r != "Total"]
    col_names = [c for c in shown.columns if c != "Total"]
    lines = [(shown.loc[r, "Total"], [(r, c) for c in col_names]) for r in row_names]
    lines += [(shown.loc["Total", c], [(r, c) for r in row_names]) for c in col_names]
    right = tried = 0
    for total, line in lines:
        hidden = [cell for cell in line if shown.loc[cell] == d.SUPPRESSED]
        if len(hidden) != 1:
            continue
        guess = naive_estimate(total, [shown.loc[cell] for cell in line if cell != hidden[0]])
        if guess is not None:
            tried += 1
            right += guess == int(truth.get(hidden[0], 0))
    return right, tried


def _over_a_term(f: CohortFilter, db) -> tuple[list[str], object]:
    """The headline "out of school more than a term" as published, and the days-out bands it
    adds up (every band beyond the term): a union the viewer can put beside a cross-tab."""
    head = aggregates.headline(d.safe_filter(f), db=db).set_index("measure")
    shown = d.shown_count(head.loc["over_a_term", "value"], head.loc["over_a_term", "value_ckey"])
    bands = [label for label, low, _ in vocab.DAYS_OUT_BANDS if low > aggregates.OVER_A_TERM_DAYS]
    return bands, shown


def _attack_every_pair(f: CohortFilter, db, pairs) -> tuple[int, list, tuple[int, int]]:
    hidden, pinned, right, tried = 0, [], 0, 0
    over_a_term = _over_a_term(f, db)
    for rows, cols in pairs:
        cells, table, parent_tables = published_crosstab(f, rows, cols, db)
        hidden += int((table == d.SUPPRESSED).to_numpy().sum())
        unions = [over_a_term] if "days_out_band" in (rows, cols) else []
        pinned += pinned_cells(cells, rows, cols, table, parent_tables, unions)
        naive = _naive(cells, table)
        right, tried = right + naive[0], tried + naive[1]
    return hidden, pinned, (right, tried)


def test_margins_of_every_cross_tab_pin_no_small_count(demo):
    pairs = list(itertools.combinations(DIMENSIONS, 2))
    hidden, pinned, (right, tried) = _attack_every_pair(CohortFilter(PERIOD), demo, pairs)
    small = [p for p in pinned if 1 <= p.true <= d.SMALL_MAX]
    print(
        f"\n(b) margins, no filter: {len(pairs)} cross-tabs, {hidden} hidden values; "
        f"{len(pinned)} pinned by integer programming, of which {len(small)} hold 1 to 5 "
        f"(the rest are zeros inside small groups); naive differencing of a line with one "
        f"hidden cell right for {right} of {tried} ({100 * right / max(tried, 1):.0f}%)"
    )
    assert hidden > 1000 and len(pairs) == 78
    assert small == []


@pytest.mark.parametrize(
    "f",
    [
        CohortFilter(PERIOD, districts=("Dover",)),
        CohortFilter(PERIOD, needs=("SEMH",), cla=False),
    ],
    ids=["Dover", "SEMH, not looked after"],
)
def test_margins_under_a_filter_pin_no_small_count(demo, f):
    dimensions = [k for k in DIMENSIONS if k not in ("district", "primary_need", "need_area")]
    pairs = list(itertools.combinations(dimensions, 2))
    hidden, pinned, _ = _attack_every_pair(f, demo, pairs)
    assert hidden > 100
    assert [p for p in pinned if 1 <= p.true <= d.SMALL_MAX] == []


# --- (c) medians -------------------------------------------------------------------------------


def test_no_median_for_a_group_under_ten(demo):
    shown, hidden = 0, 0
    for field, options in _values(demo).items():
        for v in options:
            f = CohortFilter(PERIOD, **{field: (v,)})
            median = published_median(f, demo)
            group = aggregates.headline(f, db=demo).set_index("measure")
            size = group.loc["median_days_out", "group_children"]
            if median == d.ABOUT_MEDIAN:
                hidden += 1
                assert size < d.MEDIAN_MIN_GROUP or size != size
            else:
                shown += 1
                assert size >= d.MEDIAN_MIN_GROUP
    assert shown > 0 and hidden > 0  # both cases met
    # the flags' median (days without provision) has its group too
    row = casework.flags_by_period(CohortFilter(PERIOD, districts=("Dover",)), db=demo).iloc[0]
    assert row["with_days_without_provision"] >= 0


# --- (d) windows -------------------------------------------------------------------------------


def test_windows_only_on_whole_bands(demo):
    starts = {low for _, low, _ in vocab.DAYS_OUT_BANDS}
    ends = {high for _, _, high in vocab.DAYS_OUT_BANDS}
    for low in range(0, 400, 7):
        for high in range(low, 420, 11):
            safe = d.safe_filter(CohortFilter(PERIOD, days_out_min=low, days_out_max=high))
            assert safe.days_out_min in starts
            assert safe.days_out_max in ends or safe.days_out_max is None
    # Dover 0-19 days against 0-20 days: one figure, so their difference says nothing
    a = CohortFilter(PERIOD, districts=("Dover",), days_out_min=0, days_out_max=19)
    b = dataclasses.replace(a, days_out_max=20)
    assert d.safe_filter(a) == d.safe_filter(b)
    assert published_total(a, demo) == published_total(b, demo)
    ages = d.safe_filter(CohortFilter(PERIOD, age_min=7, age_max=9))
    assert (ages.age_min, ages.age_max) == (5, 10)


# --- (e) one cell, one value -------------------------------------------------------------------


def test_the_same_children_show_the_same_value_whichever_figure_reaches_them(demo):
    f = CohortFilter(PERIOD)
    no_placement = vocab.PLACEMENT_STATUSES[0]
    head = aggregates.headline(f, db=demo).set_index("measure")
    routes = {
        "headline": d.shown_count(
            head.loc["no_placement", "value"], head.loc["no_placement", "value_ckey"]
        ),
        "breakdown": d.protect_long(aggregates.breakdown(f, "placement_status", db=demo))
        .table.set_index("category")
        .loc[no_placement, "children"],
        "cross-tab column total": published_crosstab(f, "district", "placement_status", demo)[1]
        .set_index("row_category")
        .loc["Total", no_placement],
        "filtered headline": published_total(
            CohortFilter(PERIOD, placement_statuses=(no_placement,)), demo
        ),
        "trend": d.protect_long(
            aggregates.trend(f, "placement_status", "2026-09", PERIOD, db=demo),
            group_cols=("period",),
        )
        .table.set_index(["period", "category"])
        .loc[(PERIOD, no_placement), "children"],
    }
    assert len(set(routes.values())) == 1, routes
    # and the total: header count, breakdown total, cross-tab grand total
    totals = {
        "header": published_total(f, demo),
        "breakdown": d.protect_long(aggregates.breakdown(f, "district", db=demo)).totals[None],
        "cross-tab": published_crosstab(f, "gender", "year_group", demo)[1]
        .set_index("row_category")
        .loc["Total", "Total"],
    }
    assert len(set(totals.values())) == 1, totals


def test_no_cell_key_reaches_what_is_shown(demo):
    f = CohortFilter(PERIOD)
    for protected in (
        d.protect_long(aggregates.breakdown(f, "district", db=demo)),
        d.protect_matrix(aggregates.crosstab(f, "district", "gender", db=demo)),
    ):
        for frame in (protected.table, protected.chart):
            assert not [c for c in frame.columns if re.search(r"ckey|rkey", str(c))]
