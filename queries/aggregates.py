"""Aggregate queries for the pages: counts by category, cross-tabs, trends, headlines.

Every function returns chart-sized results (never a child's row) and takes the database from
`core.paths.resolve_db_path()` when `db` is None. Dimensions are chosen from the allow-list in
`queries/dimensions.py` (DIMENSIONS: key -> label); anything else raises ValueError.

Category order is natural: the vocabulary's order (year groups Early years, N1, N2, R, Year 1
.. Year 14, Post-19; care statuses as vocab; needs in vocab order unless by_size; districts
alphabetically then Out of county), values not in the vocabulary alphabetically after them, and
'Not recorded' / 'Not an import' last. Breakdowns keep the vocabulary's categories with no
children as 0, except age (single years), imported_from and sen_team, which list what exists.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd

from core import vocab
from queries import runner
from queries.dimensions import (
    ALL_SPEC,
    DIMENSIONS,
    LAST_CATEGORIES,
    SPECS,
    Dimension,
    natural_categories,
    spec,
)
from queries.filters import CohortFilter, check_period
from queries.period_dates import care_status_supplied

__all__ = [
    "DIMENSIONS",
    "HEADLINE_MEASURES",
    "breakdown",
    "crosstab",
    "dataset_info",
    "filter_options",
    "headline",
    "largest_movements",
    "list_periods",
    "load_history",
    "natural_categories",
    "not_recorded_share",
    "previous_period",
    "trend",
    "warnings_by_column",
]

for _slot in ("dimension", "rows", "cols"):
    runner.allow_template_values(_slot, [d.sql for d in SPECS.values()])
runner.allow_template_values("dimension", [ALL_SPEC.sql])
runner.allow_template_values("days_out_band", [SPECS["days_out_band"].sql])

# A child out of school for more than this many days has missed more than a term: the top of
# the "4 weeks to 1 term" band (a term is vocab.TERM_DAYS days, set in config/flags.toml).
OVER_A_TERM_DAYS = vocab.TERM_DAYS  # config/flags.toml: priority.recent_max_days

HEADLINE_MEASURES: dict[str, str] = {
    "total": "Children out of school",
    "no_placement": "No placement",
    "provision_unknown": "Provision unknown",
    "imports": "Imports (EHC plan transferred in)",
    "cla": "Looked after (CLA)",
    "cp": "Child protection (CP)",
    "cin": "Child in need (CIN)",
    "median_days_out": "Median days out of school",
    "over_a_term": f"Out of school more than a term (over {OVER_A_TERM_DAYS} days)",
}

# Movements are looked for in these, in this tie-break order.
MOVEMENT_DIMENSIONS: dict[str, str] = {
    "district_placement": "Placement status by district",
    "district": DIMENSIONS["district"],
    "placement_status": DIMENSIONS["placement_status"],
    "primary_need": DIMENSIONS["primary_need"],
    "year_group": DIMENSIONS["year_group"],
    "care_status": DIMENSIONS["care_status"],
    "days_out_band": DIMENSIONS["days_out_band"],
}


def _order_params(d: Dimension, prefix: str = "") -> dict:
    return {
        f"{prefix}categories": list(d.categories),
        f"{prefix}keep_zero": d.keep_zero,
    }


# --- periods and choices -------------------------------------------------------------------


def list_periods(db=None) -> list[str]:
    """Loaded reporting periods, ascending 'YYYY-MM'."""
    return runner.run("periods", db=db)["period"].tolist()


def previous_period(period: str, db=None) -> str | None:
    """The loaded period before `period` (not necessarily the month before), or None."""
    earlier = [p for p in list_periods(db) if p < check_period(period)]
    return earlier[-1] if earlier else None


def window_start(period: str, count: int, db=None) -> str:
    """The first of the last `count` loaded periods that end at `period` (fewer when fewer are
    loaded): where a trend of `count` points starts."""
    upto = [p for p in list_periods(db) if p <= check_period(period)]
    return upto[max(0, len(upto) - int(count))] if upto else period


def filter_options(db=None) -> dict[str, list[str]]:
    """Choices for each filter field, keyed by dimension name, in natural order.

    The vocabulary's values always, plus any other value in the data (e.g. 'Not recorded');
    sen_team and imported_from list what the data holds. Also 'period': loaded periods.
    """
    found = runner.run("filter_values", db=db)
    options: dict[str, list[str]] = {}
    for field in (
        "district",
        "primary_need",
        "year_group",
        "gender",
        "care_status",
        "placement_status",
        "sen_team",
        "imported_from",
    ):
        d = SPECS[field]
        values = found.loc[found["field"] == field, "value"].tolist()
        listed = list(d.categories)
        extra = sorted(v for v in values if v not in listed and v not in LAST_CATEGORIES)
        last = [v for v in LAST_CATEGORIES if v in values and v not in listed]
        options[field] = listed + extra + last
    options["period"] = list_periods(db)
    return options


# --- breakdowns ----------------------------------------------------------------------------


def breakdown(f: CohortFilter, dimension: str, *, by_size: bool = False, db=None) -> pd.DataFrame:
    """Children by one dimension: columns category, children, percent (of the filtered total).

    Natural category order (by_size=True: largest first, Not recorded still last). percent is
    0-100 and unrounded (show it to 1 d.p.); NULL when the filtered cohort is empty.
    """
    d = spec(dimension)
    params = {
        **f.params(),
        **_order_params(d),
        "last_categories": LAST_CATEGORIES,
        "by_size": bool(by_size),
    }
    return runner.run("children_by_category", params, db=db, template={"dimension": d.sql})


def crosstab(f: CohortFilter, rows: str, cols: str, *, db=None) -> pd.DataFrame:
    """Children by two dimensions, long form: row_category, col_category, children.

    Every shown row category meets every shown column category (empty cells are 0); rows then
    columns in natural order.
    """
    r, c = spec(rows), spec(cols)
    if r.key == c.key:
        raise ValueError("a cross-tab needs two different dimensions")
    params = {
        **f.params(),
        **_order_params(r, "row_"),
        **_order_params(c, "col_"),
        "last_categories": LAST_CATEGORIES,
    }
    return runner.run(
        "children_by_two_dimensions", params, db=db, template={"rows": r.sql, "cols": c.sql}
    )


TOTAL = "Total"


def _wide(data: pd.DataFrame, index: str, columns: str) -> pd.DataFrame:
    """Long counts (`children`) as a wide table, rows and columns in the order they come."""
    wide = data.pivot_table(
        index=index, columns=columns, values="children", aggfunc="sum", fill_value=0, sort=False
    )
    order = {
        "index": list(dict.fromkeys(data[index])),
        "columns": list(dict.fromkeys(data[columns])),
    }
    return wide.reindex(**order, fill_value=0).astype(int)


def crosstab_table(f: CohortFilter, rows: str, cols: str, *, db=None) -> pd.DataFrame:
    """The cross-tab as the table people read: one row per row category and one column per
    column category (stored values, natural order; `row_category` holds the row's), each
    child counted once, with a Total column and a last Total row. Empty when no child."""
    data = crosstab(f, rows, cols, db=db)
    if data.empty:
        return pd.DataFrame()
    wide = _wide(data, "row_category", "col_category")
    wide[TOTAL] = wide.sum(axis=1)
    wide.loc[TOTAL] = wide.sum(axis=0)
    wide = wide.reset_index()
    wide.columns.name = None
    return wide


def trend_table(
    f: CohortFilter, dimension: str | None, period_from: str, period_to: str, *, db=None
) -> pd.DataFrame:
    """The trend as a table: one row per loaded period (oldest first; column `period`) and one
    column of children per category (stored values, natural order; 'All' for the total)."""
    data = trend(f, dimension, period_from, period_to, db=db)
    if data.empty:
        return pd.DataFrame()
    wide = _wide(data, "period", "category").sort_index().reset_index()
    wide.columns.name = None
    return wide


def trend(
    f: CohortFilter,
    dimension: str | None,
    period_from: str,
    period_to: str,
    *,
    db=None,
) -> pd.DataFrame:
    """The filtered cohort by `dimension` in each loaded period from period_from to period_to.

    Columns period, category, children, percent (of that period's total); category is 'All'
    when dimension is None. f.period is ignored: the range replaces it. Months with no extract
    loaded are absent.
    """
    low, high = sorted((check_period(period_from), check_period(period_to)))
    if dimension is None:
        return _total_by_period(f, low, high, db)
    d = spec(dimension)
    params = {
        **f.params(),
        "period_from": low,
        "period_to": high,
        **_order_params(d),
        "last_categories": LAST_CATEGORIES,
    }
    return runner.run("children_by_period", params, db=db, template={"dimension": d.sql})


def _total_by_period(f: CohortFilter, low: str, high: str, db) -> pd.DataFrame:
    """`trend` in total: what children_by_period.sql gives for the 'All' category (every
    loaded period of the range, 0 with key 0 where no child matches; the share 100, or
    missing for 0), from a plain count by period."""
    params = {**f.params(), "period_from": low, "period_to": high}
    counted = runner.run("children_by_period_total", params, db=db)
    found = {p: (n, k) for p, n, k in counted.itertuples(index=False, name=None)}
    periods = [p for p in list_periods(db) if low <= p <= high]
    cells = [found.get(p, (0, 0)) for p in periods]
    text = "str" if periods else "object"  # as DuckDB gives an empty result's text columns
    return pd.DataFrame(
        {
            "period": pd.array(periods, dtype=text),
            "category": pd.array(list(ALL_SPEC.categories) * len(periods), dtype=text),
            "children": pd.array([n for n, _ in cells], dtype="int64"),
            "children_ckey": pd.array([k for _, k in cells], dtype="int32"),
            "percent": pd.array([100.0 if n else np.nan for n, _ in cells], dtype="float64"),
        }
    )


# --- overview ------------------------------------------------------------------------------


def cohort_cell(f: CohortFilter, *, db=None) -> tuple[int, int]:
    """(children, cell key) of the filtered cohort: the count cohort_count() gives, with the
    key that disclosure control needs (figures/disclosure.py)."""
    row = runner.run("cohort_count", f.params(), db=db).iloc[0]
    return int(row["children"]), int(row["children_ckey"])


def _measures_by_row(counted: pd.DataFrame, period: str, before: str | None) -> pd.DataFrame:
    """headline_measures.sql's row per period as one row per measure (every measure but the
    total, in HEADLINE_MEASURES' order): value and previous (NULL with no previous period),
    change, value_ckey and previous_ckey (NULL for the median), and the median's group. A
    period with no child has no row: its counts are 0 with key 0, its median NULL, group 0."""
    # plain tuples: pandas' own record and type conversions took longer than the query
    names = list(counted.columns)
    rows = {row[0]: dict(zip(names, row, strict=True)) for row in counted.itertuples(False, None)}

    def read(p: str | None, measure: str):
        """(value, cell key, group) of `measure` in period `p` (all None without a period)."""
        if p is None:
            return None, None, None
        row = rows.get(p)
        if measure == "median_days_out":
            median = None if row is None or pd.isna(row[measure]) else float(row[measure])
            return median, None, 0 if row is None else int(row["with_days_out"])
        if row is None:
            return 0.0, 0, None
        return float(row[measure]), int(row[f"{measure}_ckey"]), None

    measures = [m for m in HEADLINE_MEASURES if m != "total"]
    now = [read(period, m) for m in measures]
    then = [read(before, m) for m in measures]
    value, previous = [v for v, _, _ in now], [v for v, _, _ in then]
    change = [
        None if a is None or b is None else a - b for a, b in zip(value, previous, strict=True)
    ]
    return pd.DataFrame(
        {
            "measure": pd.array(measures, dtype="str"),
            "value": pd.array(value, dtype="float64"),
            "previous": pd.array(previous, dtype="float64"),
            "change": pd.array(change, dtype="float64"),
            "value_ckey": pd.array([k for _, k, _ in now], dtype="Int32"),
            "previous_ckey": pd.array([k for _, k, _ in then], dtype="Int32"),
            "group_children": pd.array([g for _, _, g in now], dtype="Int64"),
            "previous_group_children": pd.array([g for _, _, g in then], dtype="Int64"),
        }
    )


def headline(f: CohortFilter, *, db=None, with_total: bool = True) -> pd.DataFrame:
    """Headline figures: measure, label, value, previous, change (+ period, previous_period),
    value_ckey and previous_ckey (the counts' cell keys; NULL for the median), and for the
    median its group, group_children and previous_group_children (children with a days-out
    value; NULL for the counts).

    The previous period is the loaded period before f.period; with none, previous and change
    are NULL. Values are floats (counts are whole numbers; the median may be .5).
    `with_total=False`: without the "total" row (two counts fewer to run, for a caller that reads
    only the other measures).
    """
    before = previous_period(f.period, db)
    params = {
        **f.params(),
        "period_from": before or f.period,
        "no_placement": vocab.PLACEMENT_STATUSES[0],
        "provision_unknown": vocab.PLACEMENT_STATUSES[1],
        "over_a_term_days": OVER_A_TERM_DAYS,
    }
    measures = _measures_by_row(runner.run("headline_measures", params, db=db), f.period, before)
    if not with_total:
        frame = measures.copy()
        frame.insert(1, "label", frame["measure"].map(HEADLINE_MEASURES))
        frame["period"] = f.period
        frame["previous_period"] = before
        return frame
    # The total is the page header's count: the same query (cohort_count.sql), so the two can
    # never disagree (and the current period's count is already in the cache).
    now, now_key = cohort_cell(f, db=db)
    then, then_key = (
        (None, None) if before is None else cohort_cell(replace(f, period=before), db=db)
    )
    total = pd.DataFrame(
        {
            "measure": ["total"],
            "value": [float(now)],
            "previous": [None if then is None else float(then)],
            "change": [None if then is None else float(now - then)],
            "value_ckey": [now_key],
            "previous_ckey": [then_key],
            "group_children": [None],
            "previous_group_children": [None],
        }
    )
    frame = pd.concat([total.astype(measures.dtypes), measures], ignore_index=True)
    frame.insert(1, "label", frame["measure"].map(HEADLINE_MEASURES))
    frame["period"] = f.period
    frame["previous_period"] = before
    return frame


def largest_movements(f: CohortFilter, n: int = 3, *, db=None) -> pd.DataFrame:
    """The n largest changes since the previous loaded period, for briefing sentences.

    Columns dimension, category, district (district_placement rows only), previous, current,
    change, previous_ckey, current_ckey (the two counts' cell keys). Empty when there is no
    previous period or nothing changed. The sentence each row is read as is the figures
    layer's (figures/words.py: movement_sentence).
    """
    columns = ["dimension", "category", "district", "previous", "current", "change",
               "previous_ckey", "current_ckey"]  # fmt: skip
    before = previous_period(f.period, db)
    if before is None or n < 1:
        return pd.DataFrame(columns=columns)
    dimensions = list(MOVEMENT_DIMENSIONS)
    if not care_status_supplied(f.period, before, db=db):
        # care status not supplied in one of the two periods: no movement to speak of
        dimensions.remove("care_status")
    params = {
        **f.params(),
        "period_from": before,
        "previous_period": before,
        "dimensions": dimensions,
        "n": int(n),
    }
    frame = runner.run(
        "largest_movements",
        params,
        db=db,
        template={"days_out_band": SPECS["days_out_band"].sql},
    )
    return frame[columns]


# --- about the data ------------------------------------------------------------------------


def dataset_info(db=None) -> dict:
    """What the database holds: periods (list), first/latest period, children in the latest
    period, latest load time, number of loads, synthetic (True only when there are loads and
    every one was synthetic), the synthetic and real loads counted, casework events and
    quarantined rows."""
    row = runner.run("dataset_info", db=db).iloc[0]
    return {
        "synthetic": bool(row["synthetic"]),
        "periods": list_periods(db),
        "first_period": row["first_period"] if pd.notna(row["first_period"]) else None,
        "latest_period": row["latest_period"] if pd.notna(row["latest_period"]) else None,
        "children_latest": int(row["children_latest"]),
        "children_latest_ckey": int(row["children_latest_ckey"]),
        "latest_loaded_at": row["latest_loaded_at"] if pd.notna(row["latest_loaded_at"]) else None,
        "loads": int(row["loads"]),
        "synthetic_loads": int(row["synthetic_loads"]),
        "real_loads": int(row["real_loads"]),
        "casework_events": int(row["casework_events"]),
        "quarantined_rows": int(row["quarantined_rows"]),
        "data_version": runner.data_version(db),
    }


def load_history(db=None) -> pd.DataFrame:
    """Every accepted load, newest first (columns of load_log)."""
    return runner.run("load_history", db=db)


def warnings_by_column(period: str | None = None, *, db=None) -> pd.DataFrame:
    """Warnings of the data loaded now: kind, period, column_name, reason, warnings."""
    if period is not None:
        check_period(period)
    return runner.run("warnings_by_column", {"period": period}, db=db)


def warnings_by_load(period: str | None = None, *, db=None) -> pd.DataFrame:
    """Warnings of the data held now, one file at a time: load_id, column_name, reason,
    warnings (and warnings_ckey), for one period's loads and the casework log (or every load)."""
    if period is not None:
        check_period(period)
    return runner.run("warnings_by_load", {"period": period}, db=db)


def load_file_columns(db=None) -> pd.DataFrame:
    """load_id, column_name, file_column: each load's columns as its file named them (empty
    for a database published before the loader kept them)."""
    try:
        return runner.run("load_file_columns", db=db)
    except duckdb.CatalogException:  # published before load_columns existed: no names kept
        return pd.DataFrame(columns=["load_id", "column_name", "file_column"])


def not_recorded_share(db=None) -> pd.DataFrame:
    """period, field, not_recorded, total, share (percent 0-100) for each field and period."""
    return runner.run("not_recorded_share", db=db)


def warnings_by_field(period: str | None = None, *, db=None) -> pd.DataFrame:
    """Warnings by field over one period (or all the data loaded now): column_name, reason,
    warnings, most frequent first."""
    if period is not None:
        check_period(period)
    return runner.run("warnings_by_field", {"period": period}, db=db)


def not_recorded_table(db=None) -> pd.DataFrame:
    """The completeness table: one row per field (column `field`, in the query's order) and one
    column per period (ascending) holding the share not recorded, percent to 1 decimal place."""
    share = not_recorded_share(db)
    if share.empty:
        return pd.DataFrame()
    wide = share.pivot_table(index="field", columns="period", values="share", sort=False)
    wide = wide.reindex(
        index=list(dict.fromkeys(share["field"])), columns=sorted(share["period"].unique())
    ).round(1)
    wide = wide.reset_index()
    wide.columns.name = None
    return wide
