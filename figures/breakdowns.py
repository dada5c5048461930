"""The Appendix B figures: the cohort by one dimension, by two, over time, and by district.

    breakdown(f, dimension)          Breakdowns page, and the pack's breakdowns
    crosstab(f, rows, cols)          Cross-tab page
    trend(f, dimension, start, end)  Trends page, the Overview's year and the pack's year
    district_map(f, shade)           District map page and the pack's map

Each returns one `Figure` (figures/values.py) for the audience: counted on the audience's
filter (a caseworker's teams; whole bands and one value or all when published), protected when
published, labelled, ordered and titled. The screens and the pack only draw it.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from figures import protect
from figures.cache import figure_cache
from figures.format import fmt_int, fmt_pct, period_label
from figures.frame import frame
from figures.labels import (
    MAP_DISTRICTS,
    category_label,
    dimension_label,
)
from figures.periods import year_apart
from figures.protect import Audience, narrow, resolve
from figures.values import Figure, Table, options
from figures.words import breakdown_title, crosstab_title, small_counts_title, trend_title
from queries import aggregates
from queries.dimensions import SPECS
from queries.filters import CohortFilter
from queries.published import district_population
from queries.rates import RATE_DIMENSIONS, has_caseload, plan_counts

TOTAL = aggregates.TOTAL
COUNT, SHARE = "Number of children", "Share of the cohort"
PER_PLANS, PER_POP = "Rate per 100 children with a plan", "Rate per 10,000 aged 0–25"
SHADES = [COUNT, SHARE, PER_PLANS, PER_POP]
MAP_ATTRIBUTION = (
    "District boundaries: GeoJSON and TopoJSON UK Boundary Data by Martin Chorley, CC BY 4.0. "
    "Contains Ordnance Survey data © Crown copyright and database right 2014."
)


def _has_zero(data: pd.DataFrame, counts) -> bool:
    return any(c in data.columns and (data[c] == 0).any() for c in counts)


def breakdown_parents(
    g: CohortFilter,
    dimension: str | None,
    audience: Audience,
    data: pd.DataFrame,
    fetch,
    counts=("children", "children_out", "flagged", "children_with_terms"),
) -> list[pd.DataFrame]:
    """What hides a 0 of a table by `dimension` as published (protect.long's `parents`): the
    same table under each wider filter, and the coarser dimension's (an age band over ages,
    added up from `data`'s children when it has them: protect.coarse_counts). `fetch(filter,
    dimension)` runs the table's query; nothing for an exact audience, nor for a table with no
    0 among its `counts` (the parents only ever hide a 0: no query then)."""
    if not audience.safe or not _has_zero(data, counts):
        return []
    parents = [fetch(p, dimension) for p in protect.wider(g, audience)]
    if dimension in protect.COARSER and not data.empty:
        others = [c for c in ("period",) if c in data.columns]
        coarse = (
            protect.coarse_counts(data, dimension, others=others)
            if "children" in data.columns  # the children by category: added up, no query
            else fetch(g, protect.COARSER[dimension])
        )
        parents.append(protect.coarse_parent(data, dimension, coarse, others=others))
    return parents


def _labelled(data: pd.DataFrame, dimension: str | None, column: str = "category") -> list:
    return [category_label(dimension, c) for c in data[column]]


def _rate_columns(
    f: CohortFilter, dimension: str, audience: Audience, db, parents=()
) -> tuple[pd.DataFrame | None, bool]:
    """(category, children_with_plan, rate_per_100) for the breakdown's table, or None when the
    period has no caseload; counts protected, the rate worked out from what is shown."""
    if dimension not in RATE_DIMENSIONS or not has_caseload(f.period, db):
        return None, False
    # the counts only: the rates' tests and their family's correction (two more queries over
    # every breakdown) are the Rates page's, not this table's
    planned = plan_counts(f, dimension, db=db)
    planned = planned[["category", "children_out", "children_with_plan",
                       "children_out_ckey", "children_with_plan_ckey"]]  # fmt: skip
    # the children out are the breakdown's own cells: their zeros hidden the same way
    out_parents = [p.rename(columns={"children": "children_out"}) for p in parents]
    shown = protect.long(
        planned, audience, ("children_out", "children_with_plan"), (), parents=out_parents
    )
    rate = [
        None
        if protect.is_hidden(out) or protect.is_hidden(plans) or not float(plans or 0)
        else 100.0 * float(out) / float(plans)
        for out, plans in zip(
            shown.table["children_out"], shown.table["children_with_plan"], strict=True
        )
    ]
    # a number column with empty cells, never the text "None" (which a table shows as a word
    # and pandas reads back from a CSV as a blank anyway)
    table = shown.table[["category", "children_with_plan"]].assign(
        rate_per_100=pd.array(rate, dtype="Float64")
    )
    return table, shown.hidden


@figure_cache
def breakdown(
    f: CohortFilter,
    dimension: str,
    *,
    by_size: bool = False,
    audience: Audience | None = None,
    db=None,
) -> Figure:
    """The cohort by one dimension: bars, with a table of counts, shares and (when the
    period's caseload is loaded) the rate per 100 children with a plan."""
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    g = narrow(f, audience)
    # Imports by council count imports only: a "Not an import" bar would dwarf the councils,
    # and percentages are more useful as shares of the imports.
    counted_on = dataclasses.replace(g, is_import=True) if dimension == "imported_from" else g
    early = protect.Ahead(counted_on, audience, lambda p: aggregates.breakdown(p, dimension, db=db))
    data = aggregates.breakdown(counted_on, dimension, by_size=by_size, db=db)
    parents = breakdown_parents(
        counted_on, dimension, audience, data,
        lambda p, dim: early(p) if dim == dimension else aggregates.breakdown(p, dim, db=db),
    )  # fmt: skip
    shown = protect.long(data, audience, parents=parents)
    label = dimension_label(dimension)
    table = shown.table.assign(category=_labelled(shown.table, dimension))
    planned, planned_hidden = _rate_columns(g, dimension, audience, db, parents)
    if planned is not None:
        planned = planned.assign(category=_labelled(planned, dimension))
        table = table.merge(planned, on="category", how="left")
    table = table.rename(
        columns={
            "category": label,
            "children": "Children",
            "percent": "Percent of children",
            "children_with_plan": "Children with a plan",
            "rate_per_100": "Out of school per 100 with a plan",
        }
    )
    chart = shown.chart.assign(label=_labelled(shown.chart, dimension))
    hidden = shown.hidden or planned_hidden
    visible = chart.dropna(subset=["children"])
    title = (
        small_counts_title()
        if shown.hidden and (visible.empty or not visible["children"].sum())
        else breakdown_title(chart, dimension)
    )
    counted = SPECS[dimension].counted + " Percentages are of the children in the figure."
    if planned is not None:
        counted += (
            " The table adds each group's children with an EHC plan (the caseload at the same "
            "census date) and the rate per 100 of them; see the Rates page for intervals. A "
            "group with no child with a plan has no rate: its cell is empty."
        )
    return Figure(
        key=f"breakdown-{dimension}",
        kind="bar",
        title=title,
        caption=fr.caption(
            "Imports out of school by the council they came from"
            if dimension == "imported_from"
            else f"Children out of school by {label.lower()}"
        ),
        about=fr.about(counted, SPECS[dimension].caveats, hidden=hidden),
        table=Table.of(table),
        chart=Table.of(chart),
        file_name=f"children_by_{dimension}_{f.period}.csv",
        dimension=dimension,
        hidden=hidden,
        protected=audience.safe,
    )


def _crosstab_parents(
    g: CohortFilter, rows: str, cols: str, audience: Audience, data: pd.DataFrame, early
) -> list[pd.DataFrame]:
    """protect.matrix's `parents` of a cross-tab (see `breakdown_parents`): the cross-tab under each
    wider filter (`early`: protect.Ahead), and the coarser cross-tab over a row or column
    dimension that has one."""
    if not audience.safe or not _has_zero(data, ("children",)):
        return []
    parents = [early(p) for p in protect.wider(g, audience)]
    for fine, other, column, rest in (
        (rows, cols, "row_category", "col_category"),
        (cols, rows, "col_category", "row_category"),
    ):
        coarse = protect.COARSER.get(fine)
        if coarse is None or coarse == other:
            continue
        # the coarser cross-tab, added up from this one (protect.coarse_counts)
        wide = protect.coarse_counts(data, fine, column, (rest,))
        parents.append(protect.coarse_parent(data, fine, wide, column, (rest,)))
    return parents


@figure_cache
def crosstab(
    f: CohortFilter, rows: str, cols: str, *, audience: Audience | None = None, db=None
) -> Figure:
    """The cohort by two dimensions: a heat map and a table with row and column totals."""
    if rows == cols:
        raise ValueError("a cross-tab needs two different dimensions")
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    g = narrow(f, audience)
    early = protect.Ahead(g, audience, lambda p: aggregates.crosstab(p, rows, cols, db=db))
    data = aggregates.crosstab(g, rows, cols, db=db)
    row_label, col_label = dimension_label(rows), dimension_label(cols)
    table, chart, hidden = pd.DataFrame(), data, False
    if not data.empty:
        parents = _crosstab_parents(g, rows, cols, audience, data, early)
        wide, chart, hidden = protect.matrix(data, audience, total_label=TOTAL, parents=parents)
        table = wide.assign(
            row_category=[
                TOTAL if v == TOTAL else category_label(rows, v) for v in wide["row_category"]
            ]
        ).rename(
            columns={"row_category": row_label}
            | {c: category_label(cols, c) for c in wide.columns if c not in ("row_category", TOTAL)}
        )
    chart = chart.assign(
        row_label=_labelled(chart, rows, "row_category"),
        col_label=_labelled(chart, cols, "col_category"),
    )
    title = crosstab_title(chart.dropna(subset=["children"]), rows, cols)
    if hidden and (chart["children"].dropna().empty or chart["children"].max() == 0):
        title = small_counts_title()
    elif hidden and data["children"].max() <= protect.SMALL_MAX:
        title = small_counts_title(every=True)
    return Figure(
        key=f"crosstab-{rows}-{cols}",
        kind="heatmap",
        title=title,
        caption=fr.caption(
            f"Children out of school by {row_label.lower()} and {col_label.lower()}"
        ),
        about=fr.about(
            f"each child once, in the cell of their {row_label.lower()} (row) and "
            f"{col_label.lower()} (column). The table adds row and column totals.",
            "Care status is one value per child (the first that applies); imports by council "
            "count imports only.",
            hidden=hidden,
        ),
        table=Table.of(table),
        chart=Table.of(chart),
        file_name=f"children_by_{rows}_and_{cols}_{f.period}.csv",
        dimension=rows,
        hidden=hidden,
        protected=audience.safe,
        options=options(cols=cols),
    )


def _change_table(shown: pd.DataFrame, dimension: str | None) -> pd.DataFrame:
    """One row per category, one column per month (as shown), then the change from the
    window's first month to its last, worked out from the shown values."""
    periods = list(dict.fromkeys(shown["period"]))
    categories = list(dict.fromkeys(shown["category"]))
    cells = {(p, c): v for p, c, v in zip(shown["period"], shown["category"], shown["children"],
                                          strict=True)}  # fmt: skip
    first, last = periods[0], periods[-1]
    name = (
        "Year-on-year change" if year_apart(first, last) else f"Change since {period_label(first)}"
    )
    rows = []
    for category in categories:
        values = [cells.get((p, category), 0) for p in periods]
        before, after = values[0], values[-1]
        if protect.is_hidden(before) or protect.is_hidden(after):
            change, pct = protect.SUPPRESSED, None
        else:
            change = int(after) - int(before)
            pct = round(100.0 * change / int(before), 1) if int(before) else None
        label = (
            "Children out of school" if dimension is None else category_label(dimension, category)
        )
        rows.append([label, *values, change, pct])
    return pd.DataFrame(
        rows,
        columns=[
            "Breakdown" if dimension is None else "Category",
            *[period_label(p) for p in periods],
            name,
            f"{name} (%)",
        ],
    )


@figure_cache
def trend(
    f: CohortFilter,
    dimension: str | None,
    start: str,
    end: str,
    *,
    audience: Audience | None = None,
    db=None,
) -> Figure:
    """The cohort month by month from `start` to `end` (f's period is replaced by the range),
    in total or by a dimension; the table gives each row's change over the window."""
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    g = narrow(f, audience)

    def counts(p: CohortFilter, dim: str | None = dimension) -> pd.DataFrame:
        return aggregates.trend(p, dim, start, end, db=db)

    # a total month by month seldom holds a 0 (a breakdown nearly always does)
    early = protect.Ahead(g, audience, counts, likely=dimension is not None)
    data = counts(g)
    parents = breakdown_parents(
        g,
        dimension,
        audience,
        data,
        lambda p, dim: early(p) if dim == dimension else counts(p, dim),
    )
    # within each period the categories add up to its total (the headline)
    shown = protect.long(
        data, audience, group_cols=("period",), total_known=dimension is not None, parents=parents
    )
    chart = shown.chart.assign(label=_labelled(shown.chart, dimension))
    if dimension is None:
        chart["label"] = "Children out of school"
    title_data = chart
    if shown.hidden:
        # the title speaks only of categories with no hidden count
        gone = set(chart.loc[chart["children"].isna(), "category"])
        title_data = chart[~chart["category"].isin(gone)]
    if chart.empty:
        title = "No children in these periods"
    elif shown.hidden and title_data.empty:
        title = small_counts_title()
    else:
        title = trend_title(title_data.astype({"children": "int64"}), dimension)
        if year_apart(start, end):
            title = title.replace(
                f"since {period_label(start)}", f"in the year to {period_label(end)}"
            )
    table = pd.DataFrame() if chart.empty else _change_table(shown.table, dimension)
    label = dimension_label(dimension).lower()
    span = f"{period_label(start)} to {period_label(end)}"
    return Figure(
        key=f"trend-{dimension or 'all'}",
        kind="trend",
        title=title,
        caption=fr.caption(
            "Children out of school" + ("" if dimension is None else f" by {label}"), span
        ),
        about=fr.about(
            "children in each monthly snapshot who match the filters"
            + ("" if dimension is None else f", by {label}")
            + ", each counted at its own period's census date. The table's last columns give "
            "the change from the first month of the window to the last.",
            "A child out of school for several months appears in each of those snapshots. "
            "Filters on age, year group and days out are applied at each period's own census "
            "date; the sidebar's period does not narrow a trend: the window does.",
            hidden=shown.hidden,
        ),
        table=Table.of(table),
        chart=Table.of(chart),
        file_name=f"children_trend_{dimension or 'total'}_{start}_to_{end}.csv",
        dimension=dimension,
        hidden=shown.hidden,
        protected=audience.safe,
        options=options(start=start, end=end),
    )


@figure_cache
def district_map(
    f: CohortFilter, shade: str = COUNT, *, audience: Audience | None = None, db=None
) -> Figure:
    """Kent's districts shaded by the number of children, their share, or a rate (per 100
    children with a plan: needs the period's caseload; per 10,000 residents aged 0 to 25).

    `chart` holds one row per district: label, children (None when hidden), percent, value
    (what the shading shows; None: not shaded) and on_map (a Kent district)."""
    audience = resolve(audience)
    fr = frame(f, audience, db=db)
    g = narrow(f, audience)
    notice = ""
    if shade == PER_PLANS and not has_caseload(f.period, db):
        notice = (
            f"No EHC plan caseload is loaded for {fr.period_name}, so there is no rate per child "
            "with a plan this month: the map shows the number of children instead."
        )
        shade = COUNT
    early = protect.Ahead(g, audience, lambda p: aggregates.breakdown(p, "district", db=db))
    data = aggregates.breakdown(g, "district", db=db)
    parents = breakdown_parents(g, "district", audience, data,
                       lambda p, dim: early(p))  # fmt: skip
    counts, derived = ["children"], ["percent"]
    if shade == PER_PLANS:
        planned = plan_counts(g, "district", db=db)[
            ["category", "children_with_plan", "children_with_plan_ckey"]
        ]
        data = data.merge(planned, on="category", how="left")
        counts.append("children_with_plan")
    elif shade == PER_POP:
        population = district_population().rename(columns={"district": "category"})
        data = data.merge(population, on="category", how="left")
    shown = protect.long(data, audience, tuple(counts), tuple(derived), parents=parents)
    chart = shown.chart.copy()
    if shade == PER_PLANS:
        chart["value"] = [
            None if pd.isna(c) or pd.isna(p) or not p else 100.0 * float(c) / float(p)
            for c, p in zip(chart["children"], chart["children_with_plan"], strict=True)
        ]
    elif shade == PER_POP:
        chart["value"] = [
            None if pd.isna(c) or pd.isna(p) or not p else 10000.0 * float(c) / float(p)
            for c, p in zip(chart["children"], chart["age_0_25"], strict=True)
        ]
    else:
        chart["value"] = chart["children" if shade == COUNT else "percent"]
    chart["label"] = chart["category"].astype(str)
    chart["on_map"] = chart["category"].isin(MAP_DISTRICTS)
    on_map = chart[chart["on_map"]].dropna(subset=["children"])
    if on_map.empty:
        title = "No children in Kent's districts with these filters"
    elif shade in (PER_PLANS, PER_POP) and on_map["value"].notna().any():
        top = on_map.loc[on_map["value"].astype(float).idxmax()]
        unit = "per 100 with a plan" if shade == PER_PLANS else "per 10,000 aged 0–25"
        title = f"{top['category']} has the highest rate: {top['value']:.1f} {unit}"
    else:
        top = on_map.loc[on_map["children"].astype(float).idxmax()]
        title = f"{top['category']} has the most children out of school ({fmt_pct(top['percent'])})"
    table = shown.table.assign(
        rate_per_100=chart["value"] if shade == PER_PLANS else None,
        rate_per_10000_aged_0_25=chart["value"] if shade == PER_POP else None,
    )
    table = table[[c for c in table.columns if table[c].notna().any() or c in ("children",)]]
    table = table.rename(
        columns={
            "category": "District",
            "children": "Children",
            "percent": "Percent of children",
            "children_with_plan": "Children with a plan",
            "rate_per_100": "Rate per 100 children with a plan",
            "age_0_25": "Residents aged 0-25 (ONS mid-2023)",
            "rate_per_10000_aged_0_25": "Rate per 10,000 aged 0-25",
        }
    )
    off_map = shown.table[~shown.table["category"].isin(MAP_DISTRICTS)]
    not_drawn = (
        "Not on the map: "
        + "; ".join(f"{r.category} {fmt_int(r.children)}" for r in off_map.itertuples())
        + ". "
        if not off_map.empty
        else ""
    )
    shading = {
        COUNT: "the number of children.",
        SHARE: "each district's share of the cohort.",
        PER_PLANS: "children out of school per 100 children with an EHC plan living in the "
        "district (denominator: the council's caseload extract at the same census date, same "
        "filters except placement, import and days out).",
        PER_POP: "children out of school per 10,000 residents aged 0 to 25 (denominator: ONS "
        "mid-2023 population estimates, shipped with the dashboard; check against the newest "
        "ONS estimates).",
    }[shade]
    return Figure(
        key="district-map",
        kind="map",
        title=title,
        caption=fr.caption(f"Children out of school by district ({shade.lower()})"),
        about=fr.about(
            "children in each Kent district, by the district recorded in the extract. Shading "
            f"is by {shading} Children out of county or with no district recorded are in the "
            "table, not on the map.",
            "Shares are of the cohort shown, not rates per head of population: a district "
            "with more children living in it will tend to have more children out of school. "
            + MAP_ATTRIBUTION,
            hidden=shown.hidden,
        ),
        table=Table.of(table),
        chart=Table.of(chart),
        file_name=f"children_by_district_{f.period}.csv",
        dimension="district",
        note=not_drawn + MAP_ATTRIBUTION,
        hidden=shown.hidden,
        protected=audience.safe,
        options=options(shade=shade, notice=notice),
    )
