"""Find and read a SEN2 person-level return as COLLECT gives it back: a "Blade export".

One CSV per module, named `Blade-Export_<DD-MM-YYYY>_<module>.csv`; a file is matched by its
`_<module>.csv` ending, column names case-insensitively as exported (`persontableid`,
`NativeId`...). The modules, their columns and codes follow the DfE's "Special educational
needs person level survey" guide and technical specification, as read by MastodonC/witan.sen2
(no code of theirs is used here; README, "From the SEN2 return and the SSD").

Each module file goes through the project's own reader (data/extract_reader.py), so a Blade
file gets every refusal an extract gets (not UTF-8, a bare carriage return, a quoted field
running over whole records, a zip renamed .csv...), and rows the CSV parser cannot split come
back as rejects. The files are read into the caller's connection: data/sen2_return.py passes an
in-memory one, because the person module holds names, UPNs, ULNs and postcodes, which are used
there to derive values and never reach the database file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from data import extract_reader
from data.extract_reader import ExtractRefused, normalise_header, read_extract, release


@dataclass(frozen=True)
class Module:
    """One Blade module: the columns read, those it must have, and its ID columns (the only
    values a rejected row keeps in the quarantine; the last one links the row to what it
    belongs to: its person, request, assessment or plan)."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    ids: tuple[str, ...]
    # the rest of the module's columns in the DfE specification: not used, not "extra"
    unused: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return f"SEN2 {self.name}"


_COMMON = ("nativeid", "sourceid")
MODULES = {
    m.name: m
    for m in (
        Module(
            "person",
            ("persontableid", "nativeid", "personbirthdate", "gendercurrent", "sex",
             "postcode", "upn"),
            ("persontableid", "personbirthdate"),
            ("nativeid", "persontableid"),
            ("personorderseqcolumn", "sourceid", "sen2tableid", "surname", "forename",
             "ethnicity", "uniquelearnernumber", "upnunknown"),
        ),
        Module(
            "requests",
            ("requeststableid", "persontableid"),
            ("requeststableid", "persontableid"),
            ("persontableid", "requeststableid"),
            (*_COMMON, "requestsorderseqcolumn", "receiveddate", "requestsource", "rya",
             "requestoutcomedate", "requestoutcome", "requestmediation", "requesttribunal",
             "exported"),
        ),
        Module(
            "assessment",
            ("assessmenttableid", "requeststableid"),
            ("assessmenttableid", "requeststableid"),
            ("assessmenttableid", "requeststableid"),
            (*_COMMON, "assessmentorderseqcolumn", "assessmentoutcome", "assessmentoutcomedate",
             "assessmentmediation", "assessmenttribunal", "othermediation", "othertribunal",
             "week20"),
        ),
        Module(
            "namedplan",
            ("namedplantableid", "assessmenttableid", "startdate"),
            ("assessmenttableid", "startdate"),
            ("namedplantableid", "assessmenttableid"),
            (*_COMMON, "namedplanorderseqcolumn", "planres", "planwbp", "pb", "oa", "dp",
             "ceasedate", "ceasereason"),
        ),
        Module(
            "activeplans",
            ("activeplanstableid", "requeststableid", "transferla", "lastreview"),
            ("activeplanstableid", "requeststableid"),
            ("activeplanstableid", "requeststableid"),
            (*_COMMON, "activeplansorderseqcolumn", "res", "wbp", "reviewmeeting",
             "reviewoutcome", "reviewdraft", "phasetransferduedate", "phasetransferfinaldate"),
        ),
        Module(
            "placementdetail",
            ("placementdetailtableid", "activeplanstableid", "urn", "ukprn", "sensetting",
             "placementrank", "entrydate", "leavingdate"),
            ("activeplanstableid", "sensetting", "placementrank", "entrydate", "leavingdate"),
            ("placementdetailtableid", "activeplanstableid"),
            (*_COMMON, "placementdetailorderseqcolumn", "sensettingother", "attendancepattern",
             "senunitindicator", "resourcedprovisionindicator", "res", "wbp"),
        ),
        Module(
            "senneed",
            ("senneedtableid", "activeplanstableid", "sentype", "sentyperank"),
            ("activeplanstableid", "sentype", "sentyperank"),
            ("senneedtableid", "activeplanstableid"),
            (*_COMMON, "senneedorderseqcolumn"),
        ),
    )
}  # fmt: skip
# Without these the caseload and the cohort cannot be derived: a folder lacking one is refused.
REQUIRED_MODULES = ("person", "requests", "activeplans", "placementdetail")
# Modules a Blade export holds that this dashboard does not need (recognised, not read).
UNUSED_MODULES = ("sen2", "plandetail")

for _module in MODULES.values():
    # registered here, so extract_reader stays about file formats (as data/caseload.py does)
    extract_reader.LAYOUTS[_module.kind] = (list(_module.columns), list(_module.required))

_DATED_NAME = re.compile(r".*?([0-9]{2})-([0-9]{2})-([0-9]{4})_[a-z0-9]+\.csv", re.ASCII)


@dataclass
class BladeExport:
    """A folder holding one Blade export: its module files and the export's date."""

    folder: Path
    files: dict[str, Path]
    export_date: dt.date | None
    ignored: list[str] = field(default_factory=list)


@dataclass
class ModuleRead:
    """What reading one module gave: rows, rejected rows (IDs only) and unknown columns."""

    module: Module
    file: Path
    rows: int = 0
    # (row number, reason, JSON of the module's ID columns, the row's own ID or None)
    rejects: list[tuple[int, str, str, str | None]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


def _refuse(folder: Path, problem: str, action: str) -> ExtractRefused:
    return ExtractRefused(
        f"The SEN2 return in '{folder.name}' was not loaded: {problem} {action} "
        "Nothing in the database was changed."
    )


def _module_of(name: str) -> str | None:
    lower = name.lower()
    for module in (*MODULES, *UNUSED_MODULES):
        if lower.endswith(f"_{module}.csv"):
            return module
    return None


def _export_date(folder: Path, files: dict[str, Path]) -> dt.date | None:
    """The date in the files' names (DD-MM-YYYY); None when no name carries one."""
    dates = {}
    for path in files.values():
        match = _DATED_NAME.fullmatch(path.name.lower())
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                dates[path.name] = dt.date(year, month, day)
            except ValueError:
                raise _refuse(
                    folder,
                    f"the date in the file name '{path.name}' is not a date.",
                    "Name the files as COLLECT does: Blade-Export_DD-MM-YYYY_<module>.csv.",
                ) from None
    distinct = sorted(set(dates.values()))
    if len(distinct) > 1:
        raise _refuse(
            folder,
            "its files come from different exports (dated "
            + ", ".join(d.strftime("%d-%m-%Y") for d in distinct)
            + ").",
            "Put the files of one export, and only those, in the folder.",
        )
    return distinct[0] if distinct else None


def find_export(folder: str | Path) -> BladeExport:
    """The export's module files in `folder`; refused when a required module is missing, a
    module has two files, or the files' dates disagree."""
    folder = Path(folder)
    if not folder.is_dir():
        raise _refuse(
            folder,
            "that path is not a folder." if folder.exists() else "the folder does not exist.",
            "Give the folder holding the export's CSV files (Blade-Export_DD-MM-YYYY_*.csv).",
        )
    found: dict[str, list[Path]] = {}
    ignored = []
    for path in sorted(folder.iterdir()):
        module = _module_of(path.name) if path.is_file() else None
        if module is None:
            ignored.append(path.name)
        elif module in MODULES:
            found.setdefault(module, []).append(path)
    twice = {m: paths for m, paths in found.items() if len(paths) > 1}
    if twice:
        module, paths = next(iter(twice.items()))
        raise _refuse(
            folder,
            f"it holds {len(paths)} files for the {module} module ("
            + ", ".join(p.name for p in paths)
            + ").",
            "Keep one export in the folder.",
        )
    missing = [m for m in REQUIRED_MODULES if m not in found]
    if missing:
        raise _refuse(
            folder,
            "the module file(s) "
            + ", ".join(f"*_{m}.csv" for m in missing)
            + " are missing (the caseload and the cohort need person, requests, activeplans "
            "and placementdetail).",
            "Export every module of the return from COLLECT into the folder.",
        )
    files = {m: paths[0] for m, paths in found.items()}
    return BladeExport(folder, files, _export_date(folder, files), ignored)


def _only_header(path: Path) -> bool:
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        next(handle, None)
        return not any(line.strip() for line in handle)


def _sanitised(module: Module, raw_json: str) -> tuple[str, str | None]:
    """A rejected row's cells reduced to the module's ID columns (a person row's name, UPN,
    ULN and postcode never reach the quarantine), and the ID of what the row belongs to."""
    try:
        cells = json.loads(raw_json)
    except ValueError:
        cells = {}
    kept = {name: cells.get(name) for name in module.ids if cells.get(name)}
    key = (cells.get(module.ids[-1]) or "").strip() or None
    return json.dumps({"module": module.name, **kept}), key


def read_module(con: duckdb.DuckDBPyConnection, module: Module, path: Path | None) -> ModuleRead:
    """Read one module file into the temp table `b_<module>` (all columns as text, `src_row`,
    `extras`); an optional module that is absent or holds only its header gives no rows."""
    table = f"b_{module.name}"  # from the fixed module list, never from a file
    columns = ", ".join(f'NULL::VARCHAR AS "{c}"' for c in module.columns)
    empty = f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT NULL::INTEGER AS src_row, {columns}, NULL AS extras LIMIT 0"  # noqa: E501, S608
    if path is None:
        con.execute(empty)
        return ModuleRead(module, Path(f"(no {module.name} file)"))
    try:
        raw = read_extract(con, path, module.kind)
    except ExtractRefused:
        if module.name in REQUIRED_MODULES or not _only_header(path):
            raise
        con.execute(empty)
        return ModuleRead(module, path)
    known = {*module.columns, *module.unused}
    read = ModuleRead(
        module,
        path,
        rows=raw.rows_parsed,
        unknown_columns=[c for c in raw.extra_columns if normalise_header(c) not in known],
    )
    for row, reason, raw_json in raw.rejects:
        kept, key = _sanitised(module, raw_json)
        read.rejects.append((row, f"{module.name} row {row}: {reason}", kept, key))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM raw")  # noqa: S608
    release(con)
    return read


def read_export(con: duckdb.DuckDBPyConnection, export: BladeExport) -> dict[str, ModuleRead]:
    """Every module the dashboard uses, into `b_<module>` temp tables of `con`."""
    return {name: read_module(con, m, export.files.get(name)) for name, m in MODULES.items()}


__all__ = ["BladeExport", "MODULES", "ModuleRead", "find_export", "read_export"]
