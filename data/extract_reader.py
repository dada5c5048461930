"""Read an extract file (CSV or XLSX) into a DuckDB temp table of text columns.

This module knows about file formats and header names only; it does not judge values. It
produces a table with a `src_row` column (the row number a person sees in Excel, header = row
1), one VARCHAR column per contract column (NULL when the file lacks an optional one) and an
`extras` struct holding the columns the contract does not know (they count when telling exact
repeats from conflicting rows).
Records the CSV parser cannot split into the header's columns come back as `rejects`, so the
loader can quarantine them rather than lose them, keeping only what csv_records.py allows.
Before DuckDB parses a CSV, csv_scan.py checks its bytes (encoding, line ends, line lengths)
and, when needed, gives DuckDB a copy it can read.

Messages never quote a line of the file (a line is a child's record): they name the problem,
the line number and what to do. A zip or Excel workbook renamed .csv, a folder, a bare carriage
return, a first line too long to be a header and a quoted field that runs over whole records
are each named as such.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from data import csv_scan
from data.csv_records import RecordShape
from data.csv_scan import CsvScan


class ExtractRefused(Exception):
    """The file cannot be used at all; the message says what is wrong and what to do."""


COHORT_COLUMNS = [
    "child_id",
    "date_of_birth",
    "gender",
    "primary_need",
    "district",
    "placement_status",
    "out_of_school_since",
    "year_group",
    "cin",
    "cp",
    "cla",
    "previously_looked_after",
    "imported_from",
    "import_date",
    "ehcp_issued",
    "last_annual_review",
    "provision_hours",
    "sen_team",
]
COHORT_REQUIRED = [
    "child_id",
    "date_of_birth",
    "gender",
    "primary_need",
    "district",
    "placement_status",
]
CASEWORK_COLUMNS = [
    "child_id",
    "event_date",
    "event_type",
    "provider",
    "provision_type",
    "hours_per_week",
    "detail",
]
CASEWORK_REQUIRED = ["child_id", "event_date", "event_type"]

LAYOUTS = {
    "cohort": (COHORT_COLUMNS, COHORT_REQUIRED),
    "casework": (CASEWORK_COLUMNS, CASEWORK_REQUIRED),
}


@dataclass
class RawExtract:
    """What was read: the temp table's name and what the header told us."""

    table: str
    rows_parsed: int
    extra_columns: list[str] = field(default_factory=list)
    # (row number, reason, the values it may keep as JSON) for records the CSV parser could
    # not split: only values that can be put under a column for sure (csv_records.py)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)
    # physical lines of a CSV file, header included; None for a workbook
    lines_read: int | None = None
    notes: list[str] = field(default_factory=list)
    # row number -> a rejected record's known columns taken by position, as if no cell were
    # shifted: NOT certain, so never stored; only for linking the row to others (a SEN2
    # module's rejected row to the plan it belongs to, so that the plan is quarantined too)
    reject_cells: dict[int, dict[str, str]] = field(default_factory=dict)
    # contract column -> the column's name as the file's header writes it ('Child ID'), so the
    # data-quality page can name a column the way the people who fix the export know it
    file_columns: dict[str, str] = field(default_factory=dict)


def normalise_header(name: str) -> str:
    """`Child ID`, `child_id` and `CHILD-ID` are one column (the contract's matching rule)."""
    return re.sub(r"[\s_\-]+", "_", name.strip().lower()).strip("_")


def file_columns(header: list[str], names: list[str]) -> dict[str, str]:
    """Each contract column read and its name as the header writes it (extras left out: their
    names are in the load report, their values never stored)."""
    return {
        name: (original or "").strip()
        for original, name in zip(header, names, strict=False)
        if not name.startswith("extra_")
    }


def _refuse(path: Path, problem: str, action: str) -> ExtractRefused:
    return ExtractRefused(
        f"The file '{path.name}' was not loaded: {problem} {action} "
        "Nothing in the database was changed."
    )


def _map_header(path: Path, header: list[str], kind: str) -> tuple[list[str], list[str]]:
    """Return the table column name for each file column, and the extra columns' names."""
    known, required = LAYOUTS[kind]
    names: list[str] = []
    extras: list[str] = []
    seen: set[str] = set()
    for position, original in enumerate(header):
        key = normalise_header(original or "")
        if key in known:
            if key in seen:
                raise _refuse(
                    path,
                    f"the column '{key}' appears more than once in the header.",
                    "Remove the repeated column and export the file again.",
                )
            seen.add(key)
            names.append(key)
        else:
            extras.append((original or "").strip() or f"(unnamed column {position + 1})")
            names.append(f"extra_{position + 1}")
    missing = [column for column in required if column not in seen]
    if missing:
        # The header's cells are not quoted back: when the first row is a child's record
        # rather than the column names, that would print the record to the terminal and logs.
        raise _refuse(
            path,
            "the required column(s) " + ", ".join(missing) + " are missing from the header "
            f"(its first row has {len(header)} cells, {len(seen)} of them contract columns).",
            f"Check that this is a {kind} extract and that its first row holds the column names.",
        )
    return names, extras


_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls


def _check_not_binary(path: Path) -> None:
    """Name a zip or an Excel workbook renamed .csv, rather than calling it bad UTF-8."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_ZIP_MAGIC):
        import zipfile

        try:
            with zipfile.ZipFile(path) as archive:
                workbook = any(name.startswith("xl/") for name in archive.namelist())
        except zipfile.BadZipFile:
            workbook = False
        if workbook:
            raise _refuse(
                path,
                "it is an Excel workbook (.xlsx) renamed .csv.",
                "Rename it to end .xlsx (only its first sheet is read), or save it from Excel "
                "as 'CSV UTF-8'.",
            )
        raise _refuse(
            path, "it is a zip archive renamed .csv.", "Unzip it and load the extract inside."
        )
    if head.startswith(_OLE2_MAGIC):
        raise _refuse(
            path,
            "it is an old-style Excel workbook (.xls, Excel 97-2003) renamed .csv.",
            "Open it in Excel and save it as 'CSV UTF-8' or as .xlsx.",
        )


def _read_csv_header(path: Path) -> list[str]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        try:
            first = next(csv.reader(handle), None)
        except csv.Error:
            # a quote opened in the header and never closed runs on into the rows
            raise _refuse(
                path,
                "its first row (the header) could not be read: a double quote in it is not closed.",
                "Check the header row, export the file again as 'CSV UTF-8', and load it again.",
            ) from None
    if not first or not any(cell.strip() for cell in first):
        raise _refuse(path, "it is empty (no header row).", "Check the export and try again.")
    return first


def _finish_table(
    con: duckdb.DuckDBPyConnection, source: str, names: list[str], kind: str, table: str
) -> None:
    """Create the view `table`: src_row, every contract column, and the extra columns.

    A view, not a copy: the loader reads it a few times, and copying a million rows of text
    once more costs more than projecting them again.
    """
    known, _ = LAYOUTS[kind]
    present = set(names)
    selected = [
        (f'"{column}"' if column in present else "NULL::VARCHAR") + f' AS "{column}"'
        for column in known
    ]
    extras = [name for name in names if name.startswith("extra_")]
    extra_struct = (
        "struct_pack(" + ", ".join(f'"{name}" := "{name}"' for name in extras) + ")"
        if extras
        else "NULL"
    )
    # Identifiers here come only from the contract's column list and the loader's own
    # `extra_N` names, never from the file's header text (allow-listed by construction).
    sql = (
        f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT src_row, "  # noqa: S608
        + ", ".join(selected)
        + f", {extra_struct} AS extras FROM {source}"
    )
    con.execute(sql)


def release(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what read_extract made, once the loader is done with it."""
    con.execute(
        "DROP VIEW IF EXISTS raw; DROP TABLE IF EXISTS csv_in; "
        "DROP TABLE IF EXISTS csv_slots; DROP TABLE IF EXISTS xlsx_in"
    )


def read_extract(
    con: duckdb.DuckDBPyConnection, path: Path, kind: str, scratch: Path | None = None
) -> RawExtract:
    """Read `path` into the temp view `raw`; raise ExtractRefused when it cannot be used.

    `scratch`: where a readable copy of a CSV may be written when one is needed (csv_scan.py;
    the loader passes a name beside its working copy); a temporary folder when None.
    """
    table = "raw"
    path = Path(path)
    if path.is_dir():
        raise _refuse(path, "that path is a folder, not a file.", "Give the extract file's path.")
    if not path.is_file():
        raise _refuse(path, "the file does not exist.", "Check the file name and folder.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(con, path, kind, table, scratch)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(con, path, kind, table)
    raise _refuse(
        path,
        f"it is not a CSV or XLSX file (the name ends '{path.suffix or '(no extension)'}').",
        "Export the extract as CSV (UTF-8) or as an Excel workbook (.xlsx).",
    )


def _refuse_runaway_quote(path: Path, line: int, spanned: int) -> ExtractRefused:
    return _refuse(
        path,
        f"a quoted field that starts on line {line} runs on over {spanned} more lines that "
        'look like whole records (a double quote " opened and never closed), so those rows '
        "would be lost inside one value.",
        "Close or remove that quote and export the file again.",
    )


def _reject(line: int, errors: str, raw: str, names, shape: RecordShape, found: CsvScan):
    """(row number, reason, kept values as JSON) of one record the parser rejected."""
    long_line = csv_scan.LONG_LINE_PATTERN.fullmatch(raw.strip())
    if long_line:
        size = found.long_line_bytes(int(long_line.group(1)))
        return (
            line,
            f"the row is {size / 2**20:,.1f} MB long, longer than the "
            f"{csv_scan.LINE_MAX_BYTES // 2**20} MB a record may hold, so it was not read",
            json.dumps({"bytes_in_row": size}),
        )
    return (
        line,
        f"the row could not be read as CSV ({errors.lower()})",
        shape.contract_cells(raw, names),
    )


def _read_csv(con, path: Path, kind: str, table: str, scratch: Path | None) -> RawExtract:
    _check_not_binary(path)
    try:
        found = csv_scan.scan(path)
    except csv_scan.ScanRefused as refused:
        raise _refuse(path, refused.problem, refused.action) from None
    header = _read_csv_header(path)
    names, extras = _map_header(path, header, kind)
    shape = RecordShape.of(names, LAYOUTS[kind][1])
    # column names are allow-listed (contract names or generated extra_N); the path is bound
    columns = "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in names) + "}"
    sql = (
        "CREATE OR REPLACE TEMP TABLE csv_in AS SELECT * "  # noqa: S608
        "FROM read_csv($path, header=true, "
        f"auto_detect=false, columns={columns}, delim=',', quote='\"', escape='\"', "
        "store_rejects=true, rejects_table='csv_rejects', rejects_scan='csv_scans')"
    )
    with csv_scan.readable_copy(path, found, scratch) as source:
        try:
            con.execute(sql, {"path": str(source)})
        except duckdb.Error:
            # DuckDB's message quotes the offending line: it is not passed on
            raise _refuse(
                path,
                "it could not be read as CSV (its structure is broken beyond single rows).",
                "Open it in Excel, save it as 'CSV UTF-8', and load it again.",
            ) from None
    record = _record_number(con)
    reject_rows = con.execute(
        "SELECT line, string_agg(DISTINCT error_type, '; '), any_value(csv_line) "
        "FROM csv_rejects GROUP BY line ORDER BY line"
    ).fetchall()
    for line, _, raw in reject_rows:
        text = (raw or "").rstrip("\n")
        if "\n" in text and shape.swallowed(text):
            raise _refuse_runaway_quote(path, int(line), text.count("\n"))
    rows = con.execute("SELECT count(*) FROM csv_in").fetchone()[0]
    if found.lines != 1 + rows + len(reject_rows):
        # Some record spans lines (a quoted line break), or blank lines were skipped: look at
        # the values holding line breaks. When every record is one line, none holds one, and
        # the scan of every value is not needed.
        _check_accepted_values(con, path, names, record, shape)
    rejects = [
        _reject(int(line), errors, raw or "", names, shape, found)
        for line, errors, raw in reject_rows
    ]
    if rejects:
        # Accepted records fill the row numbers the rejected ones did not take.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE csv_slots AS "
            "SELECT row_number() OVER (ORDER BY n) - 1 AS k, n::INTEGER AS src_row FROM "
            "range(2, (SELECT count(*) FROM csv_in) + $r + 2) t(n) "
            "WHERE n NOT IN (SELECT line FROM csv_rejects)",
            {"r": len(rejects)},
        )
        source = f"(SELECT s.src_row, c.* FROM csv_in c JOIN csv_slots s ON s.k = c.{record})"  # noqa: S608
    else:
        source = f"(SELECT ({record} + 2)::INTEGER AS src_row, * FROM csv_in)"  # noqa: S608
    _finish_table(con, source, names, kind, table)
    con.execute("DROP TABLE IF EXISTS csv_rejects; DROP TABLE IF EXISTS csv_scans")
    if rows + len(rejects) == 0:
        raise _refuse(path, "it holds a header but no data rows.", "Check the export.")
    return RawExtract(
        table=table,
        rows_parsed=rows,
        extra_columns=extras,
        rejects=rejects,
        lines_read=found.lines,
        file_columns=file_columns(header, names),
        reject_cells={
            int(line): shape.by_position(raw or "", names) for line, _, raw in reject_rows
        },
    )


def _check_accepted_values(con, path: Path, names: list[str], record: str, shape) -> None:
    """Refuse when an accepted value holds lines that look like whole records.

    An unbalanced quote the parser could close further down swallows the rows between into
    one value; such a row is accepted, so it is found here: a value holding a line break whose
    later lines have the shape of records (csv_records.RecordShape), or a line too long to read
    (csv_scan.py), which a quote opened before it ran into.
    """
    quoted = " OR ".join(f'contains("{name}", chr(10))' for name in names)
    # identifiers are allow-listed names (contract columns or extra_N)
    selected = ", ".join(f'"{name}"' for name in names)
    sql = f"SELECT {record}, {selected} FROM csv_in WHERE {quoted}"  # noqa: S608
    for row in con.execute(sql).fetchall():
        for value in row[1:]:
            if not value or "\n" not in value:
                continue
            if shape.swallowed(value) or csv_scan.LONG_LINE_PATTERN.search(value):
                # the record's first line: header is line 1, and earlier values' line breaks count
                first_line = _first_line_of_record(con, names, record, row[0])
                raise _refuse_runaway_quote(path, first_line, value.count("\n"))


def _first_line_of_record(con, names: list[str], record: str, number: int) -> int:
    breaks = " + ".join(
        f'coalesce(length("{n}") - length(replace("{n}", chr(10), \'\')), 0)' for n in names
    )
    sql = f"SELECT coalesce(sum({breaks}), 0) FROM csv_in WHERE {record} < $n"  # noqa: S608
    earlier = con.execute(sql, {"n": number}).fetchone()[0]
    return int(number) + 2 + int(earlier)


def _record_number(con: duckdb.DuckDBPyConnection) -> str:
    """SQL for each csv_in row's record number (0, 1, 2... in file order).

    DuckDB keeps insertion order when it writes a table, so a freshly written csv_in holds the
    records in file order and, written outside a transaction (the loader reads its files
    before it opens one), its rowid counts them from 0. That costs nothing; a row_number()
    window over a million rows, the alternative, runs on one thread and took about as long as
    reading the file. When the rowids are not 0 to n - 1 the window is used instead.
    """
    first, last, rows = con.execute(
        "SELECT min(rowid), max(rowid), count(*) FROM csv_in"
    ).fetchone()
    if rows == 0 or (first == 0 and last == rows - 1):
        return "rowid"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE csv_in AS SELECT row_number() OVER () - 1 AS record, * "
        "FROM csv_in"
    )
    return "record"


def _cell_text(value) -> str | None:
    """An XLSX cell as the text the contract reads; date cells become YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(con, path: Path, kind: str, table: str) -> RawExtract:
    # imported here: only XLSX extracts need them (pyarrow alone is most of the loader's
    # start-up time)
    import openpyxl
    import pyarrow as pa

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise _refuse(
            path,
            f"it could not be opened as an Excel workbook ({type(error).__name__}).",
            "Open it in Excel, save it as .xlsx, and try again.",
        ) from None
    notes = []
    try:
        if len(book.worksheets) > 1:
            notes.append(
                f"the workbook has {len(book.worksheets)} sheets: only the first, "
                f"'{book.worksheets[0].title}', was read"
            )
        rows = book.worksheets[0].iter_rows(values_only=True)
        header_cells = next(rows, None)
        if not header_cells or not any(cell is not None for cell in header_cells):
            raise _refuse(path, "its first sheet is empty (no header row).", "")
        header = [_cell_text(cell) or "" for cell in header_cells]
        names, extras = _map_header(path, header, kind)
        width = len(names)
        columns: list[list[str | None]] = [[] for _ in range(width)]
        numbers: list[int] = []
        for row_number, cells in enumerate(rows, start=2):
            texts = [_cell_text(cells[i]) if i < len(cells) else None for i in range(width)]
            if all(text is None or not text.strip() for text in texts):
                continue  # empty rows below the data are formatting, not children
            numbers.append(row_number)
            for i, text in enumerate(texts):
                columns[i].append(text)
    finally:
        book.close()
    if not numbers:
        raise _refuse(path, "it holds a header but no data rows.", "Check the export.")
    arrow = pa.table(
        {"src_row": pa.array(numbers, pa.int32())}
        | {name: pa.array(columns[i], pa.string()) for i, name in enumerate(names)}
    )
    con.register("xlsx_arrow", arrow)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE xlsx_in AS SELECT * FROM xlsx_arrow")
    finally:
        con.unregister("xlsx_arrow")
    _finish_table(con, "xlsx_in", names, kind, table)
    return RawExtract(
        table=table,
        rows_parsed=len(numbers),
        extra_columns=extras,
        notes=notes,
        file_columns=file_columns(header, names),
    )


__all__ = ["ExtractRefused", "RawExtract", "read_extract", "release", "normalise_header"]
