"""Attacks on figures as published, as a viewer who sees aggregates only (a senior leader),
through the figures layer: every value attacked is one a page or the pack shows, read from the
`Figure`, `Headlines` or `Frame` the figures layer returns for `Audience.published()`.

The viewer knows the method and the shipped perturbation table (README, "Disclosure control"),
not the secret behind the record keys. From each shown value they know only the true counts
that can show it (tests/disclosure_attack.py's `bounds_of`), and they try to recover a true
count of 1 to 5:

(a) complements of every filter a senior leader can set: the page header's count for all
    children minus every other value's; two values of a filter (refused: one value or all);
(b) margins of every table shown for one filter set: integer programming over each cross-tab
    with its totals, the one-way breakdowns, the header count, the headline "more than a
    term" (a union of days-out bands), the coarser cross-tabs (age bands over ages, areas of
    need over needs) and, for a small row or column, each cell asked for on its own (a filter
    of two conditions: the zeros a wider table would give away);
(c) medians: none for a group under 10 (headline, flags, time to return);
(d) windows: days out and ages only on whole bands;
(e) rates and shares: a rate, share or ratio shown with its denominator gives back only the
    numerator as shown, and none is shown beside a hidden one;
(f) time to return: numbers at risk and the data-problems counts, differenced across groups
    and filters;
(g) the pack against the pages: the same cell shows one value.

Demo data (1,500 children a month, four months: time to return needs some history) with a
fixed secret, so every run attacks the same figures. Expected: 0 true counts of 1 to 5
recovered (run with -s for the figures).
"""

from __future__ import annotations

import dataclasses
import itertools
import re

import duckdb
import pandas as pd
import pytest

from briefing.content import collect
from core import vocab
from figures import disclosure as d
from figures.breakdowns import breakdown, crosstab, district_map, trend
from figures.casework import cost_of_delay, flag_by, flag_trend
from figures.cohort import headlines
from figures.frame import frame
from figures.protect import Audience
from figures.rates import overall_values, rates
from figures.survival import time_to_return
from queries import aggregates, runner
from queries import survival as survival_queries
from queries.dimensions import DIMENSIONS
from queries.filters import CohortFilter
from tests.disclosure_attack import (
    bounds_of,
    line_interval,
    naive_estimate,
    pinned_in_line,
    pinned_values,
)

PERIOD = "2026-10"
SECRET = "attack-suite-fixed-secret-".ljust(64, "0")
PUBLISHED = Audience.published()
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
TOTAL = "Total"
C = d.SUPPRESSED


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from data import generate

    path = generate.build_demo_database(
        tmp_path_factory.mktemp("attacks") / "demo.duckdb", children=1500, periods=4, end=PERIOD
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


def _f(**conditions) -> CohortFilter:
    return CohortFilter(PERIOD, **conditions)


# --- what the viewer reads: the figures layer's values for figures as published ---------------


def header(f: CohortFilter, db):
    """The count every page's header shows: children matching the filters."""
    return frame(f, PUBLISHED, db=db).count


def header_bounds(f: CohortFilter, db) -> tuple[int, int]:
    """What the header count tells: a `c` may be a 0 when a wider filter (one condition fewer)
    shows `c` too, which the viewer can see."""
    shown = header(f, db)
    wider_small = any(header(p, db) == C for p in d.parent_filters(d.safe_filter(f)))
    return bounds_of(shown, wider_small)


def headline(f: CohortFilter, key: str, db):
    items = {h.key: h for h in headlines(f, audience=PUBLISHED, db=db).items}
    return items[key].now


def shown_breakdown(f: CohortFilter, dimension: str, db) -> dict:
    """{category: the count as shown} of the Breakdowns page's figure."""
    figure = breakdown(f, dimension, audience=PUBLISHED, db=db)
    chart, table = figure.chart.frame(), figure.table.frame()
    return dict(zip(chart["category"], table["Children"], strict=True))


def shown_crosstab(f: CohortFilter, rows: str, cols: str, db) -> pd.DataFrame:
    """The Cross-tab page's table as shown, indexed by the categories themselves (and Total)."""
    figure = crosstab(f, rows, cols, audience=PUBLISHED, db=db)
    chart, table = figure.chart.frame(), figure.table.frame()
    row_of = dict(zip(chart["row_label"], chart["row_category"], strict=True))
    col_of = dict(zip(chart["col_label"], chart["col_category"], strict=True))
    table = table.set_index(table.columns[0]).rename(columns=col_of)
    table.index = [row_of.get(r, r) for r in table.index]
    return table


def filter_for(dimension: str, category) -> dict | None:
    """The filter conditions asking for one category of a dimension, as a senior leader may
    set them (None: no filter can, e.g. one age, or an age band's Not recorded)."""
    fields = {v: k for k, v in LIST_FIELDS.items()}
    if dimension in fields:
        return {fields[dimension]: (category,)}
    if dimension == "is_import":
        return {"is_import": category == "Import"}
    bands = {"age_band": vocab.AGE_BANDS, "days_out_band": vocab.DAYS_OUT_BANDS}.get(dimension)
    found = [(low, high) for label, low, high in bands or () if label == category]
    if not found:
        return None
    prefix = "age" if dimension == "age_band" else "days_out"
    return {f"{prefix}_min": found[0][0], f"{prefix}_max": found[0][1]}


def filter_values(db) -> dict[str, list]:
    options = aggregates.filter_options(db=db)
    values = {field: options[dimension] for field, dimension in LIST_FIELDS.items()}
    values.update({flag: [True, False] for flag in FLAG_FIELDS})
    return values


def _as(field: str, value) -> dict:
    return {field: (value,) if field in LIST_FIELDS else value}


# --- (a) complements of every filter --------------------------------------------------------


def test_complements_of_every_filter_recover_nothing(demo):
    everyone = header(_f(), demo)
    recovered, hidden, naive_hits, naive_tries = [], 0, 0, 0
    for field, values in filter_values(demo).items():
        shown = {v: header(_f(**_as(field, v)), demo) for v in values}
        for v, value in shown.items():
            if value != C:
                continue
            hidden += 1
            true = aggregates.cohort_cell(_f(**_as(field, v)), db=demo)[0]
            low, high = line_interval(everyone, [shown[w] for w in values if w != v])
            if max(low, 1) == min(high, d.SMALL_MAX) and 1 <= true <= d.SMALL_MAX:
                recovered.append((field, v, true))
            guess = naive_estimate(everyone, [shown[w] for w in values if w != v])
            if guess is not None:
                naive_tries += 1
                naive_hits += guess == true
    print(
        f"\n(a) complements: {hidden} hidden filter values; naive differencing (total minus the "
        f"rest, read as true) right for {naive_hits} of {naive_tries}"
    )
    assert hidden > 0  # the attack had something to attack
    assert recovered == []


def test_the_header_count_is_the_breakdowns_cell(demo):
    # the header of a one-value filter and that category's bar are the same children: one value
    for field, dimension in LIST_FIELDS.items():
        bars = shown_breakdown(_f(), dimension, demo)
        for value, bar in bars.items():
            assert str(header(_f(**{field: (value,)}), demo)) == bar, (field, value)


def test_two_values_of_a_filter_are_refused_for_the_published_figures(demo):
    everyone = headlines(_f(), audience=PUBLISHED, db=demo)
    for field, options in filter_values(demo).items():
        if field not in LIST_FIELDS:
            continue
        for pair in itertools.combinations(options[:4], 2):
            f = _f(**{field: pair})
            # (Dover, {HI} + S) - (Dover, S): every S gives the all-values figures, so nothing
            assert headlines(f, audience=PUBLISHED, db=demo).items == everyone.items
            assert header(f, demo) == header(_f(), demo)
            assert frame(f, PUBLISHED, db=demo).problems  # the page says so
            table = breakdown(f, "gender", audience=PUBLISHED, db=demo).table
            assert table == breakdown(_f(), "gender", audience=PUBLISHED, db=demo).table


# --- (b) margins of every table shown for one filter set -------------------------------------


def _coarse(dimension: str, category: str):
    """The coarser category (age band of an age, area of a need) holding `category`."""
    if category == "Not recorded":
        return "Not recorded"
    if dimension == "age":
        found = [label for label, low, high in vocab.AGE_BANDS if low <= int(category) <= high]
        return found[0] if found else None
    return vocab.NEED_AREAS[category]


COARSER = {"age": "age_band", "primary_need": "need_area"}


def attack_margins(f: CohortFilter, rows: str, cols: str, db, cells_alone: bool) -> dict:
    """Integer programming over one cross-tab and every other figure the viewer can put beside
    it for the same filter set. Returns hidden (values shown `c`) and pinned [(name, true,
    found)]; `cells_alone`: also ask for each cell of a small row or column on its own."""
    shown = shown_crosstab(f, rows, cols, db)
    row_names = [r for r in shown.index if r != TOTAL]
    col_names = [c for c in shown.columns if c != TOTAL]
    grand_small = shown.loc[TOTAL, TOTAL] == C
    small_rows = {r for r in row_names if shown.loc[r, TOTAL] == C}
    small_cols = {c for c in col_names if shown.loc[TOTAL, c] == C}
    truth_frame = aggregates.crosstab(d.safe_filter(f), rows, cols, db=db)
    truth = {
        (r, c): int(n)
        for r, c, n in zip(truth_frame["row_category"], truth_frame["col_category"],
                           truth_frame["children"], strict=True)
    }  # fmt: skip
    # where the method hides a 0 too, which the viewer can see: the same cell shown `c` under a
    # wider filter (one condition fewer), or its coarser cell (an age band, an area of need)
    # shown `c`
    wider = [shown_crosstab(p, rows, cols, db) for p in d.parent_filters(d.safe_filter(f))]

    def wider_c(r, c) -> bool:
        return any(r in w.index and c in w.columns and w.loc[r, c] == C for w in wider)

    coarse_tables = []
    for fine, other, fine_is_row in ((rows, cols, True), (cols, rows, False)):
        if fine in COARSER and other != COARSER[fine]:
            pair = (COARSER[fine], other) if fine_is_row else (other, COARSER[fine])
            coarse_tables.append((fine, fine_is_row, shown_crosstab(f, *pair, db)))

    def coarse_c(r, c) -> bool:
        for fine, fine_is_row, wide in coarse_tables:
            key = (_coarse(fine, r), c) if fine_is_row else (r, _coarse(fine, c))
            if key[0] in wide.index and key[1] in wide.columns and wide.loc[key] == C:
                return True
        return False

    bounds = {}
    for r, c in itertools.product(row_names, col_names):
        within = grand_small or r in small_rows or c in small_cols or wider_c(r, c)
        within = within or coarse_c(r, c)
        low, high = bounds_of(shown.loc[r, c], within)
        if cells_alone and (r in small_rows or c in small_cols):
            one, other = filter_for(rows, r), filter_for(cols, c)
            if one is not None and other is not None:
                a_low, a_high = header_bounds(dataclasses.replace(f, **one, **other), db)
                low, high = max(low, a_low), min(high, a_high)
        bounds[(r, c)] = (low, high)
    lines = []

    def line(members, value, within: bool) -> None:
        lines.append((members, *bounds_of(value, within)))

    for r in row_names:
        line([(r, c) for c in col_names], shown.loc[r, TOTAL], grand_small or wider_c(r, TOTAL))
    for c in col_names:
        line([(r, c) for r in row_names], shown.loc[TOTAL, c], grand_small or wider_c(TOTAL, c))
    everything = list(bounds)
    line(everything, shown.loc[TOTAL, TOTAL], wider_c(TOTAL, TOTAL))
    lines.append((everything, *header_bounds(f, db)))
    # the one-way breakdowns of the same filter set: the same children as the margins
    margins = (
        (rows, row_names, lambda v: [(v, c) for c in col_names]),
        (cols, col_names, lambda v: [(r, v) for r in row_names]),
    )
    for dimension, names, member in margins:
        if dimension == "imported_from":  # counted on imports only: the same cells bar one
            continue
        for category, value in shown_breakdown(f, dimension, db).items():
            if category in names:
                line(member(category), value, True)
    # "out of school more than a term": the days-out bands beyond a term, together
    if "days_out_band" in (rows, cols):
        beyond = {b for b, low, _ in vocab.DAYS_OUT_BANDS if low > aggregates.OVER_A_TERM_DAYS}
        members = [(r, c) for r, c in everything if r in beyond or c in beyond]
        line(members, headline(f, "over_a_term", db), grand_small)
    # a coarser cross-tab over the same children: each of its cells a sum of these
    for fine, fine_is_row, wide in coarse_tables:
        for r, c in itertools.product(wide.index, wide.columns):
            if TOTAL in (r, c):
                continue
            band, o = (r, c) if fine_is_row else (c, r)
            members = [
                cell for cell in everything
                if _coarse(fine, cell[0 if fine_is_row else 1]) == band
                and cell[1 if fine_is_row else 0] == o
            ]  # fmt: skip
            if members:
                line(members, wide.loc[r, c], True)
    targets = [((r, c), [(r, c)]) for (r, c) in everything if shown.loc[r, c] == C]
    targets += [((r, TOTAL), [(r, c) for c in col_names]) for r in small_rows]
    targets += [((TOTAL, c), [(r, c) for r in row_names]) for c in small_cols]
    if grand_small:
        targets.append(((TOTAL, TOTAL), everything))
    hidden = int((shown == C).to_numpy().sum())
    pinned = pinned_values(bounds, lines, truth, targets)
    return {"hidden": hidden, "pinned": pinned}


def _filterable(dimension: str, db) -> bool:
    categories = shown_breakdown(_f(), dimension, db)
    return any(filter_for(dimension, c) is not None for c in categories)


def test_margins_of_every_cross_tab_pin_no_small_count(demo):
    pairs = list(itertools.combinations(DIMENSIONS, 2))
    hidden, pinned = 0, []
    for rows, cols in pairs:
        alone = _filterable(rows, demo) and _filterable(cols, demo)
        found = attack_margins(_f(), rows, cols, demo, cells_alone=alone)
        hidden += found["hidden"]
        pinned += [(rows, cols, *p) for p in found["pinned"]]
    small = [p for p in pinned if 1 <= p[3] <= d.SMALL_MAX]
    print(
        f"\n(b) margins, no filter: {len(pairs)} cross-tabs with every figure beside them, "
        f"{hidden} hidden values; {len(pinned)} pinned by integer programming, of which "
        f"{len(small)} hold 1 to 5 (the rest are zeros inside small groups)"
    )
    assert hidden > 1000 and len(pairs) == 78
    assert small == []


SOME_PAIRS = [("gender", "year_group"), ("age", "care_status"), ("days_out_band", "sen_team"),
              ("district", "placement_status"), ("imported_from", "age_band")]  # fmt: skip


@pytest.mark.parametrize(
    "f, pairs",
    [
        (_f(districts=("Dover",)), None),
        (_f(needs=("SEMH",), cla=False), SOME_PAIRS),
    ],
    ids=["Dover, every cross-tab", "SEMH and not looked after, five cross-tabs"],
)
def test_margins_under_a_filter_pin_no_small_count(demo, f, pairs):
    dimensions = [k for k in DIMENSIONS if k not in ("district", "primary_need", "need_area")]
    hidden, small = 0, []
    for rows, cols in pairs or itertools.combinations(dimensions, 2):
        found = attack_margins(f, rows, cols, demo, cells_alone=False)
        hidden += found["hidden"]
        small += [p for p in found["pinned"] if 1 <= p[1] <= d.SMALL_MAX]
    assert hidden > 100
    assert small == []


def test_the_attack_on_collected_zeros_works_and_parents_stop_it():
    # Five children of gender Other, one in each of five year groups (of six): the cross-tab
    # row shows c everywhere with a c total. The gender breakdown filtered to one year group
    # shows the same cell. Hand-made counts and keys: the attack needs no database.
    years = ["Y1", "Y2", "Y3", "Y4", "Y5", "Y6"]
    ones = {"Y1": 1, "Y2": 1, "Y3": 1, "Y4": 1, "Y5": 1, "Y6": 0}
    everyone = pd.DataFrame(
        {"category": ["Female", "Male", "Other"], "children": [40, 50, 5],
         "children_ckey": [1, 2, 3]}
    )  # fmt: skip

    def filtered(year: str, parents) -> object:
        frame_ = pd.DataFrame(
            {"category": ["Female", "Male", "Other"], "children": [7, 8, ones[year]],
             "children_ckey": [4, 5, 6 * ones[year]]}
        )  # fmt: skip
        table = d.protect_long(frame_, parents=parents).table
        return table.set_index("category").loc["Other", "children"]

    for parents, pinned in (([], {**dict.fromkeys(years[:5], 1), "Y6": 0}), ([everyone], {})):
        seen = {}
        for year in years:
            low, high = bounds_of(C, True)  # the cross-tab's row: c in a c row
            o_low, o_high = bounds_of(filtered(year, parents), bool(parents))
            seen[year] = (max(low, o_low), min(high, o_high))
        # without the wider table, Y6's 0 is read and the five 1s are pinned; with it, nothing
        assert pinned_in_line(C, seen) == pinned


# --- (c) medians -------------------------------------------------------------------------------


def test_no_median_for_a_group_under_ten(demo):
    shown = hidden = 0
    for field, options in filter_values(demo).items():
        if field not in ("districts", "needs", "genders", "year_groups", "sen_teams"):
            continue  # the fields with groups both sides of 10
        for v in options:
            f = _f(**_as(field, v))
            median = headline(f, "median_days_out", demo)
            size = aggregates.headline(f, db=demo).set_index("measure")
            size = size.loc["median_days_out", "group_children"]
            if median is None:
                continue
            if median == "not shown":
                hidden += 1
                assert size < d.MEDIAN_MIN_GROUP
            else:
                shown += 1
                assert size >= d.MEDIAN_MIN_GROUP, (field, v, size)
    assert shown > 0 and hidden > 0  # both cases met
    # time to return: no curve or median for a group of fewer than 20 episodes
    back = time_to_return(_f(), "district", audience=PUBLISHED, db=demo)
    summary = survival_queries.survival(_f(), "district", db=demo).summary
    small = set(summary.loc[summary["episodes"] < d.SURVIVAL_MIN_EPISODES, "group"])
    medians = back.figure.table.frame()
    for group, words in zip(medians.iloc[:, 0], medians["Median time to return"], strict=True):
        if group in small:
            assert words.startswith("not shown"), (group, words)


def test_flag_medians_of_small_months_are_not_shown(demo):
    seen_hidden = 0
    for need in aggregates.filter_options(db=demo)["primary_need"]:
        f = _f(needs=(need,))
        table = flag_trend(f, "s19_due", audience=PUBLISHED, db=demo).table.frame()
        raw = runner_flag_months(f, demo)
        for median, group in zip(table["Median days without provision"], raw, strict=True):
            if group < d.MEDIAN_MIN_GROUP:
                assert median is None or pd.isna(median)
                seen_hidden += 1
    assert seen_hidden > 0


def runner_flag_months(f: CohortFilter, db) -> list[int]:
    from figures.periods import year_start
    from queries import casework

    found = casework.flag_by_period(f, year_start(PERIOD, db), PERIOD, "s19_due", db=db)
    return [int(n) for n in found["with_days_without_provision"]]


# --- (d) windows -------------------------------------------------------------------------------


def test_windows_only_on_whole_bands(demo):
    # Dover 0-19 days against 0-20 days: one figure, so their difference says nothing
    a = _f(districts=("Dover",), days_out_min=0, days_out_max=19)
    b = dataclasses.replace(a, days_out_max=20)
    assert header(a, demo) == header(b, demo)
    assert headlines(a, audience=PUBLISHED, db=demo) == headlines(b, audience=PUBLISHED, db=demo)
    assert (
        breakdown(a, "gender", audience=PUBLISHED, db=demo).table
        == breakdown(b, "gender", audience=PUBLISHED, db=demo).table
    )
    assert frame(a, PUBLISHED, db=demo).problems  # the page says the window was widened
    for low in range(0, 400, 13):
        for high in range(low, 420, 17):
            counted = frame(_f(days_out_min=low, days_out_max=high), PUBLISHED, db=demo)
            snapped = d.safe_filter(_f(days_out_min=low, days_out_max=high))
            assert counted.count == header(snapped, demo)
            assert snapped.days_out_min in {lo for _, lo, _ in vocab.DAYS_OUT_BANDS}
    ages = [header(_f(age_min=7, age_max=high), demo) for high in (7, 8, 9, 10)]
    assert len(set(ages)) == 1  # 7 to 7, 7 to 8 ...: all the band 5 to 10


# --- (e) rates and shares ------------------------------------------------------------------------


def _true_rates(f: CohortFilter, dimension: str, db) -> dict:
    from queries import rates as rate_queries

    raw = rate_queries.rates(f, dimension, db=db)
    return dict(zip(raw["category"], raw["children_out"], strict=True))


@pytest.mark.parametrize("f", [_f(), _f(districts=("Dover",))], ids=["all", "Dover"])
def test_a_rate_gives_back_only_the_numerator_as_shown(demo, f):
    checked = hidden = 0
    for dimension in ("district", "primary_need", "gender", "age", "care_status"):
        found = rates(f, dimension, audience=PUBLISHED, db=demo)
        if not found.loaded:
            continue
        chart = found.rate.chart.frame()
        truth = _true_rates(f, dimension, demo)
        ratio = found.ratio.chart.frame()
        for row, ratio_row in zip(chart.itertuples(), ratio.itertuples(), strict=True):
            true = int(truth[row.category])
            if pd.isna(row.children_out) or pd.isna(row.children_with_plan):
                hidden += 1
                # nothing worked out from a hidden count is shown beside it
                for value in (row.rate_per_100, row.rate_low, row.rate_high, ratio_row.ratio,
                              ratio_row.share_out, ratio_row.p_value):  # fmt: skip
                    assert value is None or pd.isna(value), (dimension, row.category)
                continue
            assert true == 0 or true > d.SMALL_MAX  # a shown count is never a true 1 to 5
            if row.children_with_plan and not pd.isna(row.rate_per_100):
                checked += 1
                back = row.rate_per_100 * row.children_with_plan / 100
                assert round(back) == row.children_out  # the numerator as shown, not the true
    assert checked > 0 and hidden > 0
    overall = overall_values(f, audience=PUBLISHED, db=demo)
    if overall.rate is not None:
        assert round(overall.rate * overall.children_with_plan / 100) == overall.children_out


def test_shares_give_back_only_the_counts_as_shown(demo):
    for dimension in ("district", "primary_need", "gender", "year_group"):
        figure = breakdown(_f(), dimension, audience=PUBLISHED, db=demo)
        chart = figure.chart.frame()
        total = header(_f(), demo)  # the breakdown's total is the header's cell
        for row in chart.itertuples():
            if pd.isna(row.children):
                assert pd.isna(row.percent)
            else:
                assert row.percent == pytest.approx(100 * row.children / total)
    shares = district_map(_f(), "Share of the cohort", audience=PUBLISHED, db=demo).chart.frame()
    assert shares.loc[shares["children"].isna(), "value"].isna().all()


# --- (f) time to return: numbers at risk and data problems -------------------------------------


def _at_risk(f: CohortFilter, dimension: str | None, db) -> pd.DataFrame:
    back = time_to_return(f, dimension, audience=PUBLISHED, db=db)
    if back.figure is None:
        return pd.DataFrame()
    return back.at_risk.frame().set_index(back.at_risk.columns[0])


def _problem_counts(f: CohortFilter, db) -> list[str]:
    back = time_to_return(f, None, audience=PUBLISHED, db=db)
    return re.findall(r"(\S+) (?:episodes|children) ", back.problems)


def test_numbers_at_risk_do_not_difference_to_a_small_count(demo):
    # Everyone's number at risk at a time, minus every value's of a filter (each value's curve
    # a figure of its own, drawn when it has 20 episodes or more): when one value is hidden or
    # has no curve, the difference is its number at risk. Shown exactly (only 1 to 5 hidden),
    # this gave back 20 true counts of 1 to 5 on this database (numbers at risk and episodes
    # that cannot be timed); as published, by cell key, none.
    everyone = _at_risk(_f(), None, demo)
    recovered, attacked = [], 0
    for field, values in filter_values(demo).items():
        per = {v: _at_risk(_f(**_as(field, v)), None, demo) for v in values}
        for time in everyone.columns:
            shown = {v: (t.iloc[0][time] if len(t) else None) for v, t in per.items()}
            missing = [v for v, value in shown.items() if value is None or value == C]
            if len(missing) != 1:
                continue
            attacked += 1
            parts = [value for v, value in shown.items() if v not in missing]
            low, high = line_interval(everyone.iloc[0][time], parts)
            counts = survival_queries.survival(_f(**_as(field, missing[0])), None, db=demo)
            true = int(counts.at_risk.iloc[0][time]) if len(counts.at_risk) else 0
            if max(low, 0) == high and 1 <= true <= d.SMALL_MAX:
                recovered.append((field, missing[0], time, true))
    print(f"\n(f) numbers at risk: {attacked} times with one value of a filter missing")
    assert attacked > 10
    assert recovered == []
    # one figure's groups are the same children as each group's own figure: one value
    by_group = _at_risk(_f(), "care_status", demo)
    for group in by_group.index:
        alone = _at_risk(_f(care_statuses=(group,)), None, demo)
        if len(alone):
            assert by_group.loc[group].tolist() == alone.iloc[0].tolist()


def test_data_problem_counts_do_not_difference_to_a_small_count(demo):
    everyone = _problem_counts(_f(), demo)
    recovered = []
    for field, values in filter_values(demo).items():
        shown = {v: _problem_counts(_f(**_as(field, v)), demo) for v in values}
        for i, total in enumerate(everyone):
            parts = [s[i] if i < len(s) else "0" for s in shown.values()]
            hidden = [v for v, p in zip(values, parts, strict=True) if p == C]
            if len(hidden) != 1:
                continue
            low, high = line_interval(total.replace(",", ""), [
                p.replace(",", "") for p in parts if p != C
            ])  # fmt: skip
            if max(low, 1) == min(high, d.SMALL_MAX):
                recovered.append((field, hidden[0], i, low))
    assert recovered == []


# --- (g) the pack against the pages ---------------------------------------------------------------


def test_the_pack_shows_the_pages_values(demo, monkeypatch):
    monkeypatch.setenv("OOS_APP_STORE", str(demo.parent / "app.sqlite"))
    for f in (_f(), _f(districts=("Dover",))):
        pack = collect(PERIOD, cohort_filter=f, db=demo)
        page = headlines(f, audience=PUBLISHED, with_year=True, db=demo)
        assert pack.headlines == page
        for section in pack.breakdowns:
            assert section.figure == breakdown(f, section.key, audience=PUBLISHED, db=demo)
        assert (
            pack.districts.figure.table
            == breakdown(f, "district", audience=PUBLISHED, db=demo).table
        )
        # every count of the pack's tables, the same cell as the pages' (the header and the
        # breakdowns): the pack's total is the header's
        assert pack.frame.count == header(f, demo)
        totals = {h.key: h.now for h in pack.headlines.items}
        assert totals["total"] == header(f, demo)
        placement = shown_breakdown(f, "placement_status", demo)
        assert str(totals["no_placement"]) == placement["No placement"]
        assert str(totals["provision_unknown"]) == placement["Provision unknown"]


def test_the_same_children_show_the_same_value_whichever_figure_reaches_them(demo):
    no_placement = vocab.PLACEMENT_STATUSES[0]
    routes = {
        "headline": headline(_f(), "no_placement", demo),
        "breakdown": shown_breakdown(_f(), "placement_status", demo)[no_placement],
        "cross-tab column total": shown_crosstab(_f(), "district", "placement_status", demo).loc[
            TOTAL, no_placement
        ],
        "header of the filter": header(_f(placement_statuses=(no_placement,)), demo),
        "trend": trend(_f(), "placement_status", "2026-09", PERIOD, audience=PUBLISHED, db=demo)
        .table.frame()
        .set_index("Category")
        .iloc[0, 1],
    }
    assert len({str(v) for v in routes.values()}) == 1, routes


def test_one_district_cell_shows_one_value_on_every_page(demo):
    # The children of each district under a filter of two conditions, one of them a small
    # need: the zeros inside its small districts are hidden alike on Breakdowns, the map,
    # Rates, the Service page's flag and cost tables (else one page's 0 would say which of
    # another's `c` are empty).
    f = _f(needs=("MLD",), genders=("Female",))
    cells = shown_breakdown(f, "district", demo)
    true = aggregates.breakdown(f, "district", db=demo).set_index("category")["children"]
    # met: a 0 shown c (its district holds 1 to 5 children with MLD), and shown numbers
    assert C in {cells[k] for k, n in true.items() if n == 0}
    assert any(v not in (C, "0") for v in cells.values())
    routes = {
        "map": district_map(f, audience=PUBLISHED, db=demo).table.frame(),
        "flag": flag_by(f, "district", "s19_due", audience=PUBLISHED, db=demo).table.frame(),
        "cost": cost_of_delay(f, audience=PUBLISHED, db=demo).figure.table.frame(),
        "rates": rates(f, "district", audience=PUBLISHED, db=demo).rate.table.frame(),
    }
    for name, table in routes.items():
        column = "Children out of school" if name == "rates" else "Children"
        for district, value in zip(table["District"], table[column], strict=True):
            if district in cells:
                assert str(value) == cells[district], (name, district, value, cells[district])


def test_no_cell_key_reaches_what_is_shown(demo):
    for figure in (
        breakdown(_f(), "district", audience=PUBLISHED, db=demo),
        crosstab(_f(), "district", "gender", audience=PUBLISHED, db=demo),
        rates(_f(), "district", audience=PUBLISHED, db=demo).rate,
        time_to_return(_f(), None, audience=PUBLISHED, db=demo).figure,
    ):
        for table in (figure.table, figure.chart):
            assert not [c for c in table.columns if re.search(r"ckey|rkey", str(c))]
