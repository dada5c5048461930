"""The data quality figures: what was loaded, what was quarantined, what is missing.

The counts of children here are counts like any other (protected when published: a field left
blank for two children is two children); counts of rows in a file (a load's rows read, loaded
and quarantined) describe the file, not a group of children, and are shown as they are. The
quarantined rows themselves are pupil-level (queries/pupil.py decides who may read them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from core.dates import is_missing
from core.paths import resolve_db_path
from figures import protect
from figures.cache import figure_cache
from figures.format import fmt_pct, period_label
from figures.labels import COLUMN_LABELS
from figures.protect import Audience, resolve
from figures.status import source_words, status
from figures.values import Figure, Note, Table
from queries import aggregates, casework, pupil
from queries.filters import CohortFilter
from queries.rates import missing_from_caseload


def json_text(value) -> str:
    """A load-log JSON cell ('{"district": 3}') as plain words ('district: 3')."""
    if is_missing(value) or value == "":
        return ""
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return str(value)
    if isinstance(parsed, dict):
        return "; ".join(
            f"{k}: {v:,}" if isinstance(v, int) else f"{k}: {v}" for k, v in parsed.items()
        )
    if isinstance(parsed, list):
        return ", ".join(str(v) for v in parsed)
    return str(parsed)


@figure_cache
def load_history(*, db=None) -> Table:
    """Every accepted load, newest first, as the page shows it (made once per data
    version: a new load is a new version)."""
    history = aggregates.load_history(db=db)
    if history.empty:
        return Table()
    return Table.of(
        pd.DataFrame(
            {
                "Loaded at": history["loaded_at"],
                "Extract": [
                    extract_name(k, bool(v))
                    for k, v in zip(history["kind"], history["sen2_return"], strict=True)
                ],
                "File": history["file_name"],
                "Period": [
                    period_label(p) if isinstance(p, str) else "" for p in history["period"]
                ],
                "Rows read": history["rows_read"],
                "Loaded": history["rows_loaded"],
                "Quarantined": history["rows_quarantined"],
                "Warnings": history["warnings"],
                "Warnings by column": [json_text(v) for v in history["warnings_by_column"]],
                "Extra columns ignored": [json_text(v) for v in history["extra_columns"]],
                "Synthetic": history["synthetic"].map({True: "Yes", False: "No"}),
                "Held now": history["held"].map({True: "Yes", False: "No (loaded again since)"}),
            }
        )
    )


def quarantined(*, db=None) -> int:
    """Rows quarantined (rows of files, not children: shown as they are)."""
    return pupil.quarantine_count(db)


def quarantine_rows(page: int | None, size: int, *, db=None) -> Table:
    """One page of the quarantined rows with their raw values (page None: every row, for a
    download). Pupil-level: the choke point refuses roles that may not read them."""
    if page is None:
        rows = pupil.quarantine_rows(db, limit=max(size, quarantined(db=db)), offset=0)
    else:
        rows = pupil.quarantine_rows(db, limit=size, offset=(page - 1) * size)
    history = aggregates.load_history(db=db).set_index("load_id")
    sen2 = {int(i): bool(v) for i, v in history["sen2_return"].items()}
    return Table.of(
        pd.DataFrame(
            {
                "Extract": [
                    extract_name(k, sen2.get(int(i), False))
                    for k, i in zip(rows["kind"], rows["load_id"], strict=True)
                ],
                "Period": [period_label(p) if isinstance(p, str) else "" for p in rows["period"]],
                "File": rows["file_name"],
                "Row in the file": rows["source_row"],
                "Child ID": rows["child_id"].astype("string").fillna(""),
                "Reason": rows["reason"],
                "Raw values": rows["raw_values"].astype("string"),
                "Load": rows["load_id"],
            }
        )
    )


@figure_cache
def missing(*, audience: Audience | None = None, db=None) -> tuple[Table, bool] | None:
    """Children out of school not in the same month's caseload, by month (None: no caseload);
    and whether every month's is 0."""
    audience = resolve(audience)
    found = missing_from_caseload(db)
    if found.empty:
        return None
    none = int(found["missing_from_caseload"].sum()) == 0
    shown = protect.long(
        found, audience, ["cohort_children", "missing_from_caseload"], (), total_known=False,
        within={"missing_from_caseload": "cohort_children"},
    )  # fmt: skip
    table = shown.table.assign(period=[period_label(p) for p in found["period"]]).rename(
        columns={
            "period": "Period",
            "cohort_children": "Children out of school",
            "missing_from_caseload": "Missing from the caseload",
        }
    )
    return Table.of(table), none


# Each extract by the name the service knows it by (load_log's kind; a SEN2 return's cohort and
# caseload say so).
EXTRACT_NAMES = {
    "cohort": "Cohort extract (children out of school)",
    "caseload": "EHC plan caseload extract",
    "casework": "Casework log",
    "assignments": "Caseworker assignments",
}
SEN2_NAMES = {
    "cohort": "SEN2 return: children out of school",
    "caseload": "SEN2 return: EHC plan caseload",
}
EXTRACT_ORDER = ("cohort", "caseload", "casework", "assignments")


def extract_name(kind: str, sen2_return: bool = False) -> str:
    """'Cohort extract (children out of school)', 'SEN2 return: EHC plan caseload'..."""
    if sen2_return and kind in SEN2_NAMES:
        return SEN2_NAMES[kind]
    return EXTRACT_NAMES.get(kind, str(kind).capitalize())


@dataclass(frozen=True)
class Source:
    """One file whose rows the database holds now, with its values loaded as Not recorded."""

    load_id: int
    kind: str
    name: str  # the extract, as the service knows it
    period: str | None
    file_name: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    warnings: Table  # Column in the file, Column, Reason, Rows (as the audience sees them)

    @property
    def heading(self) -> str:
        """'Cohort extract (children out of school), October 2026'."""
        return self.name + (f", {period_label(self.period)}" if self.period else "")


@figure_cache
def _file_columns(db) -> Mapping[tuple[int, str], str]:
    """{(load, column): the column as its file named it}, once per data version (read on
    every run of the Data quality page, for each extract's rows)."""
    found = aggregates.load_file_columns(db)
    return MappingProxyType(
        {(int(r.load_id), r.column_name): r.file_column for r in found.itertuples(index=False)}
    )


@figure_cache
def sources(period: str | None, *, audience: Audience | None = None, db=None) -> tuple[Source, ...]:
    """Every file the database holds now for `period` (or every period), and the casework log
    and assignments: each on its own, never added together, with its warnings by column as the
    file named the column. Counts of children warned about are counts like any other
    (protected when published); a file's rows read, loaded and quarantined are shown as
    they are."""
    audience = resolve(audience)
    history = aggregates.load_history(db=db)
    if history.empty:
        return ()
    held = history[history["held"].fillna(False).astype(bool)]
    if period is not None:
        held = held[held["period"].isna() | (held["period"] == period)]
    found = aggregates.warnings_by_load(period, db=db)
    named = _file_columns(db)
    order = {kind: i for i, kind in enumerate(EXTRACT_ORDER)}
    rows = sorted(
        held.itertuples(index=False),
        key=lambda r: (
            -int(str(r.period).replace("-", "")) if isinstance(r.period, str) else 0,
            order.get(r.kind, len(order)),
        ),
    )
    result = []
    for r in rows:
        mine = found[found["load_id"] == r.load_id].drop(columns="load_id")
        table = Table()
        if not mine.empty:
            shown = protect.long(
                mine.reset_index(drop=True), audience, ["warnings"], (), total_known=False
            ).table
            table = Table.of(
                pd.DataFrame(
                    {
                        "Column in the file": [
                            named.get((int(r.load_id), c), c) for c in shown["column_name"]
                        ],
                        "Column": [COLUMN_LABELS.get(c, c) for c in shown["column_name"]],
                        "Reason": shown["reason"],
                        "Rows": shown["warnings"],
                    }
                )
            )
        result.append(
            Source(
                int(r.load_id),
                r.kind,
                extract_name(r.kind, bool(r.sen2_return)),
                r.period if isinstance(r.period, str) else None,
                r.file_name,
                int(r.rows_read),
                int(r.rows_loaded),
                int(r.rows_quarantined),
                table,
            )
        )
    return tuple(result)


def warning_rows(load_id: int | None = None, period: str | None = None, *, db=None) -> Table:
    """The rows behind the warnings, with their child IDs, of one load (or every load held for
    `period`): pupil-level, so the choke point (queries/pupil.py) refuses every role that may
    not read children's rows and audits the rest. Never cached here."""
    rows = pupil.warning_rows(db, load_id=load_id, period=period)
    named = _file_columns(db)
    frame = pd.DataFrame(
        {
            "Row in the file": rows["source_row"],
            "Child ID": rows["child_id"],
            "Column in the file": [
                named.get((int(i), c), c)
                for i, c in zip(rows["load_id"], rows["column_name"], strict=True)
            ],
            "Reason": rows["reason"],
            # a blank cell is blank here too (a table would write a missing value as "None")
            "Value as written": rows["raw_value"].astype("string").fillna(""),
        }
    )
    if load_id is None:
        history = aggregates.load_history(db=db).set_index("load_id")
        sen2 = {int(i): bool(v) for i, v in history["sen2_return"].items()}
        frame.insert(
            0, "Extract", [extract_name(k, sen2.get(int(i), False))
                           for k, i in zip(rows["kind"], rows["load_id"], strict=True)]
        )  # fmt: skip
        frame.insert(
            1, "Period", [period_label(p) if isinstance(p, str) else "" for p in rows["period"]]
        )
        frame.insert(2, "File", rows["file_name"])
    return Table.of(frame)


@figure_cache
def records_disagree(period: str, *, audience: Audience | None = None, db=None):
    """Children in the whole snapshot whose records disagree (None: no case flags)."""
    audience = resolve(audience)
    if not casework.flags_available(db):
        return None
    row = casework.flags_by_period(CohortFilter(period=period), db=db).iloc[0]
    return protect.count(int(row["records_disagree"]), audience, row.get("records_disagree_ckey"))


@dataclass(frozen=True)
class Completeness:
    figure: Figure
    periods: tuple[str, ...]
    fields: tuple[str, ...]


@figure_cache
def completeness(*, audience: Audience | None = None, db=None) -> Completeness | None:
    """The share of children with each field not recorded, every loaded period (the whole
    snapshot: the filters do not apply). Worked out from the counts as shown when published."""
    audience = resolve(audience)
    share = aggregates.not_recorded_share(db)
    if share.empty:
        return None
    shown = protect.long(
        share, audience, ["not_recorded", "total"], (), ["share"], total_known=False,
        within={"not_recorded": "total"},
    )  # fmt: skip
    values = shown.chart.copy()
    if audience.safe:
        values["share"] = [
            None if pd.isna(n) or pd.isna(t) or not t else 100.0 * float(n) / float(t)
            for n, t in zip(values["not_recorded"], values["total"], strict=True)
        ]
    order = list(dict.fromkeys(share["field"]))
    periods = sorted(share["period"].unique())
    wide = values.pivot_table(index="field", columns="period", values="share", sort=False)
    wide = wide.reindex(index=order, columns=periods).astype(float).round(1)
    fields = [COLUMN_LABELS.get(f, f) for f in order]
    latest = wide[periods[-1]]
    worst = latest.idxmax() if latest.notna().any() else None
    title = (
        f"{COLUMN_LABELS.get(worst, worst)} is least complete: {fmt_pct(latest[worst])} not "
        "recorded"
        if worst is not None and latest[worst] > 0
        else "Every field is fully recorded"
    )
    table = wide.reset_index()
    table.columns = ["Field"] + [f"{period_label(p)} (% not recorded)" for p in periods]
    table["Field"] = fields
    # the heat map's cells: one row per field, one column per period (the shares as above)
    chart = wide.reset_index(drop=True)
    chart.insert(0, "label", fields)
    source = source_words(status(resolve_db_path(db)).synthetic)
    figure = Figure(
        key="not-recorded",
        kind="completeness",
        title=title,
        caption=f"Share of children with each field not recorded, {period_label(periods[0])} "
        f"to {period_label(periods[-1])}. All children in each snapshot (the filters do not "
        f"apply). Source: {source}. Census date: the last day of each month.",
        about=(
            Note(
                "What is counted",
                "for each loaded period, the percentage of children whose value in each field "
                "is Not recorded or blank (all children in the snapshot; the sidebar filters do "
                "not apply here).",
            ),
            Note(
                "Caveats",
                "a blank optional field (for example provision hours) may be genuinely unknown "
                "rather than an error.",
            ),
            *[n for n in [protect.safe_note(shown.hidden, audience)] if n],
        ),
        table=Table.of(table),
        chart=Table.of(chart),
        file_name="not_recorded_share_by_period.csv",
        hidden=shown.hidden,
        protected=audience.safe,
    )
    return Completeness(figure, tuple(periods), tuple(fields))
