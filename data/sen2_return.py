"""Load a period's cohort and caseload from the SEN2 return every council already makes.

    python -m data.load sen2-return DIR --period YYYY-MM [--postcodes FILE] [--ssd DIR]
                                        [--db PATH] [--replace] [--any-period]

DIR holds a Blade export (data/sen2_blade.py); --ssd DIR the Standard Safeguarding Dataset's
person, CLA, CP and CIN tables (data/ssd.py); --postcodes FILE the postcode-prefix lookup that
gives each child's district (data/postcodes.py; the approximate Kent starter by default).

Two steps, so that identifying values never reach the database file:

1. Read and derive IN MEMORY (`Sen2Return`): every file goes through the project's reader into
   an in-memory DuckDB with spilling to disk switched off; data/sql/sen2_person.sql and
   sen2_plans.sql derive, at the date the return describes, one row per usable plan (the
   caseload) and per plan out of school (the cohort) in the extract contract's text forms,
   and the rows that cannot be used with their reasons. UPN, ULN, names and postcodes are read
   there to derive district and care status, and are in none of the rows handed on.
2. Publish (`Sen2Load.publish`, called by data/load.py's `load_batch`): the derived rows go
   through the same staging, quarantine, warnings, refusals (`--replace`), load report,
   audit and atomic publish as `python -m data.load caseload` and `cohort` would give the
   equivalent files, in one transaction, with the period's as-at date and whether care status
   was supplied (the `period_info` table).

The date the return describes (`as_at`) is the census date R (the period's last day), unless
the export's date (in its file names) falls inside the month: then the export cannot know R
yet, and the plans are read, and the worklist's statutory clocks worked out, at the export's
date. An export made before the month began is refused; one older than the export already
loaded for the period needs --replace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from data import postcodes as postcode_lookup
from data import sen2_blade, ssd, store
from data.extract_reader import ExtractRefused, RawExtract
from data.load import (
    LoadRefused,
    LoadReport,
    _load_caseload_into,
    _load_cohort_into,
    census_date,
    check_period,
    load_batch,
)

SOURCE = "SEN2 return"
# Where each contract column of the derived rows comes from in the return (module: field, as
# data/sen2_blade.py reads them), so the data-quality page names the field to fix at source.
# A row number of these loads is the plan's row in the activeplans module.
FILE_COLUMNS = {
    "child_id": "person: nativeid (else persontableid)",
    "date_of_birth": "person: personbirthdate",
    "gender": "person: gendercurrent (else sex)",
    "district": "person: postcode (through the postcode lookup)",
    "primary_need": "senneed: sentype of sentyperank 1",
    "placement_status": "placementdetail: sensetting, entrydate, leavingdate",
    "out_of_school_since": "placementdetail: leavingdate",
    "imported_from": "activeplans: transferla",
    "ehcp_issued": "namedplan: startdate",
    "last_annual_review": "activeplans: lastreview",
    "cin": "SSD: child in need episodes",
    "cp": "SSD: child protection plans",
    "cla": "SSD: looked after episodes",
    "previously_looked_after": "SSD: looked after episodes",
}
CASELOAD_FILE_COLUMNS = {
    c: n
    for c, n in FILE_COLUMNS.items()
    if c not in {"placement_status", "out_of_school_since", "imported_from", "ehcp_issued",
                 "last_annual_review"}
}  # fmt: skip
# Dates as COLLECT writes them (2022-Sep-28 00:00:00), ISO, UK, and the SSD's SQL datetimes.
DATE_FORMATS = [
    "%Y-%b-%d %H:%M:%S",
    "%Y-%b-%d",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%g",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]


def as_at_date(export_date: dt.date | None, period: str, folder: Path) -> dt.date:
    """The date the return describes for `period`: R, or the export's date inside the month."""
    census = census_date(period)
    if export_date is None or export_date >= census:
        return census
    if export_date < census.replace(day=1):
        raise ExtractRefused(
            f"The SEN2 return in '{folder.name}' was not loaded: it was exported on "
            f"{export_date:%d-%m-%Y}, before {period} began, so it cannot say who was out of "
            f"school on {census:%d-%m-%Y}. Load it for its own month, or load a later export. "
            "Nothing in the database was changed."
        )
    return export_date


def _memory_connection() -> duckdb.DuckDBPyConnection:
    """In memory, and never spilling to a temporary directory: the person module's names,
    UPNs and postcodes must not be written to disk, even for a moment."""
    con = duckdb.connect(":memory:", config={"temp_directory": ""})
    formats = ", ".join(f"'{f}'" for f in DATE_FORMATS)  # constants above, not file text
    con.execute(
        "CREATE OR REPLACE TEMP MACRO sen2_date(s) AS "
        f"try_strptime(nullif(trim(s), ''), [{formats}])::DATE"
    )
    return con


@dataclass
class Sen2Load:
    """One period derived from a return, ready for load_batch's `derived` list."""

    period: str
    as_at: dt.date
    export_name: str
    export_date: dt.date | None
    care_supplied: bool
    caseload: pa.Table
    cohort: pa.Table
    # (row, reason, raw values JSON of IDs only, child_id) for the caseload's quarantine
    rejects: list[tuple[int, str, str, str | None]]
    notes: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)

    @property
    def extra_bytes(self) -> int:
        """Room the new rows may take in the working copy (load_batch checks free space)."""
        return 3 * (self.caseload.nbytes + self.cohort.nbytes)

    def publish(self, con, *, synthetic: bool, replace: bool) -> list[LoadReport]:
        """Stage and publish the caseload, then the cohort, in one transaction of `con` (the
        loader's working copy), as the caseload and cohort loads would the equivalent files."""
        for name, table in (("sen2_caseload_in", self.caseload), ("sen2_cohort_in", self.cohort)):
            # written outside the transaction, like the reader's tables (see load_batch)
            con.register("sen2_arrow", table)
            try:
                # fixed table names; the rows come from the derivation, not from a file
                con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM sen2_arrow")  # noqa: S608
            finally:
                con.unregister("sen2_arrow")
        path = Path(self.export_name)
        with store.transaction(con):
            self._refuse_older_export(con, replace)
            con.execute("CREATE OR REPLACE TEMP VIEW raw AS SELECT * FROM sen2_caseload_in")
            raw = RawExtract(
                "raw",
                self.caseload.num_rows,
                extra_columns=self.extra_columns,
                rejects=[(row, reason, values) for row, reason, values, _ in self.rejects],
                notes=self.notes,
                file_columns=CASELOAD_FILE_COLUMNS,
            )
            plans = _load_caseload_into(con, raw, path, self.period, synthetic, replace)
            plans.kind = "caseload (SEN2 return)"
            # the quarantine's child ID column, for plans whose person is known
            con.execute(
                "UPDATE quarantine SET child_id = json_extract_string(raw_values, '$.child_id') "
                "WHERE load_id = $id AND child_id IS NULL",
                {"id": plans.load_id},
            )
            con.execute("CREATE OR REPLACE TEMP VIEW raw AS SELECT * FROM sen2_cohort_in")
            raw = RawExtract(
                "raw",
                self.cohort.num_rows,
                notes=[
                    f"the cohort: the plans out of school on {self.as_at:%d %B %Y} (no "
                    "placement open, or one of SENsetting NIEO, NIEC or NEET), from the same "
                    "return; a plan quarantined in the caseload report is in neither"
                ],
                file_columns=FILE_COLUMNS,
            )
            cohort = _load_cohort_into(con, raw, path, self.period, synthetic, replace)
            cohort.kind = "cohort (SEN2 return)"
            store.run_sql_file(
                con,
                "publish_sen2_period.sql",
                {
                    "period": self.period,
                    "as_at": self.as_at,
                    "care_supplied": self.care_supplied,
                    "source": SOURCE,
                    "export_date": self.export_date,
                    "load_id": cohort.load_id,
                },
            )
        con.execute("DROP TABLE sen2_caseload_in; DROP TABLE sen2_cohort_in")
        return [plans, cohort]

    def _refuse_older_export(self, con, replace: bool) -> None:
        held = con.execute(
            "SELECT export_date FROM period_info WHERE period = $period", {"period": self.period}
        ).fetchone()
        if replace or held is None or held[0] is None or self.export_date is None:
            return
        if self.export_date < held[0]:
            raise LoadRefused(
                f"The SEN2 return '{self.export_name}' was not loaded: period {self.period} "
                f"holds the export of {held[0]:%d-%m-%Y}, and this one is older "
                f"({self.export_date:%d-%m-%Y}). Loading it would turn the worklist back. If "
                "that is what you mean, load it again with --replace. Nothing in the database "
                "was changed."
            )


class Sen2Return:
    """A Blade export (and SSD) read once into memory; `derive(period)` gives a Sen2Load."""

    def __init__(self, folder, *, postcodes=None, ssd_folder=None):
        # every refusal that needs no reading comes first: nothing is read from a folder
        # that cannot be used
        self.export = sen2_blade.find_export(folder)
        self.lookup = postcode_lookup.read_lookup(postcodes)
        self.ssd_files = ssd.find_ssd(ssd_folder) if ssd_folder is not None else None
        self.con: duckdb.DuckDBPyConnection | None = None
        self.modules: dict[str, sen2_blade.ModuleRead] = {}
        self.ssd_rows: dict[str, int] = {}

    def __enter__(self) -> Sen2Return:
        self.read()
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def read(self) -> None:
        con = self.con = _memory_connection()
        self.modules = sen2_blade.read_export(con, self.export)
        if self.ssd_files is not None:
            self.ssd_rows = ssd.read_ssd(con, self.ssd_files)
        else:
            ssd.no_ssd(con)
        con.execute("CREATE TEMP TABLE postcode_lookup (prefix VARCHAR, district VARCHAR)")
        con.executemany("INSERT INTO postcode_lookup VALUES (?, ?)", list(self.lookup.pairs))
        con.execute(
            "CREATE TEMP TABLE sen2_unreadable (module VARCHAR, key VARCHAR, src_row INTEGER)"
        )
        unreadable = [
            (name, key, row)
            for name, read in self.modules.items()
            for row, _, _, key in read.rejects
            if key is not None
        ]
        if unreadable:
            con.executemany("INSERT INTO sen2_unreadable VALUES (?, ?, ?)", unreadable)

    def derive(self, period: str) -> Sen2Load:
        """The period's caseload and cohort rows, derived at the date the return describes."""
        if self.con is None:
            raise RuntimeError("read() the return before deriving a period")
        as_at = as_at_date(self.export.export_date, period, self.export.folder)
        params = {"as_at": as_at, "ssd": self.ssd_files is not None}
        store.run_sql_file(self.con, "sen2_person.sql", params)
        store.run_sql_file(self.con, "sen2_plans.sql", params)
        caseload = self.con.sql("SELECT * FROM sen2_caseload_rows").to_arrow_table()
        cohort = self.con.sql("SELECT * FROM sen2_cohort_rows").to_arrow_table()
        rejects = [
            (row, reason, values, child)
            for row, reason, values, child in self.con.execute(
                "SELECT src_row, reason, raw_values, child_id FROM sen2_rejects"
            ).fetchall()
        ]
        # rows the CSV parser could not split: the plans' own, and those of the other files
        for read in self.modules.values():
            rejects += read.rejects
        load = Sen2Load(
            period=period,
            as_at=as_at,
            export_name=self.export.folder.name,
            export_date=self.export.export_date,
            care_supplied=self.ssd_files is not None,
            caseload=caseload,
            cohort=cohort,
            rejects=rejects,
            extra_columns=[
                f"{name}: {column}"
                for name, read in self.modules.items()
                for column in read.unknown_columns
            ],
        )
        load.notes = self._notes(load)
        return load

    def _notes(self, load: Sen2Load) -> list[str]:
        export = self.export
        dated = f"dated {export.export_date:%d-%m-%Y}" if export.export_date else "undated"
        files = ", ".join(
            f"{name} {read.rows:,}" for name, read in self.modules.items() if read.rows
        )
        notes = [
            f"derived from the SEN2 return (Blade export {dated}; rows read by file: {files})",
            f"plans read as at {load.as_at:%d %B %Y}"
            + (
                " (the census date)"
                if load.as_at == census_date(load.period)
                else " (the export's date, inside the month): the worklist's statutory "
                "clocks are worked out at this date"
            ),
            "rows read = active plans, plus rows of the other files that belong to no plan "
            "or could not be read (each quarantined with its reason)",
            self.lookup.describe(),
            "names, UPNs, ULNs and postcodes were used in memory to derive district and care "
            "status; none of them is stored",
        ]
        people = self.con.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT has_upn), "
            "count(*) FILTER (WHERE ssd_matched) FROM person_values "
            "WHERE person_id IN (SELECT person_id FROM plan_status)"
        ).fetchone()
        if self.ssd_files is None:
            notes.append(
                "care status NOT SUPPLIED (no --ssd): the pages say so for this period "
                "instead of showing children with no care status"
            )
        else:
            notes.append(
                f"care status from the SSD at {load.as_at:%d %B %Y}: {people[2]:,} of "
                f"{people[0]:,} children with a plan matched an SSD person by UPN; "
                f"{people[1]:,} have no UPN to match (care status None)"
            )
            notes += [
                f"SSD {name}: {count:,}" for name, count in self.ssd_rows.items() if "(" in name
            ]
        for name in sen2_blade.MODULES:
            if name not in export.files and name not in sen2_blade.REQUIRED_MODULES:
                notes.append(f"no {name} file in the export: " + _MISSING_EFFECT[name])
        if export.ignored:
            notes.append(f"{len(export.ignored):,} other file(s) in the folder were not read")
        return notes


_MISSING_EFFECT = {
    "senneed": "primary need is Not recorded",
    "namedplan": "the plan issue date is not known",
    "assessment": "the plan issue date is not known (named plans link to requests through it)",
}


def load_sen2_return(
    folder,
    period: str,
    db_path=None,
    *,
    postcodes=None,
    ssd_folder=None,
    synthetic: bool = False,
    replace: bool = False,
    any_period: bool = False,
) -> list[LoadReport]:
    """Load `period`'s caseload and cohort from the Blade export in `folder` (reports: the
    caseload's, then the cohort's)."""
    check_period(period, any_period)
    with Sen2Return(folder, postcodes=postcodes, ssd_folder=ssd_folder) as sen2:
        load = sen2.derive(period)
    return load_batch(db_path, [], derived=[load], synthetic=synthetic, replace=replace)


__all__ = ["Sen2Load", "Sen2Return", "as_at_date", "load_sen2_return"]
