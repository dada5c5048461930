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
import pandas as pd
import pytest

from core import vocab
from figures import disclosure as d
from queries import aggregates, casework, runner
from queries.dimensions import DIMENSIONS
from queries.filters import CohortFilter
from tests.disclosure_attack import (
    bounds_of,
    line_interval,
    naive_estimate,
    pinned_cells,
    pinned_in_line,
)

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


def published_breakdown(f: CohortFilter, dimension: str, db):
    """A one-way breakdown as published: its table, with the zeros of small categories of the
    wider filters hidden too."""
    f = d.safe_filter(f)
    parents = [aggregates.breakdown(p, dimension, db=db) for p in d.parent_filters(f)]
    return d.protect_long(aggregates.breakdown(f, dimension, db=db), parents=parents).table


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


def test_zeros_collected_across_filters_pin_no_small_count(demo):
    # A small category (a primary need of c children, say) broken down by year group shows c
    # in every cell of its row. Its zeros must not be readable elsewhere: the need breakdown
    # filtered to one year group at a time shows the same cell (that need, that year group),
    # so a 0 there would say which cells are empty, and five 1s in a c row are then pinned.
    recovered, small_rows = [], 0
    for rows, cols in [("primary_need", "year_group"), ("primary_need", "district"),
                       ("imported_from", "gender"), ("care_status", "age_band")]:  # fmt: skip
        cells, table, _ = published_crosstab(CohortFilter(PERIOD), rows, cols, demo)
        shown = table.set_index("row_category")
        columns = [c for c in shown.columns if c != "Total"]
        filtered = {
            col: published_breakdown(
                CohortFilter(PERIOD, **_field_for(cols, col)), rows, demo
            ).set_index("category")["children"]
            for col in columns
            if _field_for(cols, col) is not None
        }
        truth = cells.set_index(["row_category", "col_category"])["children"]
        for row in (r for r in shown.index if r != "Total"):
            if shown.loc[row, "Total"] != d.SUPPRESSED:
                continue
            small_rows += 1
            seen = {}
            for col in columns:
                low, high = bounds_of(shown.loc[row, col], True)
                if col in filtered:  # a filter can ask for this column's category
                    o_low, o_high = bounds_of(filtered[col].get(row, 0), True)
                    low, high = max(low, o_low), min(high, o_high)
                seen[col] = (low, high)
            for col, value in pinned_in_line(shown.loc[row, "Total"], seen).items():
                true = int(truth.get((row, col), 0))
                if 1 <= true <= d.SMALL_MAX:
                    recovered.append((rows, row, cols, col, true, value))
    assert small_rows > 0
    assert recovered == []


def test_the_attack_on_collected_zeros_works_and_parents_stop_it():
    # Five children of gender Other, one in each of five year groups (of six): the cross-tab
    # row shows c everywhere with a c total. The gender breakdown filtered to one year group
    # shows the same cell. Hand-made counts and keys: the attack needs no database.
    years = ["Y1", "Y2", "Y3", "Y4", "Y5", "Y6"]
    ones = {"Y1": 1, "Y2": 1, "Y3": 1, "Y4": 1, "Y5": 1, "Y6": 0}
    everyone = pd.DataFrame(
        {
            "category": ["Female", "Male", "Other"],
            "children": [40, 50, 5],
            "children_ckey": [1, 2, 3],
        }  # fmt: skip
    )

    def filtered(year: str, parents) -> object:
        frame = pd.DataFrame(
            {
                "category": ["Female", "Male", "Other"],
                "children": [7, 8, ones[year]],
                "children_ckey": [4, 5, 6 * ones[year]],
            }  # fmt: skip
        )
        table = d.protect_long(frame, parents=parents).table
        return table.set_index("category").loc["Other", "children"]

    for parents, pinned in (([], {**dict.fromkeys(years[:5], 1), "Y6": 0}), ([everyone], {})):
        seen = {}
        for year in years:
            low, high = bounds_of(d.SUPPRESSED, True)  # the cross-tab's row: c in a c row
            o_low, o_high = bounds_of(filtered(year, parents), bool(parents))
            seen[year] = (max(low, o_low), min(high, o_high))
        # without the wider table, Y6's 0 is read and the five 1s are pinned; with it, nothing
        assert pinned_in_line(d.SUPPRESSED, seen) == pinned


def _field_for(dimension: str, value: str) -> dict | None:
    """The filter asking for one category of a dimension (None: no filter can, e.g. an age
    band's Not recorded)."""
    fields = {v: k for k, v in LIST_FIELDS.items()}
    if dimension in fields:
        return {fields[dimension]: (value,)}
    bands = {"age_band": vocab.AGE_BANDS, "days_out_band": vocab.DAYS_OUT_BANDS}[dimension]
    found = [(low, high) for label, low, high in bands if label == value]
    if not found:
        return None
    prefix = "age" if dimension == "age_band" else "days_out"
    return {f"{prefix}_min": found[0][0], f"{prefix}_max": found[0][1]}


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
