"""Load extract files into the database: the only way data gets in.

    python -m data.load cohort FILE --period YYYY-MM [--db PATH]
    python -m data.load casework FILE [--db PATH]

Every row of a file is loaded or quarantined with a reason, and the load report's counts add up
to the rows read. A file that cannot be used at all is refused with a message a QA officer can
act on, and the database is left exactly as it was. Loads publish atomically (see store.py),
so the dashboard can stay open while a new month goes in.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from appstore.audit import record_load  # every CLI load is audited (who, file, checksum)
from core.paths import resolve_db_path
from data import lookups, store
from data.extract_reader import ExtractRefused, RawExtract, read_extract, release
from data.flag_settings import install_flag_settings

PERIOD_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass
class LoadReport:
    """What one file's load did; printed by the CLI and kept in `load_log`."""

    kind: str
    file_name: str
    period: str | None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    warnings_by_column: dict[str, int] = field(default_factory=dict)
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    extra_columns: list[str] = field(default_factory=list)
    load_id: int | None = None

    @property
    def warnings(self) -> int:
        return sum(self.warnings_by_column.values())

    def text(self) -> str:
        lines = [
            f"Load report: {self.kind} extract '{self.file_name}'"
            + (f", period {self.period}" if self.period else ""),
            f"  rows read:        {self.rows_read:,}",
            f"  rows loaded:      {self.rows_loaded:,}",
            f"  rows quarantined: {self.rows_quarantined:,}",
        ]
        for reason, count in sorted(self.quarantine_reasons.items()):
            lines.append(f"    {count:,} x {reason}")
        lines.append(f"  warnings (loaded as Not recorded): {self.warnings:,}")
        for column, count in sorted(self.warnings_by_column.items()):
            lines.append(f"    {column}: {count:,}")
        extras = ", ".join(self.extra_columns) if self.extra_columns else "none"
        lines.append(f"  extra columns ignored: {extras}")
        return "\n".join(lines)


def census_date(period: str) -> dt.date:
    """The last day of the period's month; raises ValueError for a malformed period."""
    match = PERIOD_PATTERN.match(period or "")
    if not match:
        raise ValueError(f"period '{period}' is not of the form YYYY-MM (for example 2023-06)")
    year, month = int(match.group(1)), int(match.group(2))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchone()[0]


def _quarantine_rejects(con, rejects, load_id, kind, period, file_name) -> None:
    """Rows the CSV parser could not split still reach the quarantine, raw text and all."""
    if rejects:
        con.executemany(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
            [
                (load_id, kind, period, file_name, row, reason, json.dumps({"raw_line": raw}))
                for row, reason, raw in rejects
            ],
        )


def _finish_report(con, report: LoadReport, load_id: int, synthetic: bool) -> None:
    report.load_id = load_id
    # count what actually landed, so the check below compares the database with the file
    report.rows_loaded = con.execute(
        "SELECT (SELECT count(*) FROM snapshot WHERE load_id = $id) "
        "+ (SELECT count(*) FROM casework WHERE load_id = $id)",
        {"id": load_id},
    ).fetchone()[0]
    report.quarantine_reasons = dict(
        con.execute(
            "SELECT regexp_replace(reason, 'row \\d+', 'row N'), count(*) FROM quarantine "
            "WHERE load_id = $id GROUP BY 1",
            {"id": load_id},
        ).fetchall()
    )
    report.rows_quarantined = sum(report.quarantine_reasons.values())
    report.warnings_by_column = dict(
        con.execute(
            "SELECT column_name, count(*) FROM load_warnings WHERE load_id = $id GROUP BY 1",
            {"id": load_id},
        ).fetchall()
    )
    if report.rows_loaded + report.rows_quarantined != report.rows_read:
        # the first rule: no child silently disappears. Abort the whole load if it would.
        raise RuntimeError(
            f"load of {report.file_name} does not add up: {report.rows_read} read, "
            f"{report.rows_loaded} loaded, {report.rows_quarantined} quarantined"
        )
    con.execute(
        "INSERT INTO load_log VALUES ($id, now()::TIMESTAMP, $kind, $file, $period, $read, "
        "$loaded, $quarantined, $warnings, $by_column, $extras, $synthetic)",
        {
            "id": load_id,
            "kind": report.kind,
            "file": report.file_name,
            "period": report.period,
            "read": report.rows_read,
            "loaded": report.rows_loaded,
            "quarantined": report.rows_quarantined,
            "warnings": report.warnings,
            "by_column": json.dumps(report.warnings_by_column, sort_keys=True),
            "extras": json.dumps(report.extra_columns),
            "synthetic": synthetic,
        },
    )


def _load_cohort_into(
    con, raw: RawExtract, file_path: Path, period: str, synthetic: bool
) -> LoadReport:
    census = census_date(period)
    report = LoadReport("cohort", file_path.name, period, extra_columns=raw.extra_columns)
    report.rows_read = raw.rows_parsed + len(raw.rejects)
    load_id = _next_load_id(con)
    store.run_sql_file(con, "stage_cohort.sql", {"census_date": census})
    store.run_sql_file(
        con,
        "publish_cohort.sql",
        {
            "period": period,
            "census_date": census,
            "load_id": load_id,
            "file_name": report.file_name,
        },
    )
    _quarantine_rejects(con, raw.rejects, load_id, "cohort", period, report.file_name)
    _finish_report(con, report, load_id, synthetic)
    con.execute("DROP TABLE staged")
    release(con)
    return report


def _load_casework_into(con, raw: RawExtract, file_path: Path, synthetic: bool) -> LoadReport:
    report = LoadReport("casework", file_path.name, None, extra_columns=raw.extra_columns)
    report.rows_read = raw.rows_parsed + len(raw.rejects)
    load_id = _next_load_id(con)
    store.run_sql_file(con, "stage_casework.sql")
    store.run_sql_file(
        con, "publish_casework.sql", {"load_id": load_id, "file_name": report.file_name}
    )
    _quarantine_rejects(con, raw.rejects, load_id, "casework", None, report.file_name)
    _finish_report(con, report, load_id, synthetic)
    con.execute("DROP TABLE staged_events")
    release(con)
    return report


def load_batch(
    db_path,
    cohort_files: list[tuple[str | Path, str]],
    casework_file: str | Path | None = None,
    *,
    synthetic: bool = False,
) -> list[LoadReport]:
    """Load several files in ONE atomic publish: all of them go in, or none does."""
    db_path = resolve_db_path(db_path)
    for _, period in cohort_files:
        census_date(period)  # refuse a malformed period before any work
    reports = []
    with store.publishing(db_path) as con:
        lookups.install(con)
        # a transaction per file: each is whole or absent, and memory stays bounded; the batch
        # as a whole is published (or thrown away) by store.publishing
        # Each file is read (into temp tables, which are not part of the database) before its
        # transaction opens: see extract_reader._record_number.
        for file_path, period in cohort_files:
            raw = read_extract(con, Path(file_path), "cohort")
            with store.transaction(con):
                reports.append(_load_cohort_into(con, raw, Path(file_path), period, synthetic))
        if casework_file is not None:
            raw = read_extract(con, Path(casework_file), "casework")
            with store.transaction(con):
                reports.append(_load_casework_into(con, raw, Path(casework_file), synthetic))
        with store.transaction(con):
            # the flag settings and view on every publish; the case-flag basis whole only when
            # the casework changed (see install_flag_settings)
            install_flag_settings(con, casework_changed=casework_file is not None)
    return reports


def load_cohort(file_path, period: str, db_path=None, *, synthetic: bool = False) -> LoadReport:
    """Load one cohort snapshot for `period`, replacing that period whole."""
    return load_batch(db_path, [(file_path, period)], synthetic=synthetic)[0]


def load_casework(file_path, db_path=None, *, synthetic: bool = False) -> LoadReport:
    """Load a casework log, replacing the previous log whole."""
    return load_batch(db_path, [], file_path, synthetic=synthetic)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.load", description="Load an extract file into the database."
    )
    sub = parser.add_subparsers(dest="kind", required=True)
    cohort = sub.add_parser("cohort", help="a cohort snapshot for one reporting period")
    cohort.add_argument("file")
    cohort.add_argument("--period", required=True, help="reporting period, YYYY-MM")
    cohort.add_argument("--db", help="database file (default: $OOS_DB or data/oos.duckdb)")
    casework = sub.add_parser("casework", help="a casework log (replaces the previous log)")
    casework.add_argument("file")
    casework.add_argument("--db", help="database file (default: $OOS_DB or data/oos.duckdb)")
    args = parser.parse_args(argv)
    db_path = resolve_db_path(args.db)
    try:
        if args.kind == "cohort":
            report = load_cohort(args.file, args.period, db_path)
        else:
            report = load_casework(args.file, db_path)
    except (ExtractRefused, ValueError) as problem:
        print(f"REFUSED. {problem}", file=sys.stderr)
        print(
            f"Load report: {args.kind} extract '{Path(args.file).name}': refused; "
            "rows loaded: 0; the database is unchanged.",
        )
        record_load(args.file, args.kind, db_path, period=getattr(args, "period", None),
                    outcome=f"refused: {problem}")  # fmt: skip
        return 2
    record_load(args.file, args.kind, db_path, period=report.period, read=report.rows_read,
                loaded=report.rows_loaded, quarantined=report.rows_quarantined)  # fmt: skip
    print(report.text())
    print(f"Published to {db_path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
