"""Load extract files into the database: the only way data gets in.

    python -m data.load cohort FILE --period YYYY-MM [--db PATH] [--replace] [--any-period]
    python -m data.load casework FILE [--db PATH] [--replace]
    python -m data.load caseload FILE --period YYYY-MM [--db PATH] [--replace] [--any-period]
    python -m data.load assignments FILE [--db PATH] [--replace]   (data/assignments.py)
    python -m data.load sen2 FILE --release NAME [--db PATH]   (a DfE release: data/published.py)
    python -m data.load sen2-return DIR --period YYYY-MM [--postcodes FILE] [--ssd DIR] [--db PATH]
                                   (a SEN2 return's Blade export: data/sen2_return.py)

Every row of a file is loaded or quarantined with a reason, and the load report's counts add up
to the rows read. A file that cannot be used at all is refused with a message a QA officer can
act on, and the database is left exactly as it was. Loads publish atomically (see store.py),
so the dashboard can stay open while a new month goes in.

A load never silently loses children: a file that would replace a loaded period (or the
casework log) with nothing, or with under half of what it holds, is refused unless the command
says `--replace`, and the refusal gives both counts. Messages never quote a line of the file.

Every run of the command line ends one way, said in one paragraph and recorded in the audit
trail: published (exit 0; also when a stopping signal came once the rename had begun, which
the report says), refused (2), failed on an error nobody foresaw (1, its type only), or stopped
by SIGTERM, SIGHUP or Ctrl-C (128 + the signal's number), the database then unchanged.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import os
import re
import signal
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from appstore.audit import record_load  # every CLI load is audited (who, file, checksum)
from core.paths import load_target
from data import assignments, caseload, lookups, provenance, published, store
from data.extract_reader import ExtractRefused, RawExtract, read_extract, release
from data.flag_settings import install_flag_settings

# ASCII digits only and the whole string: `\d` would take full-width digits, and `$` a
# trailing newline, each making a new period that looks like an old one
PERIOD_PATTERN = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])", re.ASCII)
FIRST_PERIOD = "2000-01"
# A file holding under this share of the children (or events) it replaces needs --replace.
SHRINK_LIMIT = 0.5


class LoadRefused(Exception):
    """The load would lose data or break a rule; the message says both counts and what to do."""


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
    # physical lines of a CSV file, header included (a quoted field may span lines)
    lines_read: int | None = None
    replaced: str | None = None
    notes: list[str] = field(default_factory=list)
    # contract column -> the file's own name for it (extract_reader.RawExtract.file_columns)
    file_columns: dict[str, str] = field(default_factory=dict)

    @property
    def warnings(self) -> int:
        return sum(self.warnings_by_column.values())

    def text(self) -> str:
        lines = [
            f"Load report: {self.kind} extract '{self.file_name}'"
            + (f", period {self.period}" if self.period else ""),
            f"  rows read:        {self.rows_read:,}"
            + (
                f" (from {self.lines_read:,} lines, header included)"
                if self.lines_read is not None
                else ""
            ),
            f"  rows loaded:      {self.rows_loaded:,}",
            f"  rows quarantined: {self.rows_quarantined:,}",
        ]
        for reason, count in sorted(self.quarantine_reasons.items()):
            lines.append(f"    {count:,} x {reason}")
        lines.append(f"  warnings (loaded as Not recorded): {self.warnings:,}")
        for column, count in sorted(self.warnings_by_column.items()):
            lines.append(f"    {column}: {count:,}")
        extras = ", ".join(self.extra_columns) if self.extra_columns else "none"
        lines.append(f"  extra columns ignored (their values are not stored): {extras}")
        if self.replaced:
            lines.append(f"  replaced: {self.replaced}")
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


def census_date(period: str) -> dt.date:
    """The last day of the period's month; raises ValueError for a malformed period."""
    match = PERIOD_PATTERN.fullmatch(period or "")
    if not match:
        raise ValueError(
            f"the period {period!r} is not of the form YYYY-MM written in plain digits "
            "(for example 2023-06)."
        )
    year, month = int(match.group(1)), int(match.group(2))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def latest_period(today: dt.date | None = None) -> str:
    """Next month: the latest period a load accepts without --any-period."""
    today = today or dt.date.today()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{year:04d}-{month:02d}"


def check_period(period: str, any_period: bool = False) -> dt.date:
    """Refuse a malformed period, or one outside 2000-01 to next month unless told otherwise."""
    census = census_date(period)
    last = latest_period()
    if not any_period and not FIRST_PERIOD <= period <= last:
        raise ValueError(
            f"the period {period} is outside the plausible range {FIRST_PERIOD} to {last}. "
            "Check it; if it is right, load again with --any-period."
        )
    return census


def _previous_load(con, kind: str, period: str | None) -> str | None:
    """Which load the new one replaces: id, file and time (a concurrent load's report says so)."""
    row = con.execute(
        "SELECT load_id, file_name, strftime(loaded_at, '%Y-%m-%d %H:%M:%S') FROM load_log "
        "WHERE kind = $kind AND period IS NOT DISTINCT FROM $period "
        "ORDER BY load_id DESC LIMIT 1",
        {"kind": kind, "period": period},
    ).fetchone()
    if row is None:
        return None
    return f"load {row[0]} of '{row[1]}' at {row[2]}"


def guard_shrink(
    file_name: str, what: str, held: int, incoming: int, rows_read: int, replace: bool
) -> None:
    """Refuse a file with no loadable rows, or one that would replace `held` children (or
    events) with under half as many, unless told.

    Nothing read and nothing held is no loss (a period derived from a SEN2 return may have no
    child out of school); a file is never empty here (the reader refuses one with no rows).
    """
    if replace or (incoming > 0 and incoming >= held * SHRINK_LIMIT):
        return
    if held == 0 and rows_read == 0:
        return
    counts = f"with {incoming:,} ({rows_read:,} rows read, {rows_read - incoming:,} quarantined)"
    problem = (
        f"it would replace {what} ({held:,}) {counts}. A file with under half of what it "
        "replaces is usually a partial or wrong export"
        if held
        else f"it would load {what}, which holds none yet, {counts}: not one of its rows can "
        "be loaded. That is usually a wrong export"
    )
    raise LoadRefused(
        f"The file '{file_name}' was not loaded: {problem} (or a workbook whose formulas have "
        "no saved values). Check the file; if it is right, load it again with --replace. "
        "Nothing in the database was changed."
    )


def _next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchone()[0]


def _quarantine_rejects(con, rejects, load_id, kind, period, file_name) -> None:
    """Rows the CSV parser could not split still reach the quarantine, with their contract
    columns' text (extract_reader keeps no extra column's value)."""
    if rejects:
        con.executemany(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
            [(load_id, kind, period, file_name, row, reason, raw) for row, reason, raw in rejects],
        )


def _finish_report(con, report: LoadReport, load_id: int, synthetic: bool) -> None:
    report.load_id = load_id
    # count what actually landed, so the check below compares the database with the file
    report.rows_loaded = con.execute(
        "SELECT (SELECT count(*) FROM snapshot WHERE load_id = $id) "
        "+ (SELECT count(*) FROM casework WHERE load_id = $id) "
        "+ (SELECT count(*) FROM caseload_snapshot WHERE load_id = $id) "
        "+ (SELECT count(*) FROM assignment WHERE load_id = $id)",
        {"id": load_id},
    ).fetchone()[0]
    report.quarantine_reasons = dict(
        con.execute(
            # grouped without the row numbers and raw values reasons name, so the printed
            # report (and its logs) never carries a value from the file: a value is quoted
            # and followed by ' is ' ("placement_status 'X' is neither ..."); (?s): the value
            # may hold line breaks, and the mask must run over them
            "SELECT regexp_replace(regexp_replace(reason, 'row \\d+', 'row N'), "
            "'(?s)''.*'' is ', '''…'' is '), count(*) FROM quarantine "
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
    if report.file_columns:
        con.executemany(
            "INSERT INTO load_columns VALUES (?, ?, ?)",
            [(load_id, column, named) for column, named in report.file_columns.items()],
        )


def _purge_extra_values(con) -> int:
    """Remove values that loads before these rules kept in the quarantine; rows changed.

    Quarantined rows used to keep their extra columns (names, addresses, NHS numbers) as an
    `extras` object, rows the CSV parser could not split their whole raw line, and rows with
    too many or too few cells their cells by position, under contract columns they may not
    belong to (data/csv_records.py). The first load into such a database removes all three;
    the rows, reasons and attributable contract columns stay. The load then compacts the file,
    so the removed values do not linger in its free blocks.
    """
    statements = [
        "UPDATE quarantine SET raw_values = json_merge_patch(raw_values, '{\"extras\": null}') "
        "WHERE json_valid(raw_values) AND json_exists(raw_values, '$.extras')",
        "UPDATE quarantine SET raw_values = json_object('raw_line', "
        "'(removed: the line held columns outside the contract)') "
        "WHERE json_valid(raw_values) AND json_exists(raw_values, '$.raw_line') "
        "AND raw_values->>'raw_line' NOT LIKE '(removed:%'",
        "UPDATE quarantine SET raw_values = "
        "json_object('cells_in_row', json_extract(raw_values, '$.cells_in_row')) "
        "WHERE reason LIKE 'the row could not be read as CSV (%' "
        "AND (reason LIKE '%too many columns%' OR reason LIKE '%missing columns%') "
        "AND json_valid(raw_values) AND len(json_keys(raw_values)) > 1",
    ]
    return sum(con.execute(sql).fetchone()[0] for sql in statements)


def _new_report(kind: str, raw: RawExtract, file_path: Path, period: str | None) -> LoadReport:
    report = LoadReport(kind, file_path.name, period, extra_columns=raw.extra_columns)
    report.rows_read = raw.rows_parsed + len(raw.rejects)
    report.lines_read = raw.lines_read
    report.notes = list(raw.notes)
    report.file_columns = dict(raw.file_columns)
    return report


def _load_cohort_into(
    con, raw: RawExtract, file_path: Path, period: str, synthetic: bool, replace: bool = False
) -> LoadReport:
    census = census_date(period)
    report = _new_report("cohort", raw, file_path, period)
    load_id = _next_load_id(con)
    store.run_sql_file(con, "stage_cohort.sql", {"census_date": census})
    held, incoming = con.execute(
        "SELECT (SELECT count(*) FROM snapshot WHERE period = $period), "
        "(SELECT count(*) FROM staged WHERE quarantine_reason IS NULL)",
        {"period": period},
    ).fetchone()
    guard_shrink(
        report.file_name,
        f"the children of period {period}",
        held,
        incoming,
        report.rows_read,
        replace,
    )
    report.replaced = _previous_load(con, "cohort", period)
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


def _load_caseload_into(
    con, raw: RawExtract, file_path: Path, period: str, synthetic: bool, replace: bool = False
) -> LoadReport:
    """One period's EHC plan caseload (data/caseload.py stages it with the cohort's SQL)."""
    report = _new_report("caseload", raw, file_path, period)
    load_id = _next_load_id(con)

    def guard(held: int, incoming: int) -> None:
        guard_shrink(
            report.file_name, f"the plans of period {period}", held, incoming,
            report.rows_read, replace,
        )  # fmt: skip
        report.replaced = _previous_load(con, "caseload", period)

    caseload.stage_and_publish(
        con,
        period=period,
        census=census_date(period),
        load_id=load_id,
        file_name=file_path.name,
        guard=guard,
    )
    _quarantine_rejects(con, raw.rejects, load_id, "caseload", period, report.file_name)
    _finish_report(con, report, load_id, synthetic)
    release(con)
    return report


def _load_casework_into(
    con, raw: RawExtract, file_path: Path, synthetic: bool, replace: bool = False
) -> LoadReport:
    report = _new_report("casework", raw, file_path, None)
    load_id = _next_load_id(con)
    store.run_sql_file(con, "stage_casework.sql")
    held, incoming = con.execute(
        "SELECT (SELECT count(*) FROM casework), "
        "(SELECT count(*) FROM staged_events WHERE quarantine_reason IS NULL)"
    ).fetchone()
    guard_shrink(
        report.file_name, "the casework log's events", held, incoming, report.rows_read, replace
    )
    report.replaced = _previous_load(con, "casework", None)
    store.run_sql_file(
        con, "publish_casework.sql", {"load_id": load_id, "file_name": report.file_name}
    )
    _quarantine_rejects(con, raw.rejects, load_id, "casework", None, report.file_name)
    _finish_report(con, report, load_id, synthetic)
    con.execute("DROP TABLE staged_events")
    release(con)
    return report


def _load_assignments_into(
    con, raw: RawExtract, file_path: Path, synthetic: bool, replace: bool = False
) -> LoadReport:
    """The caseworker assignments, replacing the table whole (data/assignments.py)."""
    report = _new_report("assignments", raw, file_path, None)
    load_id = _next_load_id(con)

    def guard(held: int, incoming: int) -> None:
        guard_shrink(
            report.file_name, "the caseworker assignments", held, incoming, report.rows_read,
            replace,
        )  # fmt: skip
        report.replaced = _previous_load(con, "assignments", None)

    assignments.stage_and_publish(con, load_id=load_id, file_name=file_path.name, guard=guard)
    _quarantine_rejects(con, raw.rejects, load_id, "assignments", None, report.file_name)
    _finish_report(con, report, load_id, synthetic)
    release(con)
    return report


def load_batch(
    db_path,
    cohort_files: list[tuple[str | Path, str]],
    casework_file: str | Path | None = None,
    *,
    synthetic: bool = False,
    replace: bool = False,
    any_period: bool = False,
    rebuild_flag_basis: bool = False,
    caseload_files: list[tuple[str | Path, str]] = (),
    assignments_file: str | Path | None = None,
    derived=(),
) -> list[LoadReport]:
    """Load several files in ONE atomic publish: all of them go in, or none does.

    `replace` lets a file replace a period (or the casework log) with under half of what it
    holds; `any_period` accepts a period outside 2000-01 to next month.
    `rebuild_flag_basis` rebuilds the whole case-flag basis even when no casework file is given
    (what a casework load does; bench/bench_load.py times this worst case of a cohort load).
    `derived`: periods already read and derived from another source (data/sen2_return.py's
    Sen2Load), each staging and publishing itself through this module's caseload and cohort
    loads.
    """
    db_path = load_target(db_path)
    for _, period in [*cohort_files, *caseload_files]:
        check_period(period, any_period)  # refuse a malformed period before any work
    files = [Path(f) for f, _ in [*cohort_files, *caseload_files]] + [
        Path(f) for f in (casework_file, assignments_file) if f is not None
    ]
    # the new rows take room in the copy too: a generous bound is three times the files' size
    extra = sum(3 * f.stat().st_size for f in files if f.is_file())
    extra += sum(source.extra_bytes for source in derived)
    reports: list[LoadReport] = []
    notes: list[str] = []
    # a readable copy of a CSV, when one is needed (data/csv_scan.py), is written beside the
    # working copy, so that a copy left by kill -9 is removed with it by the next load
    scratch = store.scratch_path(db_path, "extract.csv")
    purged = [0]
    with store.publishing(
        db_path, extra_bytes=extra, notes=notes, compact_if=lambda: purged[0] > 0
    ) as con:
        provenance.refuse_mixing(con, db_path, synthetic)  # real and made-up never mix
        lookups.install(con)
        with store.transaction(con):
            purged[0] = _purge_extra_values(con)
        # a transaction per file: each is whole or absent, and memory stays bounded; the batch
        # as a whole is published (or thrown away) by store.publishing
        # Each file is read (into temp tables, which are not part of the database) before its
        # transaction opens: see extract_reader._record_number.
        for file_path, period in cohort_files:
            raw = read_extract(con, Path(file_path), "cohort", scratch)
            with store.transaction(con):
                reports.append(
                    _load_cohort_into(con, raw, Path(file_path), period, synthetic, replace)
                )
        for file_path, period in caseload_files:
            raw = read_extract(con, Path(file_path), "caseload", scratch)
            with store.transaction(con):
                reports.append(
                    _load_caseload_into(con, raw, Path(file_path), period, synthetic, replace)
                )
        for source in derived:
            reports += source.publish(con, synthetic=synthetic, replace=replace)
        if casework_file is not None:
            raw = read_extract(con, Path(casework_file), "casework", scratch)
            with store.transaction(con):
                reports.append(
                    _load_casework_into(con, raw, Path(casework_file), synthetic, replace)
                )
        if assignments_file is not None:
            raw = read_extract(con, Path(assignments_file), "assignments")
            with store.transaction(con):
                reports.append(
                    _load_assignments_into(con, raw, Path(assignments_file), synthetic, replace)
                )
        with store.transaction(con):
            # the flag settings and view on every publish; the case-flag basis whole only when
            # the casework changed (see install_flag_settings)
            install_flag_settings(
                con, casework_changed=casework_file is not None or rebuild_flag_basis
            )
            published.install_shipped(con)
    if purged[0]:
        notes.append(
            f"removed values that earlier loads kept in {purged[0]:,} quarantined "
            "row(s) (extra columns, or cells that could not be put under a column for sure), "
            "and compacted the database file so that they are gone from it"
        )
    if reports:
        reports[0].notes += notes
    return reports


def load_cohort(
    file_path,
    period: str,
    db_path=None,
    *,
    synthetic: bool = False,
    replace: bool = False,
    any_period: bool = False,
) -> LoadReport:
    """Load one cohort snapshot for `period`, replacing that period whole."""
    return load_batch(
        db_path,
        [(file_path, period)],
        synthetic=synthetic,
        replace=replace,
        any_period=any_period,
    )[0]


def load_casework(
    file_path, db_path=None, *, synthetic: bool = False, replace: bool = False
) -> LoadReport:
    """Load a casework log, replacing the previous log whole."""
    return load_batch(db_path, [], file_path, synthetic=synthetic, replace=replace)[0]


def load_caseload(
    file_path,
    period: str,
    db_path=None,
    *,
    synthetic: bool = False,
    replace: bool = False,
    any_period: bool = False,
) -> LoadReport:
    """Load one period's EHC plan caseload, replacing that period's caseload whole."""
    return load_batch(
        db_path,
        [],
        synthetic=synthetic,
        replace=replace,
        any_period=any_period,
        caseload_files=[(file_path, period)],
    )[0]


def load_assignments(
    file_path, db_path=None, *, synthetic: bool = False, replace: bool = False
) -> LoadReport:
    """Load a caseworker assignments file, replacing the previous one whole."""
    return load_batch(
        db_path, [], synthetic=synthetic, replace=replace, assignments_file=file_path
    )[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.load", description="Load an extract file into the database."
    )
    sub = parser.add_subparsers(dest="kind", required=True)
    cohort = sub.add_parser("cohort", help="a cohort snapshot for one reporting period")
    cohort.add_argument("file")
    cohort.add_argument("--period", required=True, help="reporting period, YYYY-MM")
    cohort.add_argument(
        "--any-period", action="store_true", help="accept a period outside 2000-01 to next month"
    )
    casework = sub.add_parser("casework", help="a casework log (replaces the previous log)")
    casework.add_argument("file")
    plans = sub.add_parser("caseload", help="every child with an EHC plan at one period")
    plans.add_argument("file")
    plans.add_argument("--period", required=True, help="reporting period, YYYY-MM")
    plans.add_argument(
        "--any-period", action="store_true", help="accept a period outside 2000-01 to next month"
    )
    owners = sub.add_parser(
        "assignments", help="caseworker assignments: who holds each case (replaces the last)"
    )
    owners.add_argument("file")
    sen2 = sub.add_parser("sen2", help="a DfE EHC plans release file (caseload.csv)")
    sen2.add_argument("file")
    sen2.add_argument("--release", required=True, help="the release's name, as published")
    sen2.add_argument("--db", help="database file (default: $OOS_DB or data/oos.duckdb)")
    ret = sub.add_parser(
        "sen2-return",
        help="a period's cohort and caseload from the SEN2 return's Blade export (a folder)",
    )
    ret.add_argument("file", metavar="DIR", help="folder of Blade-Export_DD-MM-YYYY_*.csv files")
    ret.add_argument("--period", required=True, help="reporting period, YYYY-MM")
    ret.add_argument("--postcodes", help="postcode prefix lookup, CSV prefix,district")
    ret.add_argument("--ssd", help="folder of the SSD's person, CLA, CP and CIN tables")
    ret.add_argument(
        "--any-period", action="store_true", help="accept a period outside 2000-01 to next month"
    )
    for command in (cohort, casework, plans, owners, ret):
        command.add_argument("--db", help="database file (default: $OOS_DB or data/oos.duckdb)")
        command.add_argument(
            "--replace",
            action="store_true",
            help="replace even when the file holds under half of what it replaces",
        )
    args = parser.parse_args(argv)
    db_path = load_target(args.db)
    # one handler for the whole run: a stopping signal abandons the load until the rename
    # begins, and from then on is only noted, so the message, the status and the audit record
    # always say what happened to the database (store.stop_on_signals)
    with store.stop_on_signals() as stop:
        try:
            reports = _run(args, db_path)
        except BaseException as error:
            stop.disarm()  # a signal while the ending is reported is noted, not acted on
            status = _ending(args, db_path, error, stop.signum)
        else:
            stop.disarm()
            _published(args, db_path, reports)
            status = 0
        late = stop.take()  # dealt with here, not raised again on the way out
        if status == 0 and late is not None:
            print(
                f"NOTE. A {signal.Signals(late).name} arrived after the database was published: "
                "the load is complete and was not undone.",
                file=sys.stderr,
            )
        return status


def _published(args, db_path, reports: list[LoadReport]) -> None:
    """Audit and print a load that was published (a DfE release printed its own lines)."""
    if not reports:
        return
    report = reports[0]  # a SEN2 return's first report is its plans: what the record counts
    unaudited = _audit(
        args,
        db_path,
        period=report.period,
        read=report.rows_read,
        loaded=report.rows_loaded,
        quarantined=report.rows_quarantined,
    )
    if unaudited:
        print(f"WARNING. {unaudited}", file=sys.stderr)
    for each in reports:
        print(each.text())
    print(f"Published to {db_path}.")


def _run(args, db_path) -> list[LoadReport]:
    """Run the command: its load reports (none for a DfE release, which prints its own)."""
    if args.kind == "sen2-return":
        from data import sen2_return  # it builds on this module's loads, so imports it

        return sen2_return.load_sen2_return(
            args.file, args.period, db_path, postcodes=args.postcodes,
            ssd_folder=args.ssd, replace=args.replace, any_period=args.any_period,
        )  # fmt: skip
    if args.kind == "cohort":
        return [load_cohort(
            args.file, args.period, db_path, replace=args.replace, any_period=args.any_period
        )]  # fmt: skip
    if args.kind == "caseload":
        return [load_caseload(
            args.file, args.period, db_path, replace=args.replace, any_period=args.any_period
        )]  # fmt: skip
    if args.kind == "sen2":
        rows = published.load_release(args.file, args.release, db_path)
        unaudited = _audit(args, db_path, read=rows, loaded=rows)
        if unaudited:
            print(f"WARNING. {unaudited}", file=sys.stderr)
        print(f"Loaded {rows:,} rows of '{args.release}' into published_ehcp.")
        print(f"Published to {db_path}.")
        return []
    if args.kind == "assignments":
        return [load_assignments(args.file, db_path, replace=args.replace)]
    return [load_casework(args.file, db_path, replace=args.replace)]


def _ending(args, db_path, error: BaseException, signum: int | None) -> int:
    """Report and audit a run that did not publish: stopped, refused or failed."""
    if signum is None and isinstance(error, store.Interrupted | KeyboardInterrupt):
        signum = getattr(error, "signum", signal.SIGINT)
    if signum is not None:
        # whatever the error that ended it (DuckDB's own, for a signal during a query)
        return _stopped(args, db_path, signum)
    if isinstance(error, ExtractRefused | LoadRefused | store.StoreRefused | ValueError):
        return _refused(args, str(error))
    if not isinstance(error, Exception):
        raise error  # SystemExit and the like are not endings of a load
    # An error nobody foresaw: its message may quote a value from the file (DuckDB's do),
    # so the terminal, its logs and the audit record get its type only, unless OOS_DEBUG asks.
    name = type(error).__name__
    unaudited = _audit(args, db_path, period=getattr(args, "period", None),
                       outcome=f"failed: {name} (nothing changed)")  # fmt: skip
    if os.environ.get("OOS_DEBUG"):
        raise error
    print(
        f"FAILED. The load stopped on an unexpected error ({name}). "
        "Nothing in the database was changed. Run it again with OOS_DEBUG=1 set to see "
        "the details (they may quote the file), and report them."
        + (f" {unaudited}" if unaudited else ""),
        file=sys.stderr,
    )
    return 1


def _stopped(args, db_path, signum: int) -> int:
    name = signal.Signals(signum).name
    unaudited = _audit(args, db_path, period=getattr(args, "period", None),
                       outcome=f"stopped by {name} (nothing changed)")  # fmt: skip
    print(
        f"STOPPED by {name}. The load was abandoned: the database is unchanged and the "
        f"working copy was removed.{' ' + unaudited if unaudited else ''}",
        file=sys.stderr,
    )
    return 128 + signum


def _refused(args, problem: str) -> int:
    """One paragraph on stderr, a one-line report on stdout, exit status 2, no traceback."""
    text = problem if problem.startswith(("The ", "There ")) else f"The load was refused: {problem}"
    if "Nothing in the database was changed" not in text:
        text += " Nothing in the database was changed."
    unaudited = _audit(args, load_target(args.db), period=getattr(args, "period", None),
                       outcome=f"refused: {problem}")  # fmt: skip
    print(f"REFUSED. {text}{' ' + unaudited if unaudited else ''}", file=sys.stderr)
    print(
        f"Load report: {args.kind} extract '{os.path.basename(args.file)}': refused; "
        "rows loaded: 0; the database is unchanged.",
    )
    return 2


def _audit(args, db_path, **counts) -> str:
    """Record the run in the audit trail (appstore/audit.py); the problem in words if the
    trail cannot be written (a read-only folder), so the run still reports, and says so."""
    try:
        record_load(args.file, args.kind, db_path, **counts)
    except (OSError, sqlite3.Error) as problem:
        return f"The audit record of this run could not be written ({problem})."
    return ""


if __name__ == "__main__":
    sys.exit(main())
